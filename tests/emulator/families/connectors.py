"""Action connectors, per kibana-api/connectors.md."""

import copy
import re

from ..app import Family, new_id
from ..errors import KibanaError, bad_request, saved_object_conflict, saved_object_not_found
from ..schema import ESO_ID_MESSAGE, UUID, Field, check_object

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


def _slack_channels(channels):
    # .slack_api channels come back with an "id" even when only a name was sent (TF PR #3749).
    return [dict({"id": ""}, **c) if isinstance(c, dict) else c for c in channels]


class ConnectorType:
    def __init__(self, type_id, name, license="basic", config=None, secrets=None,
                 features=("alerting",), normalise_config=None):
        self.id = type_id
        self.name = name
        self.license = license
        self.config = config or {}
        self.secrets = secrets or {}
        self.features = list(features)
        self.normalise_config = normalise_config

    def describe(self):
        return {"id": self.id, "name": self.name, "enabled": True, "enabled_in_config": True,
                "enabled_in_license": True, "minimum_license_required": self.license,
                "supported_feature_ids": self.features, "is_system_action_type": False}

    def validate(self, config, secrets):
        try:
            config = check_object(config, self.config, where="config")
        except KibanaError as err:
            raise bad_request(f"error validating action type config: {err.message}")
        try:
            secrets = check_object(secrets, self.secrets, where="secrets")
        except KibanaError as err:
            raise bad_request(f"error validating action type secrets: {err.message}")
        if self.normalise_config:
            config = self.normalise_config(config)
        return config, secrets


def _opt_str(default=None):
    return Field("string", nullable=True, default=default)


TYPES = {t.id: t for t in [
    ConnectorType(".index", "Index", config={
        "index": Field("string", required=True),
        "refresh": Field("boolean", default=False),
        "executionTimeField": _opt_str(),
    }),
    ConnectorType(".server-log", "Server log"),
    ConnectorType(".webhook", "Webhook", license="gold", config={
        "url": Field("string", required=True),
        "method": Field("string", default="post", choices=["post", "put"]),
        "headers": Field("object", nullable=True, default=None),
        "hasAuth": Field("boolean", default=True),
        "authType": Field("string", nullable=True),
        "certType": Field("string", nullable=True),
        "ca": Field("string", nullable=True),
        "verificationMode": Field("string", nullable=True, choices=["none", "certificate", "full"]),
    }, secrets={
        "user": Field("string", nullable=True),
        "password": Field("string", nullable=True),
        "crt": Field("string", nullable=True),
        "key": Field("string", nullable=True),
        "pfx": Field("string", nullable=True),
    }),
    ConnectorType(".email", "Email", license="gold", config={
        "from": Field("string", required=True),
        "service": Field("string", default="other"),
        "host": _opt_str(),
        "port": Field("integer", nullable=True, default=None),
        "secure": Field("boolean", nullable=True, default=None),
        "hasAuth": Field("boolean", default=True),
        "tenantId": _opt_str(),
        "clientId": _opt_str(),
        "oauthTokenUrl": _opt_str(),
    }, secrets={
        "user": Field("string", nullable=True),
        "password": Field("string", nullable=True),
        "clientSecret": Field("string", nullable=True),
    }),
    ConnectorType(".slack", "Slack", license="gold", features=("alerting", "uptime"),
                  secrets={"webhookUrl": Field("string", required=True)}),
    ConnectorType(".slack_api", "Slack API", license="gold", config={
        "allowedChannels": Field("array", items=Field("object", fields={
            "id": Field("string"), "name": Field("string", required=True)})),
    }, secrets={"token": Field("string", required=True)},
        normalise_config=lambda c: dict(c, allowedChannels=_slack_channels(c["allowedChannels"]))
        if "allowedChannels" in c else c),
    ConnectorType(".pagerduty", "PagerDuty", license="gold", config={
        "apiUrl": _opt_str(),
    }, secrets={"routingKey": Field("string", required=True)}),
    ConnectorType(".teams", "Microsoft Teams", license="gold",
                  secrets={"webhookUrl": Field("string", required=True)}),
    ConnectorType(".cases", "Cases", license="platinum", features=("alerting",)),
]}

CREATE_FIELDS = {
    "connector_type_id": Field("string", required=True),
    "name": Field("string", required=True),
    "config": Field("object", default=dict),
    "secrets": Field("object", default=dict),
}
UPDATE_FIELDS = {
    "name": Field("string", required=True),
    "config": Field("object", default=dict),
    "secrets": Field("object", default=dict),
}

# Seeded as if from kibana.yml (preconfigured) and built in (system): visible in every space.
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

    def list_types(self, call):
        feature = call.query.get("feature_id")
        return [t.describe() for t in TYPES.values()
                if feature is None or feature in t.features]

    def list_connectors(self, call):
        out = []
        for fixed in FIXED:
            out.append(dict(fixed))
        for connector_id, entry in self.connectors.items():
            if entry["space"] == call.space:
                item = copy.deepcopy(entry["connector"])
                item["referenced_by_count"] = self._referenced_by(call.space, connector_id)
                out.append(item)
        return out

    def create(self, call):
        connector_id = call.args.get("connector_id")
        if connector_id is None and call.api_path.endswith("/") and \
                self.emulator.version_tuple() < (8, 8):
            # Kibana <= 8.7 had no route for a trailing slash (connectors.md, path quirk).
            raise KibanaError(404, "Not Found")
        version = self.emulator.version_tuple()
        if connector_id is not None and version >= (9, 4):
            # Route params are validated before the body.
            problem = connector_id_problem(connector_id, version)
            if problem:
                raise bad_request(problem)
        body = check_object(call.body, CREATE_FIELDS)
        if connector_id is not None:
            problem = connector_id_problem(connector_id, version)
            if problem:
                raise bad_request(problem)
            if connector_id in self.connectors or self._fixed(connector_id):
                raise saved_object_conflict(SO_TYPE, connector_id)
        else:
            connector_id = new_id()
        ctype = TYPES.get(body["connector_type_id"])
        if ctype is None:
            raise bad_request(f'Action type "{body["connector_type_id"]}" is not registered.')
        config, secrets = ctype.validate(body["config"], body["secrets"])
        connector = {"id": connector_id, "name": body["name"], "connector_type_id": ctype.id,
                     "config": config, "is_preconfigured": False, "is_deprecated": False,
                     "is_missing_secrets": False, "is_system_action": False}
        self.connectors[connector_id] = {"space": call.space, "connector": connector,
                                         "secrets": secrets}
        return copy.deepcopy(connector)

    def get(self, call):
        fixed = self._fixed(call.args["connector_id"])
        if fixed:
            return fixed
        return copy.deepcopy(self._find(call, call.args["connector_id"])["connector"])

    def update(self, call):
        connector_id = call.args["connector_id"]
        body = check_object(call.body, UPDATE_FIELDS)
        fixed = self._fixed(connector_id)
        if fixed:
            kind = "System action" if fixed["is_system_action"] else "Preconfigured action"
            raise bad_request(f"{kind} {connector_id} can not be updated.")
        entry = self._find(call, connector_id)
        connector = entry["connector"]
        ctype = TYPES[connector["connector_type_id"]]
        # A full overwrite: config and secrets are replaced by what was sent ({} when omitted).
        config, secrets = ctype.validate(body["config"], body["secrets"])
        connector.update({"name": body["name"], "config": config, "is_missing_secrets": False})
        entry["secrets"] = secrets
        return copy.deepcopy(connector)

    def delete(self, call):
        connector_id = call.args["connector_id"]
        fixed = self._fixed(connector_id)
        if fixed:
            kind = "System action" if fixed["is_system_action"] else "Preconfigured action"
            raise bad_request(f"{kind} {connector_id} is not allowed to delete.")
        self._find(call, connector_id)
        del self.connectors[connector_id]
        return 204, None

    def execute(self, call):
        connector_id = call.args["connector_id"]
        if not self._fixed(connector_id):
            self._find(call, connector_id)
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
