"""The emulator's exception lists family (kibana-api/exception-lists.md), beyond what the shared
conformance suite checks: zod wording, namespaces and spaces, overwrite and comment rules,
_find dialects and KQL filters, _duplicate, summary, quirk switches, and a 5,000-item list."""

import base64

import pytest
from werkzeug.test import Client

from tests.emulator.families import exception_lists as family

LISTS = "/api/exception_lists"
ITEMS = "/api/exception_lists/items"
ENTRY = {"type": "match", "field": "host.name", "value": "web-01", "operator": "included"}
AUTH = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode(),
        "kbn-xsrf": "tests"}


def make_list(kibana, list_id="web", space=None, **fields):
    body = {"list_id": list_id, "name": f"List {list_id}", "description": "d",
            "type": "detection"}
    body.update(fields)
    resp = kibana.api("POST", LISTS, body, space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()


def make_item(kibana, item_id, list_id="web", space=None, **fields):
    body = {"list_id": list_id, "item_id": item_id, "type": "simple", "name": f"Item {item_id}",
            "description": "d", "entries": [ENTRY]}
    body.update(fields)
    if item_id is None:
        del body["item_id"]  # let the server generate one
    resp = kibana.api("POST", ITEMS, body, space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()


def item_put(item, **fields):
    body = {"id": item["id"], "type": "simple", "name": item["name"],
            "description": item["description"], "entries": item["entries"],
            "namespace_type": item["namespace_type"]}
    body.update(fields)
    return body


def core_error(resp, status=400):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"statusCode", "error", "message"}, body
    return body["message"]


def siem_error(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"message", "status_code"} and body["status_code"] == status, body
    return body["message"]


def find_items(kibana, space=None, **params):
    return kibana.api("GET", ITEMS + "/_find", params=params, space=space)


# --------------------------------------------------------------------------- validation


def test_zod_messages_use_the_core_shape(kibana):
    resp = kibana.api("POST", LISTS, {"list_id": 1, "name": "x", "type": "nope", "version": 0})
    assert core_error(resp) == (
        "[request body]: description: Required, type: Invalid enum value. Expected 'detection' "
        "| 'rule_default' | 'endpoint' | 'endpoint_trusted_apps' | 'endpoint_events' | "
        "'endpoint_host_isolation_exceptions' | 'endpoint_blocklists', received 'nope', "
        "list_id: Expected string, received number, version: Number must be greater than or "
        "equal to 1")
    resp = kibana.api("GET", LISTS, params={"list_id": "x", "namespace_type": "foo"})
    assert core_error(resp) == ("[request query]: namespace_type: Invalid enum value. Expected "
                                "'agnostic' | 'single', received 'foo'")


def test_entry_validation_per_type(kibana):
    make_list(kibana)
    bad = [
        ({"type": "foo"}, "entries.0.type: Invalid discriminator value. Expected 'match' | "
                          "'match_any' | 'list' | 'exists' | 'nested' | 'wildcard'"),
        (dict(ENTRY, value=""), "entries.0.value: String must contain at least 1 character(s), "
                                "entries.0.value: No empty strings allowed"),
        (dict(ENTRY, value="  "), "entries.0.value: No empty strings allowed"),
        ({"type": "match_any", "field": "f", "value": [], "operator": "included"},
         "entries.0.value: Array must contain at least 1 element(s)"),
        ({"type": "exists", "field": "f", "operator": "maybe"},
         "entries.0.operator: Invalid enum value. Expected 'excluded' | 'included', "
         "received 'maybe'"),
        ({"type": "list", "field": "f", "list": {"id": "ips"}, "operator": "included"},
         "entries.0.list.type: Required"),
        ({"type": "nested", "field": "f", "entries": []},
         "entries.0.entries: Array must contain at least 1 element(s)"),
        ({"type": "wildcard", "field": "f", "operator": "included"}, "entries.0.value: Required"),
    ]
    for entry, message in bad:
        resp = kibana.api("POST", ITEMS, {"list_id": "web", "type": "simple", "name": "n",
                                          "description": "", "entries": [entry]})
        assert core_error(resp) == f"[request body]: {message}", entry
    good = [ENTRY,
            {"type": "match_any", "field": "f", "value": ["a", "b"], "operator": "excluded"},
            {"type": "wildcard", "field": "f", "value": "a*", "operator": "included"},
            {"type": "exists", "field": "f", "operator": "included"},
            {"type": "list", "field": "source.ip", "list": {"id": "ips", "type": "ip"},
             "operator": "included"},
            {"type": "nested", "field": "parent", "entries": [
                {"type": "match", "field": "child", "value": "v", "operator": "included"}]}]
    item = make_item(kibana, "all-types", entries=[dict(e) for e in good])
    assert item["entries"] == good


def test_nested_entries_report_every_union_member(kibana):
    make_list(kibana)
    nested = {"type": "nested", "field": "p", "entries": [
        {"type": "wildcard", "field": "x", "value": "y", "operator": "included"}]}
    resp = kibana.api("POST", ITEMS, {"list_id": "web", "type": "simple", "name": "n",
                                      "description": "", "entries": [nested]})
    message = core_error(resp)
    for literal in ("match", "match_any", "exists"):
        assert f'entries.0.entries.0.type: Invalid literal value, expected "{literal}"' in message


def test_unknown_keys_are_stripped(kibana):
    make_list(kibana)
    item = make_item(kibana, "strip", entries=[dict(ENTRY, extra=1)], surprise=True)
    assert item["entries"] == [ENTRY] and "surprise" not in item


# --------------------------------------------------------------------------- lists


def test_list_defaults_and_os_types_ignored_per_notes(kibana):
    created = make_list(kibana, os_types=["linux"], meta={"owner": "ops"})
    assert created["os_types"] == [] and created["tags"] == []
    assert created["meta"] == {"owner": "ops"} and created["immutable"] is False
    assert base64.b64decode(created["_version"]).decode().startswith("[")
    assert "meta" not in make_list(kibana, "plain")
    resp = kibana.api("PUT", LISTS, {"list_id": "web", "name": "n", "description": "d",
                                     "type": "detection", "os_types": ["macos"]})
    assert resp.json()["os_types"] == []
    kibana.control("POST", "/exception_lists/quirks",
                   {"list_os_types_on_create": True, "list_os_types_on_update": True})
    assert make_list(kibana, "with-os", os_types=["linux"])["os_types"] == ["linux"]
    resp = kibana.api("PUT", LISTS, {"list_id": "with-os", "name": "n", "description": "d",
                                     "type": "detection", "os_types": ["macos"]})
    assert resp.json()["os_types"] == ["macos"]


def test_list_update_is_partial_and_version_can_be_given(kibana):
    created = make_list(kibana, tags=["a"], meta={"k": 1})
    resp = kibana.api("PUT", LISTS, {"id": created["id"], "name": "n", "description": "",
                                     "type": "rule_default", "version": 7})
    updated = resp.json()
    assert updated["version"] == 7 and updated["tags"] == ["a"] and updated["meta"] == {"k": 1}
    assert updated["type"] == "rule_default" and updated["created_at"] == created["created_at"]
    resp = kibana.api("PUT", LISTS, {"list_id": "web", "name": "n", "description": "",
                                     "type": "detection", "tags": [], "meta": {}})
    assert resp.json()["version"] == 8 and resp.json()["tags"] == [] and resp.json()["meta"] == {}


def test_list_version_conflicts(kibana):
    created = make_list(kibana)
    body = {"list_id": "web", "name": "n", "description": "", "type": "detection"}
    resp = kibana.api("PUT", LISTS, dict(body, _version="not base64!"))
    assert siem_error(resp, 400) == "Invalid version [not base64!]"
    assert kibana.api("PUT", LISTS, dict(body, _version=created["_version"])).status_code == 200
    resp = kibana.api("PUT", LISTS, dict(body, _version=created["_version"]))
    assert siem_error(resp, 409) == f"Saved object [exception-list/{created['id']}] conflict"


def test_list_identity_errors(kibana):
    assert siem_error(kibana.api("DELETE", LISTS), 400) == \
        'Either "list_id" or "id" needs to be defined in the request'
    assert siem_error(kibana.api("GET", LISTS, params={"id": "nope"}), 404) == \
        'exception list id: "nope" does not exist'
    assert siem_error(kibana.api("GET", LISTS, params={"list_id": "nope"}), 404) == \
        'exception list list_id: "nope" does not exist'
    resp = kibana.api("PUT", LISTS, {"list_id": "nope", "name": "n", "description": "",
                                     "type": "detection"})
    assert siem_error(resp, 404) == 'exception list list_id: "nope" does not exist'


def test_namespaces_and_spaces(kibana):
    single = make_list(kibana, "shared-id", space="ops")
    agnostic = make_list(kibana, "shared-id", space="ops", namespace_type="agnostic")
    also_default = make_list(kibana, "shared-id")  # list_id is unique per space and namespace
    assert len({single["id"], agnostic["id"], also_default["id"]}) == 3
    resp = kibana.api("POST", LISTS, {"list_id": "shared-id", "name": "x", "description": "",
                                      "type": "detection", "namespace_type": "agnostic"})
    assert siem_error(resp, 409) == 'exception list id: "shared-id" already exists'
    got = kibana.api("GET", LISTS, params={"id": agnostic["id"], "namespace_type": "agnostic"})
    assert got.json()["id"] == agnostic["id"]
    # a single list's id is not found through another namespace or another space
    assert kibana.api("GET", LISTS, params={"id": single["id"]}).status_code == 404
    assert kibana.api("GET", LISTS, params={"id": single["id"], "namespace_type": "agnostic"},
                      space="ops").status_code == 404


def test_find_lists_namespaces_filter_sort_and_paging(kibana):
    for name in ("b", "a", "c"):
        make_list(kibana, f"single-{name}", name=name, tags=[name])
    make_list(kibana, "agn", name="z", namespace_type="agnostic", space="ops")
    resp = kibana.api("GET", LISTS + "/_find", params={"namespace_type": "single,agnostic",
                                                       "sort_field": "name",
                                                       "sort_order": "desc"})
    body = resp.json()
    assert [d["name"] for d in body["data"]] == ["z", "c", "b", "a"]
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 4)
    resp = kibana.api("GET", LISTS + "/_find", params={"sort_field": "exception-list.name",
                                                       "per_page": 2, "page": 2})
    assert [d["name"] for d in resp.json()["data"]] == ["c"]
    kql = ('exception-list.attributes.tags:(a or c) and not exception-list.attributes.name:"c"')
    resp = kibana.api("GET", LISTS + "/_find", params={"filter": kql})
    assert [d["name"] for d in resp.json()["data"]] == ["a"]
    resp = kibana.api("GET", LISTS + "/_find",
                      params={"filter": "exception-list.attributes.list_id:single-*"})
    assert resp.json()["total"] == 3
    resp = kibana.api("GET", LISTS + "/_find", params={
        "filter": "exception-list-agnostic.attributes.name:z"})
    assert siem_error(resp, 400) == "This type exception-list-agnostic is not allowed: Bad Request"
    resp = kibana.api("GET", LISTS + "/_find",
                      params={"filter": "exception-list.attributes.nope:1"})
    siem_error(resp, 400)
    resp = kibana.api("GET", LISTS + "/_find", params={"page": 0})
    assert core_error(resp) == "[request query]: page: Number must be greater than or equal to 1"


def test_delete_list_cascades_only_to_its_own_items(kibana):
    make_list(kibana)
    make_list(kibana, space="ops")
    make_item(kibana, "mine")
    make_item(kibana, "theirs", space="ops")
    deleted = kibana.api("DELETE", LISTS, params={"list_id": "web"})
    assert deleted.status_code == 200 and deleted.json()["list_id"] == "web"
    assert kibana.api("GET", ITEMS, params={"item_id": "mine"}).status_code == 404
    assert kibana.api("GET", ITEMS, params={"item_id": "theirs"}, space="ops").status_code == 200
    # recreating the list does not bring items back
    make_list(kibana)
    assert find_items(kibana, list_id="web").json()["total"] == 0


# --------------------------------------------------------------------------- items


def test_item_create_rules(kibana):
    make_list(kibana)
    make_list(kibana, "agn", namespace_type="agnostic")
    resp = kibana.api("POST", ITEMS, {"list_id": "agn", "type": "simple", "name": "n",
                                      "description": "", "entries": [ENTRY]})
    # the parent must be in the item's namespace (single by default)
    assert siem_error(resp, 404) == 'exception list id: "agn" does not exist'
    generated = make_item(kibana, None, list_id="agn", namespace_type="agnostic")
    assert generated["item_id"] and generated["namespace_type"] == "agnostic"
    make_item(kibana, "dup")
    resp = kibana.api("POST", ITEMS, {"list_id": "web", "item_id": "dup", "type": "simple",
                                      "name": "n", "description": "", "entries": [ENTRY]})
    assert siem_error(resp, 409) == 'exception list item id: "dup" already exists'
    # item_id is unique per namespace, not per list
    make_list(kibana, "other")
    resp = kibana.api("POST", ITEMS, {"list_id": "other", "item_id": "dup", "type": "simple",
                                      "name": "n", "description": "", "entries": [ENTRY]})
    siem_error(resp, 409)


def test_expire_time_needs_8_7_2(kibana):
    make_list(kibana)
    stamp = "2030-01-01T00:00:00.000Z"
    assert make_item(kibana, "new", expire_time=stamp)["expire_time"] == stamp
    resp = kibana.api("POST", ITEMS, {"list_id": "web", "type": "simple", "name": "n",
                                      "description": "", "entries": [ENTRY],
                                      "expire_time": "tomorrow"})
    assert core_error(resp) == "[request body]: expire_time: Invalid datetime"
    kibana.config(kibana_version="8.7.1")
    assert "expire_time" not in make_item(kibana, "old", expire_time=stamp)


def test_item_put_overwrites(kibana):
    make_list(kibana)
    item = make_item(kibana, "i", tags=["t"], os_types=["linux"], meta={"m": 1},
                     expire_time="2030-01-01T00:00:00.000Z", list_id="web")
    resp = kibana.api("PUT", ITEMS, item_put(item, list_id="elsewhere"))
    updated = resp.json()
    assert resp.status_code == 200
    assert updated["tags"] == [] and updated["os_types"] == []
    assert "meta" not in updated and "expire_time" not in updated
    assert updated["list_id"] == "web"  # an item never moves lists
    assert updated["created_at"] == item["created_at"]
    assert updated["tie_breaker_id"] == item["tie_breaker_id"]


def test_item_put_identity(kibana):
    make_list(kibana)
    item = make_item(kibana, "i")
    body = item_put(item)
    del body["id"]
    assert siem_error(kibana.api("PUT", ITEMS, body), 404) == \
        "either id or item_id need to be defined"
    resp = kibana.api("PUT", ITEMS, dict(body, item_id="nope"))
    assert siem_error(resp, 404) == 'exception list item item_id: "nope" does not exist'
    resp = kibana.api("PUT", ITEMS, dict(body, id="nope"))
    assert siem_error(resp, 404) == 'exception list item id: "nope" does not exist'
    by_item_id = kibana.api("PUT", ITEMS, dict(body, item_id="i", name="renamed")).json()
    assert by_item_id["id"] == item["id"] and by_item_id["name"] == "renamed"
    # by id, a new item_id re-keys the item
    renamed = kibana.api("PUT", ITEMS, item_put(item, item_id="i2")).json()
    assert renamed["item_id"] == "i2" and renamed["id"] == item["id"]
    assert kibana.api("GET", ITEMS, params={"item_id": "i"}).status_code == 404
    assert kibana.api("GET", ITEMS, params={"item_id": "i2"}).json()["id"] == item["id"]
    make_item(kibana, "taken")
    resp = kibana.api("PUT", ITEMS, item_put(item, item_id="taken"))
    siem_error(resp, 409)


def test_item_version_conflict(kibana):
    make_list(kibana)
    item = make_item(kibana, "i")
    assert kibana.api("PUT", ITEMS, item_put(item, _version=item["_version"])).status_code == 200
    resp = kibana.api("PUT", ITEMS, item_put(item, _version=item["_version"]))
    assert siem_error(resp, 409) == f"Saved object [exception-list/{item['id']}] conflict"


def test_comments_are_append_only(kibana):
    make_list(kibana)
    item = make_item(kibana, "i", comments=[{"comment": "first"}])
    [first] = item["comments"]
    assert set(first) == {"id", "comment", "created_at", "created_by"}
    # re-sending an existing comment keeps its id; a new one gets an id and stamps
    resp = kibana.api("PUT", ITEMS, item_put(item, comments=[
        {"id": first["id"], "comment": "first"}, {"comment": "second"}]))
    comments = resp.json()["comments"]
    assert comments[0] == first and comments[1]["comment"] == "second" and comments[1]["id"]
    # leaving them out does not delete them; editing one does not change it
    resp = kibana.api("PUT", ITEMS, item_put(item, comments=[]))
    assert resp.json()["comments"] == comments
    resp = kibana.api("PUT", ITEMS, item_put(item, comments=[
        {"id": first["id"], "comment": "edited"}]))
    assert resp.json()["comments"] == comments
    # a comment with an id after a new one breaks the append-only rule (message is an array)
    resp = kibana.api("PUT", ITEMS, item_put(item, comments=[
        {"comment": "new"}, {"id": first["id"], "comment": "first"}]))
    assert siem_error(resp, 400) == ['item "comments" are append only']
    resp = kibana.api("PUT", ITEMS, item_put(item, comments=[{"comment": " "}]))
    assert core_error(resp) == "[request body]: comments.0.comment: No empty strings allowed"


def test_item_identity_errors(kibana):
    assert siem_error(kibana.api("GET", ITEMS), 400) == "id or item_id required"
    assert siem_error(kibana.api("DELETE", ITEMS), 400) == \
        'Either "item_id" or "id" needs to be defined in the request'
    assert siem_error(kibana.api("DELETE", ITEMS, params={"id": "x"}), 404) == \
        'exception list item id: "x" does not exist'


def test_endpoint_list_items(kibana):
    make_list(kibana, "ep", type="endpoint", namespace_type="agnostic")
    base = {"list_id": "ep", "type": "simple", "name": "n", "description": "",
            "namespace_type": "agnostic"}
    resp = kibana.api("POST", ITEMS, dict(base, entries=[
        {"type": "exists", "field": "f", "operator": "included"}]))
    assert siem_error(resp, 400) == ['Invalid value "exists" supplied to "type"']
    resp = kibana.api("POST", ITEMS, dict(base, entries=[dict(ENTRY, field="process.entity_id")]))
    assert siem_error(resp, 400) == "cannot add endpoint exception item on field process.entity_id"
    assert kibana.api("POST", ITEMS, dict(base, entries=[ENTRY])).status_code == 200


def test_list_size_limit_rolls_back(kibana):
    kibana.control("POST", "/exception_lists/quirks", {"max_list_size": 2})
    make_list(kibana)
    make_item(kibana, "a")
    make_item(kibana, "b")
    resp = kibana.api("POST", ITEMS, {"list_id": "web", "item_id": "c", "type": "simple",
                                      "name": "n", "description": "", "entries": [ENTRY]})
    assert siem_error(resp, 400) == \
        "Failed to add exception item, exception list would exceed max size of 2"
    assert kibana.api("GET", ITEMS, params={"item_id": "c"}).status_code == 404


def test_item_quirks(kibana):
    make_list(kibana)
    item = make_item(kibana, "i", os_types=["windows"])
    kibana.control("POST", "/exception_lists/quirks", {"item_os_types_read_empty": True})
    assert kibana.api("GET", ITEMS, params={"item_id": "i"}).json()["os_types"] == []
    state = kibana.session.get(kibana.url + "/_emulator/state").json()
    assert state["exception_lists"]["items"][item["id"]]["doc"]["os_types"] == ["windows"]
    # _duplicate copies what is stored, not what a read shows
    copied = kibana.api("POST", LISTS + "/_duplicate",
                        params={"list_id": "web", "namespace_type": "single"}).json()
    state = kibana.session.get(kibana.url + "/_emulator/state").json()
    assert [r["doc"]["os_types"] for r in state["exception_lists"]["items"].values()
            if r["doc"]["list_id"] == copied["list_id"]] == [["windows"]]
    kibana.control("POST", "/exception_lists/quirks", {"item_os_types_read_empty": False,
                                                       "item_update_by_item_id_duplicates": True})
    body = item_put(item, name="again", item_id="i")
    del body["id"]
    again = kibana.api("PUT", ITEMS, body).json()
    assert again["id"] != item["id"] and again["item_id"] == "i"
    assert kibana.api("GET", ITEMS, params={"item_id": "i"}).json()["name"] == item["name"]
    assert find_items(kibana, list_id="web").json()["total"] == 2
    resp = kibana.session.post(kibana.url + "/_emulator/exception_lists/quirks", json={"x": 1})
    assert resp.status_code == 400


# --------------------------------------------------------------------------- items/_find


def test_find_items_parameter_rules(kibana):
    make_list(kibana)
    make_item(kibana, "i")
    assert core_error(find_items(kibana)) == "[request query]: list_id: Required"
    resp = find_items(kibana, list_id="web,other")
    assert siem_error(resp, 400) == (
        "list_id and namespace_id need to have the same comma separated number of values. "
        "Expected list_id length: 2 to equal namespace_type length: 1")
    resp = find_items(kibana, list_id="web", namespace_type="single",
                      filter="exception-list.attributes.name:a,exception-list.attributes.name:b")
    assert siem_error(resp, 400) == (
        "list_id and filter need to have the same comma separated number of values. "
        "Expected list_id length: 1 to equal filter length: 2")
    # a missing list among existing ones is skipped; all missing -> 404 naming them all
    resp = find_items(kibana, list_id="web,gone", namespace_type="single,single")
    assert resp.json()["total"] == 1
    resp = find_items(kibana, list_id="gone,gone2", namespace_type="single,agnostic")
    assert siem_error(resp, 404) == 'exception list id: "gone,gone2" does not exist'


def test_find_items_across_lists_filters_search_sort(kibana):
    make_list(kibana, "a")
    make_list(kibana, "b", namespace_type="agnostic")
    make_item(kibana, "a1", list_id="a", name="Alpha", tags=["x"])
    make_item(kibana, "b1", list_id="b", namespace_type="agnostic", name="Beta",
              entries=[{"type": "match", "field": "user.name", "value": "root",
                        "operator": "included"}])
    make_item(kibana, "a2", list_id="a", name="Gamma", expire_time="2001-01-01T00:00:00.000Z")
    resp = find_items(kibana, list_id="a,b", namespace_type="single,agnostic")
    assert [d["item_id"] for d in resp.json()["data"]] == ["a1", "b1", "a2"]
    resp = find_items(kibana, list_id="a", sort_field="name", sort_order="desc")
    assert [d["item_id"] for d in resp.json()["data"]] == ["a2", "a1"]
    resp = find_items(kibana, list_id="b", namespace_type="agnostic",
                      filter="exception-list-agnostic.attributes.entries.value:root")
    assert [d["item_id"] for d in resp.json()["data"]] == ["b1"]
    resp = find_items(kibana, list_id="a",
                      filter='exception-list.attributes.expire_time < "2020-01-01T00:00:00.000Z"')
    assert [d["item_id"] for d in resp.json()["data"]] == ["a2"]
    resp = find_items(kibana, list_id="a", filter="exception-list.attributes.name.text:gamma")
    assert [d["item_id"] for d in resp.json()["data"]] == ["a2"]
    resp = find_items(kibana, list_id="a", search="alp*")
    assert [d["item_id"] for d in resp.json()["data"]] == ["a1"]
    resp = find_items(kibana, list_id="a", per_page=0)
    assert resp.json()["data"] == [] and resp.json()["total"] == 2


def test_large_list_reads_in_one_page(kibana):
    """5,000 items: per_page 10000 returns them all at once (no cap in the notes), 1000 pages
    through five pages; lookups by item_id find each item. Driven in-process to keep the test
    quick (speed is measured by tests/perf/, not asserted here)."""
    client = Client(kibana.emulator)
    assert client.post(LISTS, json={"list_id": "big", "name": "big", "description": "",
                                    "type": "detection"}, headers=AUTH).status_code == 200
    for n in range(5000):
        resp = client.post(ITEMS, headers=AUTH, json={
            "list_id": "big", "item_id": f"item-{n}", "type": "simple", "name": f"n{n}",
            "description": "", "entries": [ENTRY]})
        assert resp.status_code == 200
    for n in range(0, 5000, 7):
        found = client.get(ITEMS, query_string={"item_id": f"item-{n}"}, headers=AUTH)
        assert found.status_code == 200 and found.get_json()["name"] == f"n{n}"
    body = client.get(ITEMS + "/_find", headers=AUTH,
                      query_string={"list_id": "big", "per_page": 10000}).get_json()
    assert (body["total"], len(body["data"]), body["per_page"]) == (5000, 5000, 10000)
    seen = []
    for page in range(1, 6):
        body = client.get(ITEMS + "/_find", headers=AUTH, query_string={
            "list_id": "big", "per_page": 1000, "page": page}).get_json()
        seen += [d["item_id"] for d in body["data"]]
    assert seen == [f"item-{n}" for n in range(5000)]


class _NoScan(dict):
    """A store of records that fails when something walks all of it."""

    def _scanned(self, *args):
        raise AssertionError("a per-item request walked every stored record")

    __iter__ = keys = values = items = _scanned


def test_per_item_requests_never_walk_the_store(kibana):
    """Creating, reading, updating and deleting one item (by item_id or id) costs the same in a
    list of 2,000 items as in an empty one: lists and items are found through their indexes
    ((space, list_id), (space, item_id), the list's members), never by walking every record -
    which made a concurrent first create of 5,000 items no faster than a sequential one
    (issue 12; speed is measured by tests/perf/bench_exception_list.py, not asserted here)."""
    client = Client(kibana.emulator)
    assert client.post(LISTS, json={"list_id": "big", "name": "big", "description": "",
                                    "type": "detection"}, headers=AUTH).status_code == 200
    for n in range(2000):
        assert client.post(ITEMS, headers=AUTH, json={
            "list_id": "big", "item_id": f"item-{n}", "type": "simple", "name": f"n{n}",
            "description": "", "entries": [ENTRY]}).status_code == 200
    store = kibana.emulator.store("exception_lists")
    store["items"], store["lists"] = _NoScan(store["items"]), _NoScan(store["lists"])

    created = client.post(ITEMS, headers=AUTH, json={
        "list_id": "big", "item_id": "new", "type": "simple", "name": "new", "description": "",
        "entries": [ENTRY]})
    assert created.status_code == 200, created.get_json()
    again = client.post(ITEMS, headers=AUTH, json={
        "list_id": "big", "item_id": "new", "type": "simple", "name": "new", "description": "",
        "entries": [ENTRY]})
    assert again.status_code == 409
    item = client.get(ITEMS, query_string={"item_id": "item-1500"}, headers=AUTH).get_json()
    assert item["name"] == "n1500"
    updated = client.put(ITEMS, headers=AUTH, json=item_put(item, name="renamed"))
    assert updated.status_code == 200 and updated.get_json()["name"] == "renamed"
    by_item_id = dict(item_put(item, name="renamed again"), item_id="item-1500")
    del by_item_id["id"]
    assert client.put(ITEMS, headers=AUTH, json=by_item_id).get_json()["name"] == "renamed again"
    assert client.get(ITEMS, query_string={"id": item["id"]}, headers=AUTH).status_code == 200
    assert client.delete(ITEMS, query_string={"item_id": "new"}, headers=AUTH).status_code == 200
    assert client.get(ITEMS, query_string={"item_id": "new"}, headers=AUTH).status_code == 404
    assert client.get(LISTS, query_string={"list_id": "big"}, headers=AUTH).status_code == 200
    # the list's members are still all there, in creation order
    store["items"] = dict(dict.items(store["items"]))
    body = client.get(ITEMS + "/_find", headers=AUTH,
                      query_string={"list_id": "big", "per_page": 10000}).get_json()
    assert body["total"] == 2000 and body["data"][1500]["name"] == "renamed again"


# --------------------------------------------------------------------------- _duplicate, summary


def test_duplicate(kibana):
    make_list(kibana, tags=["t"], meta={"m": 1})
    make_item(kibana, "keep", comments=[{"comment": "c"}], os_types=["linux"])
    make_item(kibana, "expired", expire_time="2001-01-01T00:00:00.000Z")
    make_item(kibana, "future", expire_time="2999-01-01T00:00:00.000Z")
    resp = kibana.api("POST", LISTS + "/_duplicate",
                      params={"list_id": "web", "namespace_type": "single"})
    copy = resp.json()
    assert resp.status_code == 200 and copy["name"] == "List web [Duplicate]"
    assert copy["list_id"] != "web" and copy["version"] == 1
    assert copy["tags"] == ["t"] and copy["meta"] == {"m": 1}
    items = find_items(kibana, list_id=copy["list_id"]).json()["data"]
    assert sorted(i["name"] for i in items) == ["Item expired", "Item future", "Item keep"]
    assert all(i["comments"] == [] and i["item_id"] not in ("keep", "expired", "future")
               for i in items)
    resp = kibana.api("POST", LISTS + "/_duplicate", params={
        "list_id": "web", "namespace_type": "single", "include_expired_exceptions": "false"})
    items = find_items(kibana, list_id=resp.json()["list_id"]).json()["data"]
    assert sorted(i["name"] for i in items) == ["Item future", "Item keep"]


def test_duplicate_errors(kibana):
    make_list(kibana, "ep", type="endpoint")
    resp = kibana.api("POST", LISTS + "/_duplicate",
                      params={"list_id": "ep", "namespace_type": "single"})
    assert siem_error(resp, 405) == \
        "unable to duplicate exception list with list_id: ep - action not allowed"
    resp = kibana.api("POST", LISTS + "/_duplicate",
                      params={"list_id": "gone", "namespace_type": "single"})
    assert siem_error(resp, 404) == 'exception list id: "gone" does not exist'
    resp = kibana.api("POST", LISTS + "/_duplicate", params={"list_id": "ep"})
    assert core_error(resp) == "[request query]: namespace_type: Required"


def test_summary(kibana):
    make_list(kibana)
    make_item(kibana, "w", os_types=["windows"])
    make_item(kibana, "wl", os_types=["windows", "linux"])
    make_item(kibana, "none")
    resp = kibana.api("GET", LISTS + "/summary", params={"list_id": "web"})
    assert resp.json() == {"windows": 2, "linux": 1, "macos": 0, "total": 3}


# --------------------------------------------------------------------------- spaces


def test_deleting_a_space_forgets_its_single_lists(kibana):
    make_list(kibana, space="ops")
    make_item(kibana, "i", space="ops")
    make_list(kibana, "agn", space="ops", namespace_type="agnostic")
    assert kibana.api("DELETE", "/api/spaces/space/ops").status_code == 204
    kibana.create_space("ops")
    assert kibana.api("GET", LISTS, params={"list_id": "web"}, space="ops").status_code == 404
    make_list(kibana, space="ops")  # the list_id is free again
    assert find_items(kibana, space="ops", list_id="web").json()["total"] == 0
    assert kibana.api("GET", LISTS, params={"list_id": "agn", "namespace_type": "agnostic"}
                      ).status_code == 200


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize("kql, expected", [
    ('exception-list.attributes.name:"a b"', True),
    ("exception-list.attributes.name:a b", True),  # unquoted values may hold spaces
    ("exception-list.attributes.name:a*", True),
    ("exception-list.attributes.name:A*", False),  # keyword fields are case-sensitive
    ("exception-list.attributes.name.text:B", True),
    ("exception-list.attributes.tags:*", True),
    ("exception-list.attributes.meta:*", False),
    ("not exception-list.attributes.tags:z", True),
    ("not exception-list.attributes.tags:y", False),
    ("exception-list.attributes.tags:(y or z) and exception-list.attributes.version >= 2", True),
    ("(exception-list.attributes.tags:y) and exception-list.attributes.version > 2", False),
    ("exception-list.attributes.immutable:false", True),
])
def test_kql_subset(kql, expected):
    match = family.compile_filter(kql, ["exception-list"])
    doc = {"name": "a b", "tags": ["y"], "version": 2, "immutable": False}
    assert match("exception-list", doc) is expected


def test_kql_syntax_errors_are_siem_400():
    for bad in ("exception-list.attributes.name:(a", "exception-list.attributes.name:a b:c",
                'exception-list.attributes.name:"open'):
        with pytest.raises(family.KibanaError) as err:
            family.compile_filter(bad, ["exception-list"])
        assert err.value.status == 400 and err.value.siem
