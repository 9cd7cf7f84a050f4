"""The emulator's Fleet agent policies family (kibana-api/fleet-agent-policies.md), over HTTP.

The `kibana` fixture is a fresh emulator (Kibana 9.4, space awareness on) with space `ops`."""

import pytest

POLICIES = "/api/fleet/agent_policies"
TWO_WEEKS = 1209600


def create(kibana, space=None, params=None, **fields):
    body = {"name": fields.pop("name", "policy-1"), "namespace": "default"}
    body.update(fields)
    return kibana.api("POST", POLICIES, body, params=params, space=space)


def item(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()["item"]


def error(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["statusCode"] == status and set(body) >= {"error", "message"}
    return body["message"]


def put_body(policy, **fields):
    body = {"name": policy["name"], "namespace": policy["namespace"]}
    body.update(fields)
    return body


def fleet(kibana):
    return kibana.emulator.family("fleet_agent_policies")


def so_type(kibana):
    """The policies' saved-object type, which Fleet's 404/409 messages name: 8.x stores
    space-agnostic `ingest-agent-policies`, 9.1+ (space awareness) `fleet-agent-policies`
    (kibana-api/fleet-agent-policies.md, header; TF MinVersionSpaceIDs = 9.1.0)."""
    return "fleet-agent-policies" if kibana.at_least("9.1") else "ingest-agent-policies"


# --------------------------------------------------------------------------- create


def test_create_injects_server_fields_and_defaults(kibana):
    policy = item(create(kibana))
    assert policy["revision"] == 1
    assert policy["status"] == "active"
    assert policy["is_managed"] is False and policy["is_protected"] is False
    assert policy["inactivity_timeout"] == TWO_WEEKS
    assert policy["description"] == ""
    assert policy["updated_by"] == "elastic"
    assert policy["schema_version"] and policy["version"]
    assert policy["package_policies"] == []
    if kibana.at_least("9.1"):
        assert policy["space_ids"] == ["default"]
    else:  # 8.x policies are space-agnostic: no space_ids (test_8x_policies_are_space_agnostic)
        assert "space_ids" not in policy
    # the answer holds what is stored: no agent counts, no invented defaults (agent_policy.ts
    # API test: the exact PUT and copy answers)
    assert not {"agents", "is_preconfigured", "keep_monitoring_alive"} & set(policy)


def test_is_protected_cannot_be_set_on_create(kibana):
    assert item(create(kibana, is_protected=True))["is_protected"] is False


def test_caller_chosen_id_and_its_conflict(kibana):
    assert item(create(kibana, id="my-policy"))["id"] == "my-policy"
    message = error(create(kibana, id="my-policy", name="other"), 409)
    assert message == "Saved object [%s/my-policy] conflict" % so_type(kibana)


def test_empty_id_is_refused_from_9_3_and_ignored_before(kibana):
    if kibana.at_least("9.3"):
        error(create(kibana, id=""), 400)
    else:
        assert item(create(kibana, id="", name="before 9.3"))["id"]
    kibana.config(kibana_version="9.2.0")
    assert item(create(kibana, id=""))["id"]


def test_duplicate_name_409_with_kibanas_message(kibana):
    first = item(create(kibana, name="Agent policy 1"))
    message = error(create(kibana, name="Agent policy 1"), 409)
    assert message == f"Agent Policy '{first['id']}' already exists with name 'Agent policy 1'"


@pytest.mark.parametrize("field, value, message", [
    ("conformance_unknown", True,
     "[request body.conformance_unknown]: definition for this key is missing"),
    ("namespace", "Prod", "[request body.namespace]: Namespace must be lowercase"),
    ("namespace", "a-b", "[request body.namespace]: Namespace contains invalid characters"),
    ("name", " ", "[request body.name]: Invalid empty string"),
    ("inactivity_timeout", -1,
     "[request body.inactivity_timeout]: Value must be equal to or greater than [0]."),
    ("overrides", {"inputs": {}}, "[request body.overrides]: inputs overrides is not allowed"),
])
def test_create_body_is_strict(kibana, field, value, message):
    assert error(create(kibana, **{field: value}), 400) == message


def test_name_and_namespace_are_required(kibana):
    resp = kibana.api("POST", POLICIES, {"name": "x"})
    assert error(resp, 400) == ("[request body.namespace]: expected value of type [string] but "
                                "got [undefined]")


def test_sys_monitoring_adds_a_system_package_policy(kibana):
    policy = item(create(kibana, params={"sys_monitoring": "true"}))
    assert len(policy["package_policies"]) == 1 and policy["revision"] == 1
    got = item(kibana.api("GET", f"{POLICIES}/{policy['id']}"))
    assert got["package_policies"][0]["package"]["name"] == "system"
    assert got["package_policies"][0]["name"] == "system-1"
    assert fleet(kibana).has_package(policy["id"], "system")


# --------------------------------------------------------------------------- read


def test_unknown_id_is_404(kibana):
    message = error(kibana.api("GET", f"{POLICIES}/nope"), 404)
    assert message == "Saved object [%s/nope] not found" % so_type(kibana)
    error(kibana.api("PUT", f"{POLICIES}/nope", {"name": "n", "namespace": "default"}), 404)
    error(kibana.api("POST", f"{POLICIES}/nope/copy", {"name": "n"}), 404)
    error(kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": "nope"}), 404)


def test_literal_routes_are_not_taken_for_ids(kibana):
    policy = item(create(kibana))
    resp = kibana.api("POST", f"{POLICIES}/_bulk_get", {"ids": [policy["id"]]})
    assert [p["id"] for p in resp.json()["items"]] == [policy["id"]]
    assert kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": policy["id"]}).json() == {
        "id": policy["id"], "name": policy["name"]}


def test_bulk_get_missing_ids(kibana):
    policy = item(create(kibana))
    resp = kibana.api("POST", f"{POLICIES}/_bulk_get", {"ids": [policy["id"], "gone"]})
    assert error(resp, 404) == "Agent policy gone not found"
    resp = kibana.api("POST", f"{POLICIES}/_bulk_get",
                      {"ids": [policy["id"], "gone"], "ignoreMissing": True, "full": True})
    assert [p["id"] for p in resp.json()["items"]] == [policy["id"]]


def test_list_paging_sorting_and_limits(kibana):
    for n in range(3):
        create(kibana, name=f"policy-{n}")
    body = kibana.api("GET", POLICIES).json()
    assert (body["page"], body["perPage"], body["total"]) == (1, 20, 3)
    assert [p["name"] for p in body["items"]] == ["policy-2", "policy-1", "policy-0"]  # newest first
    body = kibana.api("GET", POLICIES, params={"perPage": 2, "page": 2, "sortField": "name",
                                               "sortOrder": "asc"}).json()
    assert [p["name"] for p in body["items"]] == ["policy-2"] and body["total"] == 3
    assert kibana.api("GET", POLICIES, params={"perPage": 500}).status_code == 200
    for limited in ({"full": "true"}, {"withAgentCount": "true"}):
        message = error(kibana.api("GET", POLICIES, params=dict(limited, perPage=101)), 400)
        assert message.endswith("perPage should be less or equal to 100 when fetching full "
                                "policies or agent count.")
    assert kibana.api("GET", POLICIES, params={"perPage": 100, "withAgentCount": "true"}
                      ).status_code == 200
    assert "definition for this key is missing" in error(
        kibana.api("GET", POLICIES, params={"per_page": 5}), 400)


@pytest.mark.parametrize("kuery, names", [
    ('ingest-agent-policies.name:"Linux hosts"', ["Linux hosts"]),
    ('fleet-agent-policies.name:"Linux hosts"', ["Linux hosts"]),
    ("fleet-agent-policies.attributes.namespace:prod", ["Windows"]),
    ("ingest-agent-policies.name:Lin*", ["Linux hosts"]),
    ('ingest-agent-policies.name:("Linux hosts" or Windows)', ["Linux hosts", "Windows"]),
    ("not ingest-agent-policies.namespace:prod", ["Linux hosts"]),
    ("ingest-agent-policies.description:servers", ["Windows"]),
    ("Windows", ["Windows"]),  # not KQL: Fleet falls back to a plain search term
    ('"Linux hosts"', ["Linux hosts"]),
    ("Linux", []),  # name is a keyword field: whole values only
])
def test_kuery(kibana, kuery, names):
    create(kibana, name="Linux hosts")
    create(kibana, name="Windows", namespace="prod", description="All Windows servers")
    body = kibana.api("GET", POLICIES, params={"kuery": kuery, "sortField": "name",
                                               "sortOrder": "asc"}).json()
    assert [p["name"] for p in body["items"]] == names


def test_agent_counts_and_full_package_policies(kibana):
    policy = item(create(kibana))
    kibana.control("POST", f"/fleet/agent_policies/{policy['id']}/agents", {"count": 3})
    kibana.control("POST", f"/fleet/agent_policies/{policy['id']}/package_policies",
                   {"package": "osquery_manager", "name": "osquery-1"})
    listed = kibana.api("GET", POLICIES).json()["items"][0]
    assert listed["agents"] == 0 and isinstance(listed["package_policies"][0], str)
    listed = kibana.api("GET", POLICIES, params={"withAgentCount": "true", "full": "true"}).json()
    assert listed["items"][0]["agents"] == 3
    assert listed["items"][0]["package_policies"][0]["package"]["name"] == "osquery_manager"
    got = item(kibana.api("GET", f"{POLICIES}/{policy['id']}"))
    assert got["agents"] == 3 and got["revision"] == 2  # adding an integration bumps it


# --------------------------------------------------------------------------- update


def test_put_bumps_revision_and_merges(kibana):
    policy = item(create(kibana, data_output_id="out-1", inactivity_timeout=600))
    updated = item(kibana.api("PUT", f"{POLICIES}/{policy['id']}",
                              put_body(policy, description="changed")))
    assert updated["revision"] == 2 and updated["description"] == "changed"
    assert updated["data_output_id"] == "out-1"  # omitted: kept
    assert updated["inactivity_timeout"] == TWO_WEEKS  # omitted: reset by the schema default
    assert updated["version"] != policy["version"]
    cleared = item(kibana.api("PUT", f"{POLICIES}/{policy['id']}",
                              put_body(policy, data_output_id=None, bumpRevision=False)))
    assert cleared["data_output_id"] is None and cleared["revision"] == 2


@pytest.mark.parametrize("field", ["revision", "status", "updated_at", "version", "agents",
                                   "package_policies", "is_preconfigured", "schema_version"])
def test_put_refuses_read_only_fields(kibana, field):
    policy = item(create(kibana))
    policy = item(kibana.api("GET", f"{POLICIES}/{policy['id']}"))
    policy.setdefault("is_preconfigured", False)
    resp = kibana.api("PUT", f"{POLICIES}/{policy['id']}", put_body(policy, **{field: policy[field]}))
    assert error(resp, 400) == f"[request body.{field}]: definition for this key is missing"


def test_put_requires_name_and_namespace(kibana):
    policy = item(create(kibana))
    path = f"{POLICIES}/{policy['id']}"
    for missing in ("name", "namespace"):
        body = put_body(policy, description="x")
        del body[missing]
        assert error(kibana.api("PUT", path, body), 400) == (
            f"[request body.{missing}]: expected value of type [string] but got [undefined]")
    assert item(kibana.api("GET", path))["revision"] == 1


def test_put_rename_onto_another_name_is_409(kibana):
    first = item(create(kibana, name="first"))
    second = item(create(kibana, name="second"))
    message = error(kibana.api("PUT", f"{POLICIES}/{second['id']}", put_body(second, name="first")),
                    409)
    assert message == f"Agent Policy '{first['id']}' already exists with name 'first'"
    item(kibana.api("PUT", f"{POLICIES}/{second['id']}", put_body(second)))
    assert first["id"] != second["id"]


def test_tamper_protection_needs_elastic_defend(kibana):
    policy = item(create(kibana))
    path = f"{POLICIES}/{policy['id']}"
    assert item(kibana.api("PUT", path, put_body(policy, is_protected=True)))["is_protected"] is False
    kibana.control("POST", f"/fleet/agent_policies/{policy['id']}/package_policies",
                   {"package": "endpoint"})
    assert item(kibana.api("PUT", path, put_body(policy, is_protected=True)))["is_protected"] is True


def test_managed_policy_is_read_only_unless_forced(kibana):
    seeded = kibana.control("POST", "/fleet/agent_policies",
                            {"id": "hosted", "name": "Hosted", "is_managed": True})["item"]
    path = f"{POLICIES}/hosted"
    assert error(kibana.api("PUT", path, put_body(seeded, description="x")), 400) == (
        "Cannot update description in Fleet because the agent policy is managed by an external "
        "orchestration solution, such as Elastic Cloud, Kubernetes, etc. Please make changes "
        "using your orchestration solution.")
    assert item(kibana.api("PUT", path, put_body(seeded, namespace="other")))["namespace"] == "other"
    resp = kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": "hosted"})
    assert error(resp, 400) == "Cannot delete hosted agent policy hosted"
    resp = kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": "hosted", "force": True})
    assert resp.status_code == 200


def test_preconfigured_policy_can_be_deleted(kibana):
    kibana.control("POST", "/fleet/agent_policies",
                   {"id": "preconf", "name": "Preconfigured", "is_preconfigured": True})
    assert kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": "preconf"}).status_code == 200


# --------------------------------------------------------------------------- copy / delete


def test_copy(kibana):
    source = item(create(kibana, name="source", inactivity_timeout=600,
                         params={"sys_monitoring": "true"}))
    copied = item(kibana.api("POST", f"{POLICIES}/{source['id']}/copy", {"name": "copy"}))
    assert copied["id"] != source["id"] and copied["name"] == "copy"
    assert copied["inactivity_timeout"] == 600 and copied["revision"] == 2
    assert copied["package_policies"][0]["name"] == "system-1 (copy)"
    message = error(kibana.api("POST", f"{POLICIES}/{source['id']}/copy", {"name": "source"}), 409)
    assert message == f"Agent Policy '{source['id']}' already exists with name 'source'"
    message = error(kibana.api("POST", f"{POLICIES}/{source['id']}/copy", {"name": ""}), 400)
    assert message == ("[request body.name]: value has length [0] but it must have a minimum "
                       "length of [1].")


def test_delete_refused_while_agents_are_enrolled(kibana):
    policy = item(create(kibana, params={"sys_monitoring": "true"}))
    kibana.control("POST", f"/fleet/agent_policies/{policy['id']}/agents", {"count": 1})
    resp = kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": policy["id"]})
    assert error(resp, 400) == ("Cannot delete an agent policy that is assigned to any active or "
                                "inactive agents")
    kibana.control("POST", f"/fleet/agent_policies/{policy['id']}/agents", {"count": 0})
    assert kibana.api("POST", f"{POLICIES}/delete", {"agentPolicyId": policy["id"]}).json() == {
        "id": policy["id"], "name": policy["name"]}
    assert not fleet(kibana).has_package(policy["id"], "system")
    assert kibana.emulator.state["fleet_agent_policies"]["package_policies"] == {}


# --------------------------------------------------------------------------- spaces


@pytest.mark.kibana_min("9.1")  # space awareness; 8.x: test_8x_policies_are_space_agnostic
def test_9x_policies_live_in_their_spaces(kibana):
    in_ops = item(create(kibana, space="ops", name="shared-name"))
    assert in_ops["space_ids"] == ["ops"]
    error(kibana.api("GET", f"{POLICIES}/{in_ops['id']}"), 404)
    assert item(create(kibana, name="shared-name"))  # names are unique per space
    both = item(create(kibana, name="both", space_ids=["default", "ops"]))
    assert item(kibana.api("GET", f"{POLICIES}/{both['id']}", space="ops"))["id"] == both["id"]
    assert fleet(kibana).get_policy("ops", in_ops["id"])["name"] == "shared-name"
    assert fleet(kibana).get_policy("default", in_ops["id"]) is None
    message = error(create(kibana, name="x", space_ids=["nowhere"]), 400)
    assert message == "No enough permissions to create policies in space nowhere"
    kibana.api("DELETE", "/api/spaces/space/ops")
    assert fleet(kibana).get_policy("ops", in_ops["id"]) is None
    assert item(kibana.api("GET", f"{POLICIES}/{both['id']}"))["space_ids"] == ["default"]


def test_8x_policies_are_space_agnostic(kibana):
    kibana.config(kibana_version="8.19.0")
    policy = item(create(kibana, space="ops"))
    assert "space_ids" not in policy
    assert item(kibana.api("GET", f"{POLICIES}/{policy['id']}"))["id"] == policy["id"]
    error(create(kibana, name=policy["name"]), 409)  # one name namespace for every space
    assert "space_ids" in error(create(kibana, name="y", space_ids=["default"]), 400)
    message = error(kibana.api("GET", f"{POLICIES}/nope"), 404)
    assert message == "Saved object [ingest-agent-policies/nope] not found"
