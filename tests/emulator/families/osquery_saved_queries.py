"""Osquery saved queries, per tests/emulator/contract/osquery-saved-queries.md (written from the
route handlers under x-pack/platform/plugins/shared/osquery/server/routes/saved_query/, their
io-ts schemas under common/api/saved_query/ and the API integration test
x-pack/platform/test/api_integration/apis/osquery/saved_queries.ts).

Saved queries are `osquery-saved-query` saved objects stored per space. Two ids: Kibana's
`saved_object_id` (a generated UUID, in the path of read/update/delete) and the human `id`
attribute (chosen by the caller, unique per space: 409 on create and on update). Attributes are
kept as stored: `ecs_mapping` as an array of `{key, value}`, `interval` a string after a create
(the create schema types it `t.string`) and a number after an update (`toNumberRt`)."""

import copy

from ..app import Family, new_id, now_iso
from ..errors import KibanaError, bad_request, conflict, not_found, saved_object_not_found
from .osquery_packs import (
    UNDEFINED,
    Errors,
    _boolean,
    _ecs_entry,
    _record,
    _sort_value,
    _string,
    _to_number,
)

SO_TYPE = "osquery-saved-query"
TIMEOUT_RANGE = (60, 60 * 60 * 24)  # inRangeRt(60, 60 * 60 * 24) in @kbn/osquery-io-ts-types
PREBUILT_CREATED_AT = "2024-01-01T00:00:00.000Z"
# Attributes of the osquery-saved-query mappings the saved-object find can sort on
# [unverified list]; the route's default sort is `id`.
SORTABLE = {"id", "description", "query", "platform", "version", "interval", "created_at",
            "created_by", "updated_at", "updated_by", "type"}
# Seeded prebuilt saved queries (osquery_manager integration assets).
PREBUILT = [
    {"saved_object_id": "osquery_manager-a1b2c3d4-0000-4000-8000-000000000001",
     "id": "kernel_info_elastic", "query": "select * from kernel_info;", "interval": "3600",
     "description": "Kernel version and boot arguments", "platform": "linux,darwin,windows",
     "ecs_mapping": [{"key": "host.os.kernel", "value": {"field": "version"}}]},
]


def _timeout(value, path, errors):
    # inRangeRt(60, 86400): a number within the range, no string coercion
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not TIMEOUT_RANGE[0] <= value <= TIMEOUT_RANGE[1]:
        errors.invalid(value, path)
    return value


def _check(body, required, optional):
    """io-ts t.type(...) of the saved-query routes, through buildRouteValidation (non-exact:
    unknown keys pass and are ignored by the handler)."""
    errors = Errors("request body")
    if not isinstance(body, dict):
        errors.invalid(UNDEFINED if body is None else body, [])
        errors.raise_if_any()
    out = {}
    for key, check in required.items():
        out[key] = check(body.get(key, UNDEFINED), [key], errors)
    for key, check in optional.items():
        if key in body:  # null is not undefined: io-ts refuses it
            out[key] = check(body[key], [key], errors)
    errors.raise_if_any()
    return out


def validate_create(body):
    """createSavedQueryRequestSchema: id, query and interval (a string) required."""
    return _check(body, {"id": _string, "query": _string, "interval": _string},
                  {"description": _string, "platform": _string, "version": _string,
                   "timeout": _timeout, "snapshot": _boolean, "removed": _boolean,
                   "ecs_mapping": _record(_ecs_entry)})


def validate_update(body):
    """updateSavedQueryRequestBodySchema: id and query required, interval a number or a numeric
    string (toNumberRt)."""
    return _check(body, {"id": _string, "query": _string},
                  {"description": _string, "platform": _string, "version": _string,
                   "interval": _to_number, "timeout": _timeout, "snapshot": _boolean,
                   "removed": _boolean, "ecs_mapping": _record(_ecs_entry)})


def _lodash_empty(value):
    """lodash isEmpty: true for null, booleans, numbers, "", [] and {}."""
    if value is None or isinstance(value, (bool, int, float)):
        return True
    return len(value) == 0


def ecs_to_array(mapping):
    return [{"key": key, "value": copy.deepcopy(value)} for key, value in mapping.items()]


def ecs_to_object(mapping):
    return {item["key"]: copy.deepcopy(item["value"]) for item in mapping or []}


class OsquerySavedQueries(Family):
    name = "osquery_saved_queries"

    def routes(self):
        base = "/api/osquery/saved_queries"
        return [
            ("GET", base, "find"),
            ("POST", base, "create"),
            ("GET", f"{base}/<so_id>", "read"),
            ("PUT", f"{base}/<so_id>", "update"),
            ("DELETE", f"{base}/<so_id>", "delete"),
        ]

    def emulator_routes(self):
        return [("POST", "/osquery/saved_queries/prebuilt", "seed_prebuilt")]

    # ------------------------------------------------------------------ state

    @property
    def queries(self):
        """saved_object_id -> {"so_id", "space", "attributes", "prebuilt", "created"}"""
        return self.emulator.store("osquery_saved_queries").setdefault("queries", {})

    def reset(self):
        self.queries.clear()
        for item in PREBUILT:
            attributes = {k: copy.deepcopy(v) for k, v in item.items() if k != "saved_object_id"}
            attributes.update(created_at=PREBUILT_CREATED_AT, created_by="elastic",
                              updated_at=PREBUILT_CREATED_AT, updated_by="elastic")
            self._store("default", item["saved_object_id"], attributes, prebuilt=True)

    def forget_space(self, space):
        for so_id in [i for i, e in self.queries.items() if e["space"] == space]:
            del self.queries[so_id]

    def _store(self, space, so_id, attributes, prebuilt=False):
        entry = {"so_id": so_id, "space": space, "attributes": attributes, "prebuilt": prebuilt,
                 "created": len(self.queries)}
        self.queries[so_id] = entry
        return entry

    def _get(self, space, so_id):
        entry = self.queries.get(so_id)
        return entry if entry is not None and entry["space"] == space else None

    def _require_unique_id(self, space, query_id, exclude=None):
        # the handlers search `osquery-saved-query.attributes.id: "<id>"` with the
        # request-scoped (space) client
        for entry in self.queries.values():
            if entry["space"] == space and entry["so_id"] != exclude \
                    and entry["attributes"].get("id") == query_id:
                raise conflict(f'Saved query with id "{query_id}" already exists.')

    # ------------------------------------------------------------------ rendering

    @staticmethod
    def _render(entry):
        """read/find: every attribute (undefined ones left out by JSON), ecs_mapping as an
        object, `prebuilt`, `saved_object_id`."""
        attributes = entry["attributes"]
        data = {}
        for key in ("created_at", "created_by", "description", "id", "removed", "snapshot",
                    "version", "interval", "timeout", "platform", "query", "updated_at",
                    "updated_by"):
            if attributes.get(key) is not None:
                data[key] = copy.deepcopy(attributes[key])
        if attributes.get("ecs_mapping") is not None:
            data["ecs_mapping"] = ecs_to_object(attributes["ecs_mapping"])
        data["created_by_profile_uid"] = attributes.get("created_by_profile_uid")
        data["updated_by_profile_uid"] = attributes.get("updated_by_profile_uid")
        data["prebuilt"] = entry["prebuilt"]
        data["saved_object_id"] = entry["so_id"]
        return data

    # ------------------------------------------------------------------ routes

    def find(self, call):
        errors = Errors("request query")
        query = {}
        for key in ("page", "pageSize"):
            if key in call.query:
                query[key] = _to_number(call.query[key], [key], errors)
        order = call.query.get("sortOrder")
        if order is not None and order not in ("asc", "desc"):
            errors.invalid(order, ["sortOrder"])
        errors.raise_if_any()
        page = int(query.get("page") or 1)
        per_page = int(query.get("pageSize") or 20)  # the saved-objects find default
        sort_field = call.query.get("sort") or "id"
        if sort_field not in SORTABLE:
            raise bad_request(f"Unknown sort field {sort_field}")  # [unverified wording]
        entries = [e for e in self.queries.values() if e["space"] == call.space]
        created_by = call.query.get("createdBy")
        if created_by:
            users = {u.strip() for u in created_by.split(",")}
            entries = [e for e in entries if e["attributes"].get("created_by") in users]
        if call.query.get("id"):
            wanted = call.query["id"].strip()
            entries = [e for e in entries if e["attributes"].get("id") == wanted]
        elif (call.query.get("search") or "").strip():
            term = call.query["search"].strip().lower()
            entries = [e for e in entries if any(
                term in str(e["attributes"].get(k) or "").lower()
                for k in ("id", "description", "query"))]
        present = [e for e in entries if e["attributes"].get(sort_field) is not None]
        missing = [e for e in entries if e["attributes"].get(sort_field) is None]
        present.sort(key=lambda e: (_sort_value(e["attributes"][sort_field]), e["created"]),
                     reverse=(order or "desc") == "desc")
        ordered = present + missing
        start = (max(page, 1) - 1) * per_page
        return {"page": page, "per_page": per_page, "total": len(ordered),
                "data": [self._render(e) for e in ordered[start:start + per_page]]}

    def create(self, call):
        body = validate_create(call.body)
        self._require_unique_id(call.space, body["id"])
        now = now_iso()
        attributes = {k: copy.deepcopy(body[k]) for k in (
            "id", "description", "query", "platform", "version", "interval", "snapshot",
            "removed", "timeout") if k in body}
        if "ecs_mapping" in body:
            attributes["ecs_mapping"] = ecs_to_array(body["ecs_mapping"])
        attributes.update(created_by=call.user, created_at=now, updated_by=call.user,
                          updated_at=now)
        # pickBy(!isEmpty || isBoolean || isNumber): empty strings and mappings are not stored
        attributes = {k: v for k, v in attributes.items()
                      if not _lodash_empty(v) or isinstance(v, (bool, int, float))}
        entry = self._store(call.space, new_id(), attributes)
        # The answer: pickBy(!isEmpty || isNumber) - booleans (snapshot, removed) are left out
        # (lodash isEmpty(true) is true), ecs_mapping echoed as sent; no `prebuilt`.
        data = {}
        for key in ("created_at", "created_by", "description", "id", "removed", "snapshot",
                    "version", "interval", "timeout", "platform", "query", "updated_at",
                    "updated_by"):
            value = attributes.get(key)
            if value is not None and (not _lodash_empty(value) or
                                      (isinstance(value, (int, float))
                                       and not isinstance(value, bool))):
                data[key] = value
        data["saved_object_id"] = entry["so_id"]
        if body.get("ecs_mapping"):
            data["ecs_mapping"] = copy.deepcopy(body["ecs_mapping"])
        data["created_by_profile_uid"] = None
        data["updated_by_profile_uid"] = None
        return {"data": data}

    def read(self, call):
        entry = self._get(call.space, call.args["so_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["so_id"])
        return {"data": self._render(entry)}

    def update(self, call):
        so_id = call.args["so_id"]
        body = validate_update(call.body)
        entry = self._get(call.space, so_id)
        if entry is not None and entry["prebuilt"]:
            raise conflict("Elastic prebuilt Saved query cannot be updated.")
        self._require_unique_id(call.space, body["id"], exclude=so_id)
        if entry is None:
            raise not_found(f"Saved query {so_id} not found")
        # A partial saved-object update: undefined keys keep the stored value; an omitted
        # description becomes "" (`description || ''`).
        changes = {k: copy.deepcopy(body[k]) for k in (
            "id", "platform", "query", "version", "interval", "timeout", "snapshot", "removed")
            if k in body}
        changes["description"] = body.get("description") or ""
        if "ecs_mapping" in body:
            changes["ecs_mapping"] = ecs_to_array(body["ecs_mapping"])
        changes.update(updated_by=call.user, updated_at=now_iso())
        entry["attributes"].update(changes)
        attributes = entry["attributes"]
        data = {k: copy.deepcopy(attributes[k]) for k in (
            "description", "id", "removed", "snapshot", "version", "interval", "timeout",
            "platform", "query", "updated_at", "updated_by") if attributes.get(k) is not None}
        if "ecs_mapping" in body or attributes.get("ecs_mapping") is not None:
            data["ecs_mapping"] = body.get("ecs_mapping") or \
                ecs_to_object(attributes.get("ecs_mapping"))
        data["saved_object_id"] = so_id
        return {"data": data}

    def delete(self, call):
        so_id = call.args["so_id"]
        entry = self._get(call.space, so_id)
        if entry is not None and entry["prebuilt"]:
            raise conflict("Elastic prebuilt Saved query cannot be deleted.")
        if entry is None:
            raise not_found(f"Saved query {so_id} not found")
        del self.queries[so_id]
        return {}

    # ------------------------------------------------------------------ /_emulator/

    def seed_prebuilt(self, call):
        """Body {"id", "query", "interval"?, "description"?, "platform"?, "space"?}: install a
        prebuilt saved query, as the osquery_manager integration's assets would."""
        body = call.body or {}
        if not isinstance(body.get("id"), str) or not isinstance(body.get("query"), str):
            raise bad_request("a prebuilt saved query needs an id and a query")
        space = body.get("space", "default")
        if space not in self.emulator.spaces:
            raise bad_request(f"unknown space {space}")
        self._require_unique_id(space, body["id"])
        attributes = {k: body[k] for k in ("id", "query", "interval", "description", "platform")
                      if body.get(k) is not None}
        attributes.update(created_at=PREBUILT_CREATED_AT, created_by="elastic",
                          updated_at=PREBUILT_CREATED_AT, updated_by="elastic")
        so_id = "osquery_manager-" + new_id()
        if so_id in self.queries:
            raise KibanaError(409, f"Saved object [{SO_TYPE}/{so_id}] conflict")
        return {"data": self._render(self._store(space, so_id, attributes, prebuilt=True))}
