"""The emulator's Osquery saved queries family against tests/emulator/contract/osquery-saved-queries.md.
Each test names the Kibana source it encodes (paths under
x-pack/platform/plugins/shared/osquery/ unless they start with x-pack/ or src/).

The `kibana` fixture is a fresh emulator (Kibana 9.4) with space `ops`."""

import pytest

SAVED = "/api/osquery/saved_queries"
API_TEST = "x-pack/platform/test/api_integration/apis/osquery/saved_queries.ts"


def create(kibana, status=200, space=None, **fields):
    body = {"id": "q1", "query": "select 1;", "interval": "3600"}
    body.update(fields)
    resp = kibana.api("POST", SAVED, body, space=space)
    assert resp.status_code == status, resp.text
    return resp.json()["data"] if status == 200 else resp.json()


def message(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"statusCode", "error", "message"}
    return body["message"]


def test_create_read_update_find_delete_as_kibanas_api_test(kibana):
    # source: API_TEST 'creates, reads, and deletes a saved query'
    data = create(kibana, id="saved-query-1")
    so_id = data["saved_object_id"]
    read = kibana.api("GET", f"{SAVED}/{so_id}")
    assert read.status_code == 200 and read.json()["data"]["id"] == "saved-query-1"
    put = kibana.api("PUT", f"{SAVED}/{so_id}",
                     {"id": "saved-query-1-updated", "query": "select 2;", "interval": 3600})
    assert put.status_code == 200 and put.json()["data"]["id"] == "saved-query-1-updated"
    found = kibana.api("GET", SAVED, params={"page": 1, "pageSize": 20}).json()
    assert any(q["id"] == "saved-query-1-updated" for q in found["data"])
    assert kibana.api("DELETE", f"{SAVED}/{so_id}").json() == {}


def test_profile_uid_fields_on_create_read_and_find(kibana):
    # source: API_TEST 'profile_uid fields'
    data = create(kibana)
    assert "created_by_profile_uid" in data and "updated_by_profile_uid" in data
    read = kibana.api("GET", f"{SAVED}/{data['saved_object_id']}").json()["data"]
    assert "created_by_profile_uid" in read and "updated_by_profile_uid" in read
    [item] = [q for q in kibana.api("GET", SAVED).json()["data"] if q["id"] == "q1"]
    assert "created_by_profile_uid" in item


def test_find_search_and_created_by(kibana):
    # source: API_TEST 'find with search and createdBy params'; server/routes/saved_query/
    # find_saved_query_route.ts (search: *term* on id, description, query)
    for suffix in ("alpha", "beta", "gamma"):
        create(kibana, id=f"findtest-{suffix}")
    found = kibana.api("GET", SAVED, params={"search": "findtest-alpha"}).json()
    assert found["total"] > 0 and any(q["id"] == "findtest-alpha" for q in found["data"])
    assert kibana.api("GET", SAVED, params={"search": "zzzznonexistent999"}).json()["total"] == 0
    mine = kibana.api("GET", SAVED, params={"createdBy": "elastic", "pageSize": 100}).json()
    assert mine["total"] > 0 and {q["created_by"] for q in mine["data"]} == {"elastic"}
    assert kibana.api("GET", SAVED, params={"createdBy": "nonexistentuser"}).json()["total"] == 0
    # the newer handler's exact `id` filter wins over search
    exact = kibana.api("GET", SAVED, params={"id": "findtest-beta", "search": "alpha"}).json()
    assert [q["id"] for q in exact["data"]] == ["findtest-beta"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_404_for_non_existent_saved_queries(kibana, method):
    # source: API_TEST '404 for non-existent resources'; read: the saved-object not-found
    # (read_saved_query_route.ts), update/delete: `Saved query <id> not found`
    body = {"id": "updated-name", "query": "select 2;", "interval": 3600} if method == "PUT" else None
    text = message(kibana.api(method, f"{SAVED}/non-existent-id", body), 404)
    assert text == ("Saved object [osquery-saved-query/non-existent-id] not found"
                    if method == "GET" else "Saved query non-existent-id not found")


def test_create_requires_id_query_and_a_string_interval(kibana):
    # source: common/api/saved_query/create_saved_query_route.ts; kbn-osquery-io-ts-types
    # `interval = t.string`; server/utils/build_validation/route_validation.test.ts (wording)
    resp = kibana.api("POST", SAVED, {"query": "select 1;", "interval": "60"})
    assert message(resp, 400) == '[request body]: Invalid value "undefined" supplied to "id"'
    resp = kibana.api("POST", SAVED, {"id": "a", "query": "select 1;", "interval": 60})
    assert message(resp, 400) == '[request body]: Invalid value "60" supplied to "interval"'
    resp = kibana.api("POST", SAVED, {"id": "a", "query": "select 1;"})
    assert message(resp, 400) == '[request body]: Invalid value "undefined" supplied to "interval"'
    resp = kibana.api("POST", SAVED, {"id": "a", "query": "select 1;", "interval": "60",
                                      "description": None})
    assert "supplied to \"description\"" in message(resp, 400)
    # unknown keys pass (t.type is not exact) and are not stored
    data = create(kibana, id="extra", saved_object_id="mine", prebuilt=True)
    assert data["saved_object_id"] != "mine"


@pytest.mark.parametrize("timeout, ok", [(59, False), (60, True), (86400, True), (86401, False),
                                         ("120", False)])
def test_timeout_is_in_range_60_to_86400(kibana, timeout, ok):
    # source: kbn-osquery-io-ts-types `timeout = inRangeRt(60, 60 * 60 * 24)`
    resp = kibana.api("POST", SAVED, {"id": "t", "query": "select 1;", "interval": "60",
                                      "timeout": timeout})
    assert resp.status_code == (200 if ok else 400), resp.text


def test_id_is_unique_per_space_on_create_and_update(kibana):
    # source: server/routes/saved_query/create_saved_query_route.ts and update_saved_query_route.ts
    first = create(kibana, id="dup")
    assert create(kibana, status=409, id="dup")["message"] == 'Saved query with id "dup" already exists.'
    create(kibana, id="dup", space="ops")  # another space: allowed
    other = create(kibana, id="other")
    resp = kibana.api("PUT", f"{SAVED}/{other['saved_object_id']}",
                      {"id": "dup", "query": "select 1;"})
    assert message(resp, 409) == 'Saved query with id "dup" already exists.'
    # keeping its own id is no conflict
    resp = kibana.api("PUT", f"{SAVED}/{first['saved_object_id']}", {"id": "dup", "query": "x"})
    assert resp.status_code == 200


def test_create_answer_leaves_out_booleans_and_empty_values(kibana):
    # source: create_saved_query_route.ts: the answer is pickBy(!isEmpty || isNumber), and
    # lodash isEmpty(true) is true; the stored attributes keep booleans (pickBy with isBoolean)
    data = create(kibana, snapshot=True, removed=False, description="", timeout=120,
                  ecs_mapping={"host.uptime": {"field": "total_seconds"}})
    assert "snapshot" not in data and "removed" not in data and "description" not in data
    assert "prebuilt" not in data and data["timeout"] == 120
    assert data["ecs_mapping"] == {"host.uptime": {"field": "total_seconds"}}
    read = kibana.api("GET", f"{SAVED}/{data['saved_object_id']}").json()["data"]
    assert read["snapshot"] is True and read["removed"] is False and read["prebuilt"] is False
    assert "description" not in read  # "" was not stored
    assert read["interval"] == "3600"  # a string after a create


def test_update_is_partial_clears_description_and_stores_a_number_interval(kibana):
    # source: update_saved_query_route.ts (`description || ''`, undefined attributes not
    # written) and common/api/saved_query/update_saved_query_route.ts (toNumberRt interval)
    data = create(kibana, description="d", platform="linux", version="5.0.0", snapshot=True,
                  ecs_mapping={"a": {"field": "b"}})
    so_id = data["saved_object_id"]
    resp = kibana.api("PUT", f"{SAVED}/{so_id}", {"id": "q1", "query": "select 2;",
                                                  "interval": "600"})
    assert resp.status_code == 200, resp.text
    read = kibana.api("GET", f"{SAVED}/{so_id}").json()["data"]
    assert read["description"] == "" and read["interval"] == 600
    assert read["platform"] == "linux" and read["version"] == "5.0.0" and read["snapshot"] is True
    assert read["ecs_mapping"] == {"a": {"field": "b"}}
    # {} clears the mapping
    kibana.api("PUT", f"{SAVED}/{so_id}", {"id": "q1", "query": "x", "ecs_mapping": {}})
    assert kibana.api("GET", f"{SAVED}/{so_id}").json()["data"]["ecs_mapping"] == {}
    # update requires id and query
    resp = kibana.api("PUT", f"{SAVED}/{so_id}", {"query": "x"})
    assert message(resp, 400) == '[request body]: Invalid value "undefined" supplied to "id"'


def test_prebuilt_saved_queries_cannot_be_updated_or_deleted(kibana):
    # source: update_saved_query_route.ts / delete_saved_query_route.ts (409 texts);
    # read_saved_query_route.ts (prebuilt flag)
    [item] = [q for q in kibana.api("GET", SAVED).json()["data"] if q["prebuilt"]]
    so_id = item["saved_object_id"]
    resp = kibana.api("PUT", f"{SAVED}/{so_id}", {"id": item["id"], "query": "x"})
    assert message(resp, 409) == "Elastic prebuilt Saved query cannot be updated."
    assert message(kibana.api("DELETE", f"{SAVED}/{so_id}"), 409) == \
        "Elastic prebuilt Saved query cannot be deleted."


def test_saved_queries_live_in_one_space(kibana):
    # source: read/find/delete use createInternalSavedObjectsClientForSpaceId (space-scoped)
    data = create(kibana, space="ops")
    assert kibana.api("GET", f"{SAVED}/{data['saved_object_id']}").status_code == 404
    assert kibana.api("GET", f"{SAVED}/{data['saved_object_id']}", space="ops").status_code == 200
    assert all(q["id"] != "q1" for q in kibana.api("GET", SAVED).json()["data"])


def test_find_query_validation(kibana):
    # source: common/api/saved_query/find_saved_query_route.ts (toNumberRt page/pageSize,
    # sortOrder asc|desc)
    resp = kibana.api("GET", SAVED, params={"sortOrder": "up"})
    assert message(resp, 400) == '[request query]: Invalid value "up" supplied to "sortOrder"'
    resp = kibana.api("GET", SAVED, params={"page": "x"})
    assert message(resp, 400) == '[request query]: Invalid value "x" supplied to "page"'
    body = kibana.api("GET", SAVED, params={"page": "1", "pageSize": "1"}).json()
    assert body["page"] == 1 and body["per_page"] == 1 and len(body["data"]) == 1
