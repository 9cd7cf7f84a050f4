# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kibana spaces (/api/spaces/space): the family's resource spec and its quirks
(tests/emulator/contract/spaces.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.stackops.kibana.plugins.module_utils._client import Empty
from ansible_collections.stackops.kibana.plugins.module_utils._compare import overlay
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource
from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
from ansible_collections.stackops.kibana.plugins.module_utils._paths import space_id_problem

SPACE_PATH = "/api/spaces/space"
SOLUTIONS = ["es", "oblt", "security", "classic"]
# A space with one of these solution views answers with the features Kibana derives from the
# solution instead of its own list (contract/spaces.md, withSpaceSolutionDisabledFeatures).
DERIVED_FEATURES_SOLUTIONS = ("es", "oblt", "security")
# The first self-managed Kibana whose space schema has `solution` (contract/spaces.md).
SOLUTION_SINCE = (8, 18)
COLOR = re.compile(r"^#[a-zA-Z0-9]{6}\Z")
MAX_INITIALS = 2
MAX_DISABLED_FEATURES = 100
# module option -> Kibana field
FIELDS = (("name", "name"), ("description", "description"), ("color", "color"),
          ("initials", "initials"), ("image_url", "imageUrl"),
          ("disabled_features", "disabledFeatures"), ("solution", "solution"))

SPACE_OPTIONS = dict(
    id=dict(type="str", required=True),
    name=dict(type="str"),
    description=dict(type="str"),
    color=dict(type="str"),
    initials=dict(type="str"),
    image_url=dict(type="str"),
    disabled_features=dict(type="list", elements="str"),
    solution=dict(type="str", choices=SOLUTIONS),
)

SPACE_INFO_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
)


def space_path(space_id):
    problem = space_id_problem(space_id, "id")
    if problem:
        raise ResourceError(problem)
    return "%s/%s" % (SPACE_PATH, space_id)


def space_view(space):
    """A space as users see it: the module's option names."""
    view = dict((option, space[field]) for option, field in FIELDS if field in space)
    view["id"] = space.get("id")
    view["reserved"] = bool(space.get("_reserved"))
    return view


def check_space_answer(answer, what):
    """A space answer must be a space object: anything else is a clear failure."""
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
        raise ResourceError("Kibana's answer to %s is not a space: %r" % (what, answer))
    return answer


class SpaceResource(Resource):
    name = "space"
    title = "space"
    natural_key = ()
    required_for_create = ("name",)
    server_owned = ("reserved",)
    unordered = ("disabledFeatures",)

    current = None

    def validate(self):
        params = self.params
        problem = space_id_problem(params.get("id"), "id")
        if problem:
            raise ResourceError(problem)
        if params.get("name") is not None and not params["name"].strip():
            raise ResourceError("name must not be empty or blank")
        if params.get("color") is not None and not COLOR.match(params["color"]):
            raise ResourceError("color %r must be a 6 digit hex color starting with #, for "
                                "example #00BFB3" % params["color"])
        if params.get("initials") is not None and len(params["initials"]) > MAX_INITIALS:
            raise ResourceError("initials %r has more than %d characters"
                                % (params["initials"], MAX_INITIALS))
        image = params.get("image_url")
        if image is not None and image != "" and not image.startswith("data:image"):
            raise ResourceError("image_url must be a data URL starting with 'data:image' (or '' "
                                "for none); Kibana does not fetch images from links")
        features = params.get("disabled_features")
        if features is not None and len(features) > MAX_DISABLED_FEATURES:
            raise ResourceError("disabled_features has %d entries: Kibana accepts at most %d"
                                % (len(features), MAX_DISABLED_FEATURES))
        if features is not None and any(not f for f in features):
            raise ResourceError("disabled_features must not hold empty names")
        self._check_features_with_solution(params.get("solution"))

    def _check_features_with_solution(self, solution):
        if self.params.get("disabled_features") is not None and \
                solution in DERIVED_FEATURES_SOLUTIONS:
            raise ResourceError(
                "disabled_features cannot be set on a space whose solution is %r: Kibana derives "
                "the disabled features of an es, oblt or security space from its solution. Use "
                "solution=classic to choose them." % solution)

    def lookup(self):
        self.current = super(SpaceResource, self).lookup()
        return self.current

    # ------------------------------------------------------------ the set form (kibana_spaces)

    @classmethod
    def list_all(cls, client):
        answer = client.get(SPACE_PATH, expect=list, keys=("id",))
        return [check_space_answer(s, "GET spaces") for s in answer]

    def to_config(self, obj):
        config = dict((k, v) for k, v in space_view(obj).items() if k != "reserved")
        if obj.get("solution") in DERIVED_FEATURES_SOLUTIONS:
            config.pop("disabled_features", None)  # Kibana's, derived from the solution
        return config

    def replace(self, current):
        """Unset options back to Kibana's defaults: no description, no image, no disabled
        features (unless the solution derives them). Kibana derives initials and color from
        the name, and a solution cannot be removed: those are left as they are."""
        for option, field in (("description", "description"), ("image_url", "imageUrl")):
            if self.params.get(option) is None and (current or {}).get(field):
                self.params[option] = ""
        solution = self.params.get("solution") or (current or {}).get("solution")
        if self.params.get("disabled_features") is None and \
                solution not in DERIVED_FEATURES_SOLUTIONS:
            self.params["disabled_features"] = []

    def undeletable_reason(self, obj):
        return "reserved (the default space)" if obj.get("_reserved") else None

    def read(self, object_id):
        found = self.client.get(space_path(object_id), absent_ok=True, expect=dict, keys=("id",))
        return None if found is None else check_space_answer(found, "GET space %s" % object_id)

    def desired(self):
        desired = {}
        for option, field in FIELDS:
            if self.params.get(option) is not None:
                desired[field] = self.params[option]
        if "name" in desired:
            desired["name"] = desired["name"].strip()  # Kibana trims a new name
        if self.current is not None and "solution" not in desired:
            self._check_features_with_solution(self.current.get("solution"))
        if "solution" in desired and desired["solution"] != (self.current or {}).get("solution"):
            self._require_solution_support(self.current)
        return desired

    def comparable(self, current):
        view = dict(current)
        view.setdefault("disabledFeatures", [])
        if current.get("solution") in DERIVED_FEATURES_SOLUTIONS:
            view.pop("disabledFeatures")  # Kibana's, not the space's own list
        return view

    def _require_solution_support(self, current):
        """`solution` exists from Kibana 8.18 (self-managed) on: older ones refuse the key. A
        space that already has a solution proves the support without asking."""
        if self.params.get("solution") is None or (current or {}).get("solution"):
            return
        number, parsed = self.target_version()
        if parsed is None:
            raise ResourceError("solution cannot be set on serverless Kibana (its projects have "
                                "one solution). Nothing was changed.")
        if parsed and parsed[:2] < SOLUTION_SINCE:
            raise ResourceError("solution needs Kibana %d.%d or later, and the target Kibana is "
                                "%s. Nothing was changed." % (SOLUTION_SINCE + (number,)))

    def guard(self, current, action):
        # Kibana lets the reserved (default) space be updated, never deleted.
        if action == "delete" and current.get("_reserved"):
            raise ResourceError("The %s space is reserved: Kibana does not allow it to be "
                                "deleted. Nothing was changed." % current.get("id"))

    def create(self, desired):
        body = dict(desired, id=self.params["id"])
        return check_space_answer(self.client.post(SPACE_PATH, body, expect=dict, keys=("id",)),
                                  "POST space")

    def update(self, current, desired):
        # PUT is a partial update in Kibana, but its schema wants the whole space: send the
        # stored one with the user's fields laid over it.
        body = overlay(dict((k, v) for k, v in current.items() if k != "_reserved"), desired)
        body["id"] = current["id"]
        answer = self.client.put(space_path(current["id"]), body, expect=dict, keys=("id",))
        return check_space_answer(answer, "PUT space")

    def delete(self, current):
        self.client.delete(space_path(current["id"]), expect=Empty)  # 204

    def predict(self, current, desired):
        predicted = super(SpaceResource, self).predict(current, desired)
        predicted.setdefault("disabledFeatures", [])
        return predicted

    def output(self, obj):
        return space_view(obj)


def space_info(client, params):
    """kibana_space_info: one space by id, or all (optionally those with a name)."""
    if params.get("id"):
        found = client.get(space_path(params["id"]), absent_ok=True, expect=dict, keys=("id",))
        spaces = [check_space_answer(found, "GET space")] if found is not None else []
    else:
        answer = client.get(SPACE_PATH, expect=list, keys=("id",))
        if not isinstance(answer, list):
            raise ResourceError("Kibana's answer to GET %s is not a list of spaces: %r"
                                % (SPACE_PATH, answer))
        spaces = [check_space_answer(s, "GET spaces") for s in answer]
    if params.get("name") is not None:
        spaces = [s for s in spaces if s.get("name") == params["name"]]
    return {"spaces": [space_view(s) for s in spaces]}
