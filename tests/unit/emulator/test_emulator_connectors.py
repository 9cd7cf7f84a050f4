"""The emulator's connectors family against what Kibana's own tests and sources assert.

Each test names the Kibana source it encodes (paths in elastic/kibana unless said otherwise).
"""

import uuid

import pytest

CONNECTOR = "/api/actions/connector"
# ansible.builtin.to_uuid's namespace: the filter returns uuid5(this, name).
TO_UUID_NAMESPACE = uuid.UUID("361E6D51-FAEC-444A-9079-341386DA8E2E")
SERVER_LOG = {"name": "log", "connector_type_id": ".server-log"}


def error(resp, status):
    assert resp.status_code == status, resp.text
    return resp.json()["message"]


def ids_of_every_uuid_kind():
    name = "ops-webhook"
    return {
        "v1": "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "v2": "000003e8-2c1b-21ef-8a00-325096b39f47",
        "v3": str(uuid.uuid3(uuid.NAMESPACE_DNS, name)),
        "v4": "4f6c2a2c-4b8d-4d43-9a37-8c5e4d2ab0a1",
        "v5 (to_uuid)": str(uuid.uuid5(TO_UUID_NAMESPACE, name)),
        "nil": "00000000-0000-0000-0000-000000000000",
        "upper-case v4": "4F6C2A2C-4B8D-4D43-9A37-8C5E4D2AB0A1",
    }


# UUID_REGEX, src/core/packages/saved-objects/utils-server/src/saved_objects_utils.ts:
# versions 1-5 or the nil UUID, case-insensitive. Before 9.4 the `action` type is encrypted and
# registered without enforceRandomId: false, so the ESO wrapper applies it.
@pytest.mark.parametrize("kind,connector_id", sorted(ids_of_every_uuid_kind().items()))
def test_before_9_4_any_uuid_of_versions_1_to_5_or_nil_is_a_valid_id(kibana, kind, connector_id):
    kibana.config(kibana_version="9.3.2")
    resp = kibana.api("POST", f"{CONNECTOR}/{connector_id}", SERVER_LOG)
    assert resp.status_code == 200, (kind, resp.text)
    assert resp.json()["id"] == connector_id
    assert kibana.api("GET", f"{CONNECTOR}/{connector_id}").status_code == 200


@pytest.mark.parametrize("connector_id", [
    "my-connector",
    "6f3b2a1c-0d4e-6a7b-8c9d-0e1f2a3b4c5d",  # version 6
    "6f3b2a1c-0d4e-4a7b-7c9d-0e1f2a3b4c5d",  # variant not 8/9/a/b
    "6f3b2a1c0d4e4a7b8c9d0e1f2a3b4c5d",  # no hyphens
])
def test_before_9_4_other_ids_get_the_eso_message(kibana, connector_id):
    # The message as SavedObjectsErrorHelpers.createBadRequestError words it (": Bad Request"
    # appended), x-pack/platform/plugins/shared/encrypted_saved_objects/server/saved_objects/
    # encrypted_saved_objects_client_wrapper.ts.
    kibana.config(kibana_version="9.3.2")
    assert error(kibana.api("POST", f"{CONNECTOR}/{connector_id}", SERVER_LOG), 400) == (
        "Predefined IDs are not allowed for saved objects with encrypted attributes unless the "
        "ID is a UUID.: Bad Request")


# From 9.4 (kibana PR #255922): x-pack/platform/test/alerting_api_integration/spaces_only/tests/
# actions/create.ts creates `my-custom-connector-id`; the route validates the id with
# validateConnectorId (lowercase letters, digits, hyphens; at most CONNECTOR_ID_MAX_LENGTH = 36).
@pytest.mark.kibana_min("9.4")
@pytest.mark.parametrize("connector_id", ["my-custom-connector-id", "a" * 36,
                                          str(uuid.uuid5(TO_UUID_NAMESPACE, "ops-webhook"))])
def test_from_9_4_a_lowercase_slug_is_a_valid_id(kibana, connector_id):
    resp = kibana.api("POST", f"{CONNECTOR}/{connector_id}", SERVER_LOG)
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == connector_id


@pytest.mark.kibana_min("9.4")
@pytest.mark.parametrize("connector_id,message", [
    ("My-Connector", "Connector ID must contain only lowercase letters, numbers, and hyphens."),
    ("my_connector", "Connector ID must contain only lowercase letters, numbers, and hyphens."),
    ("my@connector!", "Connector ID must contain only lowercase letters, numbers, and hyphens."),
    ("4F6C2A2C-4B8D-4D43-9A37-8C5E4D2AB0A1",
     "Connector ID must contain only lowercase letters, numbers, and hyphens."),
    ("a" * 37, "Connector ID must be 36 characters or less (received 37)."),
    ("a..b", 'Connector ID must not contain path separators ("/") or traversal sequences ("..").'),
])
def test_from_9_4_other_ids_fail_the_params_schema(kibana, connector_id, message):
    # validate_connector_id.ts and its unit test (the texts above).
    assert error(kibana.api("POST", f"{CONNECTOR}/{connector_id}", SERVER_LOG), 400) == \
        f"[request params.id]: {message}"


# --------------------------------------------------------------------------- create / update
# x-pack/platform/test/alerting_api_integration/security_and_spaces/group2/tests/actions/create.ts
# and update.ts (superuser rows), spaces_only/tests/actions/{create,update,get,get_all,delete}.ts.

INDEX = {"name": "My Connector", "connector_type_id": ".index", "config": {"index": "x"}}


def test_create_answer_has_exactly_the_documented_keys(kibana):
    made = kibana.api("POST", CONNECTOR, INDEX).json()
    assert made == {"id": made["id"], "is_preconfigured": False, "is_system_action": False,
                    "is_deprecated": False, "is_missing_secrets": False,
                    "name": "My Connector", "connector_type_id": ".index",
                    "config": {"index": "x", "refresh": False, "executionTimeField": None}}
    assert kibana.api("GET", f"{CONNECTOR}/{made['id']}").json() == made


@pytest.mark.parametrize("body,message", [
    ({}, "[request body.name]: expected value of type [string] but got [undefined]"),
    (dict(INDEX, name=" "), "[request body.name]: value '' is not valid"),
    (dict(INDEX, config={"index": " "}), "[request body.config.index]: value '' is not valid"),
    # validateEmptyStrings walks nested values; the path names the top-level key
    (dict(INDEX, config={"index": "x", "deep": {"a": [" "]}}),
     "[request body.config.deep]: value '' is not valid"),
    (dict(INDEX, secrets={"password": "  "}), "[request body.secrets.password]: value '' is not valid"),
    (dict(INDEX, config=None), "[request body.config]: expected value of type [object] but got [null]"),
    (dict(INDEX, secrets=None), "[request body.secrets]: expected value of type [object] but got [null]"),
    (dict(INDEX, connector_type_id="test.unregistered-action-type"),
     'Action type "test.unregistered-action-type" is not registered.'),
    ({"name": "s", "connector_type_id": ".cases"},
     "System action creation is forbidden. Action type: .cases."),
    # type validation texts by version: test_fidelity_connector_types.py
    (dict(INDEX, extra=1), "[request body.extra]: definition for this key is missing"),
])
def test_create_is_refused_as_kibana_words_it(kibana, body, message):
    assert error(kibana.api("POST", CONNECTOR, body), 400) == message
    assert [c["id"] for c in kibana.api("GET", "/api/actions/connectors").json()] == ["my-slack1"]


def test_a_preconfigured_id_is_refused_before_the_type_is_looked_at(kibana):
    body = {"name": "x", "connector_type_id": "system-abc-action-type", "config": {},
            "secrets": {}}
    assert error(kibana.api("POST", f"{CONNECTOR}/my-slack1", body), 400) == \
        "This my-slack1 already exists in a preconfigured action."


@pytest.mark.parametrize("body,message", [
    ({}, "[request body.name]: expected value of type [string] but got [undefined]"),
    ({"name": "My Connector updated", "config": None},
     "[request body.config]: expected value of type [object] but got [null]"),
    ({"name": " "}, "[request body.name]: value '' is not valid"),
    ({"name": "n", "config": {"index": " "}},
     "[request body.config.index]: value '' is not valid"),
    ({"name": "n", "connector_type_id": ".index"},
     "[request body.connector_type_id]: definition for this key is missing"),
])
def test_update_route_validation_runs_before_the_lookup(kibana, body, message):
    # update.ts sends these to id `1`, which does not exist: the schema answers first.
    assert error(kibana.api("PUT", f"{CONNECTOR}/1", body), 400) == message


def test_update_of_an_unknown_or_other_space_connector_is_404(kibana):
    body = {"name": "My Connector updated", "config": {"index": "x"}}
    assert error(kibana.api("PUT", f"{CONNECTOR}/1", body), 404) == \
        "Saved object [action/1] not found"
    made = kibana.api("POST", CONNECTOR, INDEX).json()
    assert error(kibana.api("PUT", f"{CONNECTOR}/{made['id']}", body, space="ops"), 404) == \
        f"Saved object [action/{made['id']}] not found"


@pytest.mark.parametrize("version,message", [
    # config-schema before 9.3 (s&s update.ts of that time)
    ("9.2.4", "error validating action type secrets: [password]: expected value of type "
              "[string] but got [number]"),
    # zod v4 from 9.4: actions/server/lib/validate_with_schema.ts (z.prettifyError), the
    # `received boolean ... → at foobar` snapshots of actions_client.test.ts
    ("9.4.0", "error validating connector type secrets: \u2716 Invalid input: expected string, "
              "received number\n  \u2192 at password"),
])
def test_update_validates_secrets_with_the_type_prefix(kibana, version, message):
    kibana.config(kibana_version=version)
    made = kibana.api("POST", CONNECTOR, {"name": "w", "connector_type_id": ".webhook",
                                          "config": {"url": "https://x.example"}}).json()
    resp = kibana.api("PUT", f"{CONNECTOR}/{made['id']}", {
        "name": "w", "config": {"url": "https://x.example"}, "secrets": {"password": 42}})
    assert error(resp, 400) == message


def test_update_answer_keeps_the_create_shape(kibana):
    made = kibana.api("POST", CONNECTOR, INDEX).json()
    updated = kibana.api("PUT", f"{CONNECTOR}/{made['id']}", {
        "name": "My Connector updated", "config": {"index": "y"}}).json()
    assert updated == dict(made, name="My Connector updated",
                           config={"index": "y", "refresh": False, "executionTimeField": None})


@pytest.mark.parametrize("connector_id,message", [
    ("my-slack1", "Preconfigured action my-slack1 can not be updated."),
    ("system-connector-.cases", "System action system-connector-.cases can not be updated."),
])
def test_fixed_connectors_cannot_be_updated(kibana, connector_id, message):
    assert error(kibana.api("PUT", f"{CONNECTOR}/{connector_id}", {"name": "x"}), 400) == message


# --------------------------------------------------------------------------- get / get_all / delete


def test_get_preconfigured_has_no_config_and_system_is_404(kibana):
    assert kibana.api("GET", f"{CONNECTOR}/my-slack1").json() == {
        "id": "my-slack1", "is_preconfigured": True, "is_deprecated": False,
        "is_system_action": False, "connector_type_id": ".slack", "name": "Slack #xyz"}
    assert kibana.api("GET", f"{CONNECTOR}/system-connector-.cases").status_code == 404


def test_get_all_is_sorted_by_name_counts_references_and_hides_system(kibana):
    zed = kibana.api("POST", CONNECTOR, dict(INDEX, name="zed")).json()
    alpha = kibana.api("POST", CONNECTOR, dict(INDEX, name="Alpha")).json()
    listed = kibana.api("GET", "/api/actions/connectors").json()
    assert [c["name"] for c in listed] == ["Alpha", "Slack #xyz", "zed"]
    assert all(c["referenced_by_count"] == 0 for c in listed)
    assert {c["id"] for c in listed} == {zed["id"], alpha["id"], "my-slack1"}
    # another space sees only the preconfigured one
    assert [c["id"] for c in kibana.api("GET", "/api/actions/connectors", space="ops").json()] \
        == ["my-slack1"]


def test_delete_answers(kibana):
    made = kibana.api("POST", CONNECTOR, INDEX).json()
    assert error(kibana.api("DELETE", f"{CONNECTOR}/{made['id']}", space="ops"), 404) == \
        f"Saved object [action/{made['id']}] not found"
    resp = kibana.api("DELETE", f"{CONNECTOR}/{made['id']}")
    assert (resp.status_code, resp.text) == (204, "")
    assert error(kibana.api("DELETE", f"{CONNECTOR}/2"), 404) == "Saved object [action/2] not found"
    assert error(kibana.api("DELETE", f"{CONNECTOR}/my-slack1"), 400) == \
        "Preconfigured action my-slack1 is not allowed to delete."
    assert error(kibana.api("DELETE", f"{CONNECTOR}/system-connector-.cases"), 400) == \
        "System action system-connector-.cases is not allowed to delete."


# --------------------------------------------------------------------------- every type
# The types of check_registered_connector_types.ts, each with its required config and secrets.

from tests.emulator.families.type_registry import CONNECTOR_TYPES  # noqa: E402
from tests.emulator.schema import UNDEFINED, AnyOf  # noqa: E402


def version_tuple(number):
    return tuple(int(p) for p in number.split("."))


SAMPLE = {"string": "https://svc.example.com/x", "number": 1, "boolean": True, "object": {},
          "array": []}


def minimal(fields):
    """Required keys only, with a value of their type (the first literal of a oneOf)."""
    out = {}
    for name, field in fields.items():
        if not field.required:
            continue
        alternatives = getattr(field, "alternatives", None)
        if alternatives:
            out[name] = getattr(alternatives[0], "value", "x")
        else:
            out[name] = SAMPLE[field.kind if field.kind != "integer" else "number"]
    return out


def test_connector_types_lists_exactly_the_registered_types(kibana):
    listed = {t["id"]: t for t in kibana.api("GET", "/api/actions/connector_types").json()}
    assert sorted(listed) == sorted([
        ".d3security", ".email", ".index", ".inference", ".pagerduty", ".swimlane",
        ".server-log", ".slack", ".slack_api", ".webhook", ".cases-webhook", ".xmatters",
        ".servicenow", ".servicenow-sir", ".servicenow-itom", ".jira",
        ".observability-ai-assistant", ".resilient", ".teams", ".thehive", ".tines", ".torq",
        ".opsgenie", ".gen-ai", ".bedrock", ".gemini", ".sentinelone", ".cases", ".crowdstrike",
        ".microsoft_defender_endpoint", ".xsoar"])
    assert listed[".cases"]["is_system_action_type"] is True
    assert listed[".index"]["is_system_action_type"] is False


# The wording of a type's schema failure by version (tests/emulator/zod.py): config-schema
# before 9.3, zod v4 from 9.4 (validate_with_schema.ts; gemini.ts and its siblings under
# security_and_spaces/group2/tests/actions/connector_types/ assert both forms).
MISSING = {
    "9.2.4": lambda kind, key: f"error validating action type {kind}: [{key}]: expected value "
                               f"of type [string] but got [undefined]",
    "9.4.0": lambda kind, key: f"error validating connector type {kind}: \u2716 Invalid input: "
                               f"expected string, received undefined\n  \u2192 at {key}",
}
UNKNOWN = {
    "9.2.4": "error validating action type config: [notAKey]: definition for this key is missing",
    "9.4.0": 'error validating connector type config: \u2716 Unrecognized key: "notAKey"',
}


COMPLETE_CONFIG = {".torq": {"webhookIntegrationUrl": "https://hooks.torq.io/v1/w"},
                   ".xmatters": {"configUrl": "https://x.example/flow"}}
COMPLETE_SECRETS = {".servicenow": {"username": "u", "password": "p"},
                    ".servicenow-sir": {"username": "u", "password": "p"},
                    ".servicenow-itom": {"username": "u", "password": "p"},
                    ".xmatters": {"user": "u", "password": "p"},
                    ".slack": {"webhookUrl": "https://hooks.slack.com/services/x"}}


@pytest.mark.parametrize("version", sorted(MISSING))
@pytest.mark.parametrize("type_id", sorted(t for t, s in CONNECTOR_TYPES.items() if not s.system))
def test_every_type_validates_its_required_config_and_secrets(kibana, type_id, version):
    """Each type's schema as read in its source file (type_registry.py `evidence`)."""
    kibana.config(kibana_version=version)
    spec = CONNECTOR_TYPES[type_id]
    config_fields = spec.config_fields(version_tuple(version))
    secrets_fields = spec.secrets_fields(version_tuple(version))
    union = isinstance(config_fields, AnyOf)
    if union:  # .gen-ai: a union over apiProvider; the OpenAI member is checked here
        config_fields = config_fields.alternatives[1].fields
        config, secrets = {"apiProvider": "OpenAI", "apiUrl": "https://api.example.com"}, \
            {"apiKey": "k"}
    else:
        config, secrets = minimal(config_fields), minimal(secrets_fields)
    # what the types' own validators require besides the schema (type_registry.py)
    config.update(COMPLETE_CONFIG.get(type_id, {}))
    secrets.update(COMPLETE_SECRETS.get(type_id, {}))
    body = {"name": type_id, "connector_type_id": type_id, "config": config, "secrets": secrets}
    made = kibana.api("POST", CONNECTOR, body)
    assert made.status_code == 200, made.text
    stored = made.json()["config"]
    for name, field in config_fields.items():  # every default is filled in, nothing else
        if name not in config and field.default is not UNDEFINED:
            expected = field.default() if callable(field.default) else field.default
            assert stored[name] == expected, name
    assert set(stored) <= set(config_fields)
    if union:
        return
    for kind, fields, sent in (("config", config_fields, config),
                               ("secrets", secrets_fields, secrets)):
        required = [n for n, f in fields.items() if f.required and f.kind == "string"]
        if required:
            without = dict(body, **{kind: {k: v for k, v in sent.items() if k != required[0]}})
            assert error(kibana.api("POST", CONNECTOR, without), 400) == \
                MISSING[version](kind, required[0])
    unknown = dict(body, config=dict(config, notAKey=1))
    assert error(kibana.api("POST", CONNECTOR, unknown), 400) == UNKNOWN[version]


@pytest.mark.parametrize("version,methods", [
    ("9.2.4", ["post", "put"]), ("9.3.0", ["post", "put", "patch", "get", "delete"])])
def test_webhook_methods_by_version(kibana, version, methods):
    # connectors.md: patch, get, delete from 9.3 (kibana PR #237270).
    kibana.config(kibana_version=version)
    for method in ["post", "put", "patch", "get", "delete"]:
        resp = kibana.api("POST", CONNECTOR, {"name": "w", "connector_type_id": ".webhook",
                                              "config": {"url": "https://x", "method": method}})
        if method in methods:
            assert resp.json()["config"]["method"] == method
        else:
            assert error(resp, 400).startswith(
                "error validating action type config: [method]: types that failed validation")


def test_cases_webhook_defaults(kibana):
    # cases_webhook/schema.ts defaults; connectors.md hazard 2 [tf].
    config = {k: "https://x/{{{case.id}}}" for k in (
        "createIncidentUrl", "createIncidentJson", "createIncidentResponseKey", "getIncidentUrl",
        "getIncidentResponseExternalTitleKey", "viewIncidentUrl", "updateIncidentUrl",
        "updateIncidentJson")}
    made = kibana.api("POST", CONNECTOR, {"name": "c", "connector_type_id": ".cases-webhook",
                                          "config": config,
                                          "secrets": {"user": "u", "password": "p"}}).json()
    assert made["config"] == dict(
        config, createIncidentMethod="post", getIncidentMethod="get", getIncidentJson=None,
        updateIncidentMethod="put", createCommentUrl=None, createCommentMethod="put",
        createCommentJson=None, headers=None, hasAuth=True,
        authType="webhook-authentication-basic")


@pytest.mark.parametrize("version,word", [("9.2.4", "action"), ("9.4.0", "connector")])
def test_slack_url_must_parse(kibana, version, word):
    # slack_webhook.ts; a type's own validator error gets the framework's prefix of the
    # version (validate_with_schema.ts: `error validating connector type secrets: ` from 9.3).
    kibana.config(kibana_version=version)
    resp = kibana.api("POST", CONNECTOR, {"name": "s", "connector_type_id": ".slack",
                                          "secrets": {"webhookUrl": "fee-fi-fo-fum"}})
    assert error(resp, 400) == (f"error validating {word} type secrets: error configuring slack "
                                "action: unable to parse host name from webhookUrl")
