"""kibana_rule and kibana_rule_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import uuid

import pytest

from tests.harness import run_module

RULE = "/api/alerting/rule"

INDEX_PARAMS = {
    "index": ["metrics-*"],
    "timeField": "@timestamp",
    "thresholdComparator": ">",
    "threshold": [90],
    "timeWindowSize": 5,
    "timeWindowUnit": "m",
}

# The ES|QL rule of the reference page's create example (without aggType, groupBy,
# excludeHitsFromPreviousRun: Kibana injects them).
ESQL_PARAMS = {
    "searchType": "esqlQuery",
    "esqlQuery": {"esql": "FROM kibana_sample_data_logs | KEEP bytes, clientip, host, geo.dest "
                          "| where geo.dest != \"GB\" | STATS sumbytes = sum(bytes) by clientip, "
                          "host | WHERE sumbytes > 5000 | SORT sumbytes desc | LIMIT 10"},
    "size": 0,
    "threshold": [0],
    "thresholdComparator": ">",
    "timeField": "@timestamp",
    "timeWindowSize": 1,
    "timeWindowUnit": "d",
}

# .es-query with DSL, without the four injected defaults.
DSL_PARAMS = {
    "esQuery": '{"query":{"match_all":{}}}',
    "index": ["logs-*"],
    "timeField": "@timestamp",
    "size": 100,
    "threshold": [0],
    "thresholdComparator": ">",
    "timeWindowSize": 5,
    "timeWindowUnit": "m",
}

CUSTOM_THRESHOLD_PARAMS = {
    "criteria": [{"comparator": ">", "threshold": [1], "timeSize": 1, "timeUnit": "m",
                  "metrics": [{"name": "A", "aggType": "count"}]}],
    "searchConfiguration": {"index": "logs-*", "query": {"query": "", "language": "kuery"}},
}

ON_ACTIVE = {"summary": False, "notify_when": "onActiveAlert"}


def to_uuid_filter(name):
    """ansible.builtin.to_uuid: uuid5 in Ansible's namespace (UUID_NAMESPACE_ANSIBLE in
    ansible/plugins/filter/core.py). Importing the filter here would set up Ansible's display,
    which changes how in-process module warnings are reported."""
    return str(uuid.uuid5(uuid.UUID("361E6D51-FAEC-444A-9079-341386DA8E2E"), name))


def connector(kibana, name="rules-log", space=None, connector_type_id=".server-log"):
    resp = kibana.api("POST", "/api/actions/connector",
                      {"name": name, "connector_type_id": connector_type_id}, space=space)
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    return resp.json()["id"]


def index_rule(log_id, **options):
    task = dict(name="cpu high", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", tags=["infra"], params=dict(INDEX_PARAMS),
                actions=[{"id": log_id, "group": "threshold met", "params": {"message": "hot"},
                          "frequency": dict(ON_ACTIVE)}])
    task.update(options)
    return task


def stored(kibana, rule_id, space=None):
    resp = kibana.api("GET", RULE + "/" + rule_id, space=space)
    return resp.json() if resp.status_code == 200 else None


def methods_and_paths(writes):
    return [(w["method"], w["path"]) for w in writes]


def without_new_ids(value):
    """A diff without the ids Kibana generates on a write (a new action's uuid, a new snooze
    schedule's id), which check mode cannot know."""
    if isinstance(value, dict):
        generated = ("uuid", "id") if "rRule" in value else ("uuid",)
        return dict((k, without_new_ids(v)) for k, v in value.items() if k not in generated)
    if isinstance(value, list):
        return [without_new_ids(v) for v in value]
    return value


def assert_idempotent(kibana, run, task, reads=None):
    """Twice more, in check mode and for real: unchanged, empty diff, no write."""
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("kibana_rule", check_mode=check_mode, diff=True, **task)
        assert not again.failed, again["msg"]
        assert not again["changed"], again["diff"]
        assert again["diff"] == {"before": {}, "after": {}}
        assert kibana.writes() == []
        if reads is not None:
            assert len(kibana.requests()) == reads
    return again


def step(kibana, run, task, operations):
    """One update: check mode predicts it with no write, the real run sends exactly the planned
    writes and reports the same diff, then the task is idempotent."""
    kibana.clear_log()
    checked = run("kibana_rule", check_mode=True, diff=True, **task)
    assert not checked.failed, checked["msg"]
    assert checked["changed"] and kibana.writes() == []
    assert checked["operations"] == operations
    done = run("kibana_rule", diff=True, **task)
    assert not done.failed, done["msg"]
    assert done["changed"] and done["operations"] == operations
    assert "warnings" not in done, done["warnings"]
    assert without_new_ids(done["diff"]) == without_new_ids(checked["diff"])
    writes = kibana.writes()
    assert_idempotent(kibana, run, task, reads=1)
    return checked, done, writes


# ------------------------------------------------------------------ life cycle


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    prefix = "" if space == "default" else "/s/ops"
    log_id = connector(kibana, space=space)
    rule_id = str(uuid.uuid4())
    path = "%s%s/%s" % (prefix, RULE, rule_id)
    task = index_rule(log_id, id=rule_id, space_id=space)
    kibana.clear_log()

    # create, predicted in check mode first (with the type's injected defaults)
    checked = run("kibana_rule", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["rule"]["id"] == rule_id
    assert checked["rule"]["params"] == dict(INDEX_PARAMS, aggType="count", groupBy="all")
    assert checked["rule"]["enabled"] is True and checked["rule"]["mute_all"] is False
    assert checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["schedule"] == {"interval": "1m"}
    created = run("kibana_rule", diff=True, **task)
    assert created["changed"] and not created.failed
    writes = kibana.writes()
    assert methods_and_paths(writes) == [("POST", path)]
    body = writes[0]["body"]
    assert "enabled" not in body  # unset is not sent
    assert body["params"] == INDEX_PARAMS and body["schedule"] == {"interval": "1m"}
    assert body["actions"] == [{"id": log_id, "group": "threshold met", "params": {"message": "hot"},
                                "frequency": ON_ACTIVE}]
    rule = created["rule"]
    assert rule["id"] == rule_id and rule["params"]["aggType"] == "count"
    assert rule["actions"][0]["connector_type_id"] == ".server-log"
    assert rule["actions"][0]["frequency"]["throttle"] is None
    assert created["diff"]["after"]["name"] == "cpu high"
    action_uuid = rule["actions"][0]["uuid"]

    # the same again: nothing to do, one read
    assert_idempotent(kibana, run, task, reads=1)

    # name: one PUT, full body, never the create-only fields
    task["name"] = "cpu very high"
    checked, done, writes = step(kibana, run, task, ["update"])
    assert methods_and_paths(writes) == [("PUT", path)]
    body = writes[0]["body"]
    # Kibana 8.19 and 9.1+: the artifacts it holds are sent back, or the update would clear them
    artifacts = {"artifacts"} if kibana.at_least("8.19") else set()
    assert set(body) == {"name", "schedule", "tags", "params", "actions"} | artifacts
    assert body["tags"] == ["infra"]
    assert body["params"] == dict(INDEX_PARAMS, aggType="count", groupBy="all")
    assert body["actions"][0]["uuid"] == action_uuid
    assert "connector_type_id" not in body["actions"][0]
    assert done["diff"] == {"before": {"name": "cpu high"}, "after": {"name": "cpu very high"}}
    assert done["rule"]["revision"] == 1

    # schedule
    task["schedule"] = "5m"
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["schedule"] == {"interval": "5m"}
    assert done["diff"]["after"] == {"schedule": {"interval": "5m"}}

    # tags: compared as a set; [] clears them
    task["tags"] = ["infra", "cpu"]
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["tags"] == ["infra", "cpu"]
    assert_idempotent(kibana, run, dict(task, tags=["cpu", "infra"]))

    # params: a changed key, then a key removed with null; the others are kept
    task["params"] = dict(INDEX_PARAMS, aggType="avg", aggField="system.cpu.pct")
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["params"]["aggField"] == "system.cpu.pct"
    assert checked["rule"]["params"] == done["rule"]["params"]
    task["params"] = {"aggType": "count", "aggField": None}
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["params"] == dict(INDEX_PARAMS, aggType="count", groupBy="all")
    assert "aggField" not in stored(kibana, rule_id, space)["params"]

    # actions: a changed message keeps the action's uuid; a second action is added
    task["actions"] = [dict(task["actions"][0], params={"message": "very hot"})]
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["actions"][0]["uuid"] == action_uuid
    assert done["rule"]["actions"][0]["params"] == {"message": "very hot"}
    task["actions"].append({"id": log_id, "group": "recovered", "params": {"message": "cool"},
                            "frequency": {"summary": False, "notify_when": "onActionGroupChange"}})
    checked, done, writes = step(kibana, run, task, ["update"])
    assert [a["group"] for a in done["rule"]["actions"]] == ["threshold met", "recovered"]
    assert done["rule"]["actions"][0]["uuid"] == action_uuid
    # an alerts filter on the second action
    task["actions"][1]["alerts_filter"] = {"timeframe": {
        "days": [1, 2, 3, 4, 5], "hours": {"start": "08:00", "end": "18:00"},
        "timezone": "Europe/Paris"}}
    checked, done, writes = step(kibana, run, task, ["update"])
    assert done["rule"]["actions"][1]["alerts_filter"]["timeframe"]["days"] == [1, 2, 3, 4, 5]

    # alert_delay and flapping
    task["alert_delay"] = {"active": 3}
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["alert_delay"] == {"active": 3}
    task["flapping"] = {"look_back_window": 10, "status_change_threshold": 4}
    checked, done, writes = step(kibana, run, task, ["update"])
    assert done["rule"]["flapping"] == {"look_back_window": 10, "status_change_threshold": 4}
    revision = done["rule"]["revision"]
    api_key_owner = done["rule"]["api_key_owner"]

    # enabled and muted: their own endpoints, no PUT, no new revision
    for options, operation, endpoint, field, value in (
            ({"enabled": False}, "disable", "_disable", "enabled", False),
            ({"enabled": True}, "enable", "_enable", "enabled", True),
            ({"muted": True}, "mute_all", "_mute_all", "mute_all", True),
            ({"muted": False}, "unmute_all", "_unmute_all", "mute_all", False)):
        task.update(options)
        checked, done, writes = step(kibana, run, task, [operation])
        assert methods_and_paths(writes) == [("POST", path + "/" + endpoint)]
        assert writes[0]["body"] is None
        assert done["rule"][field] is value and checked["rule"][field] is value
        assert done["diff"] == {"before": {field: not value}, "after": {field: value}}
        assert done["rule"]["revision"] == revision
    assert stored(kibana, rule_id, space)["api_key_owner"] == api_key_owner

    # absent: check mode, real, and again
    kibana.clear_log()
    gone = run("kibana_rule", check_mode=True, diff=True, state="absent", **task)
    assert gone["changed"] and kibana.writes() == []
    assert gone["diff"]["after"] == {} and gone["diff"]["before"]["id"] == rule_id
    removed = run("kibana_rule", diff=True, state="absent", **task)
    assert removed["changed"] and removed["rule"] == {}
    assert methods_and_paths(kibana.writes()) == [("DELETE", path)]
    assert stored(kibana, rule_id, space) is None
    kibana.clear_log()
    for check_mode in (True, False):
        again = run("kibana_rule", check_mode=check_mode, diff=True, state="absent", **task)
        assert not again["changed"] and again["diff"] == {"before": {}, "after": {}}
    assert kibana.writes() == []


def test_spaces_are_isolated(kibana, run):
    default_log = connector(kibana)
    ops_log = connector(kibana, space="ops")
    run("kibana_rule", space_id="ops", **index_rule(ops_log))
    names = [r["name"] for r in kibana.api("GET", "/api/alerting/rules/_find").json()["data"]]
    assert names == []
    # the same name in the default space is another rule
    created = run("kibana_rule", **index_rule(default_log))
    assert created["changed"] and not created.failed
    assert kibana.api("GET", "/api/alerting/rules/_find", space="ops").json()["total"] == 1
    # a connector of another space is not found by name
    connector(kibana, name="only-default")
    result = run("kibana_rule", space_id="ops",
                 **index_rule(None, name="other", actions=[{"connector_name": "only-default",
                                                            "group": "threshold met",
                                                            "frequency": ON_ACTIVE}]))
    assert result.failed and "no connector named 'only-default' in space 'ops'" in result["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ traps


def test_rule_made_in_the_ui_stays_untouched(kibana, run):
    """Trap 1: a rule with per-action frequency and an alerts filter, no rule-level notify_when;
    a task setting only name and tags never rewrites it in the deprecated shape."""
    log_id = connector(kibana)
    action = {"id": log_id, "group": "query matched", "params": {"message": "{{context.value}}"},
              "frequency": {"summary": True, "notify_when": "onThrottleInterval", "throttle": "1h"},
              "alerts_filter": {"query": {"kql": "host.name: web-1", "filters": []},
                                "timeframe": {"days": [1, 2, 3], "timezone": "UTC",
                                              "hours": {"start": "08:00", "end": "17:00"}}}}
    made = kibana.api("POST", RULE, {
        "name": "made in the UI", "rule_type_id": ".es-query", "consumer": "stackAlerts",
        "schedule": {"interval": "1m"}, "tags": ["ui"], "params": ESQL_PARAMS,
        "actions": [action]}).json()
    kibana.clear_log()

    assert_idempotent(kibana, run, {"name": "made in the UI", "tags": ["ui"]}, reads=1)

    result = run("kibana_rule", diff=True, name="made in the UI", tags=["ui", "managed"])
    assert result["changed"] and result["operations"] == ["update"]
    puts = kibana.writes()
    assert methods_and_paths(puts) == [("PUT", RULE + "/" + made["id"])]
    body = puts[0]["body"]
    assert "notify_when" not in body and "throttle" not in body
    sent = body["actions"][0]
    assert sent["uuid"] == made["actions"][0]["uuid"]
    assert sent["frequency"] == action["frequency"]
    assert sent["alerts_filter"]["query"]["kql"] == "host.name: web-1"
    assert sent["alerts_filter"]["timeframe"] == action["alerts_filter"]["timeframe"]
    after = stored(kibana, made["id"])
    assert after["notify_when"] is None and after["throttle"] is None
    assert after["actions"][0]["alerts_filter"] == made["actions"][0]["alerts_filter"]
    assert after["params"] == made["params"]
    assert result["diff"] == {"before": {"tags": ["ui"]}, "after": {"tags": ["ui", "managed"]}}


def test_enabled_false_on_create_creates_a_disabled_rule(kibana, run):
    """Trap 2: a falsy value is sent, not dropped."""
    log_id = connector(kibana)
    task = index_rule(log_id, enabled=False)
    checked = run("kibana_rule", check_mode=True, **task)
    assert checked["rule"]["enabled"] is False and kibana.writes() == []
    created = run("kibana_rule", **task)
    writes = kibana.writes()
    assert writes[0]["body"]["enabled"] is False
    assert len(writes) == 1  # created disabled, not created then disabled
    rule = stored(kibana, created["rule"]["id"])
    assert rule["enabled"] is False and rule["api_key_owner"] is None
    assert_idempotent(kibana, run, task, reads=1)
    # unset is not false: a task without enabled (or muted) leaves a disabled rule alone
    run("kibana_rule", **dict(task, muted=True))
    unset = dict((k, v) for k, v in task.items() if k != "enabled")
    assert_idempotent(kibana, run, unset, reads=1)
    # enabling it later keys it as the caller
    enabled = run("kibana_rule", **dict(task, enabled=True))
    assert enabled["operations"] == ["enable"]
    assert stored(kibana, created["rule"]["id"])["api_key_owner"] == "elastic"


@pytest.mark.parametrize("rule_type_id,consumer,params,group", [
    (".es-query", "stackAlerts", ESQL_PARAMS, "query matched"),
    (".es-query", "alerts", DSL_PARAMS, "query matched"),
    (".index-threshold", "alerts", INDEX_PARAMS, "threshold met"),
    ("observability.rules.custom_threshold", "alerts", CUSTOM_THRESHOLD_PARAMS,
     "custom_threshold.fired"),
], ids=["es-query-esql", "es-query-dsl", "index-threshold", "custom-threshold"])
def test_injected_defaults_never_cause_a_change(kibana, run, rule_type_id, consumer, params, group):
    """Trap 3: Kibana injects params defaults, action uuid/connector_type_id and a null
    frequency.throttle; twice in a row must be unchanged."""
    log_id = connector(kibana)
    task = dict(name="defaults " + rule_type_id, rule_type_id=rule_type_id, consumer=consumer,
                schedule="1m", params=params,
                actions=[{"id": log_id, "group": group, "params": {"message": "m"},
                          "frequency": ON_ACTIVE}])
    first = run("kibana_rule", **task)
    assert first["changed"] and not first.failed, first.get("msg")
    if rule_type_id == ".es-query":
        assert set(first["rule"]["params"]) > set(params)
    assert_idempotent(kibana, run, task, reads=1)


def test_a_param_set_to_none_that_kibana_refills_with_its_default_converges(kibana, run):
    """The Terraform provider's TestAccResourceAlertingRuleParamsLifecycle/remove_aggtype:
    dropping aggType makes Kibana store its default "count" again. A task giving aggType
    None must then report ok and send nothing, not compare "count" with None for ever."""
    task = dict(name="lifecycle", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", notify_when="onActiveAlert",
                params=dict(INDEX_PARAMS, aggType="avg", aggField="version"))
    run("kibana_rule", **task)
    task["params"] = dict(task["params"], aggType=None, aggField=None)
    kibana.clear_log()
    removed = run("kibana_rule", **task)
    assert removed["changed"] and not removed.get("warnings"), removed.get("warnings")
    assert removed["rule"]["params"]["aggType"] == "count"
    assert "aggField" not in removed["rule"]["params"]
    assert "aggType" not in kibana.writes()[0]["body"]["params"]
    kibana.clear_log()
    again = run("kibana_rule", **task)
    assert not again["changed"] and kibana.writes() == []


def test_injected_default_set_explicitly_is_also_unchanged(kibana, run):
    task = dict(name="explicit", rule_type_id=".es-query", consumer="alerts", schedule="1m",
                params=dict(DSL_PARAMS, aggType="count", groupBy="all", searchType="esQuery",
                            excludeHitsFromPreviousRun=True))
    run("kibana_rule", **task)
    assert_idempotent(kibana, run, task, reads=1)


def test_server_owned_fields_never_cause_a_change(kibana, run):
    """Trap 8 and hazard 9: rule runs change execution_status, last_run, next_run and
    monitoring; none of it is compared, so the rule is never re-keyed by a no-op run."""
    log_id = connector(kibana)
    task = index_rule(log_id, id=str(uuid.uuid4()))
    created = run("kibana_rule", **task)["rule"]
    for outcome in ("succeeded", "warning", "failed"):
        kibana.control("POST", "/rules/%s/run" % created["id"],
                       {"outcome": outcome, "alerts": {"active": 2, "new": 1}})
    before = stored(kibana, created["id"])
    assert before["last_run"]["outcome"] == "failed" and before["monitoring"]
    again = assert_idempotent(kibana, run, task, reads=1)
    after = stored(kibana, created["id"])
    assert (after["updated_at"], after["revision"]) == (before["updated_at"], before["revision"])
    assert again["rule"]["execution_status"]["status"] == "error"


def test_only_a_real_change_re_keys_the_rule_as_the_caller(kibana, conn):
    """Trap 8: every write grants the rule a new API key from the caller's credentials. A rule
    made with a password, then run with an API key: a no-op keeps its key, an update re-keys."""
    from tests.emulator.app import API_KEY
    log_id = connector(kibana)
    task = index_rule(log_id)
    made = run_module("kibana_rule", dict(conn, **task))["rule"]
    assert made["api_key_created_by_user"] is False
    with_api_key = {"kibana_url": conn["kibana_url"], "api_key": API_KEY}
    kibana.clear_log()
    unchanged = run_module("kibana_rule", dict(with_api_key, **task))
    assert not unchanged["changed"] and kibana.writes() == []
    assert stored(kibana, made["id"])["api_key_created_by_user"] is False
    updated = run_module("kibana_rule", dict(with_api_key, **dict(task, tags=["re-keyed"])))
    assert updated["changed"]
    assert stored(kibana, made["id"])["api_key_created_by_user"] is True
    assert API_KEY not in json.dumps(updated)


def test_update_of_a_disabled_rule_keeps_it_disabled_and_sends_no_enabled(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id, enabled=False)
    run("kibana_rule", **task)
    kibana.clear_log()
    result = run("kibana_rule", **dict(task, tags=["other"]))
    assert result["operations"] == ["update"]
    assert all("enabled" not in (w["body"] or {}) for w in kibana.writes())
    assert result["rule"]["enabled"] is False


def test_disable_and_update_at_once_disables_first(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id)
    rule_id = run("kibana_rule", **task)["rule"]["id"]
    kibana.clear_log()
    result = run("kibana_rule", **dict(task, schedule="10m", enabled=False))
    assert result["operations"] == ["disable", "update"]
    assert [w["path"] for w in kibana.writes()] == [RULE + "/%s/_disable" % rule_id,
                                                    RULE + "/" + rule_id]
    kibana.clear_log()
    result = run("kibana_rule", **dict(task, schedule="15m", enabled=True, muted=True))
    assert result["operations"] == ["update", "enable", "mute_all"]
    assert methods_and_paths(kibana.writes()) == [
        ("PUT", RULE + "/" + rule_id), ("POST", RULE + "/%s/_enable" % rule_id),
        ("POST", RULE + "/%s/_mute_all" % rule_id)]
    rule = stored(kibana, rule_id)
    assert rule["enabled"] and rule["mute_all"] and rule["schedule"] == {"interval": "15m"}


def test_rule_level_notify_when_and_throttle_are_kept_for_legacy_rules(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id, notify_when="onThrottleInterval", throttle="1h",
                      actions=[{"id": log_id, "group": "threshold met",
                                "params": {"message": "legacy"}}])
    created = run("kibana_rule", **task)
    assert not created.failed, created["msg"]
    assert created["rule"]["throttle"] == "1h"
    assert_idempotent(kibana, run, task)
    # a task that does not mention them keeps them (the rule has no per-action frequency)
    kibana.clear_log()
    result = run("kibana_rule", name="cpu high", tags=["legacy"])
    assert result["changed"] and not result.failed, result.get("msg")
    body = kibana.writes()[0]["body"]
    assert body["notify_when"] == "onThrottleInterval" and body["throttle"] == "1h"


def test_switching_to_per_action_frequency_drops_the_rule_level_notify_when(kibana, run):
    log_id = connector(kibana)
    legacy = index_rule(log_id, notify_when="onActiveAlert",
                        actions=[{"id": log_id, "group": "threshold met", "params": {"message": "m"}}])
    run("kibana_rule", **legacy)
    kibana.clear_log()
    modern = index_rule(log_id)  # per-action frequency
    result = run("kibana_rule", **modern)
    assert result["changed"] and not result.failed, result.get("msg")
    assert "notify_when" not in kibana.writes()[0]["body"]
    assert result["rule"]["notify_when"] is None
    assert result["rule"]["actions"][0]["frequency"]["notify_when"] == "onActiveAlert"


def test_changed_alerts_filter_query_does_not_resend_the_old_dsl(kibana, run):
    log_id = connector(kibana)
    action = {"id": log_id, "group": "threshold met", "frequency": ON_ACTIVE,
              "alerts_filter": {"query": {"kql": "host.name: web-1"}}}
    task = index_rule(log_id, actions=[action])
    created = run("kibana_rule", **task)
    assert "web-1" in created["rule"]["actions"][0]["alerts_filter"]["query"]["dsl"]
    assert_idempotent(kibana, run, task)
    action["alerts_filter"]["query"]["kql"] = "host.name: web-2"
    kibana.clear_log()
    updated = run("kibana_rule", **task)
    sent = kibana.writes()[0]["body"]["actions"][0]["alerts_filter"]["query"]
    assert sent == {"kql": "host.name: web-2", "filters": []}
    assert "web-2" in updated["rule"]["actions"][0]["alerts_filter"]["query"]["dsl"]


def test_reordered_actions_are_a_change_and_keep_their_uuids(kibana, run):
    log_id = connector(kibana)
    first = {"id": log_id, "group": "threshold met", "params": {"message": "a"}, "frequency": ON_ACTIVE}
    second = {"id": log_id, "group": "recovered", "params": {"message": "b"},
              "frequency": {"summary": False, "notify_when": "onActionGroupChange"}}
    created = run("kibana_rule", **index_rule(log_id, actions=[first, second]))["rule"]
    uuids = dict((a["group"], a["uuid"]) for a in created["actions"])
    result = run("kibana_rule", **index_rule(log_id, actions=[second, first]))
    assert result["changed"]
    assert [(a["group"], a["uuid"]) for a in result["rule"]["actions"]] == [
        ("recovered", uuids["recovered"]), ("threshold met", uuids["threshold met"])]
    # removing every action
    result = run("kibana_rule", **index_rule(log_id, actions=[]))
    assert result["changed"] and result["rule"]["actions"] == []


def test_use_alert_data_and_action_throttle_round_trip(kibana, run):
    """An action's use_alert_data_for_template and frequency.throttle: sent, unchanged when run
    again, and a false value is sent as such (trap 2)."""
    log_id = connector(kibana)
    action = {"id": log_id, "group": "threshold met", "params": {"message": "m"},
              "use_alert_data_for_template": True,
              "frequency": {"summary": True, "notify_when": "onThrottleInterval", "throttle": "1h"}}
    task = index_rule(log_id, actions=[action])
    created = run("kibana_rule", **task)
    assert not created.failed, created["msg"]
    sent = kibana.writes()[0]["body"]["actions"][0]
    assert sent["use_alert_data_for_template"] is True and sent["frequency"]["throttle"] == "1h"
    assert_idempotent(kibana, run, task, reads=1)
    action["use_alert_data_for_template"] = False
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["actions"][0]["use_alert_data_for_template"] is False
    assert done["rule"]["actions"][0]["use_alert_data_for_template"] is False
    assert done["rule"]["actions"][0]["uuid"] == created["rule"]["actions"][0]["uuid"]


def ui_rule(kibana, artifacts):
    """A rule as the UI makes it, with linked dashboards and an investigation guide."""
    return kibana.api("POST", RULE, {
        "name": "with guide", "rule_type_id": ".index-threshold", "consumer": "alerts",
        "schedule": {"interval": "1m"}, "params": INDEX_PARAMS, "artifacts": artifacts}).json()


UI_ARTIFACTS = {"dashboards": [{"id": "dashboard-1"}],
                "investigation_guide": {"blob": "## Check the disks"}}


@pytest.mark.kibana_min("8.19")
def test_update_sends_back_the_artifacts_linked_in_the_ui(kibana, run):
    """Kibana 9 replaces a rule's artifacts with those of an update (update_rule.ts:
    `data.artifacts ?? {}`) and its public API does not return them: the module reads them from
    the UI's rule route and sends them back."""
    made = ui_rule(kibana, UI_ARTIFACTS)
    assert "artifacts" not in made
    kibana.clear_log()
    assert_idempotent(kibana, run, {"name": "with guide", "tags": []}, reads=1)
    result = run("kibana_rule", name="with guide", tags=["disks"])
    assert result["changed"] and not result.failed, result.get("msg")
    assert kibana.writes()[0]["body"]["artifacts"] == UI_ARTIFACTS
    assert kibana.control("GET", "/rules/%s/artifacts" % made["id"]) == UI_ARTIFACTS


@pytest.mark.kibana_min("8.19")
@pytest.mark.parametrize("check_mode", [True, False])
def test_an_update_that_would_clear_the_artifacts_is_refused(kibana, run, check_mode):
    made = ui_rule(kibana, UI_ARTIFACTS)
    kibana.fault(method="GET", path="^/internal/alerting/rule/", status=400,
                 body={"statusCode": 400, "error": "Bad Request", "message": "restricted"})
    kibana.clear_log()
    result = run("kibana_rule", check_mode=check_mode, name="with guide", tags=["disks"])
    assert result.failed and "set artifacts to what the rule should keep" in result["msg"]
    assert kibana.writes() == []
    assert kibana.control("GET", "/rules/%s/artifacts" % made["id"]) == UI_ARTIFACTS
    # stating them lets the update through
    done = run("kibana_rule", check_mode=check_mode, name="with guide", tags=["disks"],
               artifacts={"dashboards": ["dashboard-1"], "investigation_guide": "## Check the disks"})
    assert done["changed"] and not done.failed, done.get("msg")


@pytest.mark.kibana_min("8.19")
def test_artifacts_option_is_laid_over_the_stored_ones_and_idempotent(kibana, run):
    made = ui_rule(kibana, UI_ARTIFACTS)
    task = {"name": "with guide", "artifacts": {"dashboards": ["dashboard-2", "dashboard-3"]}}
    result = run("kibana_rule", diff=True, **task)
    assert result["changed"] and not result.failed, result.get("msg")
    assert kibana.control("GET", "/rules/%s/artifacts" % made["id"]) == {
        "dashboards": [{"id": "dashboard-2"}, {"id": "dashboard-3"}],
        "investigation_guide": {"blob": "## Check the disks"}}
    kibana.clear_log()
    again = run("kibana_rule", **task)
    assert not again["changed"] and kibana.writes() == []
    # the public read and the internal one (the only place Kibana shows artifacts)
    assert len(kibana.requests()) == 2


@pytest.mark.kibana_min("8.19")
def test_artifacts_are_sent_on_create(kibana, run):
    result = run("kibana_rule", name="new", rule_type_id=".index-threshold", consumer="alerts",
                 schedule="1m", params=INDEX_PARAMS,
                 artifacts={"investigation_guide": "## Runbook"})
    assert kibana.control("GET", "/rules/%s/artifacts" % result["rule"]["id"]) == {
        "dashboards": [], "investigation_guide": {"blob": "## Runbook"}}


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("version", ["8.18.3", "9.0.5"])
def test_the_artifacts_option_is_refused_where_kibana_has_none(kibana, run, version, check_mode):
    """Kibana 8.18 and 9.0 refuse the key (400): the module says so before any write."""
    kibana.config(kibana_version=version)
    task = dict(name="old", rule_type_id=".index-threshold", consumer="alerts", schedule="1m",
                params=INDEX_PARAMS)
    words = ("artifacts needs Kibana 8.19, or 9.1 or later (rule artifacts: linked dashboards "
             "and an investigation guide), and the target Kibana is %s" % version)
    kibana.clear_log()
    created = run("kibana_rule", check_mode=check_mode,
                  **dict(task, artifacts={"investigation_guide": "## Runbook"}))
    assert created.failed and created["msg"].startswith(words), created.get("msg")
    assert kibana.writes() == []
    run("kibana_rule", **task)
    kibana.clear_log()
    updated = run("kibana_rule", check_mode=check_mode,
                  **dict(task, artifacts={"dashboards": ["dashboard-1"]}))
    assert updated.failed and updated["msg"].startswith(words), updated.get("msg")
    assert kibana.writes() == []


@pytest.mark.parametrize("version", ["8.18.3", "9.0.5"])
def test_an_update_has_no_artifacts_where_kibana_has_none(kibana, run, version):
    """Artifacts came with 9.1 and a backport to 8.19 (kibana PR #218920), not to 9.0."""
    kibana.config(kibana_version=version)
    task = dict(name="old", rule_type_id=".index-threshold", consumer="alerts", schedule="1m",
                params=INDEX_PARAMS)
    run("kibana_rule", **task)
    kibana.clear_log()
    result = run("kibana_rule", **dict(task, tags=["x"]))
    assert result["changed"] and not result.failed, result.get("msg")
    assert "artifacts" not in kibana.writes()[0]["body"]


# ------------------------------------------------------------------ connectors by name


def test_connector_by_name_is_resolved_in_the_rules_space(kibana, run):
    connector(kibana, name="rules-log")  # same name, default space
    ops_id = connector(kibana, name="rules-log", space="ops")
    task = index_rule(None, space_id="ops",
                      actions=[{"connector_name": "rules-log", "group": "threshold met",
                                "params": {"message": "m"}, "frequency": ON_ACTIVE}])
    checked = run("kibana_rule", check_mode=True, **task)
    assert checked["rule"]["actions"][0]["id"] == ops_id
    assert checked["rule"]["actions"][0]["connector_type_id"] == ".server-log"
    created = run("kibana_rule", **task)
    assert created["rule"]["actions"][0]["id"] == ops_id
    assert_idempotent(kibana, run, task, reads=2)


def test_unknown_connector_name_fails_before_any_write(kibana, run):
    task = index_rule(None, actions=[{"connector_name": "nowhere", "group": "threshold met",
                                      "frequency": ON_ACTIVE}])
    result = run("kibana_rule", **task)
    assert result.failed
    assert "actions[0].connector_name: no connector named 'nowhere' in space 'default'" in result["msg"]
    assert kibana.writes() == []
    assert {r["method"] for r in kibana.requests()} == {"GET"}


def test_ambiguous_connector_name_fails_listing_the_ids(kibana, run):
    ids = [connector(kibana, name="twin") for _twin in range(2)]
    kibana.clear_log()
    task = index_rule(None, actions=[{"connector_name": "twin", "group": "threshold met",
                                      "frequency": ON_ACTIVE}])
    result = run("kibana_rule", **task)
    assert result.failed and "2 connectors are named 'twin'" in result["msg"]
    for connector_id in ids:
        assert connector_id in result["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ identity


def test_name_lookup_is_exact_despite_simple_query_string(kibana, run):
    """_find's search is simple_query_string: "cpu-high" unquoted matches "cpu" and "high";
    the module quotes it and checks the exact name."""
    for name in ("cpu", "high", "cpu high", "high cpu"):
        kibana.api("POST", RULE, {"name": name, "rule_type_id": ".index-threshold",
                                  "consumer": "alerts", "schedule": {"interval": "1m"},
                                  "params": INDEX_PARAMS})
    kibana.clear_log()
    result = run("kibana_rule", name="cpu-high", rule_type_id=".index-threshold", consumer="alerts",
                 schedule="1m", params=INDEX_PARAMS)
    assert result["changed"] and not result.failed, result.get("msg")
    assert [w["method"] for w in kibana.writes()] == ["POST"]
    find = kibana.requests()[0]
    assert find["query"]["search"] == '"cpu-high"' and find["query"]["search_fields"] == "name"
    # "cpu high" also matches the phrase "cpu-high": the exact name decides
    kibana.clear_log()
    assert not run("kibana_rule", name="cpu high", tags=[])["changed"]
    assert kibana.writes() == []


def test_name_with_quotes_is_found(kibana, run):
    task = dict(name='say "hi"', rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", params=INDEX_PARAMS)
    assert run("kibana_rule", **task)["changed"]
    assert_idempotent(kibana, run, task)


def test_ambiguous_name_fails_with_the_ids(kibana, run):
    ids = [kibana.api("POST", RULE, {"name": "twin", "rule_type_id": ".index-threshold",
                                     "consumer": "alerts", "schedule": {"interval": "1m"},
                                     "params": INDEX_PARAMS}).json()["id"] for _twin in range(2)]
    kibana.clear_log()
    result = run("kibana_rule", name="twin", tags=["x"])
    assert result.failed and "2 rules match name='twin'" in result["msg"]
    for rule_id in ids:
        assert rule_id in result["msg"]
    assert kibana.writes() == []


def test_caller_chosen_id_and_rename(kibana, run):
    rule_id = "cpu-rule"  # any string since Kibana 8.17
    task = dict(id=rule_id, name="cpu", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", params=INDEX_PARAMS)
    assert run("kibana_rule", **task)["rule"]["id"] == rule_id
    kibana.clear_log()
    renamed = run("kibana_rule", **dict(task, name="cpu renamed"))
    assert renamed["rule"]["name"] == "cpu renamed"
    # read, the stored artifacts (internal rule route; versions without artifacts have none,
    # as their version says), update, read back
    reads = [("GET", "api"), ("GET", "internal")]
    if not kibana.at_least("8.19"):
        reads.append(("GET", "api"))  # /api/status
    assert [(r["method"], r["path"].split("/")[1]) for r in kibana.requests()] == reads + [
        ("PUT", "api"), ("GET", "api")]


def test_non_uuid_id_before_8_17_reports_kibanas_message(kibana, run):
    kibana.config(kibana_version="8.16.0")
    task = dict(id="cpu-rule", name="cpu", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", params=INDEX_PARAMS)
    result = run("kibana_rule", **task)
    assert result.failed and result["status"] == 400
    assert result["msg"].startswith("POST /api/alerting/rule/cpu-rule returned HTTP 400: ")
    assert "unless the ID is a UUID" in result["msg"]
    assert "Traceback" not in json.dumps(result)
    assert run("kibana_rule", **dict(task, id=str(uuid.uuid4())))["changed"]


def test_an_id_pinned_with_the_to_uuid_filter_works_before_8_17(kibana, run):
    kibana.config(kibana_version="8.16.0")
    task = dict(id=to_uuid_filter("cpu-rule"), name="cpu", rule_type_id=".index-threshold",
                consumer="alerts", schedule="1m", params=INDEX_PARAMS)
    assert run("kibana_rule", **task)["rule"]["id"] == task["id"]
    kibana.clear_log()
    assert not run("kibana_rule", **task)["changed"] and kibana.writes() == []


@pytest.mark.parametrize("field,value", [("rule_type_id", ".es-query"), ("consumer", "stackAlerts")])
def test_create_only_change_fails_unless_recreate(kibana, run, field, value):
    rule_id = str(uuid.uuid4())
    task = dict(id=rule_id, name="cpu", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", params=INDEX_PARAMS, tags=["t"])
    run("kibana_rule", **task)
    changed = dict(task, **{field: value})
    if field == "rule_type_id":
        changed["params"] = DSL_PARAMS
    kibana.clear_log()
    failed = run("kibana_rule", **changed)
    assert failed.failed and field in failed["msg"] and "recreate" in failed["msg"]
    assert kibana.writes() == []
    checked = run("kibana_rule", check_mode=True, recreate=True, **changed)
    assert checked["changed"] and kibana.writes() == []
    assert checked["rule"]["id"] == rule_id and checked["rule"][field] == value
    recreated = run("kibana_rule", recreate=True, **changed)
    assert recreated["changed"] and recreated["rule"][field] == value
    assert recreated["rule"]["id"] == rule_id
    assert [w["method"] for w in kibana.writes()] == ["DELETE", "POST"]
    assert_idempotent(kibana, run, changed)


def test_recreate_found_by_name_keeps_the_id(kibana, run):
    task = dict(name="cpu", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", params=INDEX_PARAMS)
    rule_id = run("kibana_rule", **task)["rule"]["id"]
    kibana.clear_log()
    recreated = run("kibana_rule", recreate=True, **dict(task, consumer="stackAlerts"))
    assert recreated["rule"]["id"] == rule_id and recreated["rule"]["consumer"] == "stackAlerts"
    assert methods_and_paths(kibana.writes()) == [("DELETE", RULE + "/" + rule_id),
                                                  ("POST", RULE + "/" + rule_id)]
    assert stored(kibana, rule_id)["consumer"] == "stackAlerts"


def test_create_without_required_fields_names_them(kibana, run):
    result = run("kibana_rule", name="new", rule_type_id=".index-threshold")
    assert result.failed and "consumer and schedule is required" in result["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ snoozes, API key


SNOOZE = {"start": "2030-01-06T22:00:00.000Z", "duration": "6h", "timezone": "Europe/Paris",
          "recurring": {"every": "1w", "on_week_day": ["SU"]}}
ONE_OFF = {"start": "2030-02-01T00:00:00.000Z", "duration": "1d"}


def test_snooze_schedules_added_kept_and_purged(kibana, run):
    log_id = connector(kibana)
    rule_id = run("kibana_rule", **index_rule(log_id))["rule"]["id"]
    base = dict(name="cpu high")
    path = "%s/%s/snooze_schedule" % (RULE, rule_id)

    checked, done, writes = step(kibana, run, dict(base, snooze_schedules=[SNOOZE]), ["snooze"])
    assert methods_and_paths(writes) == [("POST", path)]
    assert writes[0]["body"] == {"schedule": {"custom": {
        "start": SNOOZE["start"], "duration": "6h", "timezone": "Europe/Paris",
        "recurring": {"every": "1w", "onWeekDay": ["SU"]}}}}
    entry = done["rule"]["snooze_schedule"][0]
    assert entry["duration"] == 6 * 3600 * 1000 and entry["rRule"]["freq"] == 2
    assert checked["rule"]["snooze_schedule"][0]["rRule"] == entry["rRule"]
    weekly_id = entry["id"]

    # another one without purge: the first is kept
    checked, done, writes = step(kibana, run, dict(base, snooze_schedules=[ONE_OFF],
                                                   purge_snooze_schedules=False), ["snooze"])
    assert len(done["rule"]["snooze_schedule"]) == 2
    # listing both in another order is no change
    assert_idempotent(kibana, run, dict(base, snooze_schedules=[ONE_OFF, SNOOZE]))
    # purge (the default) deletes the unlisted one
    checked, done, writes = step(kibana, run, dict(base, snooze_schedules=[ONE_OFF]),
                                 ["unsnooze"])
    assert methods_and_paths(writes) == [("DELETE", "%s/%s" % (path, weekly_id))]
    assert [s["rRule"]["dtstart"] for s in done["rule"]["snooze_schedule"]] == [ONE_OFF["start"]]
    # a changed duration is another schedule
    longer = dict(ONE_OFF, duration="2d")
    checked, done, writes = step(kibana, run, dict(base, snooze_schedules=[longer],
                                                   purge_snooze_schedules=True),
                                 ["unsnooze", "snooze"])
    assert [s["duration"] for s in done["rule"]["snooze_schedule"]] == [2 * 86400000]
    # not setting the option keeps them; [] deletes them all
    assert_idempotent(kibana, run, dict(base, tags=["infra"]))
    checked, done, writes = step(kibana, run, dict(base, snooze_schedules=[]), ["unsnooze"])
    assert done["rule"]["snooze_schedule"] == []


def test_snooze_keeps_a_muted_rule_muted(kibana, run):
    """Kibana unmutes a rule when a snooze schedule is added."""
    log_id = connector(kibana)
    task = index_rule(log_id, muted=True)
    created = run("kibana_rule", **task)
    assert created["rule"]["mute_all"] is True
    checked, done, writes = step(kibana, run, dict(task, snooze_schedules=[SNOOZE]),
                                 ["snooze", "mute_all"])
    assert done["rule"]["mute_all"] is True and checked["rule"]["mute_all"] is True


def test_snooze_on_a_muted_rule_that_should_be_unmuted_sends_no_unmute(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id, muted=True)
    run("kibana_rule", **task)
    checked, done, writes = step(kibana, run, dict(task, muted=False, snooze_schedules=[SNOOZE]),
                                 ["snooze"])
    assert done["rule"]["mute_all"] is False and checked["rule"]["mute_all"] is False
    assert [w["path"].rsplit("/", 1)[-1] for w in writes] == ["snooze_schedule"]
    assert stored(kibana, done["rule"]["id"])["mute_all"] is False


def test_create_with_muted_and_snoozes(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id, muted=True, snooze_schedules=[SNOOZE, ONE_OFF])
    checked = run("kibana_rule", check_mode=True, **task)
    assert checked["rule"]["mute_all"] is True and len(checked["rule"]["snooze_schedule"]) == 2
    assert kibana.writes() == []
    created = run("kibana_rule", **task)
    assert [w["path"].rsplit("/", 1)[-1] for w in kibana.writes()] == [
        created["rule"]["id"], "snooze_schedule", "snooze_schedule", "_mute_all"]
    assert created["rule"]["mute_all"] is True and len(created["rule"]["snooze_schedule"]) == 2
    assert_idempotent(kibana, run, task)


def test_snooze_before_its_api_exists_reports_kibanas_404(kibana, run):
    kibana.config(kibana_version="9.0.0")
    log_id = connector(kibana)
    run("kibana_rule", **index_rule(log_id))
    result = run("kibana_rule", name="cpu high", snooze_schedules=[SNOOZE])
    assert result.failed and result["status"] == 404
    assert "/snooze_schedule" in result["msg"]


def test_update_api_key_rotates_and_reports_changed(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id)
    rule_id = run("kibana_rule", **task)["rule"]["id"]
    kibana.clear_log()
    checked = run("kibana_rule", check_mode=True, update_api_key=True, **task)
    assert checked["changed"] and checked["operations"] == ["update_api_key"]
    assert kibana.writes() == []
    rotated = run("kibana_rule", update_api_key=True, **task)
    assert rotated["changed"] and rotated["operations"] == ["update_api_key"]
    assert methods_and_paths(kibana.writes()) == [("POST", "%s/%s/_update_api_key" % (RULE, rule_id))]
    # an update of an enabled rule re-keys it already: no second key
    kibana.clear_log()
    both = run("kibana_rule", update_api_key=True, **dict(task, tags=["new"]))
    assert both["operations"] == ["update"]
    assert [w["method"] for w in kibana.writes()] == ["PUT"]


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("options,words", [
    ({"schedule": "5 minutes"}, "schedule must be a duration"),
    ({"schedule": "0m"}, "schedule must be a duration"),
    ({"schedule": "1w"}, "schedule must be a duration"),
    ({"throttle": "1 hour", "actions": []}, "throttle must be a duration"),
    ({"actions": [{"id": "c", "group": "g",
                   "frequency": {"summary": False, "notify_when": "onThrottleInterval",
                                 "throttle": "often"}}]},
     "actions[0].frequency.throttle must be a duration"),
    ({"notify_when": "onActiveAlert", "actions": [{"id": "c", "group": "g", "frequency": ON_ACTIVE}]},
     "notify_when (rule level) cannot be combined with actions[0].frequency"),
    ({"throttle": "1h", "actions": [{"id": "c", "group": "g", "frequency": ON_ACTIVE}]},
     "throttle (rule level) cannot be combined with actions[0].frequency"),
    ({"actions": [{"id": "c", "connector_name": "n"}]}, "mutually exclusive: id|connector_name"),
    ({"actions": [{"group": "g"}]}, "one of the following is required: id, connector_name"),
    ({"actions": [{"id": "c", "frequency": {"notify_when": "onActiveAlert"}}]}, "summary"),
    ({"notify_when": "sometimes"}, "notify_when"),
    ({"actions": [{"id": "c", "alerts_filter": {"timeframe": {
        "days": [8], "hours": {"start": "08:00", "end": "09:00"}, "timezone": "UTC"}}}]}, "days"),
    ({"flapping": {"look_back_window": 5}}, "status_change_threshold"),
    ({"snooze_schedules": [{"start": "2030-01-01T00:00:00.000Z", "duration": "a while"}]},
     "snooze_schedules[0].duration"),
    ({"snooze_schedules": [dict(ONE_OFF, recurring={"every": "1h"})]},
     "snooze_schedules[0].recurring.every"),
    ({"flapping": {"look_back_window": 1, "status_change_threshold": 4}},
     "flapping.look_back_window must be between 2 and 20"),
    ({"flapping": {"look_back_window": 10, "status_change_threshold": 21}},
     "flapping.status_change_threshold must be between 2 and 20"),
    ({"actions": [{"id": "c", "group": "g", "frequency": ON_ACTIVE, "alerts_filter": {"timeframe": {
        "days": [1], "hours": {"start": "8:00", "end": "17:00"}, "timezone": "UTC"}}}]},
     "actions[0].alerts_filter.timeframe.hours.start must be a time of day as HH:mm"),
    ({"actions": [{"id": "c", "group": "g", "frequency": ON_ACTIVE, "alerts_filter": {"timeframe": {
        "days": [1], "hours": {"start": "08:00", "end": "25:00"}, "timezone": "UTC"}}}]},
     "actions[0].alerts_filter.timeframe.hours.end must be a time of day as HH:mm"),
    ({"name": None}, "one of the following is required: id, name"),
    ({"state": "gone"}, "state"),
])
def test_bad_input_is_rejected_before_any_request(kibana, conn, options, words):
    args = dict(conn, name="bad", rule_type_id=".index-threshold", consumer="alerts",
                schedule="1m", params=INDEX_PARAMS)
    args.update(options)
    args = dict((k, v) for k, v in args.items() if v is not None)
    result = run_module("kibana_rule", args)
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


def test_version_gated_field_reports_kibanas_400(kibana, run):
    kibana.config(kibana_version="8.12.0")
    result = run("kibana_rule", name="delayed", rule_type_id=".index-threshold", consumer="alerts",
                 schedule="1m", params=INDEX_PARAMS, alert_delay={"active": 2})
    assert result.failed and result["status"] == 400 and result["method"] == "POST"
    assert "[request body.alert_delay]: definition for this key is missing" in result["msg"]


def test_params_rejected_by_the_rule_type_report_kibanas_message(kibana, run):
    result = run("kibana_rule", name="bad params", rule_type_id=".index-threshold",
                 consumer="alerts", schedule="1m", params={"index": ["x"]})
    assert result.failed and "params invalid" in result["msg"]
    assert "Traceback" not in json.dumps(result)


# ------------------------------------------------------------------ info


def test_info_by_id_name_tags_type_and_all(kibana, run):
    log_id = connector(kibana)
    cpu = run("kibana_rule", **index_rule(log_id, tags=["infra", "cpu"]))["rule"]
    run("kibana_rule", **index_rule(log_id, name="disk", tags=["infra"]))
    run("kibana_rule", name="esql", rule_type_id=".es-query", consumer="stackAlerts",
        schedule="1d", params=ESQL_PARAMS, tags=["cpu"])
    run("kibana_rule", space_id="ops", name="elsewhere", rule_type_id=".index-threshold",
        consumer="alerts", schedule="1m", params=INDEX_PARAMS, tags=["infra"])
    kibana.clear_log()

    def names(**options):
        result = run("kibana_rule_info", **options)
        assert not result.failed and not result["changed"], result.get("msg")
        return sorted(r["name"] for r in result["rules"])

    assert names(id=cpu["id"]) == ["cpu high"]
    assert names(id=str(uuid.uuid4())) == []
    assert names(id=cpu["id"], tags=["disk"]) == []
    assert names(name="cpu high") == ["cpu high"]
    assert names(name="cpu") == []
    assert names(tags=["infra"]) == ["cpu high", "disk"]
    assert names(tags=["infra", "cpu"]) == ["cpu high"]
    assert names(rule_type_id=".es-query") == ["esql"]
    assert names(rule_type_id=".es-query", tags=["infra"]) == []
    assert names() == ["cpu high", "disk", "esql"]
    assert names(space_id="ops") == ["elsewhere"]
    assert kibana.writes() == []
    filters = [r["query"].get("filter") for r in kibana.requests() if "_find" in r["path"]]
    assert 'alert.attributes.tags:"infra" and alert.attributes.tags:"cpu"' in filters
    assert 'alert.attributes.alertTypeId:".es-query"' in filters


def test_info_reads_every_page(kibana, run, monkeypatch):
    from ansible_collections.stackops.kibana.plugins.module_utils import _alerting_rules
    monkeypatch.setattr(_alerting_rules, "PAGE_SIZE", 2)
    for number in range(5):
        kibana.api("POST", RULE, {"name": "rule %d" % number, "rule_type_id": ".index-threshold",
                                  "consumer": "alerts", "schedule": {"interval": "1m"},
                                  "params": INDEX_PARAMS, "tags": ["paged"]})
    kibana.clear_log()
    result = run("kibana_rule_info", tags=["paged"])
    assert sorted(r["name"] for r in result["rules"]) == ["rule %d" % n for n in range(5)]
    pages = [(r["query"]["page"], r["query"]["per_page"]) for r in kibana.requests()
             if r["path"] != "/api/status"]
    assert pages == [("1", "2"), ("2", "2"), ("3", "2")]


def test_module_finds_a_rule_beyond_the_first_page(kibana, run, monkeypatch):
    from ansible_collections.stackops.kibana.plugins.module_utils import _alerting_rules
    monkeypatch.setattr(_alerting_rules, "PAGE_SIZE", 1)
    for _twin in range(2):
        kibana.api("POST", RULE, {"name": "paged twin", "rule_type_id": ".index-threshold",
                                  "consumer": "alerts", "schedule": {"interval": "1m"},
                                  "params": INDEX_PARAMS})
    result = run("kibana_rule", name="paged twin", tags=[])
    assert result.failed and "2 rules match" in result["msg"]


def test_output_is_a_copy_of_the_stored_rule(kibana, run):
    log_id = connector(kibana)
    created = run("kibana_rule", **index_rule(log_id))
    rule = stored(kibana, created["rule"]["id"])
    assert created["rule"] == rule
    listed = run("kibana_rule_info", id=rule["id"])["rules"][0]
    assert copy.deepcopy(listed) == rule


# ------------------------------------------------------------------ documentation


def example_tasks(module):
    """The tasks of a module's EXAMPLES, as dicts ("!unsafe" strings kept as they are)."""
    import yaml

    from ansible_collections.stackops.kibana.plugins.modules import kibana_rule, kibana_rule_info

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    source = {"kibana_rule": kibana_rule, "kibana_rule_info": kibana_rule_info}[module]
    return yaml.load(source.EXAMPLES, Loader=Loader)


def test_examples_work_against_the_emulator(kibana, run):
    """Every EXAMPLES task (the reference page's ES|QL rule with a server-log action, an index
    threshold rule, ...) succeeds, changes, and is unchanged with no write when run again."""
    kibana.create_space("security")
    for space in (None, "security"):
        connector(kibana, name="rules-server-log", space=space)
    # the rule "made in the UI" the later examples act on
    kibana.api("POST", RULE, {"name": "disk usage", "rule_type_id": ".index-threshold",
                              "consumer": "alerts", "schedule": {"interval": "1m"},
                              "params": INDEX_PARAMS, "tags": ["infra"]})
    tasks = example_tasks("kibana_rule")
    assert len(tasks) == 5
    for task in tasks:
        options = dict(task["stackops.kibana.kibana_rule"])
        assert options.pop("kibana_url") and options.pop("api_key")
        kibana.clear_log()
        checked = run("kibana_rule", check_mode=True, **options)
        assert checked["changed"] and not checked.failed, (task["name"], checked.get("msg"))
        assert kibana.writes() == []
        done = run("kibana_rule", **options)
        assert done["changed"] and not done.failed, (task["name"], done.get("msg"))
        assert "warnings" not in done, done["warnings"]
        assert_idempotent(kibana, run, options)
    esql, threshold = [run("kibana_rule_info", name=name, space_id=space)["rules"]
                       for name, space in (("my Elasticsearch query ESQL rule", "default"),
                                           ("failed logins", "security"))]
    assert esql[0]["params"]["searchType"] == "esqlQuery"
    assert esql[0]["actions"][0]["connector_type_id"] == ".server-log"
    assert threshold[0]["enabled"] is False and threshold[0]["rule_type_id"] == ".index-threshold"
    info = example_tasks("kibana_rule_info")
    for task in info:
        options = dict(task["stackops.kibana.kibana_rule_info"])
        options.pop("kibana_url")
        options.pop("api_key")
        result = run("kibana_rule_info", **options)
        assert not result.failed and not result["changed"], result.get("msg")


# ------------------------------------------------------------------ refusals check mode predicts
# Kibana's validateActions (x-pack/platform/plugins/shared/alerting/server/rules_client/lib/
# validate_actions.ts) refuses, with a 400, actions without a per-action frequency on a rule
# without rule-level notify_when/throttle, and an onThrottleInterval throttle shorter than the
# schedule interval. The module refuses both before any write, in check mode as in the real run.


def fails_alike(kibana, run, task, **extra):
    """Check mode and the real run fail with the same message and write nothing."""
    kibana.clear_log()
    checked = run("kibana_rule", check_mode=True, **dict(task, **extra))
    assert checked.failed, "check mode predicted success"
    done = run("kibana_rule", **dict(task, **extra))
    assert done.failed and done["msg"] == checked["msg"]
    assert kibana.writes() == []
    return done["msg"]


def without_frequency(log_id, **options):
    return index_rule(log_id, actions=[
        {"id": log_id, "group": "threshold met", "params": {"message": "with"},
         "frequency": dict(ON_ACTIVE)},
        {"id": log_id, "group": "recovered", "params": {"message": "without"}}], **options)


def test_kibana_refuses_an_action_without_frequency_on_a_rule_without_notify_when(kibana):
    """The emulator's refusal the module's guard stands for (Kibana's wording)."""
    log_id = connector(kibana)
    body = {"name": "r", "rule_type_id": ".index-threshold", "consumer": "alerts",
            "schedule": {"interval": "1m"}, "params": INDEX_PARAMS,
            "actions": [{"id": log_id, "group": "threshold met", "params": {"message": "m"}}]}
    resp = kibana.api("POST", RULE, body)
    assert resp.status_code == 400 and "Actions missing frequency parameters: threshold met" \
        in resp.json()["message"]
    assert kibana.api("POST", RULE, dict(body, notify_when="onActiveAlert")).status_code == 200


def test_create_with_an_action_without_frequency_fails_before_any_write(kibana, run):
    log_id = connector(kibana)
    msg = fails_alike(kibana, run, without_frequency(log_id))
    assert "actions[1].frequency" in msg and "notify_when" in msg
    assert "actions[0]" not in msg and "Actions missing frequency parameters: recovered" in msg
    assert kibana.api("GET", "/api/alerting/rules/_find").json()["total"] == 0


def test_rule_level_notify_when_makes_actions_without_frequency_valid(kibana, run):
    log_id = connector(kibana)
    task = index_rule(log_id, notify_when="onActiveAlert",
                      actions=[{"id": log_id, "group": "recovered", "params": {"message": "m"}}])
    checked = run("kibana_rule", check_mode=True, **task)
    assert not checked.failed and checked["changed"], checked.get("msg")
    assert not run("kibana_rule", **task).failed


def test_update_kept_valid_by_the_stored_rule_level_notify_when(kibana, run):
    """A task that does not set notify_when keeps the stored one: an added action without
    frequency is then fine, in check mode as for real."""
    log_id = connector(kibana)
    legacy = index_rule(log_id, notify_when="onActiveAlert",
                        actions=[{"id": log_id, "group": "threshold met", "params": {"message": "m"}}])
    assert not run("kibana_rule", **legacy).failed
    task = dict(name="cpu high", actions=[
        {"id": log_id, "group": "threshold met", "params": {"message": "m"}},
        {"id": log_id, "group": "recovered", "params": {"message": "ok again"}}])
    checked, done, writes = step(kibana, run, task, ["update"])
    assert writes[0]["body"]["notify_when"] == "onActiveAlert"
    assert len(done["rule"]["actions"]) == 2


def test_update_adding_an_action_without_frequency_fails_before_any_write(kibana, run):
    """The stored rule uses per-action frequencies (no rule-level notify_when to keep)."""
    log_id = connector(kibana)
    created = run("kibana_rule", **index_rule(log_id))
    assert not created.failed, created["msg"]
    msg = fails_alike(kibana, run, without_frequency(log_id))
    assert "actions[1].frequency" in msg and "notify_when" in msg
    assert stored(kibana, created["rule"]["id"])["actions"] == created["rule"]["actions"]


def test_mixing_frequencies_on_a_legacy_rule_fails_before_any_write(kibana, run):
    """Setting a frequency on one action drops the stored rule-level notify_when (Kibana refuses
    both together), so the other action, without one, would be refused."""
    log_id = connector(kibana)
    legacy = index_rule(log_id, notify_when="onActiveAlert",
                        actions=[{"id": log_id, "group": "threshold met", "params": {"message": "m"}}])
    rule_id = run("kibana_rule", **legacy)["rule"]["id"]
    task = dict(name="cpu high", actions=without_frequency(log_id)["actions"])
    msg = fails_alike(kibana, run, task)
    assert "actions[1].frequency" in msg
    assert stored(kibana, rule_id)["notify_when"] == "onActiveAlert"


def test_recreate_with_actions_kibana_refuses_keeps_the_old_rule(kibana, run):
    log_id = connector(kibana)
    rule_id = run("kibana_rule", **index_rule(log_id))["rule"]["id"]
    msg = fails_alike(kibana, run, without_frequency(log_id, consumer="stackAlerts"),
                      recreate=True)
    assert "actions[1].frequency" in msg
    assert stored(kibana, rule_id) is not None


def test_throttle_shorter_than_the_schedule_interval_fails_before_any_write(kibana, run):
    log_id = connector(kibana)
    action = {"id": log_id, "group": "threshold met", "params": {"message": "m"},
              "frequency": {"summary": True, "notify_when": "onThrottleInterval", "throttle": "5m"}}
    body = {"name": "r", "rule_type_id": ".index-threshold", "consumer": "alerts",
            "schedule": {"interval": "1h"}, "params": INDEX_PARAMS, "actions": [action]}
    resp = kibana.api("POST", RULE, body)  # the refusal the guard stands for
    assert resp.status_code == 400 and "cannot be shorter than the schedule interval" \
        in resp.json()["message"]
    msg = fails_alike(kibana, run, index_rule(log_id, schedule="1h", actions=[action]))
    assert "actions[0].frequency.throttle" in msg and "1h" in msg
    # an update to a longer schedule is refused the same way
    rule_id = run("kibana_rule", **index_rule(log_id, actions=[action]))["rule"]["id"]
    msg = fails_alike(kibana, run, dict(name="cpu high", schedule="1h"))
    assert "actions[0].frequency.throttle" in msg
    assert stored(kibana, rule_id)["schedule"] == {"interval": "1m"}
