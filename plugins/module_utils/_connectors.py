# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action connectors (/api/actions/connector): the family's resource spec and its quirks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.stackops.kibana.plugins.module_utils._client import Empty
from ansible_collections.stackops.kibana.plugins.module_utils._compare import (
    defaults_as_removed,
    drop_none,
    merge_removing_none,
    overlay,
)
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource, Step
from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
from ansible_collections.stackops.kibana.plugins.module_utils._paths import join

CONNECTOR_PATH = "/api/actions/connector"
CONNECTORS_PATH = "/api/actions/connectors"

CONNECTOR_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    connector_type_id=dict(type="str"),
    config=dict(type="dict"),
    secrets=dict(type="dict", no_log=True),
    secrets_update=dict(type="str", default="on_create", choices=["on_create", "always"]),
    recreate=dict(type="bool", default=False),
)

CONNECTOR_MODULE_KWARGS = dict(
    required_one_of=[("id", "name")],
)

CONNECTOR_INFO_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    connector_type_id=dict(type="str"),
)

# Kibana fills these into `config` when they are not sent (kibana-api/connectors.md, trap 4).
# The comparison ignores keys the user did not set, so they never cause a change; the table makes
# check mode predict the stored config.
TYPE_CONFIG_DEFAULTS = {
    ".webhook": {"method": "post", "hasAuth": True},
    ".email": {"hasAuth": True, "service": "other"},
    ".index": {"refresh": False},
    ".servicenow": {"isOAuth": False, "usesTableApi": True},
    ".servicenow-sir": {"isOAuth": False, "usesTableApi": True},
    ".servicenow-itom": {"isOAuth": False},
    ".xmatters": {"usesBasic": True},
    ".swimlane": {"mappings": {}},
    ".cases-webhook": {"createIncidentMethod": "post", "updateIncidentMethod": "put",
                       "createCommentMethod": "put", "hasAuth": True,
                       "authType": "webhook-authentication-basic"},
}


def blank_strings(value, where):
    """The paths of the blank (empty or whitespace-only) strings inside a value, however deep."""
    if isinstance(value, str):
        return [where] if not value.strip() else []
    if isinstance(value, dict):
        items = (("%s.%s" % (where, k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = (("%s[%d]" % (where, i), v) for i, v in enumerate(value))
    else:
        return []
    return [path for child, item in items for path in blank_strings(item, child)]


def list_connectors(client):
    return client.get(CONNECTORS_PATH, expect=list, keys=("id", "name"))


def public_view(connector):
    """What users see: never secrets."""
    return dict((k, v) for k, v in connector.items() if k != "secrets")


def secret_leaves(value):
    """Every string inside a secrets dict (to scrub them from error messages)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in secret_leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in secret_leaves(v)]
    return [value] if isinstance(value, str) and value else []


def find_by_name(client, name):
    return [c for c in list_connectors(client) if c.get("name") == name]


class ConnectorResource(Resource):
    name = "connector"
    title = "connector"
    natural_key = ("name",)
    create_only = ("connector_type_id",)
    required_for_create = ("name", "connector_type_id")
    caller_id = True
    server_owned = ("referenced_by_count", "is_missing_secrets", "is_deprecated",
                    "is_connector_type_deprecated")

    def __init__(self, client, params):
        super(ConnectorResource, self).__init__(client, params)
        #: `replaced` (set form): the stored config becomes exactly the declared one
        self.exact_config = False
        # Kibana may quote a rejected value (a webhook URL, a host) in its error message: the
        # client scrubs the connector's secrets as well as the credentials in use.
        if client is not None:
            client.add_secrets(secret_leaves(params.get("secrets")))

    def validate(self):
        """Kibana's route schemas refuse a blank string anywhere in config or secrets
        (validateEmptyStrings, actions/common/validate_empty_strings.ts) with a 400: refused
        here, before any request, so that check mode fails as the real run does. (A blank name
        is refused with the other arguments.)"""
        blank = [path for option in ("config", "secrets")
                 for path in blank_strings(self.params.get(option), option)]
        if blank:
            raise ResourceError(
                "%s must not be empty or only whitespace: Kibana refuses blank strings in a "
                "connector's config and secrets (\"value '' is not valid\"). Leave a key "
                "out (or set it to null in config) instead." % ", ".join(blank))

    def read(self, object_id):
        return self.client.get(join(CONNECTOR_PATH, ("id", object_id)), absent_ok=True, expect=dict,
                               keys=("id", "name"))

    @classmethod
    def list_all(cls, client):
        return list_connectors(client)

    def to_config(self, obj):
        # secrets are write-only in Kibana: never gathered (declare them from a vault)
        return {"id": obj["id"], "name": obj.get("name"),
                "connector_type_id": obj.get("connector_type_id"),
                "config": drop_none(obj.get("config") or {})}

    def replace(self, current):
        """config becomes exactly the declared keys over the type's defaults: stored keys not
        declared are compared as unset (None) and left out of the update."""
        self.exact_config = True
        kind = self.params.get("connector_type_id") or (current or {}).get("connector_type_id")
        config = overlay(TYPE_CONFIG_DEFAULTS.get(kind, {}), self.params.get("config") or {})
        for key, value in ((current or {}).get("config") or {}).items():
            if key not in config and value is not None:
                config[key] = None
        self.params["config"] = config

    def find(self):
        return find_by_name(self.client, self.params["name"])

    def desired(self):
        desired = {}
        for key in ("name", "connector_type_id", "config"):
            if self.params.get(key) is not None:
                desired[key] = self.params[key]
        return desired

    def comparable(self, current):
        view = dict(current)
        view["config"] = defaults_as_removed(
            current.get("config"), self.params.get("config"),
            TYPE_CONFIG_DEFAULTS.get(current.get("connector_type_id"), {}))
        return view

    def read_only_reason(self, current):
        if current.get("is_preconfigured"):
            return "preconfigured (defined in kibana.yml)"
        if current.get("is_system_action"):
            return "a system connector"
        return None

    def _secrets_due(self, current):
        """Secrets are write-only: send them on create, when Kibana reports them missing, or on
        every run with secrets_update=always."""
        if self.params.get("secrets") is None:
            return False
        if current is None or self.params["secrets_update"] == "always":
            return True
        return bool(current.get("is_missing_secrets"))

    def sent_secrets(self, current, desired):
        # Every write carries the secrets the user gave (an update without them would wipe them).
        return ["secrets"] if self.params.get("secrets") is not None else []

    def plan(self, current, desired):
        if self.changes(current, desired) or self._secrets_due(current):
            return [Step("update", lambda: self.update(current, desired))]
        return []

    def create(self, desired):
        body = {"name": desired["name"], "connector_type_id": desired["connector_type_id"],
                "config": drop_none(desired.get("config") or {}), "secrets": self.params.get("secrets") or {}}
        return self.client.post(join(CONNECTOR_PATH, ("id", self.create_id())), body, expect=dict,
                                keys=("id", "name"))

    def update(self, current, desired):
        # PUT replaces config and secrets wholesale: send the stored config with the user's keys
        # laid over it, and the secrets again (Kibana would otherwise store {}).
        base = {} if self.exact_config else drop_none(current.get("config") or {})
        # a key given as None is removed (Kibana then stores its default, if the type has one)
        config = drop_none(merge_removing_none(base, desired.get("config") or {}))
        body = {"name": desired.get("name") or current["name"], "config": config}
        if self.params.get("secrets") is not None:
            body["secrets"] = self.params["secrets"]
        else:
            self.warnings.append(
                "connector %s is updated without secrets: Kibana replaces stored secrets with "
                "what an update sends, so set secrets for connector types that have them"
                % current["id"])
        return self.client.put(join(CONNECTOR_PATH, ("id", current["id"])), body, expect=dict,
                               keys=("id", "name"))

    def delete(self, current):
        self.client.delete(join(CONNECTOR_PATH, ("id", current["id"])), expect=Empty)  # 204

    def predict(self, current, desired):
        predicted = super(ConnectorResource, self).predict(current, desired)
        if current is None:
            defaults = TYPE_CONFIG_DEFAULTS.get(desired.get("connector_type_id"), {})
            predicted["config"] = overlay(defaults, desired.get("config") or {})
            predicted.update(is_preconfigured=False, is_system_action=False,
                             is_deprecated=False, is_missing_secrets=False)
        elif self.exact_config:
            predicted["config"] = drop_none(desired.get("config") or {})
        return predicted

    def output(self, obj):
        return public_view(obj)


def connector_info(client, params):
    """kibana_connector_info: one connector by id or name, or all (optionally of one type)."""
    if params.get("id"):
        found = client.get(join(CONNECTOR_PATH, ("id", params["id"])), absent_ok=True, expect=dict,
                           keys=("id", "name"))
        connectors = [found] if found else []
    else:
        connectors = list_connectors(client)
    for key in ("name", "connector_type_id"):
        if params.get(key) is not None:
            connectors = [c for c in connectors if c.get(key) == params[key]]
    return {"connectors": [public_view(c) for c in connectors]}
