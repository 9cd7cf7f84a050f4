"""Osquery packs: the emulator against Kibana's API integration test
x-pack/platform/test/api_integration/apis/osquery/packs.ts (SRC) and the pack routes' query
conversion x-pack/platform/plugins/shared/osquery/server/routes/pack/utils.ts (UTILS). Rows of
tests/emulator/FIDELITY.md's osquery section.

The `kibana` fixture is a fresh emulator (Kibana 9.4) with space `ops`."""

PACKS = "/api/osquery/packs"
MULTI_LINE = "select u.username,\n       p.pid\nfrom processes as p\nlimit 1000;"


def pack_body(policy_ids):
    # SRC getDefaultPack()
    return {"name": "TestPack", "description": "TestPack Description", "enabled": True,
            "policy_ids": policy_ids,
            "queries": {"testQuery": {"query": MULTI_LINE, "interval": 600, "platform": "windows",
                                      "version": "1"}}}


def osquery_policy(kibana):
    resp = kibana.api("POST", "/api/fleet/agent_policies", {"name": "Hosted policy",
                                                            "namespace": "default"})
    policy_id = resp.json()["item"]["id"]
    kibana.control("POST", "/fleet/agent_policies/%s/package_policies" % policy_id,
                   {"package": "osquery_manager"})
    return policy_id


def test_create_and_update_keep_the_multi_line_query(kibana):
    # SRC 'create route should return 200 and multi line query ...', 'update route should
    # return 200 ...' (the single-line form only goes into the Fleet package policy)
    policy_id = osquery_policy(kibana)
    created = kibana.api("POST", PACKS, pack_body([policy_id]))
    assert created.status_code == 200, created.text
    pack_id = created.json()["data"]["saved_object_id"]
    read = kibana.api("GET", "%s/%s" % (PACKS, pack_id)).json()["data"]
    assert read["queries"]["testQuery"]["query"] == MULTI_LINE
    updated = kibana.api("PUT", "%s/%s" % (PACKS, pack_id), pack_body([policy_id]))
    assert updated.status_code == 200
    if kibana.at_least("9.4"):
        assert updated.json()["data"]["saved_object_id"] == pack_id
    else:
        # the old handler answers the saved object itself, `{data: updatedPackSO}`
        # (x-pack/plugins/osquery/server/routes/pack/update_pack_route.ts, pre-RRULE), and its
        # API test asserts `updatePackResponse.body.id` (x-pack/test/api_integration/apis/
        # osquery/packs.ts)
        assert updated.json()["data"]["id"] == pack_id
    read = kibana.api("GET", "%s/%s" % (PACKS, pack_id)).json()["data"]
    assert read["queries"]["testQuery"]["query"] == MULTI_LINE


def test_saved_query_id_is_accepted_but_not_stored(kibana):
    # kbn-osquery-io-ts-types objectQueries accepts saved_query_id; UTILS
    # convertPackQueriesToSO picks a fixed key list without it (every stored version)
    body = {"name": "p", "queries": {"q": {"query": "select 1;", "interval": 60,
                                           "saved_query_id": "sq"}}}
    created = kibana.api("POST", PACKS, body)
    assert created.status_code == 200, created.text
    read = kibana.api("GET", "%s/%s" % (PACKS, created.json()["data"]["saved_object_id"]))
    assert "saved_query_id" not in read.json()["data"]["queries"]["q"]
