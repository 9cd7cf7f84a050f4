"""The spaces API (/api/spaces/space), following tests/emulator/contract/spaces.md.

Sources (x-pack/platform/plugins/shared/spaces/server/...): lib/space_schema.ts (the body
schema of POST and PUT), routes/api/external/{post,put,get,get_all,delete}.ts (statuses and
messages), spaces_client/spaces_client.ts (defaults, name trimming, partial update, the
reserved space), default_space/create_default_space.ts (the default space)."""

import copy
import re

from ..app import Family
from ..errors import KibanaError, bad_request
from ..schema import Field, array_size, check_object, min_length, one_of, type_name

# lib/space_schema.ts SPACE_ID_REGEX and its message
SPACE_ID = re.compile(r"^[a-z0-9_\-]+\Z")  # JavaScript's $ (no match before a final newline)
SPACE_ID_MESSAGE = "must be lower case, a-z, 0-9, '_', and '-' are allowed"
COLOR = re.compile(r"^#[a-zA-Z0-9]{6}\Z")
MAX_SPACE_INITIALS = 2  # common/constants.ts
MAX_DISABLED_FEATURES = 100
# common/constants.ts TRADITIONAL_SOLUTION_VIEWS, accepted by the self-managed schema only
SOLUTIONS = ("es", "oblt", "security", "classic")
# The first self-managed version whose space schema has `solution` [tf: the provider's
# acceptance tests skip it below 8.18.0 (internal/kibana/spaces/acc_test.go)].
SOLUTION_SINCE = (8, 18)
# the attributes a space saved object stores (spaces_client.ts generateSpaceAttributes)
ATTRIBUTES = ("name", "description", "color", "initials", "imageUrl", "disabledFeatures",
              "solution")
# Features by category, for the features a solution view disables (lib/utils/
# space_solution_disabled_features.ts uses the registered features' categories; the search and
# chat ids are [unverified], a few well-known ones).
# The observability and security ids are the ones a space with solution `es` answers in
# x-pack/test/spaces_api_integration/common/suites/create.agnostic.ts and get_all.agnostic.ts.
FEATURES_BY_CATEGORY = {
    "observability": ["apm", "infrastructure", "inventory", "logs", "observabilityCases",
                      "observabilityCasesV2", "slo", "uptime"],
    "securitySolution": ["securitySolutionAssistant", "securitySolutionAttackDiscovery",
                         "securitySolutionCases", "securitySolutionCasesV2", "siem"],
    "enterpriseSearch": ["enterpriseSearch", "searchPlayground"],
    "chat": [],
}
SOLUTION_DISABLES = {
    "es": ("observability", "securitySolution", "chat"),
    "oblt": ("securitySolution", "chat"),
    "security": ("observability", "enterpriseSearch", "chat"),
}
DEFAULT_SPACE = {"id": "default", "name": "Default", "description": "This is your default space!",
                 "color": "#00bfb3", "disabledFeatures": [], "_reserved": True}


def _max_length(maximum):
    return lambda v: (f"value has length [{len(v)}] but it must have a maximum length of "
                      f"[{maximum}]." if len(v) > maximum else None)


def _pattern(regex, message):
    return lambda value: None if regex.match(value) else message


def _image(value):
    if value != "" and not value.startswith("data:image"):
        return "must start with 'data:image'"
    return None


def _query_boolean(value):
    return None if value in ("true", "false") else \
        f"expected value of type [boolean] but got [{type_name(value)}]"


def _solution(value):
    if value in SOLUTIONS:
        return None
    return "types that failed validation:\n" + "\n".join(
        f"- [request body.solution.{i}]: expected value to equal [{s}]" for i, s in enumerate(SOLUTIONS))


SPACE_FIELDS = {
    "id": Field("string", required=True, validate=_pattern(SPACE_ID, SPACE_ID_MESSAGE)),
    "name": Field("string", required=True, validate=min_length(1)),
    "description": Field("string"),
    "initials": Field("string", validate=_max_length(MAX_SPACE_INITIALS)),
    "color": Field("string", validate=_pattern(COLOR, "must be a 6 digit hex color, starting with a #")),
    "disabledFeatures": Field("array", default=list, items=Field("string"), validate=array_size(high=MAX_DISABLED_FEATURES)),
    "_reserved": Field("boolean"),
    "imageUrl": Field("string", validate=_image),
}
# routes/api/external/get_all.ts: the query schema (a query boolean is the string true/false)
LIST_QUERY = {
    "purpose": one_of("any", "copySavedObjectsIntoSpace", "shareSavedObjectsIntoSpace"),
    "include_authorized_purposes": Field("any", validate=_query_boolean),
}
PURPOSES = ("any", "copySavedObjectsIntoSpace", "findSavedObjects", "shareSavedObjectsIntoSpace")
SOLUTION_FIELD = {"solution": Field("string", validate=_solution)}


def solution_disabled_features(attributes):
    """withSpaceSolutionDisabledFeatures: a space with a solution other than classic answers
    with the features of the other solutions' categories, not its stored list."""
    solution = attributes.get("solution") or "classic"
    if solution not in SOLUTION_DISABLES:
        return list(attributes.get("disabledFeatures") or [])
    return [f for c in SOLUTION_DISABLES[solution] for f in FEATURES_BY_CATEGORY[c]]


def space_view(space_id, attributes):
    """transformSavedObjectToSpace: undefined attributes are left out of the JSON."""
    view = {"id": space_id}
    for key in ("name", "description", "color", "initials", "imageUrl", "disabledFeatures",
                "_reserved", "solution"):
        if attributes.get(key) is not None:
            view[key] = copy.deepcopy(attributes[key])
    view.setdefault("name", "")
    view["disabledFeatures"] = solution_disabled_features(attributes)
    return view


class Spaces(Family):
    name = "spaces"

    def routes(self):
        return [
            ("GET", "/api/spaces/space", "list_spaces"),
            ("POST", "/api/spaces/space", "create_space"),
            ("GET", "/api/spaces/space/<space_id>", "get_space"),
            ("PUT", "/api/spaces/space/<space_id>", "update_space"),
            ("DELETE", "/api/spaces/space/<space_id>", "delete_space"),
        ]

    def reset(self):
        # default_space/create_default_space.ts: the reserved space every Kibana has
        self.emulator.spaces["default"] = copy.deepcopy(DEFAULT_SPACE)

    @property
    def spaces(self):
        """id -> the space's stored attributes (the emulator's routing uses the same dict)."""
        return self.emulator.spaces

    def _schema(self):
        fields = dict(SPACE_FIELDS)
        if self.emulator.version_tuple() >= SOLUTION_SINCE:
            fields.update(SOLUTION_FIELD)
        return fields

    def _validate(self, body):
        space = check_object(body, self._schema())
        if "solution" in (body or {}) and not space.get("solution"):
            # spaces_client.ts assertSolutionWriteAllowed (requirePresent)
            raise bad_request("Unable to create Space, solution property cannot be empty")
        return space

    def list_spaces(self, call):
        query = check_object(dict(call.request.args.items()), LIST_QUERY, "request query")
        if query.get("purpose") and query.get("include_authorized_purposes") == "true":
            # routes/api/external/get_all.ts: the query object's validate()
            raise bad_request("[request query]: include_authorized_purposes can only be false "
                              "when purpose is specified")
        # spaces_client.ts getAll: sorted by name.keyword
        spaces = sorted((space_view(i, a) for i, a in self.spaces.items()), key=lambda s: s["name"])
        if query.get("include_authorized_purposes") == "true":
            # every purpose is authorized for the emulator's users (a superuser in
            # x-pack/test/spaces_api_integration/common/suites/get_all.agnostic.ts)
            for space in spaces:
                space["authorizedPurposes"] = dict.fromkeys(PURPOSES, True)
        return spaces

    def create_space(self, call):
        space = self._validate(call.body)
        space_id = space.pop("id")
        if space_id in self.spaces:
            raise KibanaError(409, f"A space with the identifier {space_id} already exists.")
        space.pop("_reserved", None)  # generateSpaceAttributes does not store it
        space["name"] = space["name"].strip()
        self.spaces[space_id] = dict((k, v) for k, v in space.items() if k in ATTRIBUTES)
        return space_view(space_id, self.spaces[space_id])

    def get_space(self, call):
        space = self.spaces.get(call.args["space_id"])
        if space is None:
            raise KibanaError(404, "Not Found")
        return space_view(call.args["space_id"], space)

    def update_space(self, call):
        space = self._validate(call.body)
        space_id = call.args["space_id"]
        existing = self.spaces.get(space_id)
        if existing is None:
            raise KibanaError(404, "Not Found")
        # The saved object update is partial: attributes the body leaves out keep their stored
        # value (terraform-provider-elasticstack issue #1881), a new name is trimmed.
        name = space["name"] if space["name"] == existing.get("name") else space["name"].strip()
        if existing.get("solution", "classic") != "classic" and \
                space.get("solution", existing["solution"]) != "classic":
            # spaces_client.ts shouldPreserveStoredDisabledFeatures: the list sent back from a
            # solution space's answer is the derived one, so the stored list is kept
            # [unverified: the exact conditions of that helper]
            space.pop("disabledFeatures", None)
        for key in ATTRIBUTES:
            if key in space:
                existing[key] = space[key]
        existing["name"] = name
        return space_view(space_id, existing)

    def delete_space(self, call):
        space_id = call.args["space_id"]
        space = self.spaces.get(space_id)
        if space is None:
            raise KibanaError(404, "Not Found")
        if space.get("_reserved"):
            raise bad_request(f"The {space_id} space cannot be deleted because it is reserved.")
        del self.spaces[space_id]
        for family in self.emulator.families:
            forget = getattr(family, "forget_space", None)
            if forget:
                forget(space_id)
        return 204, None
