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
@pytest.mark.parametrize("connector_id", ["my-custom-connector-id", "a" * 36,
                                          str(uuid.uuid5(TO_UUID_NAMESPACE, "ops-webhook"))])
def test_from_9_4_a_lowercase_slug_is_a_valid_id(kibana, connector_id):
    resp = kibana.api("POST", f"{CONNECTOR}/{connector_id}", SERVER_LOG)
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == connector_id


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
