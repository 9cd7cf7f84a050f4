"""exception_list against the emulator over HTTP: the list's life cycle, bulk item convergence
(trap 10), Kibana's quirks (trap 3), stale _version retries, _duplicate, and bad input."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading
import time

import pytest

from tests.harness import run_module

try:
    from ansible.module_utils.common.parameters import PASS_VARS
except ImportError:  # pragma: no cover
    PASS_VARS = {}
# ansible-core 2.21 returns `invocation` only when the controller passes this flag
INJECT_INVOCATION = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}

LISTS = "/api/exception_lists"
ITEMS = "/api/exception_lists/items"
FIND_ITEMS = "/api/exception_lists/items/_find"


def entry(value, field="host.name"):
    return {"type": "match", "field": field, "value": value, "operator": "included"}


def item(n, **fields):
    spec = {"item_id": "item-%03d" % n, "name": "Item %d" % n, "entries": [entry("host-%d" % n)]}
    spec.update(fields)
    return spec


def web_list(*items, **fields):
    task = {"list_id": "web", "name": "Web exceptions", "description": "web servers",
            "type": "detection", "tags": ["web"]}
    task.update(fields)
    if items:
        task["items"] = list(items)
    return task


def stored_items(kibana, list_id="web", namespace_type="single", space=None):
    resp = kibana.api("GET", FIND_ITEMS, params={"list_id": list_id, "namespace_type": namespace_type,
                                                 "per_page": 10000}, space=space)
    assert resp.status_code == 200, resp.text
    return {i["item_id"]: i for i in resp.json()["data"]}


def stored_list(kibana, list_id="web", namespace_type="single", space=None):
    resp = kibana.api("GET", LISTS, params={"list_id": list_id, "namespace_type": namespace_type},
                      space=space)
    return resp.json() if resp.status_code == 200 else None


def calls(requests):
    return [(r["method"], r["path"]) for r in requests]


def set_quirks(kibana, **quirks):
    kibana.control("POST", "/exception_lists/quirks", quirks)


def api_put_item(kibana, current, **fields):
    """A change made by someone else (the UI): an overwrite of the stored item."""
    body = {"id": current["id"], "type": "simple", "name": current["name"],
            "description": current["description"], "entries": current["entries"],
            "namespace_type": current["namespace_type"], "os_types": current["os_types"],
            "tags": current["tags"],
            "comments": [{"id": c["id"], "comment": c["comment"]} for c in current["comments"]]}
    body.update(fields)
    resp = kibana.api("PUT", ITEMS, body)
    assert resp.status_code == 200, resp.text
    return resp.json()


# ------------------------------------------------------------------ life cycle


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    prefix = "" if space == "default" else "/s/ops"
    task = web_list(item(1, comments=["approved in SEC-1"]), item(2, tags=["b", "a"]), item(3),
                    space_id=space)

    checked = run("exception_list", check_mode=True, diff=True, **task)
    assert checked["changed"] and not checked.failed and kibana.writes() == []
    assert checked["exception_list"]["name"] == "Web exceptions"
    assert checked["item_counts"] == {"created": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert checked["diff"]["before"] == {}
    assert sorted(checked["diff"]["after"]["items"]) == ["item-001", "item-002", "item-003"]
    assert checked["diff"]["after"]["items"]["item-001"]["comments"] == ["approved in SEC-1"]

    created = run("exception_list", diff=True, **task)
    assert created["changed"] and created["item_counts"] == checked["item_counts"]
    assert created["diff"]["after"]["items"] == checked["diff"]["after"]["items"]
    assert calls(kibana.writes()) == [("POST", prefix + LISTS)] + [("POST", prefix + ITEMS)] * 3
    items = stored_items(kibana, space=space)
    assert sorted(items) == ["item-001", "item-002", "item-003"]
    assert [c["comment"] for c in items["item-001"]["comments"]] == ["approved in SEC-1"]
    assert created["exception_list"]["list_id"] == "web"

    # the same again: one list read, one items page, no write (check mode too)
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("exception_list", check_mode=check_mode, diff=True, **task)
        assert not again["changed"], again["diff"]
        assert again["diff"] == {"before": {}, "after": {}}
        assert again["item_counts"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 3}
        requests = kibana.requests()
        assert calls(requests) == [("GET", prefix + LISTS), ("GET", prefix + FIND_ITEMS)]
        assert requests[1]["query"]["per_page"] == "10000"

    # one item changes: predicted, then exactly one PUT carrying that item's id and _version
    task["items"][1] = item(2, tags=["a", "b"], name="Item two")
    kibana.clear_log()
    predicted = run("exception_list", check_mode=True, diff=True, **task)
    assert predicted["changed"] and kibana.writes() == []
    assert predicted["item_counts"] == {"created": 0, "updated": 1, "deleted": 0, "unchanged": 2}
    assert predicted["diff"] == {"before": {"items": {"item-002": {"name": "Item 2"}}},
                                 "after": {"items": {"item-002": {"name": "Item two"}}}}
    kibana.clear_log()
    updated = run("exception_list", diff=True, **task)
    assert updated["changed"] and updated["operations"] == ["update_items"]
    assert updated["diff"] == predicted["diff"]
    assert updated["item_counts"] == predicted["item_counts"]
    # one filtered _find tells whether any item stores os_types (an overwrite must not wipe
    # them); the list itself is not read again after item writes
    assert calls(kibana.requests()) == [("GET", prefix + LISTS), ("GET", prefix + FIND_ITEMS),
                                        ("GET", prefix + FIND_ITEMS), ("PUT", prefix + ITEMS)]
    [put] = kibana.writes()
    assert (put["method"], put["path"]) == ("PUT", prefix + ITEMS)
    assert put["body"]["id"] == items["item-002"]["id"]
    assert put["body"]["_version"] == items["item-002"]["_version"]
    assert stored_items(kibana, space=space)["item-002"]["name"] == "Item two"

    # a list field: one list PUT; Kibana's version/_version bumps stay out of the diff
    kibana.clear_log()
    described = run("exception_list", diff=True, **dict(task, description="all web servers"))
    assert described["changed"] and described["operations"] == ["update"]
    assert calls(kibana.writes()) == [("PUT", prefix + LISTS)]
    assert described["diff"] == {"before": {"description": "web servers"},
                                 "after": {"description": "all web servers"}}
    assert described["exception_list"]["version"] == 2

    # absent: check mode, real (the items go with the list), and again
    kibana.clear_log()
    gone = run("exception_list", check_mode=True, diff=True, state="absent", **task)
    assert gone["changed"] and kibana.writes() == [] and gone["diff"]["after"] == {}
    assert gone["diff"]["before"]["list_id"] == "web"
    assert run("exception_list", state="absent", **task)["changed"]
    [delete] = kibana.writes()
    assert (delete["method"], delete["path"]) == ("DELETE", prefix + LISTS)
    assert delete["query"] == {"list_id": "web", "namespace_type": "single"}
    assert stored_list(kibana, space=space) is None
    assert kibana.api("GET", ITEMS, params={"item_id": "item-001"}, space=space).status_code == 404
    kibana.clear_log()
    assert not run("exception_list", state="absent", **task)["changed"]
    assert not run("exception_list", check_mode=True, state="absent", **task)["changed"]
    assert kibana.writes() == []


def test_300_items_converge_then_a_second_run_sends_no_write(kibana, run):
    """Trap 10: one items page read, compared in memory; no request per unchanged item."""
    task = web_list(*[item(n) for n in range(300)])
    first = run("exception_list", **task)
    assert first["item_counts"]["created"] == 300
    assert len(kibana.writes()) == 301 and len(stored_items(kibana)) == 300
    kibana.clear_log()
    second = run("exception_list", **task)
    assert not second["changed"]
    assert second["item_counts"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 300}
    assert calls(kibana.requests()) == [("GET", LISTS), ("GET", FIND_ITEMS)]


def test_changing_adding_and_purging_touch_only_those_items(kibana, run):
    run("exception_list", **web_list(*[item(n) for n in range(1, 6)]))
    before = stored_items(kibana)

    # item 2 changes, item 6 is new, item 4 is no longer declared (kept: no purge)
    declared = [item(1), item(2, entries=[entry("host-2"), entry("nginx", "process.name")]),
                item(3), item(5), item(6)]
    kibana.clear_log()
    result = run("exception_list", **web_list(*declared))
    assert result["item_counts"] == {"created": 1, "updated": 1, "deleted": 0, "unchanged": 4}
    assert result["operations"] == ["create_items", "update_items"]
    writes = kibana.writes()
    assert calls(writes) == [("POST", ITEMS), ("PUT", ITEMS)]
    assert writes[0]["body"]["item_id"] == "item-006"
    assert writes[1]["body"]["id"] == before["item-002"]["id"]
    after = stored_items(kibana)
    assert "item-004" in after and len(after["item-002"]["entries"]) == 2
    for unchanged in ("item-001", "item-003", "item-004", "item-005"):
        assert after[unchanged]["_version"] == before[unchanged]["_version"]

    # purge: only item 4 goes, by its id
    kibana.clear_log()
    purged = run("exception_list", purge_items=True, diff=True, **web_list(*declared))
    assert purged["item_counts"] == {"created": 0, "updated": 0, "deleted": 1, "unchanged": 5}
    [delete] = kibana.writes()
    assert (delete["method"], delete["path"]) == ("DELETE", ITEMS)
    assert delete["query"] == {"id": before["item-004"]["id"], "namespace_type": "single"}
    assert purged["diff"]["after"] == {}
    assert purged["diff"]["before"]["items"]["item-004"]["name"] == "Item 4"
    assert sorted(stored_items(kibana)) == ["item-001", "item-002", "item-003", "item-005",
                                            "item-006"]

    # without items, a list change reads and touches no item
    kibana.clear_log()
    result = run("exception_list", **web_list(description="changed"))
    assert result["changed"] and "item_counts" not in result
    assert calls(kibana.requests()) == [("GET", LISTS), ("PUT", LISTS), ("GET", LISTS)]
    assert len(stored_items(kibana)) == 5

    # items: [] with purge empties the list
    kibana.clear_log()
    emptied = run("exception_list", items=[], purge_items=True, **web_list(description="changed"))
    assert emptied["item_counts"]["deleted"] == 5
    assert [w["method"] for w in kibana.writes()] == ["DELETE"] * 5
    assert stored_items(kibana) == {}


def test_creates_and_updates_go_before_deletes(kibana, run):
    """Trap 10: no rule is left without an exception that stays declared."""
    run("exception_list", **web_list(item(1), item(2), item(3)))
    kibana.clear_log()
    result = run("exception_list", purge_items=True, diff=True,
                 **web_list(item(3), item(2, name="Renamed"), item(4)))
    assert result["operations"] == ["create_items", "update_items", "delete_items"]
    assert [w["method"] for w in kibana.writes()] == ["POST", "PUT", "DELETE"]
    assert result["item_counts"] == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 1}
    before, after = result["diff"]["before"]["items"], result["diff"]["after"]["items"]
    assert sorted(before) == ["item-001", "item-002"] and sorted(after) == ["item-002", "item-004"]
    assert before["item-001"]["name"] == "Item 1" and after["item-004"]["name"] == "Item 4"
    assert (before["item-002"], after["item-002"]) == ({"name": "Item 2"}, {"name": "Renamed"})


def test_writes_only_what_differs_and_keeps_what_was_not_declared(kibana, run):
    """Item PUT is an overwrite: values the user did not declare are sent as stored."""
    run("exception_list", **web_list(item(1)))
    stored = stored_items(kibana)["item-001"]
    api_put_item(kibana, stored, tags=["set-in-the-ui"], meta={"ticket": "SEC-9"},
                 description="from the UI", expire_time="2031-01-01T00:00:00.000Z")
    kibana.clear_log()
    result = run("exception_list", **web_list(item(1, name="Renamed")))
    assert result["item_counts"]["updated"] == 1
    [put] = kibana.writes()
    assert (put["method"], put["path"]) == ("PUT", ITEMS)
    assert put["body"]["name"] == "Renamed" and put["body"]["id"] == stored["id"]
    assert (put["body"]["tags"], put["body"]["meta"], put["body"]["description"]) == (
        ["set-in-the-ui"], {"ticket": "SEC-9"}, "from the UI")
    after = stored_items(kibana)["item-001"]
    assert after["name"] == "Renamed"
    assert (after["tags"], after["meta"], after["description"], after["expire_time"]) == (
        ["set-in-the-ui"], {"ticket": "SEC-9"}, "from the UI", "2031-01-01T00:00:00.000Z")


def test_defaults_and_equivalent_values_never_cause_a_change(kibana, run):
    """Trap 3: empty tags/comments, list version bumps, ".000Z" vs "Z" and tag order."""
    task = web_list(item(1, tags=[], comments=[], description=""),
                    item(2, expire_time="2030-01-01T00:00:00Z", tags=["x", "y"]),
                    item(3, meta={"a": 1}), tags=["b", "a"])
    run("exception_list", **task)
    stored = stored_items(kibana)
    api_put_item(kibana, stored["item-002"], expire_time="2030-01-01T00:00:00.000Z",
                 tags=["y", "x"])
    api_put_item(kibana, stored["item-003"], meta={"a": 1, "added": "by someone"})
    kibana.api("PUT", LISTS, {"list_id": "web", "name": "Web exceptions", "description": "web servers",
                              "type": "detection", "tags": ["a", "b"]})  # version 2
    kibana.clear_log()
    again = run("exception_list", diff=True, **task)
    assert not again["changed"], again["diff"]
    assert kibana.writes() == []


def test_list_meta_compares_and_changes_only_the_keys_given(kibana, run):
    run("exception_list", **web_list(meta={"owner": "secops", "ticket": "SEC-1"}))
    kibana.api("PUT", LISTS, {"list_id": "web", "name": "Web exceptions", "description": "web servers",
                              "type": "detection", "meta": {"owner": "secops", "ticket": "SEC-1",
                                                            "ui": "added"}})
    kibana.clear_log()
    assert not run("exception_list", **web_list(meta={"owner": "secops"}))["changed"]
    assert kibana.writes() == []
    changed = run("exception_list", diff=True, **web_list(meta={"owner": "it"}))
    assert changed["changed"] and changed["operations"] == ["update"]
    assert changed["diff"] == {"before": {"meta": {"owner": "secops"}},
                               "after": {"meta": {"owner": "it"}}}
    assert stored_list(kibana)["meta"] == {"owner": "it", "ticket": "SEC-1", "ui": "added"}
    kibana.clear_log()
    assert not run("exception_list", **web_list(meta={"owner": "it"}))["changed"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ namespaces and spaces


def test_agnostic_list_is_reached_from_a_non_default_space(kibana, run):
    task = web_list(item(1), item(2), list_id="shared", namespace_type="agnostic")
    created = run("exception_list", space_id="ops", **task)
    assert created["changed"] and created["exception_list"]["namespace_type"] == "agnostic"
    assert calls(kibana.writes())[0] == ("POST", "/s/ops" + LISTS)
    # the same list from the default space: found, unchanged, no write
    kibana.clear_log()
    again = run("exception_list", **task)
    assert not again["changed"] and kibana.writes() == []
    assert again["exception_list"]["id"] == created["exception_list"]["id"]
    assert [r["query"]["namespace_type"] for r in kibana.requests()] == ["agnostic", "agnostic"]
    # a single list with the same list_id is another list
    single = run("exception_list", **dict(task, namespace_type="single"))
    assert single["changed"] and single["exception_list"]["id"] != created["exception_list"]["id"]
    assert stored_list(kibana, "shared", "single", space="ops") is None
    assert stored_list(kibana, "shared", "agnostic", space="ops")["name"] == "Web exceptions"


# ------------------------------------------------------------------ stale _version and failures


def test_a_stale_version_409_on_one_item_is_survived(kibana, run):
    run("exception_list", **web_list(item(1), item(2), item(3)))
    stored = stored_items(kibana)["item-002"]
    kibana.clear_log()
    # The module's PUT is held for a moment; someone else updates the item meanwhile, so the
    # _version the module read is stale when its PUT arrives.
    kibana.fault(method="PUT", path="^%s$" % ITEMS, delay_ms=500, count=1)

    def concurrent_edit():
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if any(r["method"] == "PUT" for r in kibana.requests()):
                api_put_item(kibana, stored, description="edited meanwhile")
                return
            time.sleep(0.02)

    editor = threading.Thread(target=concurrent_edit)
    editor.start()
    result = run("exception_list", **web_list(item(1), item(2, name="Renamed"), item(3)))
    editor.join()
    assert not result.failed, result.get("msg")
    assert result["changed"] and result["item_counts"]["updated"] == 1
    puts = [r for r in kibana.requests() if r["method"] == "PUT"]
    # the module's held PUT (409), the concurrent edit, the module's retry
    assert [p["status"] for p in puts] == [409, 200, 200]
    rereads = [r for r in kibana.requests() if r["method"] == "GET" and r["path"] == ITEMS]
    assert rereads and rereads[0]["query"]["id"] == stored["id"]
    after = stored_items(kibana)["item-002"]
    # the module's change is in, and the concurrent one (not declared) was kept
    assert after["name"] == "Renamed" and after["description"] == "edited meanwhile"


def test_a_persistent_409_stops_with_the_items_already_written(kibana, run):
    run("exception_list", **web_list(item(1), item(2)))
    kibana.fault(method="PUT", path="^%s$" % ITEMS, status=409, count=2,
                 body={"message": "version conflict", "status_code": 409})
    kibana.clear_log()
    result = run("exception_list", **web_list(item(1), item(2, name="Renamed"), item(3)))
    assert result.failed
    assert result["failed_item"] == "item-002"
    assert result["failed_items"] == {"item-002": "PUT /api/exception_lists/items returned "
                                                  "HTTP 409: version conflict"}
    assert result["written"] == {"created": ["item-003"], "updated": [], "deleted": []}
    assert "item 'item-002'" in result["msg"]
    assert "PUT /api/exception_lists/items returned HTTP 409: version conflict" in result["msg"]
    assert "Already written before this failure: created 1 (item-003)" in result["msg"]
    assert result["status"] == 409
    assert [r["method"] for r in kibana.writes()] == ["POST", "PUT", "PUT"]
    assert "Traceback" not in json.dumps(result)


def test_lost_answers_are_recovered_without_duplicates(kibana, run):
    """retry_lost_create is off for lists: the list POST and each item POST recover themselves
    (look, then send again only when Kibana does not hold it)."""
    kibana.fault(method="POST", path="^%s$" % LISTS, drop=True, count=1)
    kibana.fault(method="POST", path="^%s$" % ITEMS, drop=True, count=1)
    result = run("exception_list", **web_list(item(1), item(2)))
    assert not result.failed, result.get("msg")
    assert result["item_counts"] == {"created": 2, "updated": 0, "deleted": 0, "unchanged": 0}
    sent = calls(kibana.requests())
    # the item_ids are checked free first (one read each, concurrently)
    assert sorted(sent[1:3]) == [("GET", ITEMS), ("GET", ITEMS)]
    assert sent[:1] + sent[3:6] == [("GET", LISTS), ("POST", LISTS), ("GET", LISTS),
                                    ("POST", LISTS)]
    # the item creates run concurrently: one POST lost, looked up, sent again
    assert sorted(sent[6:]) == sorted([("POST", ITEMS), ("GET", ITEMS), ("POST", ITEMS),
                                       ("POST", ITEMS)])
    assert sorted(stored_items(kibana)) == ["item-001", "item-002"]
    assert kibana.api("GET", LISTS + "/_find").json()["total"] == 1


def test_unexpected_answers_fail_cleanly(kibana, run):
    run("exception_list", **web_list(item(1)))
    kibana.clear_log()
    # a proxy's HTML page where Kibana's JSON was expected
    kibana.fault(method="GET", path="^%s$" % FIND_ITEMS, malformed=True, status=200, count=1)
    result = run("exception_list", **web_list(item(1, name="Renamed")))
    assert result.failed and result["msg"].startswith(
        "GET /api/exception_lists/items/_find failed: HTTP 200 with a body that is not JSON")
    assert "Traceback" not in json.dumps(result) and "exception" not in result
    assert kibana.writes() == []


def test_a_failure_while_creating_reports_kibanas_message_and_what_was_written(kibana, run):
    set_quirks(kibana, max_list_size=2)
    result = run("exception_list", **web_list(item(1), item(2), item(3)))
    # the item creates run concurrently: whichever arrived third is the one refused
    assert result.failed and list(result["failed_items"]) == [result["failed_item"]]
    assert "POST /api/exception_lists/items returned HTTP 400: Failed to add exception item, " \
           "exception list would exceed max size of 2" in result["msg"]
    written = [i for i in ("item-001", "item-002", "item-003") if i != result["failed_item"]]
    assert "exception list created; created 2 (%s)" % ", ".join(written) in result["msg"]
    assert result["written"]["created"] == written


def test_concurrent_item_writes_report_every_failure_and_lose_nothing(kibana, run):
    """Item writes run 8 at once: five refused creates are all reported, every other item is
    written and recorded, and the deletes (after creates) do not start."""
    run("exception_list", **web_list(item(90), item(91)))
    kibana.fault(method="POST", path="^%s$" % ITEMS, status=400, count=5,
                 body={"message": "refused by the test", "status_code": 400})
    wanted = [item(n) for n in range(1, 21)]
    result = run("exception_list", purge_items=True, **web_list(*wanted))
    assert result.failed
    failed = result["failed_items"]
    assert len(failed) == 5 and result["failed_item"] in failed
    assert set(failed.values()) == {"POST /api/exception_lists/items returned HTTP 400: "
                                    "refused by the test"}
    created = result["written"]["created"]
    assert len(created) == 15 and not set(created) & set(failed)
    assert result["written"]["deleted"] == []
    assert "4 more item writes failed" in result["msg"]
    # nothing lost: what Kibana holds is exactly what was reported written (plus the old items)
    assert sorted(stored_items(kibana)) == sorted(created + ["item-090", "item-091"])
    # a second run writes just the five that failed, then purges
    kibana.clear_log()
    again = run("exception_list", purge_items=True, **web_list(*wanted))
    assert not again.failed, again.get("msg")
    assert sorted(again["changed_items"]["created"]) == sorted(failed)
    assert sorted(again["changed_items"]["deleted"]) == ["item-090", "item-091"]  # written concurrently
    assert again["item_counts"] == {"created": 5, "updated": 0, "deleted": 2, "unchanged": 15}


def test_the_result_names_the_items_that_changed_not_every_item(kibana, run):
    items = [item(n) for n in range(1, 301)]
    run("exception_list", **web_list(*items))
    items[7] = item(8, name="Renamed")
    for check_mode in (True, False):
        result = run("exception_list", check_mode=check_mode, **web_list(*items))
        assert result["changed_items"] == {"created": [], "updated": ["item-008"], "deleted": []}
        assert result["item_counts"]["unchanged"] == 299
    # the invocation counts the items instead of echoing them (ansible-core 2.21 adds an
    # invocation only when the controller asks for it: ask, as ANSIBLE_INJECT_INVOCATION does)
    shown = run("exception_list", **dict(web_list(*items), **INJECT_INVOCATION))
    assert shown["invocation"]["module_args"]["items"] == "300 items (not echoed)"
    assert len(json.dumps(result)) < 5000


def test_an_item_id_used_by_another_list_fails_clearly(kibana, run):
    run("exception_list", **web_list(item(1), list_id="other"))
    kibana.clear_log()
    checked = run("exception_list", **web_list(item(1)))
    assert checked.failed and checked["msg"].startswith(
        "items: item_id 'item-001' is already used by exception list 'other' (item_ids are "
        "unique across every list of the single namespace)")
    assert kibana.writes() == []
    # the check misses it (made meanwhile, as far as it can tell): Kibana's 409, explained
    kibana.fault(method="GET", path="^%s$" % ITEMS, status=404, count=1,
                 body={"message": 'exception list item item_id: "item-001" does not exist',
                       "status_code": 404})
    result = run("exception_list", **web_list(item(1)))
    assert result.failed and result["status"] == 409
    assert 'exception list item id: "item-001" already exists' in result["msg"]
    assert "unique across every list of the single namespace" in result["msg"]
    assert "exception list 'other' holds it" in result["msg"]


def test_update_by_item_id_bug_is_avoided_by_sending_the_id(kibana, run):
    """Kibana #159230: a PUT by item_id alone stored a second item; the module sends id."""
    set_quirks(kibana, item_update_by_item_id_duplicates=True)
    run("exception_list", **web_list(item(1)))
    item_uuid = stored_items(kibana)["item-001"]["id"]
    kibana.clear_log()
    run("exception_list", **web_list(item(1, name="Renamed")))
    [put] = kibana.writes()
    assert (put["method"], put["path"]) == ("PUT", ITEMS) and put["body"]["id"] == item_uuid
    items = kibana.api("GET", FIND_ITEMS, params={"list_id": "web"}).json()
    assert items["total"] == 1 and items["data"][0]["name"] == "Renamed"


# ------------------------------------------------------------------ os_types quirks


def test_item_os_types_read_back_empty_never_cause_a_change(kibana, run):
    """Kibana #244818 (trap 3): stored item os_types read back as []."""
    set_quirks(kibana, item_os_types_read_empty=True)
    task = web_list(item(1, os_types=["windows"]), item(2, os_types=["linux", "macos"]), item(3))
    run("exception_list", **task)
    kibana.clear_log()
    again = run("exception_list", diff=True, **task)
    assert not again["changed"], again["diff"]
    assert kibana.writes() == []
    # the stored values were asked for with filters, once for the whole list
    filters = [r["query"].get("filter") for r in kibana.requests() if r["path"] == FIND_ITEMS]
    assert filters == [None, "exception-list.attributes.os_types:*",
                       "exception-list.attributes.os_types:linux",
                       "exception-list.attributes.os_types:macos",
                       "exception-list.attributes.os_types:windows"]

    # a real change is still seen, and an update of an item whose os_types were not declared
    # keeps what Kibana stores (an overwrite with the [] read back would wipe them)
    state = kibana.control("GET", "/state")["exception_lists"]["items"]
    item3 = next(r["doc"] for r in state.values() if r["doc"]["item_id"] == "item-003")
    api_put_item(kibana, dict(item3, comments=[]), os_types=["linux"])
    kibana.clear_log()
    changed = run("exception_list", **web_list(item(1, os_types=["linux"]),
                                               item(2, os_types=["macos", "linux"]),
                                               item(3, name="Renamed")))
    assert changed["item_counts"] == {"created": 0, "updated": 2, "deleted": 0, "unchanged": 1}
    state = kibana.control("GET", "/state")["exception_lists"]["items"]
    stored = {r["doc"]["item_id"]: r["doc"]["os_types"] for r in state.values()}
    assert stored == {"item-001": ["linux"], "item-002": ["linux", "macos"], "item-003": ["linux"]}


def test_list_os_types_kibana_ignores_never_cause_a_write(kibana, run):
    # exception-lists.md hazard 4 (the emulator's default): the create handler does not pass
    # list os_types and update_exception_list.ts never writes them. A write for them alone
    # changes nothing, so none is sent; one warning says what Kibana ignores.
    task = web_list(os_types=["windows"])
    created = run("exception_list", **task)
    assert created["changed"] and calls(kibana.writes()) == [("POST", LISTS)]
    [warning] = created["warnings"]
    assert "os_types ['windows'] are not set on exception list web" in warning
    assert "ignores list-level os_types" in warning
    assert stored_list(kibana)["os_types"] == []
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("exception_list", check_mode=check_mode, diff=True, **task)
        assert not again["changed"] and kibana.writes() == []
        assert len(again["warnings"]) == 1
        assert again["diff"] == {"before": {}, "after": {}}
    # a real change is still sent (once), carrying os_types
    kibana.clear_log()
    changed = run("exception_list", check_mode=True, **dict(task, description="new"))
    assert changed["changed"] and changed["exception_list"]["os_types"] == []
    changed = run("exception_list", **dict(task, description="new"))
    assert changed["changed"] and calls(kibana.writes()) == [("PUT", LISTS)]
    assert kibana.writes()[0]["body"]["os_types"] == ["windows"]
    assert not changed.get("warnings", [])[1:]


def test_list_os_types_a_kibana_stores_are_compared(kibana, run):
    # A Kibana that writes list os_types on update (the emulator's list_os_types_on_update
    # switch): once the list holds os_types, they are compared like any field.
    set_quirks(kibana, list_os_types_on_update=True)
    run("exception_list", **web_list(os_types=["windows"]))
    run("exception_list", **web_list(os_types=["windows"], description="carried"))
    assert stored_list(kibana)["os_types"] == ["windows"]
    kibana.clear_log()
    same = run("exception_list", **web_list(os_types=["windows"], description="carried"))
    assert not same["changed"] and kibana.writes() == [] and not same.get("warnings")
    other = run("exception_list", **web_list(os_types=["linux"], description="carried"))
    assert other["changed"] and calls(kibana.writes()) == [("PUT", LISTS)]
    assert stored_list(kibana)["os_types"] == ["linux"]


# ------------------------------------------------------------------ comments


def test_comments_are_appended_and_never_rewritten(kibana, run):
    run("exception_list", **web_list(item(1, comments=["first"])))
    first = stored_items(kibana)["item-001"]["comments"][0]
    # someone comments in the UI
    stored = stored_items(kibana)["item-001"]
    resp = kibana.api("PUT", ITEMS, {
        "id": stored["id"], "type": "simple", "name": stored["name"], "description": "",
        "entries": stored["entries"], "comments": [{"id": first["id"], "comment": "first"},
                                                   {"comment": "from the UI"}]})
    assert resp.status_code == 200
    kibana.clear_log()
    result = run("exception_list", diff=True, **web_list(item(1, comments=["first", "second"])))
    assert result["item_counts"]["updated"] == 1
    [put] = kibana.writes()
    sent = put["body"]["comments"]
    assert sent[0] == {"id": first["id"], "comment": "first"}
    assert sent[1]["comment"] == "from the UI" and sent[1]["id"]
    assert sent[2] == {"comment": "second"}
    assert result["diff"]["after"]["items"]["item-001"]["comments"] == ["first", "from the UI",
                                                                        "second"]
    comments = stored_items(kibana)["item-001"]["comments"]
    assert [c["comment"] for c in comments] == ["first", "from the UI", "second"]
    assert comments[0] == first
    # declared ones present, others never removed: nothing to do
    kibana.clear_log()
    for declared in (["first", "second"], ["second"], []):
        assert not run("exception_list", **web_list(item(1, comments=declared)))["changed"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ create-only type


def test_type_change_fails_unless_recreate(kibana, run):
    run("exception_list", **web_list(item(1), item(2)))
    kibana.clear_log()
    failed = run("exception_list", **web_list(item(1), item(2), type="rule_default"))
    assert failed.failed and "type cannot be changed" in failed["msg"]
    assert "recreate" in failed["msg"] and "'detection'" in failed["msg"]
    # recreating would lose item 2, which is not declared
    lost = run("exception_list", recreate=True, **web_list(item(1), type="rule_default"))
    assert lost.failed and "1 of them are not declared in items (item-002)" in lost["msg"]
    assert kibana.writes() == []

    task = dict(web_list(item(1), type="rule_default"), recreate=True, purge_items=True)
    checked = run("exception_list", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["item_counts"] == {"created": 1, "updated": 0, "deleted": 2, "unchanged": 0}
    recreated = run("exception_list", diff=True, **task)
    assert recreated["item_counts"] == checked["item_counts"]
    assert recreated["exception_list"]["type"] == "rule_default"
    assert calls(kibana.writes()) == [("DELETE", LISTS), ("POST", LISTS), ("POST", ITEMS)]
    assert sorted(recreated["diff"]["before"]["items"]) == ["item-001", "item-002"]
    assert sorted(recreated["diff"]["after"]["items"]) == ["item-001"]
    assert sorted(stored_items(kibana)) == ["item-001"]


# ------------------------------------------------------------------ _duplicate


def test_duplicate_from_copies_then_converges(kibana, run):
    run("exception_list", **web_list(item(1), item(2, expire_time="2001-01-01T00:00:00.000Z"),
                                     item(3), list_id="source", name="Source"))
    task = {"duplicate_from": "source", "name": "Copy of source", "include_expired_exceptions": False,
            "tags": ["copy"]}
    kibana.clear_log()
    checked = run("exception_list", check_mode=True, **dict(task, items=[]))
    assert checked["changed"] and kibana.writes() == []
    assert checked["exception_list"]["name"] == "Copy of source"
    assert checked["exception_list"]["type"] == "detection"
    assert checked["item_counts"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 2,
                                      "copied": 2}

    copied = run("exception_list", **dict(task, items=[]))
    assert copied["changed"] and not copied.failed, copied.get("msg")
    assert copied["item_counts"] == checked["item_counts"]
    duplicate, rename = kibana.writes()
    assert (duplicate["method"], duplicate["path"]) == ("POST", LISTS + "/_duplicate")
    assert duplicate["query"] == {"list_id": "source", "namespace_type": "single",
                                  "include_expired_exceptions": "false"}
    assert (rename["method"], rename["path"]) == ("PUT", LISTS)
    copy_id = copied["exception_list"]["list_id"]
    assert copy_id != "source" and copied["exception_list"]["name"] == "Copy of source"
    assert copied["exception_list"]["tags"] == ["copy"]
    assert len(stored_items(kibana, copy_id)) == 2

    # found again by its name (never the source): nothing to do
    kibana.clear_log()
    again = run("exception_list", **task)
    assert not again["changed"] and kibana.writes() == []
    assert again["exception_list"]["list_id"] == copy_id

    # then its items converge like any list's
    kibana.clear_log()
    converged = run("exception_list", purge_items=True, **dict(task, items=[item(9)]))
    assert converged["item_counts"] == {"created": 1, "updated": 0, "deleted": 2, "unchanged": 0}
    assert list(stored_items(kibana, copy_id)) == ["item-009"]
    assert sorted(stored_items(kibana, "source")) == ["item-001", "item-002", "item-003"]


def test_duplicate_from_failures_before_any_write(kibana, run):
    kibana.api("POST", LISTS, {"list_id": "ep", "name": "Endpoint", "description": "",
                               "type": "endpoint"})
    kibana.clear_log()
    missing = run("exception_list", duplicate_from="nowhere", name="Copy")
    assert missing.failed and "duplicate_from: exception list 'nowhere' does not exist" in missing["msg"]
    endpoint = run("exception_list", duplicate_from="ep", name="Copy")
    assert endpoint.failed and "Kibana duplicates only detection and rule_default" in endpoint["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("entries,words", [
    ([entry("a"), {"type": "match", "field": "f", "operator": "included"}],
     "items[1] (item_id 'item-001'): entries[1] (match) is missing value"),
    ([{"type": "match_any", "field": "f", "values": ["a"], "operator": "included"}],
     "entries[0] (match_any) has unknown key(s) values (the list of values goes in value)"),
    ([{"type": "match_any", "field": "f", "value": [], "operator": "included"}],
     "entries[0].value must be a non-empty list of non-empty strings"),
    ([{"type": "regex", "field": "f", "value": "a", "operator": "included"}],
     "entries[0] has type 'regex'; expected one of match, match_any, wildcard, exists, list, nested"),
    ([entry("a"), entry("b"), {"type": "exists", "field": "f", "operator": "is"}],
     "entries[2].operator must be included or excluded, got 'is'"),
    ([{"type": "list", "field": "source.ip", "list": {"id": "bad-ips"}, "operator": "included"}],
     "entries[0].list must be {id, type}"),
    ([{"type": "nested", "field": "parent", "entries": [
        {"type": "wildcard", "field": "f", "value": "a*", "operator": "included"}]}],
     "entries[0].entries[0] has type 'wildcard'; a nested entry holds only match, match_any or exists"),
    ([{"type": "nested", "field": "parent", "operator": "included", "entries": [entry("a")]}],
     "entries[0] (nested) has unknown key(s) operator (the entries inside a nested entry carry"),
    ([{"type": "nested", "field": "parent", "entries": [{"type": "exists", "field": "x"}]}],
     "entries[0].entries[0] (exists) is missing operator"),
    ([{"type": "wildcard", "field": "", "value": "a", "operator": "included"}],
     "entries[0].field must be a non-empty string"),
    ([], "items[1] (item_id 'item-001'): entries must hold at least one entry"),
    # every type's required keys
    ([entry("a"), {"type": "wildcard", "field": "f", "value": "a*"}],
     "entries[1] (wildcard) is missing operator: a wildcard entry needs field, value, operator"),
    ([{"type": "match_any", "field": "f", "operator": "included"}],
     "entries[0] (match_any) is missing value"),
    ([{"type": "exists", "operator": "included"}],
     "entries[0] (exists) is missing field: an exists entry needs field, operator"),
    ([{"type": "list", "field": "source.ip", "operator": "included"}],
     "entries[0] (list) is missing list"),
    ([entry("a"), {"type": "nested", "field": "parent"}],
     "entries[1] (nested) is missing entries"),
    ([{"type": "nested", "field": "parent", "entries": [
        entry("a"), {"type": "match_any", "field": "x", "operator": "included"}]}],
     "entries[0].entries[1] (match_any) is missing value"),
    ([{"operator": "included", "field": "f"}], "entries[0] has type None"),
    (["host.name: a"], "Elements value for option 'entries' found in 'items' is of type"),
])
def test_invalid_entries_are_rejected_before_any_request(kibana, conn, entries, words):
    args = dict(conn, **web_list(item(0), {"item_id": "item-001", "name": "x", "entries": entries}))
    result = run_module("exception_list", args)
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


@pytest.mark.parametrize("options,words", [
    (web_list(purge_items=True), "purge_items needs items"),
    (web_list(item(1), item(1)), "items declares item_id 'item-001' more than once"),
    (web_list(item(1, expire_time="2030-01-01")), "expire_time must be an ISO 8601 UTC date-time"),
    (web_list(item(1, comments=[" "])), "comments must be non-empty strings"),
    (web_list(item(1, os_types=["solaris"])), "os_types"),
    (web_list(type="firewall"), "type"),
    (dict(web_list(), duplicate_from="web"), "parameters are mutually exclusive: list_id|duplicate_from"),
    ({"name": "x"}, "one of the following is required: list_id, duplicate_from"),
    ({"duplicate_from": "web"}, "missing parameter(s) required by 'duplicate_from': name"),
    (web_list({"item_id": "a", "entries": [entry("a")]}), "missing required arguments: name"),
    (web_list(namespace_type="global"), "namespace_type"),
])
def test_bad_input_is_rejected_before_any_request(kibana, conn, options, words):
    result = run_module("exception_list", dict(conn, **options))
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


def test_numbers_in_values_are_sent_as_strings(kibana, run):
    task = web_list(item(1, entries=[{"type": "match", "field": "destination.port", "value": 8080,
                                      "operator": "included"},
                                     {"type": "match_any", "field": "x", "value": [1, "b"],
                                      "operator": "excluded"}]))
    assert run("exception_list", **task)["changed"]
    [sent] = [w["body"] for w in kibana.writes() if w["path"] == ITEMS]
    assert sent["entries"][0]["value"] == "8080" and sent["entries"][1]["value"] == ["1", "b"]
    entries = stored_items(kibana)["item-001"]["entries"]
    assert entries[0]["value"] == "8080" and entries[1]["value"] == ["1", "b"]
    kibana.clear_log()
    assert not run("exception_list", **task)["changed"]
    assert kibana.writes() == []


def test_api_errors_report_method_path_status_and_message(kibana, run):
    run("exception_list", **web_list(type="endpoint", list_id="ep"))
    exists = {"item_id": "e1", "name": "exists",
              "entries": [{"type": "exists", "field": "f", "operator": "included"}]}
    result = run("exception_list", **web_list(exists, type="endpoint", list_id="ep"))
    assert result.failed and result["status"] == 400
    assert result["msg"].startswith("exception list 'ep', item 'e1': POST /api/exception_lists/items "
                                    "returned HTTP 400: ")
    assert 'Invalid value \\"exists\\" supplied to \\"type\\"' in result["msg"]
    missing_space = run("exception_list", space_id="nowhere", **web_list())
    assert missing_space.failed and missing_space["status"] == 404
    assert "/s/nowhere/api/exception_lists" in missing_space["msg"]
