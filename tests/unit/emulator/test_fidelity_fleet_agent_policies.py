"""Fleet agent policies: the emulator against the assertions of Kibana's own API integration test
x-pack/platform/test/fleet_api_integration/apis/agent_policy/agent_policy.ts (cited as SRC with
the `describe`/`it` names) and the request schema
x-pack/platform/plugins/shared/fleet/server/types/models/agent_policy.ts (MODEL).
Each row of tests/emulator/FIDELITY.md's Fleet section is one of these tests.

The `kibana` fixture is a fresh emulator (Kibana 9.4) with space `ops`."""

import pytest

POLICIES = "/api/fleet/agent_policies"
SRC = "x-pack/platform/test/fleet_api_integration/apis/agent_policy/agent_policy.ts"
# The keys Kibana's PUT answers hold for a policy created with name/description/namespace only
# (SRC 'PUT ... should work with valid values': the exact expected object, plus id, updated_at
# and version).
PUT_ANSWER_KEYS = {"id", "updated_at", "version", "status", "name", "description", "namespace",
                   "is_managed", "revision", "schema_version", "updated_by", "inactivity_timeout",
                   "package_policies", "is_protected", "space_ids"}


def put_answer_keys(kibana):
    """PUT_ANSWER_KEYS as the emulated version answers them: `space_ids` arrived with Fleet's
    space awareness in 9.1 (kibana-api/fleet-agent-policies.md version table)."""
    return PUT_ANSWER_KEYS if kibana.at_least("9.1") else PUT_ANSWER_KEYS - {"space_ids"}


ADVANCED_MONITORING = {
    "monitoring_pprof_enabled": True,
    "monitoring_http": {"host": "localhost", "port": 6791, "enabled": True},
    "monitoring_diagnostics": {"limit": {"interval": "1m", "burst": 1},
                               "uploader": {"max_retries": 10, "init_dur": "1s",
                                            "max_dur": "10m"}},
}


def post(kibana, status=200, params=None, **body):
    body.setdefault("namespace", "default")
    resp = kibana.api("POST", POLICIES, body, params=params)
    assert resp.status_code == status, resp.text
    return resp.json()["item"] if status == 200 else resp.json()


def put(kibana, policy_id, status=200, **body):
    resp = kibana.api("PUT", "%s/%s" % (POLICIES, policy_id), body)
    assert resp.status_code == status, resp.text
    return resp.json()["item"] if status == 200 else resp.json()


def get(kibana, policy_id, status=200):
    resp = kibana.api("GET", "%s/%s" % (POLICIES, policy_id))
    assert resp.status_code == status, resp.text
    return resp.json().get("item")


def copy(kibana, policy_id, body, status=200):
    resp = kibana.api("POST", "%s/%s/copy" % (POLICIES, policy_id), body)
    assert resp.status_code == status, resp.text
    return resp.json().get("item") if status == 200 else resp.json()


def delete(kibana, policy_id, status=200, **extra):
    resp = kibana.api("POST", "%s/delete" % POLICIES, dict(agentPolicyId=policy_id, **extra))
    assert resp.status_code == status, resp.text
    return resp.json()


# ------------------------------------------------------------------ GET (SRC 'GET ...')


def test_list_and_kuery_with_and_without_prefix(kibana):
    # SRC 'should get list agent policies', 'should get a list of agent policies by kuery',
    # 'should return 200 even if the passed kuery does not have prefix ingest-agent-policies'
    post(kibana, name="TEST")
    post(kibana, name="TEST-1")
    assert kibana.api("GET", POLICIES).status_code == 200
    found = kibana.api("GET", POLICIES, params={"kuery": "ingest-agent-policies.name:TEST",
                                                "withAgentCount": "true"}).json()
    assert [p["name"] for p in found["items"]] == ["TEST"]
    assert found["items"][0]["agents"] == 0
    assert kibana.api("GET", POLICIES, params={"kuery": "name:TEST-1"}).status_code == 200


@pytest.mark.kibana_min("9.0")  # 8.x: test_8x_keeps_the_plain_search_fallback_for_kuery
@pytest.mark.parametrize("kuery", ["ingest-agent-policies.non_existent_parameter:test", "'test:"])
def test_9x_refuses_unknown_attributes_and_invalid_kql(kibana, kuery):
    # SRC 'with enableStrictKQLValidation should return 400 if passed kuery is not correct' /
    # '... is invalid' (9.x: the flag is gone, strict validation is on)
    assert kibana.api("GET", POLICIES, params={"kuery": kuery}).status_code == 400


# ------------------------------------------------------------------ POST


def test_create_minimum_values_and_server_defaults(kibana):
    # SRC 'POST ... should work with valid minimum required values'
    created = post(kibana, name="TEST")
    stored = get(kibana, created["id"])
    assert stored["is_managed"] is False and stored["inactivity_timeout"] == 1209600
    assert stored["status"] == "active" and created["revision"] == 1
    assert "monitoring_enabled" not in stored  # no server default (fleet-agent-policies.md)


def test_create_sets_given_is_managed(kibana):
    # SRC 'sets given is_managed value'
    assert get(kibana, post(kibana, name="TEST2", is_managed=True)["id"])["is_managed"] is True
    assert get(kibana, post(kibana, name="TEST3", is_managed=False)["id"])["is_managed"] is False


def test_agent_features_are_strict_and_stored(kibana):
    # SRC 'does not allow arbitrary config in agent_features value', 'sets given
    # agent_features value'; MODEL agent_features: arrayOf(object({name, enabled}))
    features = [{"name": "fqdn", "enabled": True, "config": "I'm not allowed yet"}]
    body = post(kibana, 400, name="test-agent-features", agent_features=features)
    assert body["message"] == "[request body.agent_features.0.config]: definition for this key is missing"
    created = post(kibana, name="test-agent-features",
                   agent_features=[{"name": "fqdn", "enabled": True}])
    assert get(kibana, created["id"])["agent_features"] == [{"name": "fqdn", "enabled": True}]


@pytest.mark.parametrize("fields", [{"namespace": ""}, {"name": "  "},
                                    {"namespace": "InvalidNamespace"}])
def test_create_400s(kibana, fields):
    # SRC 'should return a 400 with an empty namespace' / 'with an empty name' / 'with an
    # invalid namespace'
    body = dict({"name": "TEST"}, **fields)
    post(kibana, 400, **body)


def test_duplicate_name_and_id_are_409(kibana):
    # SRC 'should return a 409 if policy already exists with name given', 'should create
    # policy with provided id and return 409 the second time'; PUT section: same name with a
    # different namespace is 409 too, message /already exists?/
    post(kibana, name="Name 1")
    assert "already exist" in post(kibana, 409, name="Name 1")["message"]
    assert "already exist" in post(kibana, 409, name="Name 1", namespace="different")["message"]
    assert post(kibana, id="test-id", name="TEST ID")["id"] == "test-id"
    post(kibana, 409, id="test-id", name="TEST 2 ID")


def test_global_data_tags_strings_and_numbers(kibana):
    # SRC 'should create policy with global data tags given valid tags'
    tags = [{"name": "testName", "value": "testValue"}, {"name": "testName2", "value": 123}]
    created = post(kibana, name="global data tag test", global_data_tags=tags)
    assert get(kibana, created["id"])["global_data_tags"] == tags


def test_advanced_monitoring_options_round_trip_exactly(kibana):
    # SRC 'should create policy with advanced monitoring options': monitoring_http comes back
    # exactly as sent (no buffer key added)
    created = post(kibana, name="advanced monitoring test", **ADVANCED_MONITORING)
    stored = get(kibana, created["id"])
    for key, value in ADVANCED_MONITORING.items():
        assert stored[key] == value, key


def test_agentless_cloud_connectors(kibana):
    # SRC 'should create agent policy with cloud connectors enabled' / 'without cloud
    # connectors' / 'should validate cloud connector target_csp when enabled'
    created = post(kibana, name="cc", supports_agentless=True, monitoring_enabled=["logs", "metrics"],
                   agentless={"cloud_connectors": {"enabled": True, "target_csp": "aws"}})
    assert created["supports_agentless"] is True
    assert created["agentless"]["cloud_connectors"] == {"enabled": True, "target_csp": "aws"}
    created = post(kibana, name="no cc", supports_agentless=True,
                   agentless={"cloud_connectors": {"enabled": False}})
    assert created["agentless"]["cloud_connectors"]["enabled"] is False
    post(kibana, 400, name="bad cc", supports_agentless=True,
         agentless={"cloud_connectors": {"enabled": True, "target_csp": "invalid-csp"}})


@pytest.mark.parametrize("requests, message", [
    ({"memory": "1G"}, "[request body.agentless.resources.requests.memory]: Invalid memory format"),
    ({"cpu": "1.5m"}, "[request body.agentless.resources.requests.cpu]: Invalid CPU format"),
])
def test_agentless_resource_requests_are_validated(kibana, requests, message):
    # MODEL validateMemory /^\d+(Mi|Gi)$/ and validateCPU /^(\d+m|\d+(\.\d+)?)$/
    body = post(kibana, 400, name="agentless", agentless={"resources": {"requests": requests}})
    assert body["message"] == message
    ok = post(kibana, name="agentless ok",
              agentless={"resources": {"requests": {"memory": "512Mi", "cpu": "1.5"}}})
    assert ok["agentless"]["resources"]["requests"] == {"memory": "512Mi", "cpu": "1.5"}


def test_monitoring_http_enabled_is_optional(kibana):
    # MODEL monitoring_http.enabled: schema.maybe(schema.boolean())
    created = post(kibana, name="http", monitoring_http={"port": 6792})
    assert created["monitoring_http"]["port"] == 6792


# ------------------------------------------------------------------ copy


def test_copy_answer_and_revision(kibana):
    # SRC 'POST .../copy should work with valid values': revision 2, the given name and
    # description, the source's namespace and monitoring
    source = post(kibana, name="policy1", monitoring_enabled=["logs", "metrics"])
    item = copy(kibana, source["id"], {"name": "Copied policy", "description": "Test"})
    assert item["id"] != source["id"] and item["revision"] == 2
    assert item["name"] == "Copied policy" and item["description"] == "Test"
    assert item["namespace"] == "default" and item["monitoring_enabled"] == ["logs", "metrics"]
    assert item["is_managed"] is False and item["is_protected"] is False
    assert item["package_policies"] == []
    assert item.get("space_ids") == (["default"] if kibana.at_least("9.1") else None)
    assert item["updated_by"] == "elastic" and item["status"] == "active"


def test_copy_keeps_timeout_tags_and_advanced_monitoring(kibana):
    # SRC 'should copy inactivity timeout', 'should copy global data tags', 'should copy
    # advanced monitoring options'
    source = post(kibana, name="Inactivity test", is_managed=True, inactivity_timeout=123,
                  global_data_tags=[{"name": "testName", "value": "testValue"}],
                  **ADVANCED_MONITORING)
    item = copy(kibana, source["id"], {"name": "copy", "description": "Test"})
    assert item["inactivity_timeout"] == 123
    assert item["global_data_tags"] == [{"name": "testName", "value": "testValue"}]
    for key, value in ADVANCED_MONITORING.items():
        assert item[key] == value, key


def test_copy_keeps_tamper_protection(kibana):
    # SRC 'should copy tamper protection': Defend attached, PUT is_protected true, copy
    source = post(kibana, name="Tamper Protection test", description="")
    kibana.control("POST", "/fleet/agent_policies/%s/package_policies" % source["id"],
                   {"package": "endpoint"})
    protected = put(kibana, source["id"], name="Tamper Protection test", is_managed=False,
                    namespace="default", monitoring_enabled=["logs", "metrics"], is_protected=True)
    assert protected["is_protected"] is True
    item = copy(kibana, source["id"], {"name": "Tamper Protection test copy", "description": "Test"})
    assert item["is_protected"] is True and item["revision"] == 2


def test_copy_errors(kibana):
    # SRC 'should return a 404 with invalid source policy', 'a 400 with invalid payload',
    # 'a 400 with invalid name', 'a 409 if policy already exists with name given'
    source = post(kibana, name="policy1")
    copy(kibana, "INVALID_POLICY_ID", {"name": "Copied policy", "description": ""}, 404)
    copy(kibana, source["id"], {}, 400)
    copy(kibana, source["id"], {"name": ""}, 400)
    copy(kibana, source["id"], {"name": "policy1"}, 409)


# ------------------------------------------------------------------ PUT


def test_put_answer_holds_exactly_kibanas_keys(kibana):
    # SRC 'PUT ... should work with valid values' (an exact deep-equal of the answer)
    created = post(kibana, name="Initial name", description="Initial description")
    item = put(kibana, created["id"], name="Updated name", description="Updated description",
               namespace="default", is_protected=False)
    assert set(item) == put_answer_keys(kibana)
    assert item["revision"] == 2
    assert item.get("space_ids") == (["default"] if kibana.at_least("9.1") else None)
    assert item["inactivity_timeout"] == 1209600 and item["package_policies"] == []


@pytest.mark.kibana_min("9.1")  # 8.x refuses space_ids: test_emulator_fleet.py 8x test
def test_empty_space_ids_mean_the_request_space(kibana):
    # SRC 'should support empty space_ids'
    created = post(kibana, name="Initial name 2", space_ids=[], description="d")
    item = put(kibana, created["id"], name="Updated name 2", space_ids=[], description="d",
               namespace="default", is_protected=False)
    assert item["space_ids"] == ["default"] and set(item) == PUT_ANSWER_KEYS


def test_is_managed_set_by_put_and_cleared_with_force(kibana):
    # SRC 'PUT ... sets given is_managed value'
    created = post(kibana, name="TEST1")
    put(kibana, created["id"], name="TEST2", namespace="default", is_managed=True)
    assert get(kibana, created["id"])["is_managed"] is True
    put(kibana, created["id"], name="TEST2", namespace="default", is_managed=False, force=True)
    assert get(kibana, created["id"])["is_managed"] is False


def test_renaming_a_managed_policy_is_400(kibana):
    # SRC 'should return a 400 if trying to update a managed policy'
    created = post(kibana, name="Managed policy", description="d", is_managed=True)
    body = put(kibana, created["id"], 400, name="Updated name", description="d",
               namespace="default")
    assert body["message"] == (
        "Cannot update name in Fleet because the agent policy is managed by an external "
        "orchestration solution, such as Elastic Cloud, Kubernetes, etc. Please make changes "
        "using your orchestration solution.")


def test_put_monitoring_overrides_tags_and_required_versions(kibana):
    # SRC 'should return a 200 if updating monitoring_enabled on a policy', 'should allow to set
    # overrides', 'should overwrite global data tags ...', 'should allow to set
    # required_versions' (each an exact answer: the given field joins PUT_ANSWER_KEYS)
    cases = [
        ("monitoring_enabled", ["logs", "metrics"]),
        ("overrides", {"agent": {"logging": {"level": "debug"}}}),
        ("required_versions", [{"version": "9.0.0", "percentage": 10}]),
    ]
    for index, (field, value) in enumerate(cases):
        created = post(kibana, name="p%d" % index, description="d")
        if field == "required_versions" and not kibana.at_least("9.1"):
            # automatic upgrades are 9.1 (version table): 8.x's strict schema refuses the key
            body = put(kibana, created["id"], 400, name="p%d" % index, description="d",
                       namespace="default", force=True, **{field: value})
            assert body["message"] == "[request body.required_versions]: definition for this " \
                                      "key is missing"
            continue
        item = put(kibana, created["id"], name="p%d" % index, description="d",
                   namespace="default", force=True, **{field: value})
        assert item[field] == value and set(item) == put_answer_keys(kibana) | {field}, field
    tagged = post(kibana, name="TEST", global_data_tags=[{"name": "a", "value": "b"},
                                                         {"name": "c", "value": 1}])
    item = put(kibana, tagged["id"], name="TEST", namespace="default",
               global_data_tags=[{"name": "newTag", "value": "newValue"}])
    assert item["global_data_tags"] == [{"name": "newTag", "value": "newValue"}]


def test_put_refuses_input_overrides_and_required_versions_over_100(kibana):
    # SRC 'should not allow to set inputs inside overrides', 'should not allow to set invalid
    # required_versions'
    created = post(kibana, name="Override Test", description="d")
    put(kibana, created["id"], 400, name="Override Test", description="d", namespace="default",
        overrides={"inputs": []})
    put(kibana, created["id"], 400, name="Override Test", description="d", namespace="default",
        required_versions=[{"version": "9.0.0", "percentage": 50},
                           {"version": "9.1.0", "percentage": 60}])


# ------------------------------------------------------------------ delete and _bulk_get


def test_delete_hosted_regular_and_forced(kibana):
    # SRC 'should prevent hosted policies being deleted', 'should allow regular policies being
    # deleted' (answer exactly {id, name}), 'should allow hosted policy delete with force flag'
    hosted = post(kibana, name="Hosted policy", is_managed=True)
    assert "Cannot delete hosted agent policy" in delete(kibana, hosted["id"], 400)["message"]
    regular = put(kibana, hosted["id"], name="Regular policy", namespace="default",
                  is_managed=False, force=True)
    assert delete(kibana, regular["id"]) == {"id": regular["id"], "name": "Regular policy"}
    hosted = post(kibana, name="Hosted policy", is_managed=True)
    delete(kibana, hosted["id"], force=True)
    get(kibana, hosted["id"], 404)


def test_delete_refused_with_active_or_inactive_agents(kibana):
    # SRC 'should prevent policies having agents from being deleted' / '... inactive agents'
    # (inactive agents count in `agents`)
    created = post(kibana, name="Policy with agents")
    kibana.control("POST", "/fleet/agent_policies/%s/agents" % created["id"], {"count": 1})
    assert get(kibana, created["id"])["agents"] == 1
    assert ("Cannot delete an agent policy that is assigned to any active or inactive agents"
            in delete(kibana, created["id"], 400)["message"])


def test_bulk_get(kibana):
    # SRC 'POST /api/fleet/agent_policies/_bulk_get': valid ids, 404 with an invalid one, and
    # ignoreMissing
    created = post(kibana, name="Bulk GET test policy")
    url = "%s/_bulk_get" % POLICIES
    resp = kibana.api("POST", url, {"ids": [created["id"]]})
    assert resp.status_code == 200 and len(resp.json()["items"]) == 1
    assert kibana.api("POST", url, {"ids": [created["id"], "i-am-not-a-valid-policy"]}).status_code == 404
    resp = kibana.api("POST", url, {"ids": [created["id"], "i-am-not-a-valid-policy"],
                                    "ignoreMissing": True})
    assert resp.status_code == 200 and len(resp.json()["items"]) == 1


def test_8x_keeps_the_plain_search_fallback_for_kuery(kibana):
    # fleet-agent-policies.md: in 8.x strict KQL validation is the opt-in experimental flag
    # enableStrictKQLValidation (default false), so the same kueries answer 200
    kibana.config(kibana_version="8.19.0")
    post(kibana, name="TEST")
    for kuery in ("ingest-agent-policies.non_existent_parameter:test", "'test:"):
        assert kibana.api("GET", POLICIES, params={"kuery": kuery}).status_code == 200
