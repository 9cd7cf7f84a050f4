"""Issue 9, findings 1 and 2: an empty key or a hostile value in a URL path never reaches
Kibana, never selects another object and never changes the requested path (checked through
the emulator's request log)."""

import pytest

QUERY_FILTERS = "/api/actions/connectors"
RULE = "/api/alerting/rule"
CONNECTOR = "/api/actions/connector"

# one valid task per resource module (what each needs to create its object)
TASKS = {
    "kibana_connector": dict(name="c", connector_type_id=".server-log"),
    "kibana_rule": dict(name="r", rule_type_id=".index-threshold", consumer="alerts",
                        schedule="1m", params={"index": ["i"], "timeField": "@timestamp",
                                               "aggType": "count", "groupBy": "all",
                                               "timeWindowSize": 5, "timeWindowUnit": "m",
                                               "thresholdComparator": ">", "threshold": [1]}),
    "fleet_agent_policy": dict(name="p", namespace="default"),
    "osquery_pack": dict(name="k", queries={"q": {"query": "select 1;", "interval": 60}}),
    "exception_list": dict(list_id="l", name="l", type="detection"),
}
ID_OPTION = {"exception_list": "list_id"}
INFO = ["kibana_connector_info", "kibana_rule_info", "fleet_agent_policy_info",
        "osquery_pack_info", "exception_list_info"]


def rule_body(name="other"):
    body = dict(TASKS["kibana_rule"], name=name)
    body["schedule"] = {"interval": "1m"}
    return body


def existing_rule(kibana):
    resp = kibana.api("POST", RULE, rule_body())
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    return resp.json()["id"]


def existing_connector(kibana, name="other"):
    resp = kibana.api("POST", CONNECTOR, {"name": name, "connector_type_id": ".server-log"})
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    return resp.json()["id"]


# ------------------------------------------------------------------ finding 1: empty keys


@pytest.mark.parametrize("module", sorted(TASKS))
@pytest.mark.parametrize("empty", ["", "   ", "\t\n"])
@pytest.mark.parametrize("state", ["present", "absent"])
def test_an_empty_id_is_refused_before_any_request(kibana, run, module, empty, state):
    rule_id = existing_rule(kibana)
    option = ID_OPTION.get(module, "id")
    task = dict(TASKS[module], state=state)
    task.pop("name", None) if module != "exception_list" else None
    task[option] = empty
    result = run(module, **task)
    assert result.failed and option in result["msg"], result
    assert "unexpected error" not in result["msg"]
    assert kibana.requests() == []
    assert kibana.api("GET", RULE + "/" + rule_id).status_code == 200


@pytest.mark.parametrize("module", sorted(TASKS))
@pytest.mark.parametrize("state", ["present", "absent"])
def test_an_empty_name_without_id_is_refused_before_any_request(kibana, run, module, state):
    existing_rule(kibana)
    task = dict(TASKS[module], name=" ", state=state)
    result = run(module, **task)
    assert result.failed and "name" in result["msg"] and "unexpected" not in result["msg"]
    assert kibana.requests() == []


@pytest.mark.parametrize("module", INFO)
@pytest.mark.parametrize("option", ["id", "name"])
def test_info_modules_refuse_empty_keys(kibana, run, module, option):
    if module == "exception_list_info" and option == "id":
        option = "list_id"
    result = run(module, **{option: "  "})
    assert result.failed and option in result["msg"], result
    assert kibana.requests() == []


def test_an_empty_item_id_is_refused_before_any_request(kibana, run):
    item = {"item_id": " ", "name": "i", "entries": [
        {"field": "host.name", "type": "match", "operator": "included", "value": "x"}]}
    result = run("exception_list", items=[item], **TASKS["exception_list"])
    assert result.failed and "item_id" in result["msg"]
    assert kibana.requests() == []


def test_the_engine_never_finds_without_a_key():
    from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource
    from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError

    class Probe(Resource):
        name = title = "thing"

        def find(self):
            raise AssertionError("find() ran without a key")

    for params in ({"id": None, "name": None}, {"id": None, "name": ""}, {"id": "", "name": "a"}):
        with pytest.raises(ResourceError):
            Probe(None, params).lookup()


# ------------------------------------------------------------------ finding 2: paths


@pytest.mark.parametrize("module", sorted(TASKS) + INFO)
@pytest.mark.parametrize("space", ["..", "ops/../default", "Ops", "a b", "ops?x=1", "ops#",
                                   "%2e%2e", "."])
def test_space_id_follows_kibanas_rule(kibana, run, module, space):
    task = dict(TASKS.get(module, {}), space_id=space)
    result = run(module, **task)
    assert result.failed and result["msg"].startswith("space_id "), result
    assert "is not a valid space id" in result["msg"]
    assert kibana.requests() == []


def test_connector_id_dot_is_refused(kibana, run):
    for attempt in range(2):
        result = run("kibana_connector", id=".", name="c", connector_type_id=".server-log")
        assert result.failed and "id '.'" in result["msg"]
    assert kibana.requests() == []
    assert [c for c in kibana.api("GET", QUERY_FILTERS).json() if c["name"] == "c"] == []


def test_a_traversal_id_never_deletes_another_connector(kibana, run):
    other = existing_connector(kibana)
    for hostile in ("../connector/" + other, "..%2Fconnector%2F" + other, "..\\" + other):
        result = run("kibana_connector", id=hostile, state="absent")
        assert not result.get("changed")
        for entry in kibana.requests():
            assert entry["path"] != CONNECTOR + "/" + other, entry
            assert entry["method"] == "GET"
    assert kibana.api("GET", CONNECTOR + "/" + other).status_code == 200


def test_a_rule_id_with_a_hash_is_one_segment(kibana, run):
    rule_a = kibana.api("POST", RULE + "/a", rule_body("a"))
    assert rule_a.status_code in (200, 400)  # ids other than UUIDs: Kibana 8.17+
    kibana.clear_log()
    result = run("kibana_rule", id="a#b", state="absent")
    assert not result.failed and not result["changed"]
    assert [(r["method"], r["path"]) for r in kibana.requests()] == [("GET", RULE + "/a#b")]
    if rule_a.status_code == 200:
        assert kibana.api("GET", RULE + "/a").status_code == 200


@pytest.mark.parametrize("module", sorted(TASKS))
@pytest.mark.parametrize("hostile", ["x?y=1", "x#y", "x%2Fy", "50%", "x y"])
def test_odd_ids_are_requested_as_exactly_that_one_segment(kibana, run, module, hostile):
    option = ID_OPTION.get(module, "id")
    result = run(module, state="absent", **{option: hostile})
    if result.failed:  # a family's own id rule (Fleet: no '?' or '#'): refused, nothing sent
        assert result["msg"].startswith("%s %r" % (option, hostile)), result
        assert kibana.requests() == []
        return
    assert not result["changed"], result
    for entry in kibana.requests():
        assert entry["method"] == "GET"
        if module != "exception_list":  # list_id goes in the query string
            assert entry["path"].endswith("/" + hostile), entry
        else:
            assert entry["query"]["list_id"] == hostile


def test_segments_are_encoded_and_checked():
    from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
    from ansible_collections.stackops.kibana.plugins.module_utils._paths import join, segment

    assert join("/api/x", ("id", "a#b?c%d e"), "_enable") == "/api/x/a%23b%3Fc%25d%20e/_enable"
    for bad in ("", " ", ".", "..", "a/b", "a\\b"):
        with pytest.raises(ResourceError, match="^id "):
            segment(bad, "id")


def test_a_copy_source_name_that_cannot_be_an_id_is_looked_up_by_name(kibana, run):
    resp = kibana.api("POST", "/api/fleet/agent_policies", {"name": "a\\b", "namespace": "default"})
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    result = run("fleet_agent_policy", name="copy", copy_from="a\\b")
    assert not result.failed and result["changed"], result.get("msg")
    assert all("\\" not in r["path"] for r in kibana.requests())
