"""kibana_space and kibana_space_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

IMAGE = "data:image/png;base64,iVBORw0KGgo="
SPACE = {"id": "team-a", "name": "Team A", "description": "The A team", "color": "#AABBCC",
         "initials": "TA", "disabled_features": ["dev_tools", "canvas"]}


def writes(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


def test_life_cycle_with_check_and_diff_at_each_step(kibana, run):
    # create: check mode predicts without writing, then the real run sends one POST
    checked = run("kibana_space", check_mode=True, diff=True, **SPACE)
    assert checked["changed"] and kibana.writes() == []
    assert checked["space"] == dict(SPACE, reserved=False)
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["name"] == "Team A"
    created = run("kibana_space", diff=True, **SPACE)
    assert created["changed"] and created["space"] == checked["space"]
    assert writes(kibana) == [("POST", "/api/spaces/space")]
    assert kibana.writes()[0]["body"] == {
        "id": "team-a", "name": "Team A", "description": "The A team", "color": "#AABBCC",
        "initials": "TA", "disabledFeatures": ["dev_tools", "canvas"]}

    # the same again (features in another order): one read, no write, in both modes
    same = dict(SPACE, disabled_features=["canvas", "dev_tools"])
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("kibana_space", check_mode=check_mode, diff=True, **same)
        assert not again["changed"] and again["diff"] == {"before": {}, "after": {}}
        assert kibana.writes() == [] and len(kibana.requests()) == 1

    # each kind of field: a string, a list, the image, clearing the description
    task = dict(SPACE)
    for change, field, value in [
            ({"name": "Team A+"}, "name", "Team A+"),
            ({"disabled_features": ["ml"]}, "disabledFeatures", ["ml"]),
            ({"image_url": IMAGE}, "imageUrl", IMAGE),
            ({"description": ""}, "description", ""),
            ({"color": "#000000", "initials": "A"}, "color", "#000000")]:
        task = dict(task, **change)
        kibana.clear_log()
        predicted = run("kibana_space", check_mode=True, diff=True, **task)
        assert predicted["changed"] and kibana.writes() == []
        updated = run("kibana_space", diff=True, **task)
        assert updated["changed"] and updated["operations"] == ["update"]
        assert updated["diff"] == predicted["diff"]
        assert set(updated["diff"]["after"]) == set(change)
        assert writes(kibana) == [("PUT", "/api/spaces/space/team-a")]
        put = kibana.writes()[0]["body"]
        assert put[field] == value and put["id"] == "team-a" and "_reserved" not in put
        stored = kibana.api("GET", "/api/spaces/space/team-a").json()
        assert stored[field] == value
        kibana.clear_log()
        assert not run("kibana_space", **task)["changed"] and kibana.writes() == []
    # options left unset are kept as they are
    kibana.clear_log()
    assert not run("kibana_space", id="team-a")["changed"] and kibana.writes() == []

    # absent: check mode, real, again
    gone = run("kibana_space", check_mode=True, diff=True, id="team-a", state="absent")
    assert gone["changed"] and kibana.writes() == []
    assert gone["diff"]["after"] == {} and gone["diff"]["before"]["name"] == "Team A+"
    assert run("kibana_space", id="team-a", state="absent")["changed"]
    assert writes(kibana) == [("DELETE", "/api/spaces/space/team-a")]
    assert kibana.api("GET", "/api/spaces/space/team-a").status_code == 404
    kibana.clear_log()
    for check_mode in (True, False):
        assert not run("kibana_space", check_mode=check_mode, id="team-a", state="absent")["changed"]
    assert kibana.writes() == []


def test_objects_of_a_space_live_in_it(kibana, run):
    """A space made by the module is usable at once by another family's module."""
    run("kibana_space", id="lab", name="Lab")
    connector = run("kibana_connector", space_id="lab", name="lab-log",
                    connector_type_id=".server-log")
    assert connector["changed"]
    in_lab = kibana.api("GET", "/api/actions/connectors", space="lab").json()
    assert [c["name"] for c in in_lab if c["name"] == "lab-log"] == ["lab-log"]
    assert "lab-log" not in [c["name"] for c in kibana.api("GET", "/api/actions/connectors").json()]


def test_default_space_updates_but_is_never_deleted(kibana, run):
    renamed = run("kibana_space", id="default", name="Home", diff=True)
    assert renamed["changed"] and renamed["space"]["reserved"] is True
    assert renamed["diff"] == {"before": {"name": "Default"}, "after": {"name": "Home"}}
    kibana.clear_log()
    for check_mode in (True, False):
        refused = run("kibana_space", check_mode=check_mode, id="default", state="absent")
        assert refused.failed and "reserved" in refused["msg"] and "deleted" in refused["msg"]
    assert kibana.writes() == []
    assert kibana.api("GET", "/api/spaces/space/default").status_code == 200


def test_name_is_needed_to_create(kibana, run):
    result = run("kibana_space", id="nameless")
    assert result.failed and "name is required to create the space" in result["msg"]
    assert kibana.writes() == []


@pytest.mark.parametrize("options, option", [
    ({"id": "Team A"}, "id"),
    ({"id": "a/../../api"}, "id"),
    ({"id": "ops\n"}, "id"),
    ({"id": ""}, "id"),
    ({"color": "blue"}, "color"),
    ({"color": "#12345"}, "color"),
    ({"initials": "ABC"}, "initials"),
    ({"image_url": "https://example.com/a.png"}, "image_url"),
    ({"disabled_features": ["f%d" % i for i in range(101)]}, "disabled_features"),
    ({"name": "   "}, "name"),
    ({"solution": "search"}, "solution"),
])
def test_bad_input_is_refused_before_any_request(kibana, run, options, option):
    task = dict(id="good", name="Good")
    task.update(options)
    result = run("kibana_space", **task)
    assert result.failed and option in result["msg"]
    assert kibana.requests() == []


def test_solution_is_set_and_changed_on_kibana_8_18(kibana, run):
    created = run("kibana_space", id="sec", name="Sec", solution="security")
    assert created["space"]["solution"] == "security"
    kibana.clear_log()
    assert not run("kibana_space", id="sec", name="Sec", solution="security")["changed"]
    assert len(kibana.requests()) == 1  # a space holding a solution needs no version read
    changed = run("kibana_space", id="sec", name="Sec", solution="oblt")
    assert changed["changed"] and changed["space"]["solution"] == "oblt"


def test_disabled_features_are_kibanas_under_a_solution_view(kibana, run):
    refused = run("kibana_space", id="sec", name="Sec", solution="oblt", disabled_features=["ml"])
    assert refused.failed and "disabled_features" in refused["msg"] and kibana.requests() == []
    run("kibana_space", id="sec", name="Sec", solution="security")
    kibana.clear_log()
    # the derived list in Kibana's answer never causes a change
    assert not run("kibana_space", id="sec", name="Sec")["changed"] and kibana.writes() == []
    refused = run("kibana_space", id="sec", disabled_features=["ml"])
    assert refused.failed and "'security'" in refused["msg"] and kibana.writes() == []
    # with solution classic the list is the user's again
    classic = run("kibana_space", id="sec", solution="classic", disabled_features=["ml"])
    assert classic["changed"] and classic["space"]["disabled_features"] == ["ml"]
    kibana.clear_log()
    assert not run("kibana_space", id="sec", solution="classic", disabled_features=["ml"])["changed"]
    assert kibana.writes() == []


def test_solution_on_an_older_kibana_fails_before_any_write(kibana, run):
    kibana.config(kibana_version="8.17.2")
    for check_mode in (True, False):
        result = run("kibana_space", check_mode=check_mode, id="sec", name="Sec", solution="es")
        assert result.failed and "8.18" in result["msg"] and "8.17.2" in result["msg"]
    assert kibana.writes() == []
    # without a solution the space is made as usual
    assert run("kibana_space", id="sec", name="Sec")["changed"]


def test_odd_answers_are_clear_failures(kibana, run):
    kibana.fault(method="GET", path="^/api/spaces/space/team-a$", status=200, body=["x"])
    result = run("kibana_space", **SPACE)
    assert result.failed and result["msg"].startswith(
        "GET /api/spaces/space/team-a failed: HTTP 200 with a JSON list of 1 item(s) where a JSON "
        "object with id was due")
    assert kibana.writes() == []


def test_info_reads_one_or_all(kibana, run):
    run("kibana_space", **SPACE)
    every = run("kibana_space_info")["spaces"]
    assert {s["id"] for s in every} == {"default", "ops", "team-a"}
    assert run("kibana_space_info", id="team-a")["spaces"] == [dict(SPACE, reserved=False)]
    assert run("kibana_space_info", id="nope")["spaces"] == []
    assert [s["id"] for s in run("kibana_space_info", name="Default")["spaces"]] == ["default"]
    kibana.clear_log()
    refused = run("kibana_space_info", id="../status")
    assert refused.failed and "id" in refused["msg"] and kibana.requests() == []
