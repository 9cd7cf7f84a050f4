"""kibana_connectors (the set form of kibana_connector) against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import uuid

import pytest

PASSWORD = "set-secret-" + uuid.uuid4().hex
HOOK = {"id": "5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61", "name": "ops-webhook",
        "connector_type_id": ".webhook", "config": {"url": "https://hooks.example.com/a"},
        "secrets": {"user": "bot", "password": PASSWORD}}
LOG = {"name": "server-log", "connector_type_id": ".server-log"}
INDEX = {"name": "alert-history", "connector_type_id": ".index",
         "config": {"index": "alert-history"}}
CONNECTORS = "/s/ops/api/actions/connector"
# seeded by the emulator in every space (tests/emulator/families/connectors.py)
PRECONFIGURED = "my-slack1"


def writes(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


def stored(kibana, space="ops"):
    resp = kibana.api("GET", "/api/actions/connectors", space=space)
    assert resp.status_code == 200, resp.text
    return dict((c["name"], c) for c in resp.json()
                if not c["is_preconfigured"] and not c["is_system_action"])


def ui_connector(kibana, name, space="ops"):
    """A connector made outside the playbook (in the UI)."""
    resp = kibana.api("POST", "/api/actions/connector", {
        "name": name, "connector_type_id": ".server-log", "config": {}, "secrets": {}},
        space=space)
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    return resp.json()["id"]


def run_set(run, state, config, **options):
    return run("kibana_connectors", space_id="ops", state=state, config=config, **options)


def test_merged_life_cycle_in_check_and_diff_mode(kibana, run):
    config = [HOOK, LOG]
    checked = run_set(run, "merged", config, check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert [c["name"] for c in checked["connectors"]] == ["ops-webhook", "server-log"]
    assert len(checked["diff"]) == 2 and checked["diff"][0]["before"] == {}
    assert PASSWORD not in json.dumps(checked)
    assert checked["diff"][0]["after"]["secrets"]["password"] == "********"

    created = run_set(run, "merged", config, diff=True)
    assert created["changed"]
    # the declared id, and for the other one the id the engine derives from its name
    assert sorted(writes(kibana)) == sorted([
        ("POST", CONNECTORS + "/" + HOOK["id"]),
        ("POST", CONNECTORS + "/" + checked["connectors"][1]["id"])])
    assert created["connectors"][0]["config"]["method"] == "post"  # Kibana's default
    assert PASSWORD not in json.dumps(created)
    assert set(stored(kibana)) == {"ops-webhook", "server-log"}

    # unchanged: one read, no write, in check mode and for real
    for check_mode in (True, False):
        kibana.clear_log()
        again = run_set(run, "merged", config, check_mode=check_mode, diff=True)
        assert not again["changed"] and again["diff"] == []
        assert kibana.writes() == []
        assert [r["path"] for r in kibana.requests()] == ["/s/ops/api/actions/connectors"]

    # one connector changes: one PUT, carrying its secrets; merged keeps other config keys
    kibana.clear_log()
    changed = dict(HOOK, config={"url": "https://hooks.example.com/b"})
    updated = run_set(run, "merged", [changed, LOG], diff=True)
    assert updated["changed"]
    assert writes(kibana) == [("PUT", CONNECTORS + "/" + HOOK["id"])]
    assert kibana.writes()[0]["body"]["secrets"]["password"] == PASSWORD
    assert updated["diff"][0]["before"] == {"config": {"url": "https://hooks.example.com/a"}}
    assert updated["results"][0]["operations"] == ["update"]
    assert updated["results"][1] == {"changed": False, "config_index": 1}


def test_single_object_tasks_and_the_set_converge_the_same(kibana, run):
    for task in (HOOK, LOG, INDEX):
        assert run("kibana_connector", space_id="ops", **task)["changed"]
    singles = stored(kibana)
    kibana.clear_log()
    result = run_set(run, "merged", [HOOK, LOG, INDEX])
    assert not result["changed"] and kibana.writes() == []
    # and the other way round, in a fresh Kibana (connector ids are unique across spaces)
    kibana.reset()
    kibana.create_space("ops")
    assert run_set(run, "merged", [HOOK, LOG, INDEX])["changed"]
    kibana.clear_log()
    for task in (HOOK, LOG, INDEX):
        assert not run("kibana_connector", space_id="ops", **task)["changed"]
    assert kibana.writes() == []

    def strip(connectors):
        return dict((n, dict((k, v) for k, v in c.items() if k != "id" or n == HOOK["name"]))
                    for n, c in connectors.items())
    assert strip(stored(kibana)) == strip(singles)


def test_replaced_resets_unset_config_keys_and_touches_nothing_else(kibana, run):
    other = ui_connector(kibana, "made-in-ui")
    run_set(run, "merged", [dict(HOOK, config={"url": "https://hooks.example.com/a",
                                               "method": "put", "headers": {"x": "1"}})])
    kibana.clear_log()
    checked = run_set(run, "replaced", [HOOK], check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert checked["connectors"][0]["config"] == {"url": "https://hooks.example.com/a",
                                                  "method": "post", "hasAuth": True}
    result = run_set(run, "replaced", [HOOK], diff=True)
    assert result["changed"] and result["deleted"] == []
    assert writes(kibana) == [("PUT", CONNECTORS + "/" + HOOK["id"])]
    config = stored(kibana)["ops-webhook"]["config"]
    assert config.get("headers") is None and config["method"] == "post"
    assert result["diff"][0]["before"]["config"]["method"] == "put"
    assert other in [c["id"] for c in stored(kibana).values()]
    kibana.clear_log()
    assert not run_set(run, "replaced", [HOOK])["changed"]
    assert kibana.writes() == []


def test_overridden_deletes_the_undeclared_and_keeps_preconfigured(kibana, run):
    run_set(run, "merged", [HOOK, LOG])
    ui_id = ui_connector(kibana, "made-in-ui")
    checked = run_set(run, "overridden", [HOOK], check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert sorted(d["name"] for d in checked["deleted"]) == ["made-in-ui", "server-log"]
    # the deletions come first in the diff
    assert [d["after"] for d in checked["diff"][:2]] == [{}, {}]
    assert "deleted" in checked["diff"][0]["before_header"]
    kept = dict((k["id"], k["reason"]) for k in checked["kept"])
    assert "preconfigured" in kept[PRECONFIGURED]

    result = run_set(run, "overridden", [HOOK], diff=True)
    assert result["changed"]
    assert sorted(writes(kibana)) == sorted([("DELETE", CONNECTORS + "/" + ui_id),
                                             ("DELETE", CONNECTORS + "/" + result["deleted"][1]["id"]
                                              if result["deleted"][1]["name"] == "server-log"
                                              else CONNECTORS + "/" + result["deleted"][0]["id"])])
    assert set(stored(kibana)) == {"ops-webhook"}
    resp = kibana.api("GET", "/api/actions/connector/" + PRECONFIGURED, space="ops")
    assert resp.status_code == 200
    kibana.clear_log()
    again = run_set(run, "overridden", [HOOK])
    assert not again["changed"] and again["deleted"] == [] and kibana.writes() == []


def test_overridden_with_empty_config_deletes_every_deletable_connector(kibana, run):
    run_set(run, "merged", [HOOK, LOG])
    result = run_set(run, "overridden", [])
    assert sorted(d["name"] for d in result["deleted"]) == ["ops-webhook", "server-log"]
    assert stored(kibana) == {}


def test_deleted_life_cycle(kibana, run):
    run_set(run, "merged", [HOOK, LOG, INDEX])
    kibana.clear_log()
    target = [{"id": HOOK["id"]}, {"name": "server-log"}]
    checked = run_set(run, "deleted", target, check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert [d["after"] for d in checked["diff"]] == [{}, {}]
    result = run_set(run, "deleted", target)
    assert result["changed"] and result["connectors"] == []
    assert sorted(w[0] for w in writes(kibana)) == ["DELETE", "DELETE"]
    assert set(stored(kibana)) == {"alert-history"}
    kibana.clear_log()
    assert not run_set(run, "deleted", target)["changed"]
    assert kibana.writes() == []
    # an empty config deletes nothing
    assert not run_set(run, "deleted", [])["changed"]
    assert set(stored(kibana)) == {"alert-history"}


def test_deleted_refuses_preconfigured(kibana, run):
    result = run_set(run, "deleted", [{"id": PRECONFIGURED}])
    assert result.failed and "config[0]" in result["msg"] and "preconfigured" in result["msg"]
    assert kibana.writes() == []


def test_gathered_returns_config_without_secrets_and_round_trips(kibana, run):
    run_set(run, "merged", [HOOK, LOG, INDEX])
    gathered = run("kibana_connectors", space_id="ops", state="gathered")
    assert not gathered["changed"]
    assert PASSWORD not in json.dumps(gathered)
    by_name = dict((c["name"], c) for c in gathered["gathered"])
    assert set(by_name) == {"ops-webhook", "server-log", "alert-history"}
    assert "secrets" not in by_name["ops-webhook"]
    assert PRECONFIGURED in [c["id"] for c in gathered["read_only"]]
    # the gathered config is what the set declares: applying it changes nothing
    kibana.clear_log()
    assert not run_set(run, "overridden", gathered["gathered"])["changed"]
    assert kibana.writes() == []
    # and recreates the same in a fresh Kibana
    kibana.reset()
    kibana.create_space("ops")
    assert run_set(run, "merged", gathered["gathered"])["changed"]
    again = run("kibana_connectors", space_id="ops", state="gathered")
    assert sorted(again["gathered"], key=lambda c: c["name"]) == \
        sorted(gathered["gathered"], key=lambda c: c["name"])


def test_gathered_refuses_config(kibana, run):
    result = run("kibana_connectors", space_id="ops", state="gathered", config=[LOG])
    assert result.failed and "config must be empty" in result["msg"]


def test_every_entry_is_validated_before_any_request(kibana, run):
    result = run_set(run, "merged", [LOG, {"name": "x"}, {"id": "a", "name": "b"}])
    assert result.failed
    assert "config[1]" in result["msg"] and "connector_type_id is required" in result["msg"]
    assert kibana.writes() == []


def test_the_same_object_twice_is_refused(kibana, run):
    result = run_set(run, "merged", [LOG, dict(LOG)])
    assert result.failed and "config[0] and config[1]" in result["msg"]
    assert kibana.writes() == []


def test_ambiguous_name_fails_naming_the_entry(kibana, run):
    ui_connector(kibana, "twin")
    ui_connector(kibana, "twin")
    result = run_set(run, "merged", [LOG, {"name": "twin", "connector_type_id": ".server-log"}])
    assert result.failed and result["msg"].startswith("config[1]") and "twin" in result["msg"]
    assert kibana.writes() == []


def test_create_only_change_fails_for_that_entry_only(kibana, run):
    run_set(run, "merged", [LOG])
    kibana.clear_log()
    result = run_set(run, "merged", [dict(LOG, connector_type_id=".index",
                                          config={"index": "x"}), INDEX])
    assert result.failed
    assert "config[0] (name 'server-log')" in result["msg"]
    assert "connector_type_id cannot be changed" in result["msg"]
    # the other entry was still converged, and the result says so
    assert "alert-history" in stored(kibana)
    assert result["changed"] and result["results"][0]["config_index"] == 1


def test_each_failure_is_reported_with_its_object(kibana, run):
    kibana.fault(method="POST", path=r"/api/actions/connector/(?!%s)" % HOOK["id"], status=500,
                 body={"statusCode": 500, "error": "Internal", "message": "boom"}, count=2)
    result = run_set(run, "merged", [LOG, INDEX, HOOK])
    assert result.failed
    assert "2 of 3" in result["msg"]
    assert "config[0] (name 'server-log')" in result["msg"]
    assert "config[1] (name 'alert-history')" in result["msg"]
    assert PASSWORD not in json.dumps(result)
    assert [r["config_index"] for r in result["results"]] == [2]
    assert "ops-webhook" in stored(kibana)


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden", "deleted"])
def test_config_is_required(kibana, run, state):
    result = run("kibana_connectors", space_id="ops", state=state)
    assert result.failed and "config is required" in result["msg"]
