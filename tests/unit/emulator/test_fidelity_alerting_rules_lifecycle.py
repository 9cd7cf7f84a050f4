"""What Kibana's own rule lifecycle API tests assert (update, get, find, enable, disable,
mute_all, unmute_all, unsnooze, delete), checked against the emulator. Each test names its
source; `g1`/`g2`/`g4` = x-pack/platform/test/alerting_api_integration/spaces_only/tests/
alerting/group1|group2|group4/, `v1` = x-pack/platform/plugins/shared/alerting/common/routes/
rule/request/schemas/v1.ts. Rows: tests/emulator/FIDELITY.md "Alerting rules" (L1...)."""

import datetime

import pytest

from .test_emulator_alerting_rules import RULE, FIND, body, connector, create, error, iso

UPDATE = {"name": "bcd", "tags": ["bar"], "schedule": {"interval": "12s"}, "actions": [],
          "throttle": "1m", "notify_when": "onThrottleInterval"}


def update(kibana, rule_id, space=None, **fields):
    sent = dict(UPDATE, params=body()["params"])
    sent.update(fields)
    return kibana.api("PUT", f"{RULE}/{rule_id}", sent, space=space)


def other_space(kibana):
    kibana.create_space("other")
    return "other"


def internal_get(kibana, rule_id):
    """The UI's rule route (the emulator wants the internal-origin header from 9.0)."""
    return kibana.session.get(f"{kibana.url}/internal/alerting/rule/{rule_id}",
                              headers={"kbn-xsrf": "t", "x-elastic-internal-origin": "Kibana"})


def not_found_body(rule_id):
    return {"statusCode": 404, "error": "Not Found",
            "message": f"Saved object [alert/{rule_id}] not found"}


# L1 g1 enable.ts, g1 disable.ts, g1 delete.ts, g1 get.ts, g2 update.ts, g2 mute_all.ts:
# a rule of another space is a 404 with the saved-object body, on every route.
@pytest.mark.parametrize("method,suffix,payload", [
    ("GET", "", None), ("PUT", "", UPDATE), ("DELETE", "", None),
    ("POST", "/_enable", None), ("POST", "/_disable", None),
    ("POST", "/_mute_all", None), ("POST", "/_unmute_all", None)])
def test_a_rule_of_another_space_is_404_on_every_route(kibana, method, suffix, payload):
    rule = create(kibana, enabled=False)
    space = other_space(kibana)
    if payload is not None:
        payload = dict(payload, params=body()["params"])
    resp = kibana.api(method, f"{RULE}/{rule['id']}{suffix}", payload, space=space)
    assert resp.status_code == 404, resp.text
    assert resp.json() == not_found_body(rule["id"])


# L2 g1 get.ts "when alert doesn't exist": GET /api/alerting/rule/1 -> 404 body exactly.
def test_get_of_an_unknown_id(kibana):
    resp = kibana.api("GET", f"{RULE}/1")
    assert resp.json() == not_found_body("1") and resp.status_code == 404


# L3 g1 get.ts: the public GET answer has exactly these keys (no monitoring, snooze_schedule,
# is_snoozed_until, artifacts); next_run and last_run only when set.
def test_public_get_has_exactly_the_keys_kibana_asserts(kibana):
    rule = create(kibana, tags=["foo"])
    got = kibana.api("GET", f"{RULE}/{rule['id']}").json()
    expected = {"id", "name", "tags", "rule_type_id", "revision", "running", "consumer",
                "schedule", "enabled", "actions", "params", "created_by", "scheduled_task_id",
                "updated_by", "api_key_owner", "api_key_created_by_user", "throttle",
                "notify_when", "mute_all", "muted_alert_ids", "created_at", "updated_at",
                "execution_status"}
    assert expected <= set(got) <= expected | {"next_run", "last_run"}


# L4 g1 get.ts (internal): the UI's route adds monitoring, snooze_schedule, is_snoozed_until.
def test_internal_get_adds_monitoring_and_snooze_fields(kibana):
    rule = create(kibana)
    resp = internal_get(kibana, rule["id"])
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert {"monitoring", "snooze_schedule", "is_snoozed_until"} <= set(got)
    assert got["snooze_schedule"] == [] and got["is_snoozed_until"] is None


# L5 g1 enable.ts: 204 with an empty body; the enabled rule has a task; revision stays 0.
def test_enable_is_204_schedules_a_task_and_keeps_the_revision(kibana):
    rule = create(kibana, enabled=False)
    resp = kibana.api("POST", f"{RULE}/{rule['id']}/_enable")
    assert resp.status_code == 204 and resp.content == b""
    got = kibana.api("GET", f"{RULE}/{rule['id']}").json()
    assert isinstance(got["scheduled_task_id"], str) and got["enabled"] is True
    assert got["revision"] == 0


# L6 g1 disable.ts: 204; revision stays 0; `untrack: false` is accepted.
@pytest.mark.parametrize("payload", [None, {"untrack": False}, {"untrack": True}])
def test_disable_is_204_and_keeps_the_revision(kibana, payload):
    rule = create(kibana)
    resp = kibana.api("POST", f"{RULE}/{rule['id']}/_disable", payload)
    assert resp.status_code == 204 and resp.content == b""
    got = kibana.api("GET", f"{RULE}/{rule['id']}").json()
    assert got["enabled"] is False and got["revision"] == 0


# L7 g1 delete.ts: 204 with '' and the rule is gone.
def test_delete_is_204_with_an_empty_body(kibana):
    rule = create(kibana)
    resp = kibana.api("DELETE", f"{RULE}/{rule['id']}")
    assert resp.status_code == 204 and resp.content == b""
    assert kibana.api("GET", f"{RULE}/{rule['id']}").status_code == 404


# L8 g2 mute_all.ts, g2 unmute_all.ts: 204 each, mute_all flips, on a disabled rule too.
def test_mute_all_and_unmute_all(kibana):
    rule = create(kibana, enabled=False)
    resp = kibana.api("POST", f"{RULE}/{rule['id']}/_mute_all")
    assert resp.status_code == 204 and resp.content == b""
    assert kibana.api("GET", f"{RULE}/{rule['id']}").json()["mute_all"] is True
    resp = kibana.api("POST", f"{RULE}/{rule['id']}/_unmute_all")
    assert resp.status_code == 204 and resp.content == b""
    assert kibana.api("GET", f"{RULE}/{rule['id']}").json()["mute_all"] is False


# L9 g2 update.ts: the answer echoes what was sent, revision 1, enabled kept, updated_at
# strictly after created_at, no artifacts.
def test_update_answer(kibana):
    rule = create(kibana)
    resp = update(kibana, rule["id"])
    assert resp.status_code == 200, resp.text
    got = resp.json()
    for key, value in UPDATE.items():
        assert got[key] == value, key
    assert got["revision"] == 1 and got["enabled"] is True
    assert got["scheduled_task_id"] == rule["scheduled_task_id"]
    assert got["created_at"] == rule["created_at"]
    assert got["updated_at"] > got["created_at"]
    assert "artifacts" not in got


# L10 g2 update.ts: an action without group, to a connector that does not exist, is refused
# for the missing group first.
def test_update_action_without_group(kibana):
    rule = create(kibana)
    resp = update(kibana, rule["id"], actions=[{"id": "test-id", "params": {}}])
    assert resp.status_code == 400
    assert resp.json() == {"statusCode": 400, "error": "Bad Request",
                           "message": "Group is not defined in action test-id"}


# L11 g2 update.ts: an invalid action timezone on update, exact body.
def test_update_action_with_a_bad_timezone(kibana):
    rule = create(kibana)
    resp = update(kibana, rule["id"], actions=[{
        "id": "test-id", "group": "default", "params": {}, "alerts_filter": {"timeframe": {
            "days": [1, 2, 3, 4, 5, 6, 7], "timezone": "invalid",
            "hours": {"start": "00:00", "end": "01:00"}}}}])
    assert resp.status_code == 400
    assert resp.json() == {"statusCode": 400, "error": "Bad Request", "message": (
        "[request body.actions.0.alerts_filter.timeframe.timezone]: string is not a valid "
        "timezone: invalid")}


# L12 g2 update.ts "update rule flapping": set by update, removed by `flapping: null`,
# threshold > window -> 400.
def test_update_flapping(kibana):
    rule = create(kibana)
    assert "flapping" not in rule
    flapping = {"look_back_window": 5, "status_change_threshold": 5}
    assert update(kibana, rule["id"], flapping=flapping).json()["flapping"] == flapping
    assert update(kibana, rule["id"], flapping=None).json()["flapping"] is None
    resp = update(kibana, rule["id"], flapping={"look_back_window": 5,
                                                "status_change_threshold": 10})
    assert resp.status_code == 400


# L13 g2 update.ts "artifacts" + v1 (MAX_ARTIFACTS_DASHBOARDS_LENGTH = 10,
# MAX_ARTIFACTS_INVESTIGATION_GUIDE_LENGTH = 1000): the update answer has no artifacts;
# 11 dashboards or a 1001-character guide -> 400, on update and on create.
def test_artifacts_limits(kibana):
    rule = create(kibana)
    ok = {"dashboards": [{"id": f"d{i}"} for i in range(10)],
          "investigation_guide": {"blob": "a" * 1000}}
    resp = update(kibana, rule["id"], artifacts=ok)
    assert resp.status_code == 200, resp.text
    assert "artifacts" not in resp.json()
    too_many = {"dashboards": [{"id": f"d{i}"} for i in range(11)]}
    too_long = {"dashboards": [{"id": "d"}], "investigation_guide": {"blob": "a" * 1001}}
    for artifacts in (too_many, too_long):
        assert update(kibana, rule["id"], artifacts=artifacts).status_code == 400
        resp = kibana.api("POST", RULE, body(artifacts=artifacts))
        assert resp.status_code == 400, resp.text


# L14 g1 find.ts: _find in a space without rules answers exactly this.
def test_find_in_an_empty_space(kibana):
    create(kibana)
    space = other_space(kibana)
    resp = kibana.api("GET", FIND + "?search=.index-threshold&search_fields=alertTypeId",
                      space=space)
    assert resp.status_code == 200
    assert resp.json() == {"page": 1, "per_page": 10, "total": 0, "data": []}


# L15 g1 find.ts: monitoring and mapped_params attributes cannot be filtered, sorted or searched.
@pytest.mark.parametrize("query,message", [
    ("filter=alert.attributes.monitoring.run.calculated_metrics.success_ratio>50",
     "Error find rules: Filter is not supported on this field "
     "alert.attributes.monitoring.run.calculated_metrics.success_ratio"),
    ("sort_field=monitoring.run.calculated_metrics.success_ratio",
     "Error find rules: Sort is not supported on this field "
     "monitoring.run.calculated_metrics.success_ratio"),
    ("search_fields=monitoring.run.calculated_metrics.success_ratio&search=50",
     "Error find rules: Search field monitoring.run.calculated_metrics.success_ratio not "
     "supported"),
    ("filter=alert.attributes.mapped_params.risk_score:40",
     "Error find rules: Filter is not supported on this field "
     "alert.attributes.mapped_params.risk_score"),
])
def test_find_refuses_monitoring_and_mapped_params(kibana, query, message):
    create(kibana)
    assert error(kibana.api("GET", f"{FIND}?{query}"), 400) == message


# L16 g1 find.ts: rule_type_ids and consumers are internal-only query keys.
@pytest.mark.parametrize("key", ["rule_type_ids", "consumers"])
def test_find_refuses_internal_query_keys(kibana, key):
    resp = kibana.api("GET", f"{FIND}?{key}=foo")
    assert resp.json() == {"statusCode": 400, "error": "Bad Request",
                           "message": f"[request query.{key}]: definition for this key is missing"}


# L17 g1 find.ts: search on params and on actions.params, filter and sort on params, and
# the found item carries its action with connector_type_id and uuid, no artifacts.
def test_find_searches_params_and_action_params(kibana):
    connector_id = connector(kibana)
    # The built-in types validate their params, so param values come from index-threshold.
    for index in ("low-*", "medium-*", "high-*"):
        create(kibana, name=index, params=dict(body()["params"], index=[index]))
    found = kibana.api("GET", FIND + "?search_fields=params.index&search=medium-*").json()
    assert [r["name"] for r in found["data"]] == ["medium-*"]
    found = kibana.api("GET", FIND + '?filter=alert.attributes.params.index:"low-*"').json()
    assert [r["name"] for r in found["data"]] == ["low-*"]
    found = kibana.api("GET", FIND + "?sort_field=params.index&sort_order=asc").json()
    assert [r["name"] for r in found["data"]] == ["high-*", "low-*", "medium-*"]
    act = {"id": connector_id, "group": "threshold met",
           "params": {"documents": [{"message": "deeplyNestedUniqueValue"}]},
           "frequency": {"summary": False, "notify_when": "onThrottleInterval",
                         "throttle": "1m"}}
    made = create(kibana, name="acted", actions=[act])
    found = kibana.api("GET", FIND + "?search=deeplyNestedUniqueValue"
                       "&search_fields=actions.params").json()
    assert [r["id"] for r in found["data"]] == [made["id"]]
    found = kibana.api("GET", FIND + "?search=deeplyNestedUniqueValue"
                       "&search_fields=actions.params.documents.message").json()
    assert [r["id"] for r in found["data"]] == [made["id"]]
    item = found["data"][0]
    assert item["actions"][0]["connector_type_id"] == ".index"
    assert item["actions"][0]["uuid"] and "artifacts" not in item
    assert item["throttle"] is None and item["notify_when"] is None


# L18 g4 unsnooze.ts: 204 with ''; the internal GET then shows no schedule, is_snoozed_until
# null, mute_all false; no schedule at all -> 400, an unknown id -> 404 (exact messages).
def test_unsnooze(kibana):
    rule = create(kibana, enabled=False)
    path = f"{RULE}/{rule['id']}/snooze_schedule"
    assert error(kibana.api("DELETE", path + "/random_id"), 400) == \
        "Rule has no snooze schedules."
    now = iso(datetime.datetime.now(datetime.timezone.utc))
    made = kibana.api("POST", path, {"schedule": {"custom": {
        "duration": "240h", "start": now, "recurring": {"occurrences": 1}}}})
    assert made.status_code == 200, made.text
    assert error(kibana.api("DELETE", path + "/random_id"), 404) == \
        "Rule has no snooze schedule with id random_id."
    resp = kibana.api("DELETE", f"{path}/{made.json()['schedule']['id']}")
    assert resp.status_code == 204 and resp.content == b""
    got = internal_get(kibana, rule["id"]).json()
    assert got["is_snoozed_until"] is None and got["snooze_schedule"] == []
    assert got["mute_all"] is False


# L19 security_and_spaces/group2/tests/alerting/update.ts: the body is validated before the
# rule is looked up (PUT /rule/1 on no rule): an empty body, a create-only key, a bad interval;
# known keys are reported before unknown ones.
@pytest.mark.parametrize("sent,message", [
    ({}, "[request body.name]: expected value of type [string] but got [undefined]"),
    (dict(UPDATE, params={}, rule_type_id="x"),
     "[request body.rule_type_id]: definition for this key is missing"),
    (dict(UPDATE, params={}, rule_type_id="x", schedule={"interval": "10x"}),
     "[request body.schedule.interval]: string is not a valid duration: 10x"),
])
def test_update_body_is_checked_before_the_lookup(kibana, sent, message):
    resp = kibana.api("PUT", f"{RULE}/1", sent)
    assert resp.json() == {"statusCode": 400, "error": "Bad Request", "message": message}


# L20 security_and_spaces/group2/tests/alerting/update.ts "alertTypeConfig isn't valid": the
# rule type's params validation on update is a 400 `params invalid: ...`.
def test_update_params_are_validated_by_the_rule_type(kibana):
    rule = create(kibana)
    message = error(update(kibana, rule["id"], params={}), 400)
    assert message.startswith("params invalid: ")
