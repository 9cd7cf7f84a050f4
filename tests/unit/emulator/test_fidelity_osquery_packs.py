"""Osquery packs: the emulator against Kibana's API integration test
x-pack/platform/test/api_integration/apis/osquery/packs.ts (SRC) and the pack routes' query
conversion x-pack/platform/plugins/shared/osquery/server/routes/pack/utils.ts (UTILS). Rows of
tests/emulator/FIDELITY.md's osquery section.

The `kibana` fixture is a fresh emulator (Kibana 9.4) with space `ops`."""

import pytest

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


# The find route, against its route test
# x-pack/platform/plugins/shared/osquery/server/routes/pack/find_pack_route.test.ts (FIND). Its
# filters and read_only belong to the newer handlers, which the emulator plays from 9.4
# (osquery_packs.py NEW_HANDLERS_SINCE, [unverified] release); before them find ignores
# `search` and has no read_only (kibana-api/osquery-packs.md "old code").
NEWER_FIND = pytest.mark.kibana_min("9.4")


def find(kibana, **query):
    resp = kibana.api("GET", PACKS, params=query)
    assert resp.status_code == 200, resp.text
    return resp.json()


def user_names(answer):
    return sorted(p["name"] for p in answer["data"] if not p.get("read_only"))


@NEWER_FIND
def test_find_defaults_and_read_only(kibana):
    # P4 FIND "uses default pagination when no page/pageSize provided" (page 1, 20 per page,
    # updated_at desc); "marks prebuilt packs as read_only" / "marks user-created packs as not
    # read_only"
    for name in ("first", "second"):
        kibana.api("POST", PACKS, {"name": name, "queries": {}})
    answer = find(kibana)
    assert (answer["page"], answer["per_page"]) == (1, 20)
    assert [p["name"] for p in answer["data"] if not p["read_only"]] == ["second", "first"]
    assert any(p["read_only"] for p in answer["data"])  # the prebuilt packs


@NEWER_FIND
def test_find_search_enabled_and_created_by(kibana):
    # P5 FIND "passes search and searchFields to SO client" (search on name and description),
    # "builds enabled filter when enabled param is true/false", "builds createdBy filter for a
    # single user" / "with OR for multiple comma-separated users", "combines ... with AND"
    kibana.api("POST", PACKS, {"name": "net", "description": "monitoring of sockets",
                               "enabled": True, "queries": {}})
    kibana.api("POST", PACKS, {"name": "disk-monitoring", "enabled": False, "queries": {}})
    kibana.api("POST", PACKS, {"name": "users", "queries": {}})
    assert user_names(find(kibana, search="monitoring")) == ["disk-monitoring", "net"]
    assert user_names(find(kibana, search='"disk monitoring"')) == ["disk-monitoring"]
    assert [p["name"] for p in find(kibana, enabled="true")["data"]] == ["net"]
    assert "net" not in user_names(find(kibana, enabled="false"))
    everyone = ["disk-monitoring", "net", "users"]
    assert user_names(find(kibana, createdBy="elastic,admin")) == everyone
    assert find(kibana, createdBy="admin")["data"] == []
    assert user_names(find(kibana, enabled="true", createdBy="elastic")) == ["net"]


# The copy route (9.4: "Added in 9.4.0", osquery_packs.py COPY_SINCE), against its route test
# x-pack/platform/plugins/shared/osquery/server/routes/pack/copy_pack_route.test.ts (COPY).


def copy(kibana, pack_id, status=200):
    resp = kibana.api("POST", "%s/%s/copy" % (PACKS, pack_id))
    assert resp.status_code == status, resp.text
    return resp.json()


@pytest.mark.kibana_min("9.4")
def test_copy_is_disabled_unassigned_and_named_after_the_source(kibana):
    # P6 COPY "successfully copies a pack with queries but without policy assignments" and
    # "always sets enabled to false even when source is enabled": `<name>_copy`, a new id,
    # enabled false, shards [] and no agent policy
    policy_id = osquery_policy(kibana)
    source = kibana.api("POST", PACKS, dict(pack_body([policy_id]), name="my-pack",
                                            shards={policy_id: 100})).json()["data"]
    copied = copy(kibana, source["saved_object_id"])["data"]
    assert copied["name"] == "my-pack_copy" and copied["enabled"] is False
    assert copied["saved_object_id"] != source["saved_object_id"]
    assert copied["shards"] == [] and copied["policy_ids"] == []
    read = kibana.api("GET", "%s/%s" % (PACKS, copied["saved_object_id"])).json()["data"]
    assert read["policy_ids"] == [] and read["queries"]["testQuery"]["query"] == MULTI_LINE
    # P7 COPY "resolves name collision": the first free `_copy_<n>`
    copy(kibana, source["saved_object_id"])
    assert copy(kibana, source["saved_object_id"])["data"]["name"] == "my-pack_copy_3"


@pytest.mark.kibana_min("9.4")
def test_copy_of_a_prebuilt_pack_and_of_an_unknown_one(kibana):
    # P8 COPY "strips version and read_only from prebuilt pack copy", "clears all references
    # including prebuilt assets": the copy is an ordinary, editable pack
    prebuilt = next(p for p in find(kibana)["data"] if p["read_only"])
    copied = copy(kibana, prebuilt["saved_object_id"])["data"]
    assert "version" not in copied and "read_only" not in copied
    read = kibana.api("GET", "%s/%s" % (PACKS, copied["saved_object_id"])).json()["data"]
    assert read["read_only"] is False
    # P9 COPY "returns 404 when source not found": notFound with that body
    assert copy(kibana, "non-existent", status=404)["message"] == \
        'Pack with id "non-existent" not found.'
