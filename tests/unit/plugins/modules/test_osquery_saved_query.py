"""osquery_saved_query and osquery_saved_query_info against the emulator over HTTP
(contract: tests/emulator/contract/osquery-saved-queries.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

SAVED = "/api/osquery/saved_queries"
TASK = {"id": "listening_ports", "description": "Processes listening on a port",
        "query": "SELECT pid, port FROM listening_ports;", "interval": 600}


def writes(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


def stored(kibana, so_id, space=None):
    resp = kibana.api("GET", "%s/%s" % (SAVED, so_id), space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def exists(kibana, so_id, space=None):
    return kibana.api("GET", "%s/%s" % (SAVED, so_id), space=space).status_code == 200


def assert_nothing_sent(kibana, run, task, space):
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("osquery_saved_query", check_mode=check_mode, diff=True, **task)
        assert not again["changed"], again.get("diff")
        assert again["diff"] == {"before": {}, "after": {}}
        assert kibana.writes() == []
    return again


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    task = dict(TASK, space_id=space)
    prefix = "" if space == "default" else "/s/ops"

    checked = run("osquery_saved_query", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["saved_query"]["saved_object_id"] is None
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["interval"] == 600
    created = run("osquery_saved_query", diff=True, **task)
    assert created["changed"] and not created.failed, created.get("msg")
    so_id = created["saved_query"]["saved_object_id"]
    [post] = kibana.writes()
    assert (post["method"], post["path"]) == ("POST", prefix + SAVED)
    # Kibana's create schema types interval as a string (kbn-osquery-io-ts-types `interval`)
    assert post["body"]["interval"] == "600" and post["body"]["id"] == "listening_ports"
    for key in ("id", "query", "description", "interval"):
        assert checked["saved_query"][key] == created["saved_query"][key] == task[key]
    assert stored(kibana, so_id, space)["interval"] == "600"

    # same again: ok, no write, in check mode and for real
    assert assert_nothing_sent(kibana, run, task, space)["saved_query"]["saved_object_id"] == so_id

    # update each kind of field: text, number, list, bool, dict; predicted first
    update = dict(task, query="SELECT * FROM listening_ports;", timeout=120,
                  platform=["darwin", "linux"], snapshot=True, version="5.0.0",
                  ecs_mapping={"client.port": {"field": "port"}, "tags": {"value": ["osquery"]}})
    kibana.clear_log()
    predicted = run("osquery_saved_query", check_mode=True, diff=True, **update)
    assert predicted["changed"] and kibana.writes() == []
    updated = run("osquery_saved_query", diff=True, **update)
    assert updated["changed"] and updated["operations"] == ["update"]
    assert updated["diff"] == predicted["diff"]
    assert updated["diff"]["after"]["platform"] == ["linux", "darwin"]
    [put] = kibana.writes()
    assert put["path"] == "%s%s/%s" % (prefix, SAVED, so_id)
    assert put["body"]["description"] == TASK["description"]  # Kibana clears an omitted one
    assert put["body"]["platform"] == "linux,darwin"
    data = stored(kibana, so_id, space)
    assert data["interval"] == 600 and data["snapshot"] is True and data["timeout"] == 120
    assert data["ecs_mapping"] == update["ecs_mapping"]
    for key in ("query", "timeout", "snapshot", "version", "ecs_mapping"):
        assert updated["saved_query"][key] == predicted["saved_query"][key] == update[key]
    # now interval is a number in Kibana: still no change
    assert_nothing_sent(kibana, run, update, space)

    # the ecs_mapping is a complete set; a rename through saved_object_id
    smaller = dict(update, ecs_mapping={"client.port": {"field": "port"}})
    assert run("osquery_saved_query", **smaller)["changed"]
    assert stored(kibana, so_id, space)["ecs_mapping"] == {"client.port": {"field": "port"}}
    renamed = run("osquery_saved_query", **dict(smaller, id="ports", saved_object_id=so_id))
    assert renamed["changed"] and stored(kibana, so_id, space)["id"] == "ports"

    # absent: check mode, real, again
    kibana.clear_log()
    gone = run("osquery_saved_query", check_mode=True, diff=True, state="absent", id="ports",
               space_id=space)
    assert gone["changed"] and kibana.writes() == []
    assert gone["diff"]["after"] == {} and gone["diff"]["before"]["id"] == "ports"
    assert run("osquery_saved_query", state="absent", id="ports", space_id=space)["changed"]
    assert writes(kibana) == [("DELETE", "%s%s/%s" % (prefix, SAVED, so_id))]
    assert not exists(kibana, so_id, space)
    kibana.clear_log()
    for check_mode in (True, False):
        assert not run("osquery_saved_query", check_mode=check_mode, state="absent",
                       id="ports", space_id=space)["changed"]
    assert kibana.writes() == []


def test_an_empty_ecs_mapping_clears_the_stored_one(kibana, run):
    """ecs_mapping {} (documented: removes every mapping) is sent as {}, which Kibana stores as
    [] (contract: update body). It used to be left out of the update, so Kibana kept the
    mapping and every run reported changed with a write (the Terraform provider's
    TestAccResourceOsquerySavedQuery/update_clear_optionals step)."""
    made = run("osquery_saved_query", ecs_mapping={"host.name": {"field": "hostname"}}, **TASK)
    so_id = made["saved_query"]["saved_object_id"]
    kibana.clear_log()
    cleared = run("osquery_saved_query", ecs_mapping={}, **TASK)
    assert cleared["changed"] and not cleared.get("warnings"), cleared.get("warnings")
    assert kibana.writes()[0]["body"]["ecs_mapping"] == {}
    assert not stored(kibana, so_id).get("ecs_mapping")
    assert_nothing_sent(kibana, run, dict(TASK, ecs_mapping={}), "default")


def test_spaces_are_isolated(kibana, run):
    in_ops = run("osquery_saved_query", space_id="ops", **TASK)["saved_query"]
    in_default = run("osquery_saved_query", **TASK)
    assert in_default["changed"]
    assert in_default["saved_query"]["saved_object_id"] != in_ops["saved_object_id"]
    assert run("osquery_saved_query", state="absent", space_id="ops", **TASK)["changed"]
    assert exists(kibana, in_default["saved_query"]["saved_object_id"])


@pytest.mark.parametrize("options, message", [
    ({"interval": 0}, "interval must be at least 1"),
    ({"timeout": 59}, "timeout must be from 60 to 86400 seconds"),
    ({"timeout": 86401}, "timeout must be from 60 to 86400 seconds"),
    ({"query": "  "}, "query must not be empty"),
    ({"id": " "}, "id must not be empty"),
    ({"ecs_mapping": {"host.name": {"field": "a", "value": "b"}}},
     "ecs_mapping.host.name must set exactly one of field"),
    ({"platform": ["beos"]}, "platform"),
])
def test_bad_input_is_refused_before_any_request(kibana, run, options, message):
    result = run("osquery_saved_query", **dict(TASK, **options))
    assert result.failed and message in result["msg"], result["msg"]
    assert kibana.requests() == []


def test_create_needs_query_and_interval_as_kibana_does(kibana, run):
    result = run("osquery_saved_query", id="no_interval", query="SELECT 1;")
    assert result.failed and "interval is required to create" in result["msg"]
    assert kibana.writes() == []


def test_prebuilt_saved_queries_are_refused(kibana, run):
    result = run("osquery_saved_query", id="kernel_info_elastic", query="SELECT 1;", interval=60)
    assert result.failed and "prebuilt" in result["msg"]
    gone = run("osquery_saved_query", id="kernel_info_elastic", state="absent")
    assert gone.failed and "prebuilt" in gone["msg"]
    assert kibana.writes() == []


def test_unknown_saved_object_id_fails_clearly(kibana, run):
    result = run("osquery_saved_query", saved_object_id="nope", query="SELECT 1;", interval=60)
    assert result.failed and "no osquery saved query with saved_object_id 'nope'" in result["msg"]
    assert kibana.writes() == []


def test_info_by_id_by_saved_object_id_and_all(kibana, run):
    made = run("osquery_saved_query", space_id="ops", **TASK)["saved_query"]
    every = run("osquery_saved_query_info", space_id="ops")
    assert [q["id"] for q in every["saved_queries"]] == ["listening_ports"]
    assert every["saved_queries"][0]["interval"] == 600  # a number, not Kibana's "600"
    one = run("osquery_saved_query_info", space_id="ops", saved_object_id=made["saved_object_id"])
    assert one["saved_queries"] == every["saved_queries"]
    assert run("osquery_saved_query_info", id="kernel_info_elastic")["saved_queries"][0]["prebuilt"]
    assert run("osquery_saved_query_info", saved_object_id="nope")["saved_queries"] == []
    assert kibana.writes() == [w for w in kibana.writes() if w["method"] == "POST"]


@pytest.mark.parametrize("value", ["../packs/x", "a/b", ".."])
def test_saved_object_id_cannot_change_the_path(kibana, run, value):
    result = run("osquery_saved_query", saved_object_id=value, query="SELECT 1;", interval=60)
    assert result.failed and "saved_object_id" in result["msg"], result["msg"]
    assert kibana.requests() == []
