# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Osquery saved queries (/api/osquery/saved_queries): the family's resource spec and quirks
(contract: tests/emulator/contract/osquery-saved-queries.md).

A saved query has two ids: Kibana's `saved_object_id` (in the URL) and its human `id`, which
Kibana keeps unique per space; the module finds it by the latter. Kibana's create wants
`interval` as a string, answers it back as a string after a create and as a number after an
update, and clears an omitted description on update: answers are normalised here (`view`), and
every update sends the description."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

from ansible_collections.stackops.kibana.plugins.module_utils._arguments import INT_MAX, paging
from ansible_collections.stackops.kibana.plugins.module_utils._compare import (
    drop_none,
    extra_keys,
    overlay,
)
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource
from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
from ansible_collections.stackops.kibana.plugins.module_utils._paths import join
from ansible_collections.stackops.kibana.plugins.module_utils._osquery_packs import (
    PLATFORMS,
    QUERY_SETTING_OPTIONS,
    ecs_mapping_problems,
    ecs_object,
    platform_list,
    _number,
)

SAVED_QUERIES_PATH = "/api/osquery/saved_queries"
# inRangeRt(60, 60 * 60 * 24) in @kbn/osquery-io-ts-types
TIMEOUT_RANGE = (60, 86400)
SERVER_OWNED = ("saved_object_id", "prebuilt", "created_at", "created_by", "updated_at",
                "updated_by", "created_by_profile_uid", "updated_by_profile_uid")
FIELDS = ("id", "query", "description", "interval", "timeout", "platform", "version",
          "snapshot", "removed", "ecs_mapping")

OSQUERY_SAVED_QUERY_OPTIONS = dict(
    saved_object_id=dict(type="str"),
    id=dict(type="str"),
    query=dict(type="str"),
    description=dict(type="str"),
    **QUERY_SETTING_OPTIONS
)

OSQUERY_SAVED_QUERY_MODULE_KWARGS = dict(
    required_one_of=[("id", "saved_object_id")],
)

OSQUERY_SAVED_QUERY_INFO_OPTIONS = dict(
    saved_object_id=dict(type="str"),
    id=dict(type="str"),
    page=dict(type="int"),
    page_size=dict(type="int", default=100),
)

OSQUERY_SAVED_QUERY_INFO_KWARGS = dict(
    mutually_exclusive=[("saved_object_id", "id"), ("saved_object_id", "page")],
)


def view(raw):
    """A saved query from any of Kibana's answers, in the form users write."""
    out = {}
    for key in ("saved_object_id", "id", "query", "version", "snapshot", "removed", "prebuilt",
                "created_at", "created_by", "updated_at", "updated_by"):
        if raw.get(key) is not None:
            out[key] = raw[key]
    out["description"] = raw.get("description") or ""
    for key in ("interval", "timeout"):
        if raw.get(key) is not None:
            out[key] = _number(raw[key])
    platform = platform_list(raw.get("platform"))
    if platform:
        out["platform"] = platform
    mapping = ecs_object(raw.get("ecs_mapping"))
    if mapping:
        out["ecs_mapping"] = mapping
    out["prebuilt"] = bool(raw.get("prebuilt"))
    return out


def list_saved_queries(client, page=None, size=100):
    """(items, total) of the space's saved queries: one page, or every page (total None)."""
    if page is not None:
        return client.page(SAVED_QUERIES_PATH, page, size_param="pageSize", size=size,
                           items_key="data", keys=("saved_object_id",))
    return list(client.pages(SAVED_QUERIES_PATH, size_param="pageSize", size=size,
                             items_key="data", keys=("saved_object_id",))), None


def get_saved_query(client, saved_object_id):
    body = client.get(join(SAVED_QUERIES_PATH, ("saved_object_id", saved_object_id)),
                      absent_ok=True,
                      expect=dict, keys=("data",))
    if body is None:
        return None
    if not isinstance(body.get("data"), dict) or not body["data"].get("saved_object_id"):
        raise ResourceError("Kibana's answer to GET %s holds no saved query: %r"
                            % (join(SAVED_QUERIES_PATH, ("saved_object_id", saved_object_id)),
                               body))
    return view(body["data"])


def find_saved_queries(client, query_id):
    """Every saved query of the space whose human id is `query_id` (Kibana keeps it unique;
    the list has no exact filter on every version, so it is read whole)."""
    items = list_saved_queries(client)[0]
    return [view(item) for item in items if item.get("id") == query_id]


def saved_query_fields(client, names):
    """{name: the saved query's fields in the pack-query form} for each name that is the id or
    the saved object id of a saved query of the client's space (one paged read)."""
    found = {}
    for item in list_saved_queries(client)[0]:
        fields = view(item)
        fields.pop("description", None)
        if fields.get("ecs_mapping"):
            fields["ecs_mapping"] = desired_ecs_mapping(fields["ecs_mapping"])
        for name in names:
            if name in (item.get("id"), item.get("saved_object_id")) and name not in found:
                found[name] = fields
    return found


def query_fields_problems(params, where=""):
    """Kibana's checks of the fields a saved query shares with a pack query."""
    problems = []
    if params.get("query") is not None and not params["query"].strip():
        problems.append("%squery must not be empty" % where)
    if params.get("interval") is not None and params["interval"] < 1:
        problems.append("%sinterval must be at least 1 (seconds), got %d"
                        % (where, params["interval"]))
    timeout = params.get("timeout")
    if timeout is not None and not TIMEOUT_RANGE[0] <= timeout <= TIMEOUT_RANGE[1]:
        problems.append("%stimeout must be from %d to %d seconds, got %d"
                        % ((where,) + TIMEOUT_RANGE + (timeout,)))
    if params.get("ecs_mapping") is not None:
        problems.extend(ecs_mapping_problems(params["ecs_mapping"], where + "ecs_mapping"))
    return problems


def desired_ecs_mapping(mapping):
    """The user's mapping with the other key of each entry as None: a stored entry holding
    both field and value is then a difference."""
    return dict((field, {"field": entry.get("field"), "value": entry.get("value")})
                for field, entry in mapping.items() if isinstance(entry, dict))


class OsquerySavedQueryResource(Resource):
    name = "saved_query"
    title = "osquery saved query"
    plural = "osquery saved queries"
    id_option = "saved_object_id"
    natural_key = ("id",)
    required_for_create = ("id", "query", "interval")
    server_owned = SERVER_OWNED
    # the lower bounds are Kibana's checks (query_fields_problems); no documented maximum
    ranges = {"interval": (None, INT_MAX), "timeout": (None, INT_MAX)}
    unordered = ("platform",)

    def validate(self):
        problems = []
        if self.params.get("id") is not None and not self.params["id"].strip():
            problems.append("id must not be empty")
        if self.params.get("saved_object_id") is not None and \
                not self.params["saved_object_id"].strip():
            problems.append("saved_object_id must not be empty")
        problems.extend(query_fields_problems(self.params))
        if problems:
            raise ResourceError("; ".join(problems))

    def object_id(self, obj):
        return obj.get("saved_object_id")

    def read(self, object_id):
        return get_saved_query(self.client, object_id)

    def find(self):
        return find_saved_queries(self.client, self.params["id"])

    def lookup(self):
        found = super(OsquerySavedQueryResource, self).lookup()
        if found is None and self.params.get("saved_object_id") \
                and self.params.get("state", "present") == "present":
            raise ResourceError(
                "no osquery saved query with saved_object_id %r in space %r: Kibana chooses the "
                "saved object id of a new saved query, so create it by id (without "
                "saved_object_id)" % (self.params["saved_object_id"],
                                      self.params.get("space_id") or "default"))
        return found

    def desired(self):
        desired = {}
        for key in FIELDS:
            if self.params.get(key) is not None:
                desired[key] = copy.deepcopy(self.params[key])
        if "platform" in desired:
            desired["platform"] = platform_list(desired["platform"]) or list(PLATFORMS)
        if "ecs_mapping" in desired:
            desired["ecs_mapping"] = desired_ecs_mapping(desired["ecs_mapping"])
        return desired

    def comparable(self, current):
        out = copy.deepcopy(current)
        out.setdefault("platform", list(PLATFORMS))  # no platform: every platform
        return out

    def changes(self, current, desired):
        found = super(OsquerySavedQueryResource, self).changes(current, desired)
        if desired.get("ecs_mapping") is not None:  # a complete set: extra fields differ too
            found.extend(extra_keys("ecs_mapping", current.get("ecs_mapping"),
                                    desired["ecs_mapping"]))
        return sorted(set(found))

    def read_only_reason(self, current):
        if current.get("prebuilt"):
            return "a prebuilt saved query installed by the Osquery Manager integration"
        return None

    def read_only_hint(self, action):
        return " Save a copy under another id to change it."

    # ------------------------------------------------------------ writes

    @staticmethod
    def body(fields):
        body = {}
        for key in FIELDS:
            if fields.get(key) is None:
                continue
            if key == "platform":
                body[key] = ",".join(fields[key])
            elif key == "ecs_mapping":
                body[key] = dict((f, drop_none(entry)) for f, entry in fields[key].items())
            else:
                body[key] = fields[key]
        return body

    def create(self, desired):
        body = self.body(desired)
        body["interval"] = "%d" % desired["interval"]  # the create schema types it t.string
        created = self.client.post(SAVED_QUERIES_PATH, body, expect=dict, keys=("data",))
        data = created.get("data")
        if not isinstance(data, dict) or not data.get("saved_object_id"):
            raise ResourceError("Kibana's answer to the create of osquery saved query %r holds "
                                "no saved_object_id: %r" % (desired.get("id"), created))
        # The create answer leaves out snapshot and removed: read the query back.
        return self.read(data["saved_object_id"]) or view(data)

    def update(self, current, desired):
        # Kibana clears an omitted description; the rest it keeps, so the merged view is safe
        # to send whole. An ecs_mapping the user set replaces the stored one.
        merged = self.predict(current, desired)
        self.client.put(join(SAVED_QUERIES_PATH, ("saved_object_id", current["saved_object_id"])),
                        self.body(merged), expect=dict, keys=("data",))

    def delete(self, current):
        # 200 {}; Kibana's 404: deleted meanwhile (any other 404 is a failure)
        self.client.delete(join(SAVED_QUERIES_PATH,
                                ("saved_object_id", current["saved_object_id"])),
                           absent_ok=True, expect=dict, allowed_keys=())

    def predict(self, current, desired):
        if current is None:
            predicted = drop_none(copy.deepcopy(desired))
            predicted.setdefault("description", "")
            predicted.update(saved_object_id=None, prebuilt=False)
            return predicted
        base = copy.deepcopy(current)
        if desired.get("ecs_mapping") is not None:
            base.pop("ecs_mapping", None)
        merged = drop_none(overlay(base, desired))
        if not merged.get("ecs_mapping") and desired.get("ecs_mapping") is None:
            merged.pop("ecs_mapping", None)  # {} from the user is sent: it clears the mapping
        return merged

    def output(self, obj):
        out = copy.deepcopy(obj)
        if out.get("platform") == list(PLATFORMS):
            del out["platform"]
        return out


def osquery_saved_query_info(client, params):
    """osquery_saved_query_info: one saved query by saved_object_id or id, or every saved query
    of the space (or one page)."""
    if params.get("saved_object_id"):
        found = get_saved_query(client, params["saved_object_id"])
        return {"saved_queries": [found] if found else [], "total": 1 if found else 0}
    page, size = paging(params, "page_size")
    items, total = list_saved_queries(client, page, size)
    found = [view(item) for item in items]
    if params.get("id") is not None:
        found = [item for item in found if item.get("id") == params["id"]]
        total = None
    return {"saved_queries": found, "total": len(found) if total is None else total}
