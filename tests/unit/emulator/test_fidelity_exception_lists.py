"""Exception lists and items: the emulator against the assertions of Kibana's lists API
integration tests, x-pack/test/lists_api_integration/security_and_spaces/tests/ (cited by file
and `it` name), and the list and item update services
(x-pack/solutions/security/plugins/lists/server/services/exception_lists/). Rows of
tests/emulator/FIDELITY.md's exception list section.

The `kibana` fixture is a fresh emulator (Kibana 9.4) with space `ops`."""

LISTS = "/api/exception_lists"
ITEMS = "/api/exception_lists/items"
FAKE = "5096dec6-b6b9-4d8d-8f93-6c2602079d9d"
# getCreateExceptionListMinimalSchemaMock() / getUpdateMinimalExceptionListSchemaMock()
LIST = {"list_id": "some-list-id", "name": "some name", "description": "some description",
        "type": "detection"}
ITEM = {"list_id": "some-list-id", "item_id": "some-list-item-id", "name": "some name",
        "description": "some description", "type": "simple",
        "entries": [{"field": "some.not.nested.field", "operator": "included", "type": "match",
                     "value": "some value"}]}


def call(kibana, method, path, body=None, params=None, status=200):
    resp = kibana.api(method, path, body, params=params)
    assert resp.status_code == status, resp.text
    return resp.json()


def test_create_list_and_409_on_the_same_list_id(kibana):
    # create_exception_lists.ts 'should create a simple exception list', 'should create a
    # simple exception list without a list_id', 'should cause a 409 conflict if we attempt to
    # create the same list_id twice'
    created = call(kibana, "POST", LISTS, LIST)
    assert created["version"] == 1 and created["immutable"] is False
    assert created["os_types"] == [] and created["tags"] == [] and created["namespace_type"] == "single"
    generated = call(kibana, "POST", LISTS, {k: v for k, v in LIST.items() if k != "list_id"})
    assert generated["list_id"] and generated["list_id"] != LIST["list_id"]
    assert call(kibana, "POST", LISTS, LIST, status=409) == {
        "message": 'exception list id: "some-list-id" already exists', "status_code": 409}


def test_list_update_bumps_version_and_404s(kibana):
    # update_exception_lists.ts 'should update a single exception list property of name using
    # an id' (version 2), 'should change the version of a list when it updates two
    # properties', 'should give a 404 if it is given a fake id' / 'a fake list_id' / 'if both id
    # and list_id is null'
    created = call(kibana, "POST", LISTS, LIST)
    updated = call(kibana, "PUT", LISTS, dict(LIST, name="some other name"))
    assert updated["name"] == "some other name" and updated["version"] == 2
    by_id = call(kibana, "PUT", LISTS, dict({k: v for k, v in LIST.items() if k != "list_id"},
                                            id=created["id"], description="other"))
    assert by_id["version"] == 3 and by_id["list_id"] == "some-list-id"
    no_list_id = {k: v for k, v in LIST.items() if k != "list_id"}
    assert call(kibana, "PUT", LISTS, dict(no_list_id, id=FAKE), status=404) == {
        "status_code": 404, "message": 'exception list id: "%s" does not exist' % FAKE}
    assert call(kibana, "PUT", LISTS, dict(LIST, list_id=FAKE), status=404) == {
        "status_code": 404, "message": 'exception list list_id: "%s" does not exist' % FAKE}
    assert call(kibana, "PUT", LISTS, no_list_id, status=404) == {
        "status_code": 404, "message": "either id or list_id need to be defined"}


def test_item_update_by_item_id_or_id_has_no_side_effects(kibana):
    # update_exception_list_items.ts 'regressions': 'updates an item via its item_id without
    # side effects' / 'via its id' (one item, same id and item_id after the update)
    call(kibana, "POST", LISTS, LIST)
    call(kibana, "POST", ITEMS, ITEM)
    [item] = call(kibana, "GET", ITEMS + "/_find", params={"list_id": "some-list-id"})["data"]
    update = {k: v for k, v in ITEM.items() if k != "list_id"}
    call(kibana, "PUT", ITEMS, dict(update, name="some other name"))
    no_item_id = {k: v for k, v in update.items() if k != "item_id"}
    call(kibana, "PUT", ITEMS, dict(no_item_id, id=item["id"], name="third name"))
    found = call(kibana, "GET", ITEMS + "/_find", params={"list_id": "some-list-id"})
    assert found["total"] == 1
    [after] = found["data"]
    assert (after["id"], after["item_id"], after["name"]) == (item["id"], item["item_id"],
                                                              "third name")


def test_item_update_404s(kibana):
    # update_exception_list_items.ts 'should give a 404 if it is given a fake exception list
    # item id' / 'a fake item_id' / 'if both id and list_id is null'
    update = {k: v for k, v in ITEM.items() if k not in ("list_id", "item_id")}
    assert call(kibana, "PUT", ITEMS, dict(update, id=FAKE), status=404) == {
        "status_code": 404, "message": 'exception list item id: "%s" does not exist' % FAKE}
    assert call(kibana, "PUT", ITEMS, dict(update, item_id=FAKE), status=404) == {
        "status_code": 404, "message": 'exception list item item_id: "%s" does not exist' % FAKE}
    assert call(kibana, "PUT", ITEMS, update, status=404) == {
        "status_code": 404, "message": "either id or item_id need to be defined"}


def test_item_update_keeps_comments_and_unsent_tags(kibana):
    # services/exception_lists/update_overwrite_exception_list_item.ts: comments are appended
    # to (transformUpdateCommentsToComments), `tags ?? existing.tags`. (The newer regression
    # test 'preserves optional fields that are unspecified in the request, a la PATCH
    # semantics' also expects os_types and meta kept: see FIDELITY.md, kept difference.)
    call(kibana, "POST", LISTS, LIST)
    created = call(kibana, "POST", ITEMS, dict(ITEM, tags=["hi mom"],
                                               comments=[{"comment": "Im an old comment"}]))
    update = {k: v for k, v in ITEM.items() if k not in ("list_id", "item_id")}
    call(kibana, "PUT", ITEMS, dict(update, id=created["id"]))
    [after] = call(kibana, "GET", ITEMS + "/_find", params={"list_id": "some-list-id"})["data"]
    assert [c["comment"] for c in after["comments"]] == ["Im an old comment"]
