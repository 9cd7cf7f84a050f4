"""exception_list_info against the emulator: one list with or without its items, lists by
name, type or KQL filter across namespaces, paging _find."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64

import pytest
from werkzeug.test import Client

LISTS = "/api/exception_lists"
ITEMS = "/api/exception_lists/items"


def make_list(kibana, list_id, space=None, **fields):
    body = {"list_id": list_id, "name": "List %s" % list_id, "description": "", "type": "detection"}
    body.update(fields)
    resp = kibana.api("POST", LISTS, body, space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()


def make_item(kibana, list_id, item_id, namespace_type="single", space=None):
    resp = kibana.api("POST", ITEMS, {
        "list_id": list_id, "item_id": item_id, "type": "simple", "name": item_id,
        "description": "", "namespace_type": namespace_type,
        "entries": [{"type": "exists", "field": "host.name", "operator": "included"}]}, space=space)
    assert resp.status_code == 200, resp.text


@pytest.fixture
def lists(kibana):
    make_list(kibana, "web", tags=["ci"])
    make_list(kibana, "db", type="rule_default", name="Databases")
    make_list(kibana, "shared", namespace_type="agnostic", name="Shared \"quoted\" name")
    make_list(kibana, "elsewhere", space="ops")
    for n in range(3):
        make_item(kibana, "web", "web-%d" % n)
    make_item(kibana, "shared", "shared-0", namespace_type="agnostic")
    kibana.clear_log()


def names(result):
    return sorted(found["list_id"] for found in result["exception_lists"])


def test_one_list_with_and_without_items(kibana, run, lists):
    plain = run("exception_list_info", list_id="web")
    assert not plain["changed"] and names(plain) == ["web"]
    assert "items" not in plain["exception_lists"][0]
    full = run("exception_list_info", list_id="web", include_items=True)
    assert sorted(i["item_id"] for i in full["exception_lists"][0]["items"]) == ["web-0", "web-1", "web-2"]
    shared = run("exception_list_info", list_id="shared", include_items=True, space_id="ops")
    assert names(shared) == ["shared"]
    assert [i["item_id"] for i in shared["exception_lists"][0]["items"]] == ["shared-0"]
    assert run("exception_list_info", list_id="nowhere")["exception_lists"] == []
    assert kibana.writes() == []


def test_lists_by_name_type_filter_and_namespace(kibana, run, lists):
    assert names(run("exception_list_info")) == ["db", "shared", "web"]
    assert names(run("exception_list_info", namespace_type=["single"])) == ["db", "web"]
    assert names(run("exception_list_info", space_id="ops")) == ["elsewhere", "shared"]
    assert names(run("exception_list_info", type="rule_default")) == ["db"]
    assert names(run("exception_list_info", name="Databases")) == ["db"]
    assert names(run("exception_list_info", name='Shared "quoted" name')) == ["shared"]
    assert names(run("exception_list_info", filter="exception-list.attributes.tags:ci")) == ["web"]
    with_items = run("exception_list_info", type="detection", include_items=True)
    assert {f["list_id"]: len(f["items"]) for f in with_items["exception_lists"]} == {"web": 3, "shared": 1}
    assert kibana.writes() == []


def test_lists_are_paged(kibana, run):
    """1,005 lists (made in-process, for speed): two pages of _find at 1,000."""
    client = Client(kibana.emulator)
    auth = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode(),
            "kbn-xsrf": "tests"}
    for n in range(1005):
        body = {"list_id": "l%d" % n, "name": "n", "description": "", "type": "detection"}
        client.post(LISTS, headers=auth, json=body)
    kibana.clear_log()
    result = run("exception_list_info", namespace_type=["single"])
    assert len(result["exception_lists"]) == 1005
    pages = [r["query"]["page"] for r in kibana.requests() if r["path"] == LISTS + "/_find"]
    assert pages == ["1", "2"]


def test_bad_input_is_rejected_before_any_request(kibana, run):
    result = run("exception_list_info", list_id="web", name="x")
    assert result.failed and "mutually exclusive: list_id|name" in result["msg"]
    result = run("exception_list_info", namespace_type=["global"])
    assert result.failed and "namespace_type" in result["msg"]
    assert kibana.requests() == []
