"""osquery_pack and osquery_pack_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from tests.harness import run_module

PACKS = "/api/osquery/packs"
POLICIES = "/api/fleet/agent_policies"
QUERIES = {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600,
                      "ecs_mapping": {"host.uptime": {"field": "total_seconds"}}}}
PACK = {"name": "ops_pack", "description": "Uptime of the ops hosts", "queries": QUERIES}
RRULE = {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "start_date": "2025-01-06T06:00:00Z"}
PREBUILT = "hardware-monitoring"


def agent_policy(kibana, name, osquery=True, space=None):
    """An agent policy, with the Osquery Manager integration unless osquery=False."""
    resp = kibana.api("POST", POLICIES, {"name": name, "namespace": "default"}, space=space)
    assert resp.status_code == 200, resp.text
    policy_id = resp.json()["item"]["id"]
    if osquery:
        kibana.control("POST", "/fleet/agent_policies/%s/package_policies" % policy_id,
                       {"package": "osquery_manager"})
    kibana.clear_log()
    return policy_id


def revision(kibana, policy_id, space=None):
    return kibana.api("GET", "%s/%s" % (POLICIES, policy_id), space=space).json()["item"]["revision"]


def stored(kibana, pack_id, space=None):
    """The pack as Kibana's GET returns it (object-shaped queries)."""
    resp = kibana.api("GET", "%s/%s" % (PACKS, pack_id), space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def exists(kibana, pack_id, space=None):
    return kibana.api("GET", "%s/%s" % (PACKS, pack_id), space=space).status_code == 200


def by_name(kibana, name, space=None):
    items = kibana.api("GET", PACKS, params={"pageSize": 100}, space=space).json()["data"]
    return [p for p in items if p["name"] == name]


def prebuilt_id(kibana, name=PREBUILT):
    [pack] = by_name(kibana, name)
    return pack["saved_object_id"]


def writes(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


def paths(kibana):
    return [r["path"] for r in kibana.requests()]


# ------------------------------------------------------------------ life cycle


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    task = dict(PACK, space_id=space)
    prefix = "" if space == "default" else "/s/ops"

    # create, predicted in check mode first
    checked = run("osquery_pack", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["pack"]["queries"] == QUERIES and checked["pack"]["id"] is None
    assert checked["pack"]["enabled"] is False and checked["pack"]["shards"] == {}
    assert checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["description"] == "Uptime of the ops hosts"
    created = run("osquery_pack", diff=True, **task)
    assert created["changed"] and not created.failed
    pack_id = created["pack"]["id"]
    assert writes(kibana) == [("POST", prefix + PACKS)]
    assert created["pack"]["queries"] == QUERIES  # the object form, read back after the create
    assert created["pack"]["policy_ids"] == [] and created["pack"]["shards"] == {}
    assert created["diff"]["after"]["queries"] == QUERIES
    for key in ("queries", "description", "name", "enabled", "policy_ids", "shards"):
        assert checked["pack"][key] == created["pack"][key], key

    # the same again: nothing to do, in check mode and for real, and one read
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("osquery_pack", check_mode=check_mode, diff=True, **task)
        assert not again["changed"]
        assert again["diff"] == {"before": {}, "after": {}}
        assert again["pack"]["id"] == pack_id
        assert kibana.writes() == []
        assert paths(kibana) == [prefix + PACKS]

    # update: check mode predicts, the real run sends one PUT that keeps the description
    update = dict(task, enabled=False, queries={"uptime": dict(QUERIES["uptime"], interval=600)})
    kibana.clear_log()
    predicted = run("osquery_pack", check_mode=True, diff=True, **update)
    assert predicted["changed"] and kibana.writes() == []
    assert predicted["pack"]["queries"]["uptime"]["interval"] == 600
    assert predicted["diff"] == {"before": {"queries": {"uptime": {"interval": 3600}}},
                                 "after": {"queries": {"uptime": {"interval": 600}}}}
    updated = run("osquery_pack", diff=True, **update)
    assert updated["changed"] and updated["operations"] == ["update"]
    assert updated["diff"] == predicted["diff"]
    puts = kibana.writes()
    assert [(w["method"], w["path"]) for w in puts] == [("PUT", "%s%s/%s" % (prefix, PACKS, pack_id))]
    body = puts[0]["body"]
    assert body["description"] == "Uptime of the ops hosts" and body["shards"] == {}
    assert body["policy_ids"] == [] and "enabled" not in body  # enabled is unchanged
    assert body["queries"]["uptime"]["interval"] == 600
    assert stored(kibana, pack_id, space)["description"] == "Uptime of the ops hosts"

    # absent: check mode, real, and again
    kibana.clear_log()
    gone = run("osquery_pack", check_mode=True, diff=True, state="absent", **update)
    assert gone["changed"] and kibana.writes() == []
    assert gone["diff"]["after"] == {} and gone["diff"]["before"]["id"] == pack_id
    assert run("osquery_pack", state="absent", **update)["changed"]
    assert writes(kibana) == [("DELETE", "%s%s/%s" % (prefix, PACKS, pack_id))]
    assert not exists(kibana, pack_id, space)
    kibana.clear_log()
    assert not run("osquery_pack", state="absent", **update)["changed"]
    assert not run("osquery_pack", check_mode=True, state="absent", **update)["changed"]
    assert kibana.writes() == []


def test_spaces_are_isolated(kibana, run):
    in_ops = run("osquery_pack", space_id="ops", **PACK)["pack"]
    assert by_name(kibana, PACK["name"]) == []
    in_default = run("osquery_pack", **PACK)
    assert in_default["changed"] and in_default["pack"]["id"] != in_ops["id"]
    assert len(by_name(kibana, PACK["name"], space="ops")) == 1
    kibana.clear_log()
    assert run("osquery_pack", state="absent", space_id="ops", **PACK)["changed"]
    assert exists(kibana, in_default["pack"]["id"])


# ------------------------------------------------------------------ every field, second run


def full_pack(space="default"):
    return dict(
        space_id=space,
        name="every_field",
        description="Every option of the module",
        enabled=True,
        policies=["Linux servers", "Windows servers"],
        shards={"Linux servers": 50, "Windows servers": 100},
        schedule_type="rrule",
        rrule_schedule=dict(RRULE, end_date="2026-01-01T00:00:00+01:00", splay="30m", timeout=120),
        queries={
            "ports": {"query": "SELECT * FROM listening_ports;",
                      "platform": ["darwin", "windows", "linux"],  # the default, any order
                      "version": "5.0.0", "snapshot": True, "removed": False, "timeout": 90,
                      "ecs_mapping": {"client.port": {"field": "port"},
                                      "tags": {"value": ["osquery", "ports"]},
                                      "event.kind": {"value": "event"}}},
            "users": {"query": "SELECT * FROM logged_in_users;", "platform": ["linux"],
                      "rrule_schedule": {"rrule": "FREQ=DAILY;INTERVAL=2",
                                         "start_date": "2025-01-06T06:00:00.250Z",
                                         "splay": "1h30m"}},
        },
    )


@pytest.mark.kibana_min("9.4")  # schedules; before 9.4: test_every_field_but_the_schedule...
@pytest.mark.parametrize("space", ["default", "ops"])
def test_every_field_second_run_sends_nothing(kibana, run, space):
    linux = agent_policy(kibana, "Linux servers", space=space)
    windows = agent_policy(kibana, "Windows servers", space=space)
    task = full_pack(space)
    created = run("osquery_pack", diff=True, **task)
    assert created["changed"] and not created.failed, created.get("msg")
    pack = created["pack"]
    assert sorted(pack["policy_ids"]) == sorted([linux, windows])
    assert pack["shards"] == {linux: 50, windows: 100}
    assert pack["schedule_type"] == "rrule" and pack["rrule_schedule"] == task["rrule_schedule"]
    assert "platform" not in pack["queries"]["ports"]  # Kibana leaves the default out
    assert pack["queries"]["users"]["rrule_schedule"]["splay"] == "1h30m"
    assert pack["queries"]["ports"]["ecs_mapping"] == task["queries"]["ports"]["ecs_mapping"]
    [post] = [w for w in kibana.writes() if w["method"] == "POST"]
    assert post["body"]["queries"]["ports"]["platform"] == "linux,windows,darwin"
    assert post["body"]["queries"]["users"]["schedule_type"] == "rrule"
    assert post["body"]["shards"] == {linux: 50, windows: 100}
    # one read of /api/status for the schedule, before the create
    assert [p for p in paths(kibana) if p == "/api/status"] == ["/api/status"]
    data = stored(kibana, pack["id"], space)
    assert data["enabled"] is True and data["queries"]["users"]["platform"] == "linux"

    start = revision(kibana, linux, space)
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("osquery_pack", check_mode=check_mode, diff=True, **task)
        assert not again["changed"], again["diff"]
        assert kibana.writes() == []
        # the pack search, the pack itself (for its shards), one Fleet lookup for both policy
        # names; the stored schedule shows the version can schedule: no /api/status
        assert "/api/status" not in paths(kibana)
        assert len(kibana.requests()) == 3
        [fleet] = [r for r in kibana.requests() if "agent_policies" in r["path"]]
        assert " or " in fleet["query"]["kuery"]
    assert revision(kibana, linux, space) == start  # no new revision pushed to the agents
    # found by id: the pack's own GET is the only pack read
    kibana.clear_log()
    by_id = dict(task, id=pack["id"])
    assert not run("osquery_pack", **by_id)["changed"]
    assert [p for p in paths(kibana) if "osquery" in p] == [
        ("" if space == "default" else "/s/ops") + "%s/%s" % (PACKS, pack["id"])]


@pytest.mark.kibana_below("9.4")
@pytest.mark.parametrize("space", ["default", "ops"])
def test_every_field_but_the_schedule_second_run_sends_nothing(kibana, run, space):
    """Before 9.4 (old pack handlers, no schedules) every other option converges too; a PUT
    without shards would clear them there, so the module always sends them."""
    linux = agent_policy(kibana, "Linux servers")
    windows = agent_policy(kibana, "Windows servers")
    task = full_pack(space)
    for key in ("schedule_type", "rrule_schedule"):
        del task[key]
    del task["queries"]["users"]["rrule_schedule"]
    task["queries"]["ports"]["interval"] = 600
    created = run("osquery_pack", diff=True, **task)
    assert created["changed"] and not created.failed, created.get("msg")
    pack = created["pack"]
    assert sorted(pack["policy_ids"]) == sorted([linux, windows])
    assert pack["shards"] == {linux: 50, windows: 100}
    assert "schedule_type" not in pack and "platform" not in pack["queries"]["ports"]
    assert pack["queries"]["ports"]["ecs_mapping"] == task["queries"]["ports"]["ecs_mapping"]
    assert "/api/status" not in paths(kibana)  # nothing here depends on the version
    data = stored(kibana, pack["id"], space)
    assert data["enabled"] is True and data["queries"]["users"]["platform"] == "linux"
    assert data["queries"]["ports"]["interval"] == 600
    start = revision(kibana, linux)
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("osquery_pack", check_mode=check_mode, diff=True, **task)
        assert not again["changed"], again["diff"]
        assert kibana.writes() == [] and "/api/status" not in paths(kibana)
    assert revision(kibana, linux) == start
    # a change is one PUT that keeps the shards and the policies
    changed = run("osquery_pack", **dict(task, description="changed"))
    assert changed["changed"] and stored(kibana, pack["id"], space)["shards"] == pack["shards"]


@pytest.mark.kibana_below("9.4")
def test_kibana_before_9_4_refuses_schedules_and_copy_with_a_clear_message(kibana, run):
    """The version the emulator plays (e.g. 8.19.3) drops schedule_type, interval and
    rrule_schedule and has no copy route: refused before any write, in check mode too."""
    number = kibana.api("GET", "/api/status").json()["version"]["number"]
    run("osquery_pack", **PACK)
    kibana.clear_log()
    for task, feature in (
            (dict(name="rrule", schedule_type="rrule", rrule_schedule=RRULE,
                  queries={"q": {"query": "SELECT 1;"}}), "schedule_type"),
            (dict(name="copied", copy_from=PACK["name"]), "copy_from")):
        for check_mode in (False, True):
            result = run("osquery_pack", check_mode=check_mode, **task)
            assert result.failed and result["msg"].startswith(feature)
            assert ("needs Kibana 9.4.0 or later, and the target Kibana is %s" % number
                    in result["msg"])
    assert kibana.writes() == []


@pytest.mark.kibana_min("9.4")  # schedule_type; before: test_kibana_before_9_4_refuses_...
def test_interval_schedule_keeps_per_query_intervals(kibana, run):
    task = dict(name="interval_pack", schedule_type="interval", interval=300,
                queries={"fast": {"query": "SELECT 1;", "interval": 30},
                         "default": {"query": "SELECT 2;"}})
    created = run("osquery_pack", **task)
    assert created["changed"]
    [post] = kibana.writes()
    # Kibana drops a per-query interval of an interval-mode pack without the marker
    assert post["body"]["queries"]["fast"]["schedule_type"] == "interval"
    assert "schedule_type" not in post["body"]["queries"]["default"]
    data = stored(kibana, created["pack"]["id"])
    assert data["interval"] == 300 and data["queries"]["fast"]["interval"] == 30
    kibana.clear_log()
    assert not run("osquery_pack", **task)["changed"]
    assert kibana.writes() == [] and paths(kibana) == [PACKS]


@pytest.mark.kibana_min("9.4")
def test_schedule_mode_switch_and_rrule_merge(kibana, run):
    task = dict(name="switching", schedule_type="interval", interval=300,
                queries={"q": {"query": "SELECT 1;", "interval": 30}})
    pack_id = run("osquery_pack", **task)["pack"]["id"]
    rrule = dict(task, schedule_type="rrule", rrule_schedule=RRULE, interval=None,
                 queries={"q": {"query": "SELECT 1;"}})
    del rrule["interval"]
    predicted = run("osquery_pack", check_mode=True, **rrule)
    assert predicted["changed"] and "interval" not in predicted["pack"]
    assert "interval" not in predicted["pack"]["queries"]["q"]
    kibana.clear_log()
    switched = run("osquery_pack", **rrule)
    assert switched["changed"] and not switched.get("warnings")
    [put] = kibana.writes()
    assert put["body"]["schedule_type"] == "rrule" and put["body"]["rrule_schedule"] == RRULE
    assert put["body"]["queries"] == {"q": {"query": "SELECT 1;"}}
    assert {k: predicted["pack"][k] for k in ("schedule_type", "rrule_schedule", "queries")} == \
        {k: switched["pack"][k] for k in ("schedule_type", "rrule_schedule", "queries")}
    data = stored(kibana, pack_id)
    assert data["schedule_type"] == "rrule" and "interval" not in data
    # rrule_schedule keys left out keep their stored values (Kibana merges them)
    kibana.api("PUT", "%s/%s" % (PACKS, pack_id), {"description": "", "rrule_schedule": {"splay": "5m"}})
    kibana.clear_log()
    assert not run("osquery_pack", **rrule)["changed"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ comparison semantics


def test_the_three_answer_shapes_normalise_to_one_form(kibana):
    """Object queries on GET, arrays on find and copy, a mix on create: one view of them all."""
    from ansible_collections.stackops.kibana.plugins.module_utils._osquery_packs import pack_view
    policy = agent_policy(kibana, "osq")
    queries = {"q": {"query": "SELECT 1;", "interval": 60, "platform": "linux,windows,darwin",
                     "ecs_mapping": {"a.b": {"field": "c"}, "d": {"value": ["e"]}}},
               "r": {"query": "SELECT 2;", "platform": "darwin,linux", "snapshot": True}}
    created = kibana.api("POST", PACKS, {"name": "shapes", "queries": queries,
                                         "policy_ids": [policy], "shards": {policy: 40}}).json()["data"]
    pack_id = created["saved_object_id"]
    read = stored(kibana, pack_id)
    [listed] = by_name(kibana, "shapes")
    # the copy answer is the third shape; there is no copy route before 9.4 ([spec])
    copied = kibana.api("POST", "%s/%s/copy" % (PACKS, pack_id)).json()["data"] \
        if kibana.at_least("9.4") else None
    assert isinstance(created["shards"], list) and isinstance(listed["queries"], list)
    expected = {"q": {"query": "SELECT 1;", "interval": 60, "platform": ["linux", "windows", "darwin"],
                      "ecs_mapping": {"a.b": {"field": "c"}, "d": {"value": ["e"]}}},
                "r": {"query": "SELECT 2;", "platform": ["linux", "darwin"], "snapshot": True}}
    no_default = {"q": dict(expected["q"]), "r": expected["r"]}
    del no_default["q"]["platform"]  # GET leaves the default platform out
    assert pack_view(created)["queries"] == expected
    assert pack_view(listed)["queries"] == expected
    assert copied is None or pack_view(copied)["queries"] == expected
    assert pack_view(read)["queries"] == no_default
    assert pack_view(created)["shards"] == pack_view(read)["shards"] == {policy: 40}
    assert copied is None or pack_view(copied)["shards"] == {}
    assert "shards" not in pack_view(listed)
    assert pack_view(read)["policy_ids"] == pack_view(listed)["policy_ids"] == [policy]
    assert pack_view(listed)["id"] == pack_view(read)["id"] == pack_id


def test_queries_shards_and_ecs_mappings_are_whole_sets(kibana, run):
    policy = agent_policy(kibana, "osq")
    other = agent_policy(kibana, "osq-2")
    queries = {"a": {"query": "SELECT 1;", "snapshot": True,
                     "ecs_mapping": {"x.one": {"field": "one"}, "x.two": {"value": "2"}}},
               "b": {"query": "SELECT 2;"}}
    task = dict(name="sets", queries=queries, policy_ids=[policy, other],
                shards={policy: 10, other: 20})
    pack_id = run("osquery_pack", **task)["pack"]["id"]

    # a query left out is removed
    only_a = dict(task, queries={"a": queries["a"]})
    result = run("osquery_pack", diff=True, **only_a)
    assert result["changed"]
    assert result["diff"]["before"] == {"queries": {"b": {"query": "SELECT 2;"}}}
    assert result["diff"]["after"] in ({}, {"queries": {}})
    assert list(stored(kibana, pack_id)["queries"]) == ["a"]
    # a field left out keeps its value; a mapping is replaced
    fewer = dict(task, queries={"a": {"query": "SELECT 1;", "ecs_mapping": {"x.one": {"field": "one"}}}})
    assert run("osquery_pack", **fewer)["changed"]
    data = stored(kibana, pack_id)
    assert list(data["queries"]) == ["a"] and data["queries"]["a"]["snapshot"] is True
    assert data["queries"]["a"]["ecs_mapping"] == {"x.one": {"field": "one"}}
    kibana.clear_log()
    assert not run("osquery_pack", **fewer)["changed"] and kibana.writes() == []

    # a shard left out is removed too
    one_shard = dict(fewer, shards={policy: 10})
    assert run("osquery_pack", **one_shard)["changed"]
    assert stored(kibana, pack_id)["shards"] == {policy: 10}
    kibana.clear_log()
    assert not run("osquery_pack", **one_shard)["changed"] and kibana.writes() == []
    # policy_ids are a set: another order is no change
    assert not run("osquery_pack", **dict(one_shard, policy_ids=[other, policy]))["changed"]


def test_ecs_entry_holding_both_field_and_value_is_a_difference(kibana, run):
    """Kibana does not enforce one of field/value: a pack made elsewhere with both is fixed."""
    resp = kibana.api("POST", PACKS, {"name": "both", "queries": {
        "q": {"query": "SELECT 1;", "ecs_mapping": {"x.y": {"field": "a", "value": "b"}}}}})
    pack_id = resp.json()["data"]["saved_object_id"]
    task = dict(name="both", queries={"q": {"query": "SELECT 1;",
                                            "ecs_mapping": {"x.y": {"field": "a"}}}})
    assert run("osquery_pack", **task)["changed"]
    assert stored(kibana, pack_id)["queries"]["q"]["ecs_mapping"] == {"x.y": {"field": "a"}}


def test_platform_is_a_set_and_every_platform_is_the_default(kibana, run):
    task = dict(name="platforms", queries={"q": {"query": "SELECT 1;", "platform": ["darwin", "linux"]}})
    pack_id = run("osquery_pack", **task)["pack"]["id"]
    assert kibana.writes()[0]["body"]["queries"]["q"]["platform"] == "linux,darwin"
    kibana.clear_log()
    as_text = dict(task, queries={"q": {"query": "SELECT 1;", "platform": "linux,darwin"}})
    assert not run("osquery_pack", **as_text)["changed"]
    every = dict(task, queries={"q": {"query": "SELECT 1;", "platform": ["windows", "darwin", "linux"]}})
    result = run("osquery_pack", **every)
    assert result["changed"] and "platform" not in result["pack"]["queries"]["q"]
    assert "platform" not in stored(kibana, pack_id)["queries"]["q"]
    kibana.clear_log()
    assert not run("osquery_pack", **every)["changed"] and kibana.writes() == []


def test_a_pack_made_elsewhere_with_a_numeric_string_interval_is_unchanged(kibana, run):
    kibana.api("POST", PACKS, {"name": "strings", "queries": {"q": {"query": "SELECT 1;",
                                                                    "interval": "60"}}})
    kibana.clear_log()
    result = run("osquery_pack", name="strings", queries={"q": {"query": "SELECT 1;", "interval": 60}})
    assert not result["changed"] and kibana.writes() == []


def test_only_set_options_are_compared_and_an_update_keeps_the_rest(kibana, run):
    policy = agent_policy(kibana, "osq")
    created = run("osquery_pack", policy_ids=[policy], shards={policy: 25}, enabled=True, **PACK)
    pack_id = created["pack"]["id"]
    kibana.clear_log()
    # only the name: nothing to compare but the name
    assert not run("osquery_pack", name=PACK["name"])["changed"]
    # only enabled: the PUT still carries description, policies and shards
    result = run("osquery_pack", name=PACK["name"], enabled=False)
    assert result["changed"]
    [put] = kibana.writes()
    assert put["body"]["description"] == PACK["description"]
    assert put["body"]["policy_ids"] == [policy] and put["body"]["shards"] == {policy: 25}
    assert put["body"]["enabled"] is False and "queries" not in put["body"]
    data = stored(kibana, pack_id)
    assert data["description"] == PACK["description"] and data["shards"] == {policy: 25}
    assert data["policy_ids"] == [policy] and data["enabled"] is False
    # an empty description clears it; unset is not ""
    assert run("osquery_pack", name=PACK["name"], description="")["changed"]
    assert stored(kibana, pack_id)["description"] == ""
    assert not run("osquery_pack", name=PACK["name"], description="")["changed"]


def test_global_pack_is_stable(kibana, run):
    agent_policy(kibana, "osq")
    task = dict(name="global", shards={"*": 100}, enabled=True, queries=QUERIES)
    created = run("osquery_pack", **task)
    assert created["changed"]
    [post] = kibana.writes()
    assert (post["method"], post["path"]) == ("POST", PACKS)
    assert post["body"]["shards"] == {"*": 100} and post["body"]["enabled"] is True
    kept = stored(kibana, created["pack"]["id"])
    assert kept["shards"] == {"*": 100} and kept["enabled"] is True
    kibana.clear_log()
    assert not run("osquery_pack", **task)["changed"] and kibana.writes() == []


# ------------------------------------------------------------------ identity


def test_found_by_id_a_new_name_renames(kibana, run):
    pack_id = run("osquery_pack", **PACK)["pack"]["id"]
    kibana.clear_log()
    renamed = run("osquery_pack", id=pack_id, name="renamed_pack", queries=QUERIES)
    assert renamed["changed"] and renamed["pack"]["name"] == "renamed_pack"
    # a rename reads more: is the new name free (Kibana refuses a taken one with 409)? The
    # name search, and the listing that confirms a search finding nothing (find()); before
    # 9.4 the emulator's pack find ignores `search` (old handlers), so it finds the pack itself
    # and there is nothing to confirm
    confirm = ["GET"] if kibana.at_least("9.4") else []
    assert [r["method"] for r in kibana.requests()
            if r["path"] != "/api/status"] == ["GET", "GET"] + confirm + ["PUT", "GET"]
    assert stored(kibana, pack_id)["description"] == PACK["description"]


def test_unknown_id_fails_clearly(kibana, run):
    result = run("osquery_pack", id="00000000-0000-4000-8000-000000000000", name="x", queries=QUERIES)
    assert result.failed and "Kibana chooses the id of a new pack" in result["msg"]
    assert kibana.writes() == []
    assert not run("osquery_pack", id="00000000-0000-4000-8000-000000000000", state="absent")["changed"]


def test_create_without_queries_fails_naming_the_option(kibana, run):
    result = run("osquery_pack", name="no_queries")
    assert result.failed and "queries is required to create" in result["msg"]
    assert kibana.writes() == []


def test_rename_to_a_taken_name_reports_kibanas_409(kibana, run):
    run("osquery_pack", **PACK)
    other = run("osquery_pack", name="other_pack", queries=QUERIES)["pack"]["id"]
    kibana.clear_log()
    checked = run("osquery_pack", id=other, name=PACK["name"])
    assert checked.failed and checked["msg"].startswith(
        "name %r is already used by osquery pack " % PACK["name"])
    assert kibana.writes() == []
    # the name check misses the pack (made meanwhile, as far as it can tell): Kibana's 409
    empty = {"page": 1, "per_page": 100, "total": 0, "data": []}
    kibana.fault(method="GET", path="^%s$" % PACKS, status=200, body=empty, count=2)
    result = run("osquery_pack", id=other, name=PACK["name"])
    assert result.failed and result["status"] == 409
    assert result["msg"] == ('PUT %s/%s returned HTTP 409: Pack with name "%s" already exists.'
                             % (PACKS, other, PACK["name"]))
    assert "Traceback" not in json.dumps(result)


# ------------------------------------------------------------------ agent policies


@pytest.mark.kibana_min("9.1")  # space-aware Fleet; 8.x: test_8x_policy_names_are_global
def test_policies_by_name_are_resolved_in_the_space(kibana, run):
    in_ops = agent_policy(kibana, "Linux servers", space="ops")
    agent_policy(kibana, "Linux servers")  # the same name in the default space
    result = run("osquery_pack", space_id="ops", policies=["Linux servers"],
                 shards={"Linux servers": 40}, **PACK)
    assert result["pack"]["policy_ids"] == [in_ops] and result["pack"]["shards"] == {in_ops: 40}
    kibana.clear_log()
    # the same pack by ids is unchanged
    assert not run("osquery_pack", space_id="ops", policy_ids=[in_ops], shards={in_ops: 40},
                   **PACK)["changed"]
    assert kibana.writes() == []


@pytest.mark.kibana_below("9.1")
def test_8x_policy_names_are_global(kibana, run):
    """Before Fleet's space awareness (9.1) agent policies are space-agnostic
    (kibana-api/fleet-agent-policies.md): a pack in any space finds a policy by its name."""
    policy = agent_policy(kibana, "Linux servers")
    result = run("osquery_pack", space_id="ops", policies=["Linux servers"],
                 shards={"Linux servers": 40}, **PACK)
    assert result["changed"] and not result.failed, result.get("msg")
    assert result["pack"]["policy_ids"] == [policy] and result["pack"]["shards"] == {policy: 40}
    assert stored(kibana, result["pack"]["id"], "ops")["policy_ids"] == [policy]
    kibana.clear_log()
    assert not run("osquery_pack", space_id="ops", policy_ids=[policy], shards={policy: 40},
                   **PACK)["changed"]
    assert kibana.writes() == []


@pytest.mark.parametrize("name,osquery,words", [
    ("nowhere", True, "policies: no agent policy named 'nowhere' in space 'default'"),
    ("plain", False, "has no Osquery Manager integration"),
])
def test_unusable_policy_names_fail_before_any_write(kibana, run, name, osquery, words):
    agent_policy(kibana, "plain", osquery=osquery)
    result = run("osquery_pack", policies=[name], **PACK)
    assert result.failed and words in result["msg"]
    assert kibana.writes() == []


def test_policy_id_without_osquery_reports_kibanas_400(kibana, run):
    plain = agent_policy(kibana, "plain", osquery=False)
    result = run("osquery_pack", policy_ids=[plain], **PACK)
    assert result.failed and result["status"] == 400
    assert "The following policy ids are invalid: %s" % plain in result["msg"]


# ------------------------------------------------------------------ copy_from


@pytest.mark.kibana_min("9.4")  # [spec] copy "Added in 9.4.0"; before: refused, see below
@pytest.mark.parametrize("by", ["name", "id"])
def test_copy_from_creates_a_renamed_converged_copy(kibana, run, by):
    policy = agent_policy(kibana, "osq")
    source = run("osquery_pack", policy_ids=[policy], shards={policy: 30}, enabled=True, **PACK)["pack"]
    task = dict(name="my_copy", copy_from=source[by], enabled=True, policy_ids=[policy],
                description="A copy")
    kibana.clear_log()
    checked = run("osquery_pack", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["copied_from"] == source["id"]  # as the real run reports it
    assert checked["pack"]["queries"] == QUERIES and checked["pack"]["shards"] == {}
    assert checked["pack"]["name"] == "my_copy" and checked["pack"]["enabled"] is True
    kibana.clear_log()
    copied = run("osquery_pack", **task)
    assert copied["changed"] and copied["copied_from"] == source["id"]
    pack = copied["pack"]
    assert writes(kibana) == [("POST", "%s/%s/copy" % (PACKS, source["id"])),
                              ("PUT", "%s/%s" % (PACKS, pack["id"]))]
    put = kibana.writes()[1]["body"]
    assert put["name"] == "my_copy" and put["enabled"] is True and put["shards"] == {}
    assert pack["id"] != source["id"] and pack["queries"] == QUERIES
    assert pack["policy_ids"] == [policy] and pack["description"] == "A copy"
    for key in ("name", "description", "enabled", "policy_ids", "shards", "queries"):
        assert checked["pack"][key] == pack[key], key
    assert by_name(kibana, "ops_pack_copy") == []
    assert stored(kibana, source["id"])["shards"] == {policy: 30}  # the source is untouched
    kibana.clear_log()
    assert not run("osquery_pack", **task)["changed"]  # exists now: copy_from is not used
    assert kibana.writes() == []


@pytest.mark.kibana_min("9.4")
def test_copy_of_a_prebuilt_pack(kibana, run):
    source = prebuilt_id(kibana)
    copied = run("osquery_pack", name="hardware_ops", copy_from=PREBUILT)
    assert copied["changed"] and copied["pack"]["read_only"] is False
    assert copied["pack"]["queries"]["kernel_modules"]["platform"] == ["linux"]
    assert "version" not in copied["pack"]
    assert stored(kibana, source)["read_only"] is True
    assert not run("osquery_pack", name="hardware_ops", copy_from=PREBUILT)["changed"]


@pytest.mark.kibana_min("9.4")
def test_copy_from_an_unknown_pack_fails_before_any_write(kibana, run):
    result = run("osquery_pack", name="my_copy", copy_from="nothing-like-it")
    assert result.failed
    assert result["msg"] == "copy_from 'nothing-like-it': no osquery pack with that id or name in space 'default'"
    assert kibana.writes() == []


@pytest.mark.kibana_min("9.4")
def test_copy_is_deleted_again_when_the_update_fails(kibana, run):
    plain = agent_policy(kibana, "plain", osquery=False)
    run("osquery_pack", **PACK)
    kibana.clear_log()
    result = run("osquery_pack", name="my_copy", copy_from=PACK["name"], policy_ids=[plain])
    assert result.failed and result["status"] == 400
    assert "was deleted again" in result["msg"]
    assert [m for m, _p in writes(kibana)] == ["POST", "PUT", "DELETE"]
    assert by_name(kibana, "ops_pack_copy") == [] and by_name(kibana, "my_copy") == []


# ------------------------------------------------------------------ prebuilt packs


@pytest.mark.parametrize("task,action", [
    ({"name": PREBUILT, "description": "mine now"}, "updated"),
    ({"name": PREBUILT, "state": "absent"}, "deleted"),
])
@pytest.mark.parametrize("version", ["9.4.0", "9.3.0"])
def test_prebuilt_packs_are_refused(kibana, run, task, action, version):
    # before 9.4 the list has no read_only: the prebuilt pack's version tells
    kibana.config(kibana_version=version)
    result = run("osquery_pack", **task)
    assert result.failed and "prebuilt pack" in result["msg"]
    assert "does not allow it to be %s" % action in result["msg"] and "copy_from" in result["msg"]
    assert kibana.writes() == []
    assert not run("osquery_pack", check_mode=True, **task).get("changed")
    assert kibana.writes() == []


def test_seeded_prebuilt_pack_in_another_space_is_refused(kibana, run):
    kibana.control("POST", "/osquery/packs/prebuilt", {
        "name": "vuln-management", "space": "ops", "queries": {"q": {"query": "SELECT 1;"}}})
    result = run("osquery_pack", name="vuln-management", space_id="ops", state="absent")
    assert result.failed and "prebuilt pack" in result["msg"]
    # asking for what it already holds is fine
    same = run("osquery_pack", name="vuln-management", space_id="ops",
               queries={"q": {"query": "SELECT 1;"}})
    assert not same.failed and not same["changed"]


# ------------------------------------------------------------------ versions


def test_kibana_9_3_refuses_rrule_and_copy_with_a_clear_message(kibana, run):
    kibana.config(kibana_version="9.3.0")
    run("osquery_pack", **PACK)
    kibana.clear_log()
    for task, feature in (
            (dict(name="rrule", schedule_type="rrule", rrule_schedule=RRULE,
                  queries={"q": {"query": "SELECT 1;"}}),
             "schedule_type"),
            (dict(name="interval", schedule_type="interval", interval=60, queries=QUERIES),
             "schedule_type"),
            (dict(name="copied", copy_from=PACK["name"]), "copy_from")):
        for check_mode in (False, True):
            result = run("osquery_pack", check_mode=check_mode, **task)
            assert result.failed, result
            assert result["msg"].startswith(feature)
            assert "needs Kibana 9.4.0 or later, and the target Kibana is 9.3.0" in result["msg"]
    assert kibana.writes() == []
    assert paths(kibana).count("/api/status") == 6  # once per task


def test_kibana_9_3_update_keeps_shards_and_policies(kibana, run):
    """Before 9.4, a PUT without shards (or policy_ids) clears them: always sent."""
    kibana.config(kibana_version="9.3.0")
    policy = agent_policy(kibana, "osq")
    task = dict(PACK, policy_ids=[policy], shards={policy: 60})
    pack_id = run("osquery_pack", **task)["pack"]["id"]
    result = run("osquery_pack", name=PACK["name"], description="changed")
    assert result["changed"] and not result.get("warnings")
    data = stored(kibana, pack_id)
    assert data["shards"] == {policy: 60} and data["policy_ids"] == [policy]
    assert "/api/status" not in paths(kibana)  # plain packs never need the version
    kibana.clear_log()
    assert not run("osquery_pack", **dict(task, description="changed"))["changed"]
    assert kibana.writes() == []


@pytest.mark.parametrize("status", ["not json of Kibana", [1], {"version": "9.4.0"}, {}])
def test_an_unreadable_status_refuses_cleanly(kibana, run, status):
    """A proxy answering /api/status with something else: a clear failure, no traceback."""
    kibana.fault(method="GET", path="^/api/status$", status=200, body=status)
    result = run("osquery_pack", name="rrule", schedule_type="rrule", rrule_schedule=RRULE,
                 queries={"q": {"query": "SELECT 1;"}})
    # the family's words for an object without a version, the client's for any other shape
    assert result.failed and ("the target Kibana is unknown" in result["msg"] or (
        isinstance(status, (str, list)) and result["msg"].startswith(
            "GET /api/status failed: HTTP 200 with a JSON")))
    assert kibana.writes() == []


@pytest.mark.kibana_min("9.4")
def test_ordinal_byday_is_accepted_and_stable(kibana, run):
    """RFC 5545 ordinal weekdays (the first Monday, the last Friday) are well-formed parts."""
    task = dict(name="monthly", schedule_type="rrule",
                rrule_schedule=dict(RRULE, rrule="FREQ=MONTHLY;BYDAY=1MO,-1FR,+2WE"),
                queries={"q": {"query": "SELECT 1;"}})
    created = run("osquery_pack", **task)
    assert created["changed"] and not created.failed, created.get("msg")
    assert stored(kibana, created["pack"]["id"])["rrule_schedule"] == task["rrule_schedule"]
    kibana.clear_log()
    assert not run("osquery_pack", **task)["changed"] and kibana.writes() == []


@pytest.mark.kibana_min("9.4")  # the emulator must run the newest handlers, as serverless does
def test_serverless_is_not_refused_by_its_version_number(kibana, run):
    """Serverless Kibana reports an 8.x number but always runs the newest code."""
    kibana.fault(method="GET", path="^/api/status$", status=200, body={
        "version": {"number": "8.11.0", "build_flavor": "serverless"}})
    result = run("osquery_pack", name="rrule", schedule_type="rrule", rrule_schedule=RRULE,
                 queries={"q": {"query": "SELECT 1;"}})
    assert result["changed"] and not result.failed, result.get("msg")
    assert result["pack"]["rrule_schedule"] == RRULE
    [post] = kibana.writes()
    assert post["body"]["schedule_type"] == "rrule" and post["body"]["rrule_schedule"] == RRULE


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("options,words", [
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01"}},
     "rrule_schedule.start_date must be an RFC 3339 date-time"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-02-30T00:00:00Z"}},
     "rrule_schedule.start_date must be an RFC 3339 date-time"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-02T00:00:00Z",
                         "end_date": "2024-01-02T01:00:00+02:00"}},
     "rrule_schedule.end_date must be after rrule_schedule.start_date"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z",
                         "end_date": "2025-01-01"}},
     "rrule_schedule.end_date must be an RFC 3339 date-time"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z" + "0" * 60}},
     "rrule_schedule.start_date must not exceed 64 characters"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "splay": "13h"}},
     "rrule_schedule.splay must not exceed 12h"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "splay": "11h61m"}},
     "rrule_schedule.splay must not exceed 12h"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "splay": "soon"}},
     "rrule_schedule.splay must be a positive Go duration"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "splay": "0s"}},
     "rrule_schedule.splay must be a positive Go duration"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "timeout": 0}},
     "rrule_schedule.timeout must be a positive number"),
    ({"rrule_schedule": {"rrule": "BYDAY=MO", "start_date": "2024-01-01T00:00:00Z"}},
     "has no FREQ part"),
    ({"rrule_schedule": {"rrule": "FREQ=FORTNIGHTLY", "start_date": "2024-01-01T00:00:00Z"}},
     "has an unknown FREQ 'FORTNIGHTLY'"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY;INTERVAL=0", "start_date": "2024-01-01T00:00:00Z"}},
     "INTERVAL must be a positive integer"),
    ({"rrule_schedule": {"rrule": "FREQ=WEEKLY;BYDAY=MO,XX", "start_date": "2024-01-01T00:00:00Z"}},
     "BYDAY has an unknown day 'XX'"),
    ({"rrule_schedule": {"rrule": "FREQ=MONTHLY;BYDAY=54MO", "start_date": "2024-01-01T00:00:00Z"}},
     "BYDAY has an unknown day '54MO'"),
    ({"rrule_schedule": {"rrule": "FREQ=MONTHLY;BYDAY=1XX", "start_date": "2024-01-01T00:00:00Z"}},
     "BYDAY has an unknown day '1XX'"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY;COUNT", "start_date": "2024-01-01T00:00:00Z"}},
     'has a part without "="'),
    ({"rrule_schedule": {"rrule": "DTSTART=20240101T000000Z;FREQ=DAILY",
                         "start_date": "2024-01-01T00:00:00Z"}},
     "must not contain DTSTART: set start_date instead"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY;" + "BYHOUR=1;" * 300, "start_date": "2024-01-01T00:00:00Z"}},
     "rrule_schedule.rrule must not exceed 2048 characters"),
    ({"rrule_schedule": {"rrule": "FREQ=DAILY"}}, "missing required arguments: start_date"),
    ({"queries": {"q": {"query": "SELECT 1;", "interval": 60}}},
     "queries.q.interval cannot override an RRULE schedule"),
    ({"queries": {"q": {"query": "SELECT 1;",
                        "rrule_schedule": {"rrule": "FREQ=DAILY", "start_date": "2024-01-01"}}}},
     "queries.q.rrule_schedule.start_date must be an RFC 3339 date-time"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_invalid_rrule_schedules_are_rejected_before_any_request(kibana, run, options, words):
    task = dict(name="bad_schedule", schedule_type="rrule", rrule_schedule=RRULE, queries=QUERIES)
    task.update(options)
    result = run("osquery_pack", **task)
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


@pytest.mark.parametrize("options,words", [
    ({"schedule_type": "interval"}, "schedule_type is interval but all of the following are missing: interval"),
    ({"schedule_type": "rrule"}, "schedule_type is rrule but all of the following are missing: rrule_schedule"),
    ({"interval": 60}, "missing parameter(s) required by 'interval': schedule_type"),
    ({"rrule_schedule": RRULE}, "missing parameter(s) required by 'rrule_schedule': schedule_type"),
    ({"schedule_type": "interval", "interval": 60, "rrule_schedule": RRULE},
     "parameters are mutually exclusive: interval|rrule_schedule"),
    ({"schedule_type": "interval", "interval": 0}, "interval must be at least 1"),
    ({"schedule_type": "interval", "interval": 60,
      "queries": {"q": {"query": "SELECT 1;", "rrule_schedule": RRULE}}},
     "queries.q.rrule_schedule is a per-query override of an RRULE schedule: it needs "
     "schedule_type=rrule"),
    ({"queries": {"q": {"query": "SELECT 1;", "rrule_schedule": RRULE}}},
     "needs schedule_type=rrule"),
    ({"schedule_type": "weekly"}, "schedule_type"),
    ({"queries": {"q": {"query": "SELECT 1;", "ecs_mapping": {"a.b": {"field": "x", "value": "y"}}}}},
     "queries.q.ecs_mapping.a.b must set exactly one of field (an osquery column) or value"),
    ({"queries": {"q": {"query": "SELECT 1;", "ecs_mapping": {"a.b": {}}}}},
     "queries.q.ecs_mapping.a.b must set exactly one of field"),
    ({"queries": {"q": {"query": "SELECT 1;", "ecs_mapping": {"a.b": {"column": "x"}}}}},
     "queries.q.ecs_mapping.a.b must be a dict with exactly one of field or value"),
    ({"queries": {"q": {"query": "SELECT 1;", "ecs_mapping": {"a.b": {"value": {"x": 1}}}}}},
     "queries.q.ecs_mapping.a.b.value must be a string or a list of strings"),
    ({"queries": {"q": {"query": "SELECT 1;", "ecs_mapping": {"a.b": {"field": ""}}}}},
     "queries.q.ecs_mapping.a.b.field must be a non-empty string"),
    ({"queries": {"q": {"interval": 60}}}, "queries.q needs query (the SQL) or saved_query_id"),
    ({"queries": {"q": {"query": "SELECT 1;", "intervall": 60}}},
     "queries.q: unsupported key(s) intervall (supported: ecs_mapping, interval, platform"),
    ({"queries": {"q": {"query": "SELECT 1;", "platform": ["linux", "freebsd"]}}}, "queries.q: "),
    ({"queries": {"q": {"query": "SELECT 1;", "interval": "often"}}}, "queries.q: "),
    ({"queries": {"q": {"query": "SELECT 1;", "interval": 0}}}, "queries.q.interval must be at least 1"),
    ({"queries": {"q": "SELECT 1;"}}, "queries.q must be a dict"),
    ({"queries": {"q": {"query": " "}}}, "queries.q.query must not be empty"),
    ({"shards": {"p": 0}}, "shards.p must be a percentage from 1 to 100, got 0"),
    ({"shards": {"p": 101}}, "shards.p must be a percentage from 1 to 100, got 101"),
    ({"shards": {"p": "half"}}, "shards.p must be a percentage"),
    ({"shards": {"*": 100}, "policy_ids": ["p"]}, "shards '*' makes a global pack"),
    ({"policy_ids": ["a"], "policies": ["b"]}, "parameters are mutually exclusive: policy_ids|policies"),
    ({"policy_ids": ["a", ""]}, "policy_ids must not contain an empty id"),
    ({"policies": [" "]}, "policies must not contain an empty name"),
    ({"id": "x", "copy_from": "y"}, "parameters are mutually exclusive: id|copy_from"),
    ({"name": " "}, "name must not be empty"),
    ({"name": None}, "one of the following is required: id, name"),
])
def test_bad_input_is_rejected_before_any_request(kibana, conn, options, words):
    args = dict(conn, name="bad_input", queries=QUERIES)
    args.update(options)
    args = {k: v for k, v in args.items() if v is not None}
    result = run_module("osquery_pack", args)
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


def test_several_problems_are_reported_together(kibana, run):
    result = run("osquery_pack", name="x", shards={"a": 0}, queries={
        "q": {"query": "SELECT 1;", "ecs_mapping": {"e": {}}}})
    assert "shards.a" in result["msg"] and "queries.q.ecs_mapping.e" in result["msg"]
    assert kibana.requests() == []


def test_kibana_400_reports_method_path_status_and_message(kibana, run):
    kibana.fault(method="POST", path=PACKS, status=400,
                 body={"statusCode": 400, "error": "Bad Request", "message": "boom from kibana"})
    result = run("osquery_pack", **PACK)
    assert result.failed and result["status"] == 400
    assert result["msg"] == "POST %s returned HTTP 400: boom from kibana" % PACKS


# ------------------------------------------------------------------ info


def test_info_by_id_name_all_and_pages(kibana, run):
    created = run("osquery_pack", policy_ids=[], shards={}, **PACK)["pack"]
    run("osquery_pack", name="second", queries={"q": {"query": "SELECT 2;", "platform": ["linux"]}})
    run("osquery_pack", name="elsewhere", space_id="ops", queries=QUERIES)
    kibana.clear_log()

    by_id = run("osquery_pack_info", id=created["id"])
    assert not by_id["changed"] and by_id["total"] == 1
    [pack] = by_id["packs"]
    assert pack["queries"] == QUERIES and pack["shards"] == {} and pack["read_only"] is False
    assert pack["description"] == PACK["description"]
    assert run("osquery_pack_info", id="00000000-0000-4000-8000-000000000000")["packs"] == []

    [named] = run("osquery_pack_info", name="second")["packs"]
    assert named["queries"] == {"q": {"query": "SELECT 2;", "platform": ["linux"]}}
    assert named["shards"] == {}
    assert run("osquery_pack_info", name="elsewhere")["packs"] == []

    everything = run("osquery_pack_info")
    names = {p["name"] for p in everything["packs"]}
    assert names == {PACK["name"], "second", PREBUILT, "osquery-monitoring"}
    assert everything["total"] == 4
    prebuilt = [p for p in everything["packs"] if p["name"] == PREBUILT][0]
    assert prebuilt["read_only"] is True and prebuilt["version"] == 1
    assert isinstance(prebuilt["queries"], dict)  # object form, though the list has arrays
    assert prebuilt["queries"]["usb_devices"]["platform"] == ["linux", "darwin"]

    page = run("osquery_pack_info", page=2, page_size=3)
    assert len(page["packs"]) == 1 and page["total"] == 4
    first = run("osquery_pack_info", page=1, pageSize=3)
    assert {p["name"] for p in first["packs"] + page["packs"]} == names

    in_ops = run("osquery_pack_info", space_id="ops")["packs"]
    assert [p["name"] for p in in_ops] == ["elsewhere"]
    assert kibana.writes() == []


def test_info_list_item_without_id_is_returned_as_listed(kibana, run):
    kibana.fault(method="GET", path="^%s$" % PACKS, status=200, body={
        "page": 1, "per_page": 100, "total": 1,
        "data": [{"name": "odd", "queries": [{"id": "q", "query": "SELECT 1;"}]}]})
    result = run("osquery_pack_info")
    assert not result.failed and result["packs"][0]["queries"] == {"q": {"query": "SELECT 1;"}}


@pytest.mark.parametrize("options,words", [
    ({"page": 0}, "page must be between 1 and 10000, got 0"),
    ({"page_size": 0}, "page_size must be between 1 and 10000, got 0"),
    ({"id": "x", "name": "y"}, "parameters are mutually exclusive: id|name"),
])
def test_info_bad_input(kibana, run, options, words):
    result = run("osquery_pack_info", **options)
    assert result.failed and words in result["msg"]
    assert kibana.requests() == []


# ------------------------------------------------------------------ saved_query_id


def test_saved_query_id_copies_the_saved_query_into_the_pack(kibana, run):
    # Kibana's pack routes drop saved_query_id (server/routes/pack/utils.ts
    # convertPackQueriesToSO picks a fixed key list) and never read the saved query: the pack
    # holds a copy, as the UI makes it; what the task sets wins.
    saved = run("osquery_saved_query", space_id="ops", id="ports", interval=600, timeout=120,
                query="SELECT * FROM listening_ports;", platform=["linux"],
                ecs_mapping={"client.port": {"field": "port"}})["saved_query"]
    task = dict(name="from_saved", space_id="ops",
                queries={"ports": {"saved_query_id": "ports", "timeout": 300},
                         "by_so_id": {"saved_query_id": saved["saved_object_id"]}})
    kibana.clear_log()
    created = run("osquery_pack", **task)
    assert created["changed"], created.get("msg")
    [post] = kibana.writes()
    sent = post["body"]["queries"]["ports"]
    assert "saved_query_id" not in sent
    assert sent["query"] == "SELECT * FROM listening_ports;" and sent["interval"] == 600
    assert sent["timeout"] == 300 and sent["platform"] == "linux"
    assert sent["ecs_mapping"] == {"client.port": {"field": "port"}}
    assert post["body"]["queries"]["by_so_id"]["timeout"] == 120
    pack = created["pack"]["queries"]
    assert pack["ports"]["query"] == pack["by_so_id"]["query"] == saved["query"]

    # the same again: ok, no write
    kibana.clear_log()
    assert not run("osquery_pack", **task)["changed"]
    assert kibana.writes() == []

    # the saved query changes: the next run brings the pack's copy up to date
    run("osquery_saved_query", space_id="ops", id="ports", query="SELECT port FROM listening_ports;")
    again = run("osquery_pack", diff=True, **task)
    assert again["changed"]
    assert again["diff"]["after"]["queries"]["ports"]["query"] == "SELECT port FROM listening_ports;"


def test_saved_query_id_unknown_or_missing_query_fails_naming_the_option(kibana, run):
    result = run("osquery_pack", name="p", queries={"q": {"saved_query_id": "nope"}})
    assert result.failed and "queries.q.saved_query_id" in result["msg"] and "'nope'" in result["msg"]
    assert kibana.writes() == []
    result = run("osquery_pack", name="p", queries={"q": {"interval": 60}})
    assert result.failed and "queries.q needs query" in result["msg"]
    assert kibana.requests() == [r for r in kibana.requests() if r["method"] == "GET"]
