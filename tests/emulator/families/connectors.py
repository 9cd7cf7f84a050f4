"""Action connectors, per kibana-api/connectors.md."""

import copy
import re

from ..app import Family, new_id
from ..errors import (KibanaError, bad_request, forbidden, saved_object_conflict,
                      saved_object_not_found)
from ..schema import ESO_ID_MESSAGE, UUID, Field, check_object
from .type_registry import CONNECTOR_TYPES

SO_TYPE = "action"
CONNECTOR_ID_MAX_LENGTH = 36
SLUG = re.compile(r"^[a-z0-9-]+$")


def connector_id_problem(connector_id, version):
    """Why Kibana refuses a caller-chosen connector id, or None.

    Before 9.4 the ESO wrapper requires a UUID (v1-5 or nil, any case) and answers with its
    Bad Request message. From 9.4 (kibana PR #255922, `action` registered with
    enforceRandomId: false) the route's params schema runs validateConnectorId
    (x-pack/platform/plugins/shared/actions/common/.../validate_connector_id.ts): a lowercase
    slug of at most 36 characters, answered as a [request params.id] schema error.
    """
    if version < (9, 4):
        return None if UUID.match(connector_id) else ESO_ID_MESSAGE
    if len(connector_id) > CONNECTOR_ID_MAX_LENGTH:
        problem = (f"Connector ID must be {CONNECTOR_ID_MAX_LENGTH} characters or less "
                   f"(received {len(connector_id)}).")
    elif "/" in connector_id or ".." in connector_id:
        problem = 'Connector ID must not contain path separators ("/") or traversal sequences ("..").'
    elif not SLUG.match(connector_id):
        problem = "Connector ID must contain only lowercase letters, numbers, and hyphens."
    else:
        return None
    return f"[request params.id]: {problem}"


def empty_string_problem(value):
    """validateEmptyStrings (actions/common/validate_empty_strings.ts): a blank string anywhere
    inside the value, however deep, fails with one fixed text."""
    if isinstance(value, str):
        return "value '' is not valid" if value.strip() == "" else None
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) \
        else ()
    for child in children:
        problem = empty_string_problem(child)
        if problem:
            return problem
    return None


class RecordOf(Field):
    """schema.recordOf(schema.string(), schema.any({validate})): each value validated under its
    key's path."""

    def __init__(self, **kwargs):
        super().__init__("object", **kwargs)

    def check(self, value, where):
        value = super().check(value, where)
        if isinstance(value, dict):
            for key, item in value.items():
                problem = empty_string_problem(item)
                if problem:
                    raise bad_request(f"[{where}.{key}]: {problem}")
        return value


def non_blank(**kwargs):
    return Field("string", validate=empty_string_problem, **kwargs)


# create/schemas/v1.ts and update/schemas/v1.ts under actions/common/routes/connector/apis/.
CREATE_FIELDS = {
    "name": non_blank(required=True),
    "connector_type_id": non_blank(required=True),
    "config": RecordOf(default=dict),
    "secrets": RecordOf(default=dict),
}
UPDATE_FIELDS = {
    "name": non_blank(required=True),
    "config": RecordOf(default=dict),
    "secrets": RecordOf(default=dict),
}

# Seeded as if from kibana.yml (preconfigured) and built in (system): visible in every space.
# System connectors are not readable through the public routes (get -> 404, not in the list:
# spaces_only/tests/actions/get.ts, get_all.ts); updating or deleting them is refused.
FIXED = [
    {"id": "my-slack1", "name": "Slack #xyz", "connector_type_id": ".slack",
     "is_preconfigured": True, "is_deprecated": False, "is_system_action": False},
    {"id": "system-connector-.cases", "name": "Cases", "connector_type_id": ".cases",
     "is_preconfigured": False, "is_deprecated": False, "is_system_action": True},
]


class Connectors(Family):
    name = "connectors"

    def routes(self):
        return [
            ("GET", "/api/actions/connector_types", "list_types"),
            ("GET", "/api/actions/connectors", "list_connectors"),
            ("POST", "/api/actions/connector", "create"),
            ("POST", "/api/actions/connector/<connector_id>", "create"),
            ("GET", "/api/actions/connector/<connector_id>", "get"),
            ("PUT", "/api/actions/connector/<connector_id>", "update"),
            ("DELETE", "/api/actions/connector/<connector_id>", "delete"),
            ("POST", "/api/actions/connector/<connector_id>/_execute", "execute"),
        ]

    def emulator_routes(self):
        return [
            ("GET", "/connectors/<connector_id>/secrets", "peek_secrets"),
            ("POST", "/connectors/<connector_id>/missing_secrets", "mark_missing_secrets"),
        ]

    @property
    def connectors(self):
        """id -> {"space", "connector" (as returned), "secrets"}."""
        return self.emulator.store("connectors")

    def reset(self):
        self.connectors.clear()

    def forget_space(self, space):
        for connector_id in [i for i, c in self.connectors.items() if c["space"] == space]:
            del self.connectors[connector_id]

    # ------------------------------------------------------------------ helpers

    def _fixed(self, connector_id):
        return next((dict(c) for c in FIXED if c["id"] == connector_id), None)

    def _find(self, call, connector_id):
        entry = self.connectors.get(connector_id)
        if entry is None or entry["space"] != call.space:
            raise saved_object_not_found(SO_TYPE, connector_id)
        return entry

    def _referenced_by(self, space, connector_id):
        count = 0
        for family in self.emulator.families:
            counter = getattr(family, "count_connector_references", None)
            if counter:
                count += counter(space, connector_id)
        return count

    # ------------------------------------------------------------------ routes

    @staticmethod
    def _authorize(call, operation, type_id=None):
        """The actions client's check (actions_authorization.ts ensureAuthorized), before it
        looks anything up: `Unauthorized to <operation> a "<type>" action` when the type is
        known, else `Unauthorized to <operation> actions` (security_and_spaces group2 actions
        create.ts, get.ts, get_all.ts, update.ts, delete.ts)."""
        if not call.privileged:
            what = f'a "{type_id}" action' if type_id else "actions"
            raise forbidden(f"Unauthorized to {operation} {what}")

    def _types(self):
        version = self.emulator.version_tuple()
        return {i: t for i, t in CONNECTOR_TYPES.items() if version >= t.since}

    def list_types(self, call):
        feature = call.query.get("feature_id")
        return [t.describe() for t in self._types().values()
                if feature is None or feature in t.features]

    def list_connectors(self, call):
        """Preconfigured and the space's connectors, each with referenced_by_count, sorted by
        name (getAll; spaces_only/tests/actions/get_all.ts). System connectors are left out."""
        self._authorize(call, "get")
        out = [dict(f) for f in FIXED if not f["is_system_action"]]
        out += [copy.deepcopy(e["connector"]) for e in self.connectors.values()
                if e["space"] == call.space]
        for item in out:
            item["referenced_by_count"] = self._referenced_by(call.space, item["id"])
        return sorted(out, key=lambda c: c["name"].casefold())

    def create(self, call):
        connector_id = call.args.get("connector_id")
        version = self.emulator.version_tuple()
        if connector_id is None and call.api_path.endswith("/") and version < (8, 8):
            # Kibana <= 8.7 had no route for a trailing slash (connectors.md, path quirk).
            raise KibanaError(404, "Not Found")
        if connector_id is not None and version >= (9, 4):
            # Route params are validated before the body.
            problem = connector_id_problem(connector_id, version)
            if problem:
                raise bad_request(problem)
        body = check_object(call.body, CREATE_FIELDS)
        self._authorize(call, "create", body["connector_type_id"])
        # The actions client's order (application/connector/methods/create/create.ts).
        if connector_id is not None and self._fixed(connector_id):
            raise bad_request(f"This {connector_id} already exists in a preconfigured action.")
        ctype = self._types().get(body["connector_type_id"])
        if ctype is None:
            raise bad_request(f'Action type "{body["connector_type_id"]}" is not registered.')
        if ctype.system:
            raise bad_request(f"System action creation is forbidden. Action type: {ctype.id}.")
        config, secrets = ctype.validate(body["config"], body["secrets"], version)
        if connector_id is not None:
            problem = connector_id_problem(connector_id, version)
            if problem:
                raise bad_request(problem)
            if connector_id in self.connectors:
                raise saved_object_conflict(SO_TYPE, connector_id)
        else:
            connector_id = new_id()
        connector = {"id": connector_id, "name": body["name"], "connector_type_id": ctype.id,
                     "config": config, "is_preconfigured": False, "is_deprecated": False,
                     "is_missing_secrets": False, "is_system_action": False}
        self.connectors[connector_id] = {"space": call.space, "connector": connector,
                                         "secrets": secrets}
        return copy.deepcopy(connector)

    def get(self, call):
        self._authorize(call, "get")
        fixed = self._fixed(call.args["connector_id"])
        if fixed and not fixed["is_system_action"]:
            return fixed
        return copy.deepcopy(self._find(call, call.args["connector_id"])["connector"])

    def update(self, call):
        connector_id = call.args["connector_id"]
        body = check_object(call.body, UPDATE_FIELDS)
        self._authorize(call, "update")
        fixed = self._fixed(connector_id)
        if fixed:
            kind = "System action" if fixed["is_system_action"] else "Preconfigured action"
            raise bad_request(f"{kind} {connector_id} can not be updated.")
        entry = self._find(call, connector_id)
        connector = entry["connector"]
        ctype = CONNECTOR_TYPES[connector["connector_type_id"]]
        # A full overwrite: config and secrets are replaced by what was sent ({} when omitted).
        config, secrets = ctype.validate(body["config"], body["secrets"],
                                         self.emulator.version_tuple())
        connector.update({"name": body["name"], "config": config, "is_missing_secrets": False})
        entry["secrets"] = secrets
        return copy.deepcopy(connector)

    def delete(self, call):
        connector_id = call.args["connector_id"]
        self._authorize(call, "delete")
        fixed = self._fixed(connector_id)
        if fixed:
            kind = "System action" if fixed["is_system_action"] else "Preconfigured action"
            raise bad_request(f"{kind} {connector_id} is not allowed to delete.")
        self._find(call, connector_id)
        del self.connectors[connector_id]
        return 204, None

    def execute(self, call):
        connector_id = call.args["connector_id"]
        connector = self._fixed(connector_id) or self._find(call, connector_id)["connector"]
        # execute authorizes with the connector's type once it is read [unverified order].
        self._authorize(call, "execute", connector["connector_type_id"])
        return {"status": "ok", "connector_id": connector_id, "data": {}}

    # ------------------------------------------------------------------ /_emulator/

    def peek_secrets(self, call):
        entry = self.connectors.get(call.args["connector_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["connector_id"])
        return copy.deepcopy(entry["secrets"])

    def mark_missing_secrets(self, call):
        """As after a saved-objects import: secrets gone, is_missing_secrets true."""
        entry = self.connectors.get(call.args["connector_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["connector_id"])
        entry["secrets"] = {}
        entry["connector"]["is_missing_secrets"] = True
        return copy.deepcopy(entry["connector"])
