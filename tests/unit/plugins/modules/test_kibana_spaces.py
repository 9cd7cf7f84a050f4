"""kibana_spaces (the set form of kibana_space) against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

OPS = {"id": "ops", "name": "Operations", "description": "the ops team", "color": "#00BFB3",
       "disabled_features": ["dev_tools"]}
SEC = {"id": "sec", "name": "Security"}


def spaces(kibana):
    return dict((s["id"], s) for s in kibana.api("GET", "/api/spaces/space").json())


def run_set(run, state, config=None, **options):
    if config is not None:
        options["config"] = copy.deepcopy(config)
    return run("kibana_spaces", state=state, **options)


def test_life_cycle_of_every_state(kibana, run):
    # merged: ops exists (the fixture made it), sec is created; check mode first
    checked = run_set(run, "merged", [OPS, SEC], check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert len(checked["diff"]) == 2
    result = run_set(run, "merged", [OPS, SEC], diff=True)
    assert result["changed"] and set(spaces(kibana)) == {"default", "ops", "sec"}
    assert spaces(kibana)["ops"]["disabledFeatures"] == ["dev_tools"]
    kibana.clear_log()
    again = run_set(run, "merged", [OPS, SEC], check_mode=True, diff=True)
    assert not again["changed"] and again["diff"] == []
    assert not run_set(run, "merged", [OPS, SEC])["changed"]
    assert [r["method"] for r in kibana.requests()] == ["GET", "GET"]

    # replaced: what ops leaves unset goes back to Kibana's defaults
    reduced = {"id": "ops", "name": "Operations"}
    checked = run_set(run, "replaced", [reduced], check_mode=True, diff=True)
    assert checked["changed"] and checked["diff"][0]["before"]["description"] == "the ops team"
    assert run_set(run, "replaced", [reduced])["changed"]
    ops = spaces(kibana)["ops"]
    assert not ops.get("description") and ops["disabledFeatures"] == []
    assert not run_set(run, "replaced", [reduced])["changed"]

    # overridden: sec is deleted, the default space is kept
    kibana.clear_log()
    checked = run_set(run, "overridden", [reduced], check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert checked["deleted"] == [{"id": "sec", "name": "Security"}]
    assert [k["id"] for k in checked["kept"]] == ["default"]
    result = run_set(run, "overridden", [reduced])
    assert result["deleted"] == [{"id": "sec", "name": "Security"}]
    assert set(spaces(kibana)) == {"default", "ops"}
    assert not run_set(run, "overridden", [reduced])["changed"]

    # gathered: the shape config takes, the default space included; applying it changes nothing
    gathered = run("kibana_spaces", state="gathered")
    assert sorted(s["id"] for s in gathered["gathered"]) == ["default", "ops"]
    kibana.clear_log()
    assert not run_set(run, "overridden", gathered["gathered"])["changed"]
    assert kibana.writes() == []

    # deleted: ops goes; the default space is refused, naming the entry
    refused = run_set(run, "deleted", [{"id": "default"}])
    assert refused.failed and "config[0]" in refused["msg"] and "reserved" in refused["msg"]
    checked = run_set(run, "deleted", [{"id": "ops"}], check_mode=True)
    assert checked["changed"] and "ops" in spaces(kibana)
    assert run_set(run, "deleted", [{"id": "ops"}])["changed"]
    assert set(spaces(kibana)) == {"default"}
    assert not run_set(run, "deleted", [{"id": "ops"}])["changed"]


def test_bad_space_id_is_refused_naming_the_entry(kibana, run):
    result = run_set(run, "merged", [SEC, {"id": "Not OK", "name": "x"}])
    assert result.failed and "config[1]" in result["msg"]
    assert kibana.writes() == []
