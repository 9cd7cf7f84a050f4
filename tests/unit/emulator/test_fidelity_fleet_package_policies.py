"""Fleet package policies: the emulator against Kibana's API integration tests
x-pack/platform/test/fleet_api_integration/apis/package_policy/{create,update,delete,get}.ts
(CREATE, UPDATE, DELETE, GET), the route handlers
x-pack/platform/plugins/shared/fleet/server/routes/package_policy/handlers.ts (HANDLERS) and the
service server/services/package_policy.ts (SERVICE). Rows PP1-PP24 of
tests/emulator/FIDELITY.md.

Kibana's tests install test packages (`filetest`, `with_required_variables`) from a docker
registry and mostly send the legacy (inputs array) format; the emulator's catalogue has other
packages and serves the simplified format, so each assertion is replayed with a catalogue
package in the simplified format: the statuses and messages do not depend on either."""

import re

import pytest

PACKAGE_POLICIES = "/api/fleet/package_policies"
AGENT_POLICIES = "/api/fleet/agent_policies"
LOG = {"name": "log", "version": "2.4.0"}
LOG_INPUTS = {"logs-logfile": {"streams": {"log.log": {"vars": {"paths": ["/tmp/test.log"]}}}}}


def agent_policy(kibana, name="Test policy", **extra):
    body = dict({"name": name, "namespace": "default"}, **extra)
    resp = kibana.api("POST", AGENT_POLICIES, body)
    assert resp.status_code == 200, resp.text
    return resp.json()["item"]["id"]


def package_policy(name, policy_ids=None, **extra):
    body = {"name": name, "description": "", "namespace": "default", "package": dict(LOG),
            "inputs": LOG_INPUTS}
    if policy_ids is not None:
        body["policy_ids"] = policy_ids
    body.update(extra)
    return body


def create(kibana, body, **params):
    return kibana.api("POST", PACKAGE_POLICIES, body, params=params or None)


def test_only_force_adds_an_integration_to_a_hosted_agent_policy(kibana):
    # PP1 CREATE "can only add to hosted agent policies using the force parameter"; SERVICE
    # validateIsNotHostedPolicy: `Cannot update integrations of hosted agent policy <id>`
    hosted = agent_policy(kibana, "Hosted policy", is_managed=True)
    resp = create(kibana, package_policy("filetest", [hosted]))
    assert resp.status_code == 400
    assert resp.json()["message"] == "Cannot update integrations of hosted agent policy %s" % hosted
    resp = create(kibana, package_policy("filetest-1", [hosted], force=True))
    assert resp.status_code == 200 and resp.json()["item"]["name"] == "filetest-1"


def test_multiple_and_no_policy_ids(kibana):
    # PP2 CREATE "should work with multiple policy ids"
    first, second = agent_policy(kibana, "p1"), agent_policy(kibana, "p2")
    item = create(kibana, package_policy("filetest-6", [first, second])).json()["item"]
    assert item["policy_ids"] == [first, second]
    # PP3 CREATE "should work with no policy ids": policy_id is undefined (left out of the JSON)
    item = create(kibana, package_policy("filetest-no-policies", [])).json()["item"]
    assert "policy_id" not in item and item["policy_ids"] == []


def test_namespace_may_be_empty_but_must_be_valid(kibana):
    # PP4 CREATE "should allow to pass an empty namespace"
    policy = agent_policy(kibana)
    assert create(kibana, package_policy("filetest-5", [policy], namespace="")).status_code == 200
    # PP5 CREATE "should return a 400 with an invalid namespace": upper case, over 100 bytes
    for namespace in ("InvalidNamespace", "testlength" + "\U0001F600" * 46):
        resp = create(kibana, package_policy("filetest-2", [policy], namespace=namespace))
        assert resp.status_code == 400, resp.text
        assert resp.json()["message"].startswith("[request body.namespace]: ")


def test_a_limited_package_goes_once_on_an_agent_policy(kibana):
    # PP6 CREATE "should not allow multiple limited packages on the same agent policy"; SERVICE
    # create (isPackageLimited: a policy template with multiple: false)
    policy = agent_policy(kibana)
    endpoint = {"name": "endpoint", "version": "9.1.0"}
    body = {"name": "endpoint-1", "namespace": "default", "policy_ids": [policy],
            "package": endpoint, "force": True}
    assert create(kibana, body).status_code == 200
    resp = create(kibana, dict(body, name="endpoint-2", force=False))
    assert resp.status_code == 400
    assert resp.json()["message"] == ("Unable to create integration policy. Integration "
                                      "'endpoint' already exists on this agent policy.")


def test_names_are_unique_on_create_and_update(kibana):
    # PP7 CREATE "409 if there is another package policy with the same name" (same agent
    # policy and a different one); UPDATE the same two cases
    policy, other = agent_policy(kibana, "p1"), agent_policy(kibana, "p2")
    assert create(kibana, package_policy("same-name-test-1", [policy])).status_code == 200
    assert create(kibana, package_policy("same-name-test-1", [policy])).status_code == 409
    assert create(kibana, package_policy("same-name-test-1", [other])).status_code == 409
    second = create(kibana, package_policy("filetest-2", [policy])).json()["item"]["id"]
    for target in (policy, other):
        resp = kibana.api("PUT", "%s/%s" % (PACKAGE_POLICIES, second),
                          package_policy("same-name-test-1", [target]))
        assert resp.status_code == 409, resp.text


def test_required_variables(kibana):
    # PP8 CREATE "should return a 400 with required variables not provided" / "should work
    # with required variables provided"
    policy = agent_policy(kibana)
    body = package_policy("required-variables-test", [policy])
    body["inputs"] = {"logs-logfile": {"streams": {"log.log": {"vars": {}}}}}
    resp = create(kibana, body)
    assert resp.status_code == 400 and "Package policy is invalid" in resp.json()["message"]
    assert create(kibana, package_policy("required-variables-test", [policy])).status_code == 200


def test_names_are_trimmed_on_create_and_update(kibana):
    # PP9 CREATE "should trim whitespace from policy name", UPDATE "should trim whitespace from
    # name on update"
    policy = agent_policy(kibana)
    created = create(kibana, package_policy("  with-whitespace  ", [policy])).json()["item"]
    read = kibana.api("GET", "%s/%s" % (PACKAGE_POLICIES, created["id"])).json()["item"]
    assert read["name"] == "with-whitespace"
    kibana.api("PUT", "%s/%s" % (PACKAGE_POLICIES, created["id"]),
               package_policy("  filetest-1  ", [policy]))
    read = kibana.api("GET", "%s/%s" % (PACKAGE_POLICIES, created["id"])).json()["item"]
    assert read["name"] == "filetest-1"


@pytest.mark.parametrize("method", ["POST", "PUT", "GET"])
def test_format_query(kibana, method):
    # PP10 CREATE, UPDATE, GET: format=simplified answers inputs as an object, format=legacy as
    # an array, format=foo is a 400
    policy = agent_policy(kibana)
    item = create(kibana, package_policy("filetest-3", [policy])).json()["item"]
    path = PACKAGE_POLICIES if method == "POST" else "%s/%s" % (PACKAGE_POLICIES, item["id"])
    for index, (fmt, kind) in enumerate((("simplified", dict), ("legacy", list))):
        body = None if method == "GET" else package_policy("filetest-%s-%d" % (method, index),
                                                           [policy])
        resp = kibana.api(method, path, body, params={"format": fmt})
        assert resp.status_code == 200, resp.text
        assert isinstance(resp.json()["item"]["inputs"], kind)
    body = None if method == "GET" else package_policy("filetest-foo", [policy])
    assert kibana.api(method, path, body, params={"format": "foo"}).status_code == 400


def test_simplified_create_with_an_id_and_its_answer(kibana):
    # PP11 CREATE "Simplified package policy: should support providing an id" and "should
    # return 200 and formatted inputs when the format=simplified query param is passed": the
    # named input and stream are enabled and carry the given vars
    policy = agent_policy(kibana)
    resp = create(kibana, package_policy("simplified-1", [policy], id="test-id-1"),
                  format="simplified")
    assert resp.status_code == 200, resp.text
    log_input = resp.json()["item"]["inputs"]["logs-logfile"]
    assert log_input["enabled"] is True
    assert log_input["streams"]["log.log"]["enabled"] is True
    assert log_input["streams"]["log.log"]["vars"]["paths"] == ["/tmp/test.log"]
    assert kibana.api("GET", PACKAGE_POLICIES + "/test-id-1").status_code == 200


@pytest.mark.parametrize("inputs, message", [
    # PP12 CREATE "should throw with invalid variables" (the exact message), "... invalid
    # inputs", "... invalid streams"; UPDATE "should return a 400 with invalid inputs" (exact)
    ({"logs-logfile": {"streams": {"log.log": {"vars": {"var_id_do_exists": "x"}}}}},
     "Variable logs-logfile log.log:var_id_do_exists not found"),
    ({"logs-i-do-not-exists": {}}, "Input not found: logs-i-do-not-exists"),
    ({"logs-logfile": {"streams": {"iamnotexisting.log": {}}}},
     "Stream not found logs-logfile: iamnotexisting.log"),
])
def test_simplified_conversion_errors_on_create_and_update(kibana, inputs, message):
    policy = agent_policy(kibana)
    resp = create(kibana, package_policy("invalid", [policy], inputs=inputs))
    assert resp.status_code == 400 and resp.json()["message"] == message
    item = create(kibana, package_policy("valid", [policy])).json()["item"]
    resp = kibana.api("PUT", "%s/%s" % (PACKAGE_POLICIES, item["id"]),
                      package_policy("valid", [policy], inputs=inputs))
    assert resp.status_code == 400 and resp.json()["message"] == message


def test_additional_datastreams_permissions_round_trip(kibana):
    # PP13 CREATE "should support additional_datastreams_permissions" (simplified too)
    policy = agent_policy(kibana)
    item = create(kibana, package_policy(
        "permissions", [policy],
        additional_datastreams_permissions=["logs-tata-default", "metrics-tata-default"])).json()
    read = kibana.api("GET", "%s/%s" % (PACKAGE_POLICIES, item["item"]["id"])).json()["item"]
    assert read["additional_datastreams_permissions"] == ["logs-tata-default",
                                                          "metrics-tata-default"]
    # CREATE "should throw with invalid additional_datastreams_permissions": 400; the text is
    # server/types/models/package_policy.ts validateAdditionalDatastreamsPermissions
    resp = create(kibana, package_policy(
        "permissions-2", [policy],
        additional_datastreams_permissions=["invalid-tata-default", "metrics-tata-default"]))
    assert resp.status_code == 400
    assert "invalid-tata-default is not a valid datastream permissions" in resp.json()["message"]


def test_update_with_a_partial_body_keeps_the_rest(kibana):
    # PP14 UPDATE "should work with no policy ids": a body of `policy_ids: []` alone is a
    # complete (non-simplified) request: HANDLERS updatePackagePolicyHandler fills name,
    # description, namespace, package, inputs and vars from the stored policy; policy_id is
    # then null
    policy = agent_policy(kibana)
    item = create(kibana, package_policy("filetest-to-clear-policy", [policy])).json()["item"]
    resp = kibana.api("PUT", "%s/%s" % (PACKAGE_POLICIES, item["id"]), {"policy_ids": []})
    assert resp.status_code == 200, resp.text
    updated = resp.json()["item"]
    assert updated["policy_id"] is None and updated["policy_ids"] == []
    assert updated["name"] == "filetest-to-clear-policy"
    assert updated["inputs"] == item["inputs"]


def test_update_adds_to_a_hosted_agent_policy(kibana):
    # PP15 UPDATE "should work with multiple policy ids": the update puts the package policy on
    # a hosted (managed) agent policy without force
    policy = agent_policy(kibana)
    hosted = agent_policy(kibana, "Test hosted agent policy", is_managed=True)
    item = create(kibana, package_policy("filetest-1", [policy])).json()["item"]
    resp = kibana.api("PUT", "%s/%s" % (PACKAGE_POLICIES, item["id"]),
                      package_policy("filetest-1", [policy, hosted]))
    assert resp.status_code == 200, resp.text
    assert resp.json()["item"]["policy_ids"] == [policy, hosted]


def test_delete_on_a_hosted_agent_policy_needs_force(kibana):
    # PP16 DELETE "Delete one: should fail on hosted agent policies": 400 with the service's
    # text, 200 with force=true
    policy = agent_policy(kibana)
    item = create(kibana, package_policy("filetest-1", [policy])).json()["item"]
    assert kibana.api("PUT", "%s/%s" % (AGENT_POLICIES, policy),
                      {"name": "Test policy", "namespace": "default",
                       "is_managed": True}).status_code == 200
    path = "%s/%s" % (PACKAGE_POLICIES, item["id"])
    resp = kibana.api("DELETE", path)
    assert resp.status_code == 400
    assert "Cannot remove integrations of hosted agent policy" in resp.json()["message"]
    resp = kibana.api("DELETE", path, params={"force": "true"})
    assert resp.status_code == 200 and resp.json() == {"id": item["id"]}


def test_delete_is_idempotent(kibana):
    # PP17 DELETE "should work for regular policies", "should work if the package policy is
    # already deleted"; HANDLERS deleteOnePackagePolicyHandler ignores the service's 404
    # ("to allow that call to be idempotent")
    policy = agent_policy(kibana)
    item = create(kibana, package_policy("filetest-1", [policy])).json()["item"]
    path = "%s/%s" % (PACKAGE_POLICIES, item["id"])
    assert kibana.api("DELETE", path).json() == {"id": item["id"]}
    resp = kibana.api("DELETE", path)
    assert resp.status_code == 200 and resp.json() == {"id": item["id"]}
    assert kibana.api("GET", path).status_code == 404


def test_bulk_delete_on_a_hosted_agent_policy(kibana):
    # PP18 DELETE "Delete bulk: should fail on hosted agent policies": 200, success false with
    # the message, then success true with force; SERVICE delete: the answer's keys
    policy = agent_policy(kibana)
    item = create(kibana, package_policy("filetest-1", [policy])).json()["item"]
    kibana.api("PUT", "%s/%s" % (AGENT_POLICIES, policy),
               {"name": "Test policy", "namespace": "default", "is_managed": True})
    resp = kibana.api("POST", PACKAGE_POLICIES + "/delete", {"packagePolicyIds": [item["id"]]})
    assert resp.status_code == 200
    [result] = resp.json()
    assert result["success"] is False
    assert "Cannot remove integrations of hosted agent policy" in result["body"]["message"]
    resp = kibana.api("POST", PACKAGE_POLICIES + "/delete",
                      {"packagePolicyIds": [item["id"]], "force": True})
    [result] = resp.json()
    assert result == {"id": item["id"], "name": "filetest-1", "success": True,
                      "package": {"name": "log", "title": "Custom Logs", "version": "2.4.0"},
                      "policy_id": policy, "policy_ids": [policy]}
    # SERVICE delete: an unknown id is reported per item, 404
    [result] = kibana.api("POST", PACKAGE_POLICIES + "/delete",
                          {"packagePolicyIds": [item["id"]]}).json()
    assert result["success"] is False and result["statusCode"] == 404
    # (the saved-object type is fleet-package-policies with space awareness, 9.1+, else
    # ingest-package-policies)
    assert re.match(r"^Saved object \[(fleet|ingest)-package-policies/%s\] not found$"
                    % item["id"], result["body"]["message"])


def test_get_by_id(kibana):
    # PP19 GET "should succeed with a valid id", "should return a 404 with an invalid id";
    # HANDLERS getOnePackagePolicyHandler's message
    policy = agent_policy(kibana)
    item = create(kibana, package_policy("filetest-1", [policy])).json()["item"]
    assert kibana.api("GET", "%s/%s" % (PACKAGE_POLICIES, item["id"])).status_code == 200
    resp = kibana.api("GET", PACKAGE_POLICIES + "/IS_NOT_PRESENT")
    assert resp.status_code == 404
    assert resp.json()["message"] == "Package policy IS_NOT_PRESENT not found"


@pytest.mark.parametrize("kuery, status", [
    # PP20 GET "get by kuery": with the saved-object type prefix 200; without it, an unknown
    # attribute or an invalid KQL 400
    ("ingest-package-policies.package.name:endpoint", 200),
    ("package.name:endpoint", 400),
    ("ingest-package-policies.non_existent_parameter:test", 400),
    ("'test:'", 400),
])
def test_list_by_kuery(kibana, kuery, status):
    policy = agent_policy(kibana)
    item = create(kibana, {"name": "endpoint-1", "namespace": "default", "policy_ids": [policy],
                           "package": {"name": "endpoint", "version": "9.1.0"}}).json()["item"]
    resp = kibana.api("GET", PACKAGE_POLICIES, params={"kuery": kuery})
    assert resp.status_code == status, resp.text
    if status == 200:
        assert resp.json()["items"][0]["id"] == item["id"]
