"""The emulator's alerting rules family (kibana-api/alerting-rules.md), beyond what the shared
conformance suite checks: version gates, injected defaults, actions, _find, snoozes."""

import base64
import datetime

import pytest
import requests

RULE = "/api/alerting/rule"
FIND = "/api/alerting/rules/_find"
THRESHOLD = {"index": ["logs-*"], "timeField": "@timestamp", "timeWindowSize": 5,
             "timeWindowUnit": "m", "thresholdComparator": ">", "threshold": [10]}
API_KEY = base64.b64encode(b"emulator-key-id:emulator-key-secret").decode()


def body(name="rule", **fields):
    out = {"name": name, "rule_type_id": ".index-threshold", "consumer": "stackAlerts",
           "schedule": {"interval": "1m"}, "params": dict(THRESHOLD)}
    out.update(fields)
    return out


def create(kibana, space=None, rule_id=None, **fields):
    resp = kibana.api("POST", RULE + (f"/{rule_id}" if rule_id else ""), body(**fields),
                      space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()


def connector(kibana, space=None):
    resp = kibana.api("POST", "/api/actions/connector", {
        "name": "log", "connector_type_id": ".index", "config": {"index": "x"}}, space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def action(connector_id, group="threshold met", **fields):
    out = {"id": connector_id, "group": group, "params": {},
           "frequency": {"summary": False, "notify_when": "onActiveAlert"}}
    out.update(fields)
    return out


def error(resp, status):
    assert resp.status_code == status, resp.text
    return resp.json()["message"]


def with_api_key(kibana, method, path, json):
    """A call authenticated with the emulator's API key (the fixture's session uses basic)."""
    session = requests.Session()
    session.trust_env = False
    return session.request(method, kibana.url + path, json=json,
                           headers={"kbn-xsrf": "t", "Authorization": f"ApiKey {API_KEY}"})


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --------------------------------------------------------------------------- create


def test_index_threshold_gets_agg_defaults_and_server_fields(kibana):
    rule = create(kibana, params=dict(THRESHOLD))
    assert rule["params"] == dict(THRESHOLD, aggType="count", groupBy="all")
    assert rule["throttle"] is None and rule["notify_when"] is None
    assert rule["api_key_owner"] == "elastic" and rule["api_key_created_by_user"] is False
    assert rule["scheduled_task_id"] == rule["id"]
    assert rule["execution_status"] == {"status": "pending",
                                        "last_execution_date": rule["created_at"]}
    assert "next_run" not in rule and "last_run" not in rule and "snooze_schedule" not in rule


def test_disabled_rule_has_no_api_key_and_no_task(kibana):
    rule = create(kibana, enabled=False)
    assert rule["api_key_owner"] is None and rule["api_key_created_by_user"] is None
    assert "scheduled_task_id" not in rule


def test_esql_example_of_the_reference_page(kibana):
    """The ES|QL create example: its action frequency has no throttle (it defaults to null) and
    aggType/groupBy/excludeHitsFromPreviousRun come back injected."""
    server_log = kibana.api("POST", "/api/actions/connector", {
        "name": "log", "connector_type_id": ".server-log"}).json()["id"]
    rule = create(kibana, rule_type_id=".es-query", schedule={"interval": "1d"}, params={
        "size": 0, "esqlQuery": {"esql": "FROM logs | LIMIT 10"}, "threshold": [0],
        "timeField": "@timestamp", "searchType": "esqlQuery", "timeWindowSize": 1,
        "timeWindowUnit": "d", "thresholdComparator": ">"}, actions=[
        {"id": server_log, "group": "query matched", "params": {"level": "info"},
         "frequency": {"summary": False, "notify_when": "onActiveAlert"}}])
    assert rule["params"]["aggType"] == "count" and rule["params"]["groupBy"] == "all"
    assert rule["params"]["excludeHitsFromPreviousRun"] is True
    [sent] = rule["actions"]
    assert sent["frequency"] == {"summary": False, "notify_when": "onActiveAlert",
                                 "throttle": None}
    assert sent["connector_type_id"] == ".server-log" and sent["uuid"]


@pytest.mark.parametrize("params, message", [
    ({}, "params invalid: [index]: expected at least one defined value but got [undefined]"),
    (dict(THRESHOLD, extra=1), "params invalid: [extra]: definition for this key is missing"),
    (dict(THRESHOLD, aggType="avg"),
     'params invalid: [aggField]: must have a value when [aggType] is "avg"'),
    (dict(THRESHOLD, thresholdComparator="between"),
     'params invalid: [threshold]: must have two elements for the "between" comparator'),
])
def test_index_threshold_params_are_validated(kibana, params, message):
    assert error(kibana.api("POST", RULE, body(params=params)), 400) == message


def test_es_query_search_type_decides_which_keys_are_allowed(kibana):
    params = {"size": 1, "timeWindowSize": 1, "timeWindowUnit": "m", "threshold": [0],
              "thresholdComparator": ">", "searchType": "esqlQuery", "timeField": "t",
              "esqlQuery": {"esql": "FROM x"}, "index": ["x"]}
    message = error(kibana.api("POST", RULE, body(rule_type_id=".es-query", params=params)), 400)
    assert message == "params invalid: [index]: a value wasn't expected to be present"


def test_custom_threshold_keeps_unknown_params(kibana):
    params = {"criteria": [{"comparator": ">", "threshold": [1], "timeSize": 1, "timeUnit": "m",
                            "metrics": [{"name": "A", "aggType": "count"}]}],
              "searchConfiguration": {"index": "logs-*", "query": {"query": "", "language": "kuery"}},
              "customKey": "kept"}
    rule = create(kibana, rule_type_id="observability.rules.custom_threshold", consumer="logs",
                  params=params)
    assert rule["params"] == params


def test_unknown_rule_type_and_unauthorized_consumer(kibana):
    assert error(kibana.api("POST", RULE, body(rule_type_id="nope")), 400) == \
        'Rule type "nope" is not registered.'
    assert error(kibana.api("POST", RULE, body(consumer="siem")), 403) == \
        'Unauthorized by "siem" to create ".index-threshold" rule'


def test_rule_types_list_the_registry(kibana):
    types = {t["id"]: t for t in kibana.api("GET", "/api/alerting/rule_types").json()}
    assert {".es-query", ".index-threshold", "observability.rules.custom_threshold"} <= set(types)
    groups = [g["id"] for g in types[".index-threshold"]["action_groups"]]
    assert groups == ["threshold met", "recovered"]


# --------------------------------------------------------------------------- actions


def test_unknown_or_other_space_connector_is_400(kibana):
    elsewhere = connector(kibana, space="ops")
    for connector_id in ("missing", elsewhere):
        message = error(kibana.api("POST", RULE, body(actions=[action(connector_id)])), 400)
        assert message == (f"Failed to load action {connector_id} (404): Saved object "
                           f"[action/{connector_id}] not found")


def test_action_problems_are_reported_together(kibana):
    connector_id = connector(kibana)
    actions = [action(connector_id, group="nope"),
               {"id": connector_id, "group": "threshold met", "params": {}},
               action(connector_id, frequency={"summary": False, "notify_when":
                                               "onThrottleInterval", "throttle": "10s"})]
    message = error(kibana.api("POST", RULE, body(actions=actions)), 400)
    assert message == ("Failed to validate actions due to the following 3 errors:\n"
                       "- Invalid action groups: nope\n"
                       "- Actions missing frequency parameters: threshold met\n"
                       "- Action frequency cannot be shorter than the schedule interval of 1m: "
                       "threshold met (10s)")


def test_rule_level_notify_when_excludes_action_frequency(kibana):
    connector_id = connector(kibana)
    mixed = body(notify_when="onActiveAlert", actions=[action(connector_id)])
    message = error(kibana.api("POST", RULE, mixed), 400)
    assert "Cannot specify per-action frequency params" in message
    plain = {"id": connector_id, "group": "threshold met", "params": {}}
    rule = create(kibana, notify_when="onActiveAlert", actions=[plain])
    assert "frequency" not in rule["actions"][0]


def test_missing_group_and_missing_secrets(kibana):
    connector_id = connector(kibana)
    assert error(kibana.api("POST", RULE, body(actions=[{"id": connector_id}])), 400) == \
        f"Group is not defined in action {connector_id}"
    kibana.control("POST", f"/connectors/{connector_id}/missing_secrets")
    message = error(kibana.api("POST", RULE, body(actions=[action(connector_id)])), 400)
    assert message.endswith("Invalid connectors: log")


def test_referenced_by_count_and_space_deletion(kibana):
    connector_id = connector(kibana, space="ops")
    create(kibana, space="ops", actions=[action(connector_id), action(connector_id)])
    listed = kibana.api("GET", "/api/actions/connectors", space="ops").json()
    assert [c["referenced_by_count"] for c in listed if c["id"] == connector_id] == [1]
    kibana.api("DELETE", "/api/spaces/space/ops")
    assert kibana.emulator.store("alerting_rules") == {}


# --------------------------------------------------------------------------- update


def test_revision_bumps_only_on_definition_changes(kibana):
    connector_id = connector(kibana)
    rule = create(kibana, tags=["a"], actions=[action(connector_id)])
    uuid = rule["actions"][0]["uuid"]
    same = {"name": rule["name"], "tags": ["a"], "schedule": {"interval": "1m"},
            "params": dict(THRESHOLD), "actions": [action(connector_id, uuid=uuid)]}
    updated = kibana.api("PUT", f"{RULE}/{rule['id']}", same).json()
    assert updated["revision"] == 0 and updated["actions"][0]["uuid"] == uuid
    changed = kibana.api("PUT", f"{RULE}/{rule['id']}", dict(same, tags=["b"])).json()
    assert changed["revision"] == 1
    kibana.api("POST", f"{RULE}/{rule['id']}/_disable")
    kibana.api("POST", f"{RULE}/{rule['id']}/_mute_all")
    assert kibana.api("GET", f"{RULE}/{rule['id']}").json()["revision"] == 1


def test_rule_level_throttle_is_sticky(kibana):
    rule = create(kibana, throttle="1h")
    assert rule["notify_when"] == "onThrottleInterval"
    update = {"name": "r", "schedule": {"interval": "1m"}, "params": dict(THRESHOLD),
              "throttle": None}
    assert kibana.api("PUT", f"{RULE}/{rule['id']}", update).json()["throttle"] == "1h"


def test_update_rekeys_as_the_caller(kibana):
    rule = create(kibana)
    resp = with_api_key(kibana, "PUT", f"{RULE}/{rule['id']}", {
        "name": "r", "schedule": {"interval": "1m"}, "params": dict(THRESHOLD)})
    assert resp.json()["api_key_created_by_user"] is True


# --------------------------------------------------------------------------- state changes


def test_enable_disable_mute(kibana):
    rule = create(kibana, enabled=False)
    path = f"{RULE}/{rule['id']}"
    assert kibana.api("POST", path + "/_enable").status_code == 204
    got = kibana.api("GET", path).json()
    assert got["enabled"] and got["api_key_owner"] == "elastic"
    assert got["scheduled_task_id"] == rule["id"] and got["next_run"]
    assert kibana.api("POST", path + "/_disable", {"untrack": True}).status_code == 204
    assert kibana.api("GET", path).json()["next_run"] is None
    assert "untrack2" in error(kibana.api("POST", path + "/_disable", {"untrack2": 1}), 400)
    kibana.api("POST", path + "/alert/host-1/_mute")
    kibana.api("POST", path + "/alert/host-1/_mute")
    assert kibana.api("GET", path).json()["muted_alert_ids"] == ["host-1"]
    kibana.api("POST", path + "/_mute_all")
    got = kibana.api("GET", path).json()
    assert got["mute_all"] is True and got["muted_alert_ids"] == []


def test_emulated_run_sets_run_fields(kibana):
    rule = create(kibana)
    ran = kibana.control("POST", f"/rules/{rule['id']}/run",
                         {"outcome": "succeeded", "alerts": {"active": 2, "new": 2}})
    assert ran["execution_status"]["status"] == "active"
    assert ran["last_run"]["alerts_count"]["active"] == 2 and ran["next_run"]
    assert ran["monitoring"]["run"]["calculated_metrics"]["success_ratio"] == 1


# --------------------------------------------------------------------------- _find


@pytest.fixture
def three(kibana):
    return [create(kibana, name="Alpha one", tags=["t1"]),
            create(kibana, name="beta-two", tags=["t2"], enabled=False),
            create(kibana, name="gamma alpha", tags=["t1", "t3"])]


@pytest.mark.parametrize("query, names", [
    ({"filter": "alert.attributes.tags:t1"}, ["Alpha one", "gamma alpha"]),
    ({"filter": "alert.attributes.tags:(t2 or t3)"}, ["beta-two", "gamma alpha"]),
    ({"filter": 'alert.attributes.name:"alpha one"'}, ["Alpha one"]),
    ({"filter": "alert.attributes.name:alpha and not alert.attributes.tags:t3"}, ["Alpha one"]),
    ({"filter": "alert.attributes.enabled:false"}, ["beta-two"]),
    ({"search": "beta-two", "search_fields": "name"}, ["beta-two"]),
    ({"search": "alpha", "search_fields": "name", "sort_field": "name", "sort_order": "desc"},
     ["gamma alpha", "Alpha one"]),
    ({"search": '"one alpha"', "search_fields": "name"}, []),
])
def test_find_filters(kibana, three, query, names):
    found = kibana.api("GET", FIND, params=query).json()
    assert [r["name"] for r in found["data"]] == names and found["total"] == len(names)


def test_find_paging_and_errors(kibana, three):
    found = kibana.api("GET", FIND, params={"per_page": 2, "page": 2}).json()
    assert (found["page"], found["per_page"], found["total"]) == (2, 2, 3)
    assert len(found["data"]) == 1
    assert "definition for this key is missing" in error(
        kibana.api("GET", FIND, params={"perPage": 2}), 400)
    assert error(kibana.api("GET", FIND, params={"filter": "alert.attributes.nope:1"}), 400) == \
        "This key 'alert.attributes.nope' does NOT exist in alert saved object index patterns: " \
        "Bad Request"


def test_find_is_per_space(kibana, three):
    assert kibana.api("GET", FIND, space="ops").json()["total"] == 0


# --------------------------------------------------------------------------- snooze


def test_snooze_schedule_round_trip(kibana):
    rule = create(kibana)
    path = f"{RULE}/{rule['id']}/snooze_schedule"
    start = iso(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5))
    custom = {"start": start, "duration": "8h", "recurring": {"every": "1d", "occurrences": 3}}
    made = kibana.api("POST", path, {"schedule": {"custom": custom}}).json()["schedule"]
    assert made["custom"] == dict(custom, timezone="UTC")
    got = kibana.api("GET", f"{RULE}/{rule['id']}").json()
    assert got["snooze_schedule"] == [{"id": made["id"], "duration": 8 * 3600 * 1000, "rRule": {
        "count": 3, "interval": 1, "freq": 3, "dtstart": start, "tzid": "UTC"}}]
    assert got["active_snoozes"] == [made["id"]] and got["is_snoozed_until"]
    assert kibana.api("DELETE", f"{path}/{made['id']}").status_code == 204
    assert error(kibana.api("DELETE", f"{path}/{made['id']}"), 400) == \
        "Rule has no snooze schedules."
    got = kibana.api("GET", f"{RULE}/{rule['id']}").json()
    assert got["snooze_schedule"] == [] and got["is_snoozed_until"] is None


def test_snooze_validation_and_limit(kibana):
    rule = create(kibana)
    path = f"{RULE}/{rule['id']}/snooze_schedule"
    start = "2030-01-01T00:00:00.000Z"
    too_long = {"start": start, "duration": "2d", "recurring": {"every": "1d"}}
    assert error(kibana.api("POST", path, {"schedule": {"custom": too_long}}), 400).endswith(
        "Recurrence every 1d must be longer than the duration 2d.")
    assert error(kibana.api("POST", path, {"schedule": {}}), 400) == "A schedule is required"
    for hour in range(5):
        kibana.api("POST", path, {"schedule": {"custom": {
            "start": f"2030-01-01T0{hour}:00:00.000Z", "duration": "1h"}}})
    assert error(kibana.api("POST", path, {"schedule": {"custom": {
        "start": start, "duration": "1h"}}}), 400) == "Rule cannot have more than 5 snooze schedules"
    assert error(kibana.api("DELETE", f"{path}/nope"), 404) == \
        "Rule has no snooze schedule with id nope."


# --------------------------------------------------------------------------- versions


def test_custom_ids_need_a_uuid_before_8_17(kibana):
    kibana.config(kibana_version="8.16.2")
    assert error(kibana.api("POST", f"{RULE}/my-rule", body()), 400).startswith(
        "Predefined IDs are not allowed")
    kibana.config(kibana_version="8.17.0")
    assert create(kibana, rule_id="my-rule")["id"] == "my-rule"
    assert error(kibana.api("POST", f"{RULE}/my-rule", body(), space="ops"), 409) == \
        "Saved object [alert/my-rule] conflict"


@pytest.mark.parametrize("rule_id", [
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8",  # v1
    "6fa459ea-ee8a-3ca4-894e-db77e160355e",  # v3
    "7f2ca5d9-3a5c-5b8e-9c1a-64c1b1a0d0f1",  # v5 (what ansible.builtin.to_uuid returns)
    "00000000-0000-0000-0000-000000000000",  # nil
    "4F6C2A2C-4B8D-4D43-9A37-8C5E4D2AB0A1",  # v4, upper case
])
def test_before_8_17_any_uuid_of_versions_1_to_5_or_nil_is_a_valid_id(kibana, rule_id):
    # UUID_REGEX, src/core/packages/saved-objects/utils-server/src/saved_objects_utils.ts.
    kibana.config(kibana_version="8.16.2")
    assert create(kibana, rule_id=rule_id)["id"] == rule_id


def test_before_8_17_a_non_uuid_id_gets_the_eso_message_with_its_suffix(kibana):
    # x-pack/test/alerting_api_integration/spaces_only/tests/alerting/group1/create.ts
    # ("should not allow providing simple custom ids (non uuid)") before 8.17.
    kibana.config(kibana_version="8.16.2")
    assert error(kibana.api("POST", f"{RULE}/1", body()), 400) == (
        "Predefined IDs are not allowed for saved objects with encrypted attributes unless the "
        "ID is a UUID.: Bad Request")
    # version 6 is not a UUID to Kibana's saved-objects utils
    assert error(kibana.api("POST", f"{RULE}/6f3b2a1c-0d4e-6a7b-8c9d-0e1f2a3b4c5d", body()),
                 400).startswith("Predefined IDs are not allowed")


def test_older_versions(kibana):
    kibana.config(kibana_version="8.5.3")
    assert "notify_when" in error(kibana.api("POST", RULE, body()), 400)
    plain = {"id": connector(kibana), "group": "threshold met", "params": {}}
    assert create(kibana, notify_when="onActiveAlert", actions=[plain])["revision"] == 0
    kibana.config(kibana_version="8.7.1")
    resp = with_api_key(kibana, "POST", RULE, body())
    assert error(resp, 400).startswith("Error creating rule: could not create API key")
    assert "alert_delay" in error(kibana.api("POST", RULE, body(alert_delay={"active": 2})), 400)
    kibana.config(kibana_version="9.0.3")
    rule = create(kibana)
    assert kibana.api("POST", f"{RULE}/{rule['id']}/snooze_schedule", {}).status_code == 404


# --------------------------------------------------------------------------- artifacts


ARTIFACTS = {"dashboards": [{"id": "d-1"}], "investigation_guide": {"blob": "## Guide"}}
INTERNAL = {"x-elastic-internal-origin": "kibana"}


def internal_get(kibana, rule_id, headers=None):
    headers = INTERNAL if headers is None else headers
    session = requests.Session()
    session.trust_env = False
    return session.get(f"{kibana.url}/internal/alerting/rule/{rule_id}",
                       auth=("elastic", "changeme"), headers=headers)


def test_public_answers_never_carry_artifacts(kibana):
    # spaces_only/tests/alerting/group1/create.ts (9.1+): not in the create nor GET answer;
    # the same on 8.19 (kibana issue #242792, "GET /api/alerting/rule/{id} does not return
    # artifacts", Kibana 8.19.7 and 9.1.7).
    made = create(kibana, artifacts=ARTIFACTS)
    assert "artifacts" not in made
    assert "artifacts" not in kibana.api("GET", f"{RULE}/{made['id']}").json()
    assert all("artifacts" not in r for r in kibana.api("GET", FIND).json()["data"])
    # the UI's internal route has them (get_rule_route.ts, excludeFromPublicApi false)
    assert internal_get(kibana, made["id"]).json()["artifacts"] == ARTIFACTS
    # 9.x restricts internal routes to callers that say they are Kibana's own UI
    assert internal_get(kibana, made["id"], headers={}).status_code == (
        400 if kibana.at_least("9.0") else 200)


def test_an_update_without_artifacts_clears_them(kibana):
    # update_rule.ts: `const artifacts = updateRuleData.artifacts ?? {}` then
    # denormalizeArtifacts -> dashboards [] and investigation_guide {blob: ''}.
    made = create(kibana, artifacts=ARTIFACTS)
    update = {"name": "rule", "schedule": {"interval": "1m"}, "params": dict(THRESHOLD)}
    assert kibana.api("PUT", f"{RULE}/{made['id']}", update).status_code == 200
    assert kibana.control("GET", f"/rules/{made['id']}/artifacts") == {
        "dashboards": [], "investigation_guide": {"blob": ""}}
    kibana.api("PUT", f"{RULE}/{made['id']}", dict(update, artifacts=ARTIFACTS))
    assert internal_get(kibana, made["id"]).json()["artifacts"] == ARTIFACTS


@pytest.mark.parametrize("version", ["8.18.3", "9.0.5"])
def test_artifacts_are_an_unknown_key_before_8_19_and_in_9_0(kibana, version):
    # kibana PR #216292 (9.1) and its only backport #218920 ([8.19]); see has_artifacts()
    kibana.config(kibana_version=version)
    assert error(kibana.api("POST", RULE, body(artifacts=ARTIFACTS)), 400) == \
        "[request body.artifacts]: definition for this key is missing"


def test_artifacts_are_accepted_and_kept_on_8_19(kibana):
    # kibana PR #218920 "[8.19] New artifacts schema in the rule creation/update/find"
    kibana.config(kibana_version="8.19.3")
    made = create(kibana, artifacts=ARTIFACTS)
    assert "artifacts" not in made
    assert kibana.control("GET", f"/rules/{made['id']}/artifacts") == ARTIFACTS


# --------------------------------------------------------------------------- group1/create.ts
# x-pack/platform/test/alerting_api_integration/spaces_only/tests/alerting/group1/create.ts


def test_create_answer_has_the_keys_kibana_asserts(kibana):
    made = create(kibana, tags=["foo"], throttle="1m")
    expected = {"id", "name", "tags", "actions", "enabled", "rule_type_id", "revision", "running",
                "consumer", "params", "created_by", "schedule", "scheduled_task_id", "updated_by",
                "api_key_owner", "api_key_created_by_user", "throttle", "notify_when", "mute_all",
                "muted_alert_ids", "created_at", "updated_at", "execution_status"}
    assert set(made) - {"next_run", "last_run"} == expected
    assert (made["throttle"], made["notify_when"]) == ("1m", "onThrottleInterval")
    assert made["updated_at"] == made["created_at"] and made["revision"] == 0


def test_a_preconfigured_connector_in_an_action_has_its_type(kibana):
    made = create(kibana, actions=[{"id": "my-slack1", "group": "threshold met",
                                    "params": {"message": "something important happened!"}}],
                  notify_when="onActiveAlert")
    assert made["actions"][0]["connector_type_id"] == ".slack"
    assert made["actions"][0]["uuid"]


def test_custom_ids_and_conflict(kibana):
    for rule_id in ("09570bb0-6299-11eb-8fde-9fe5ce6ea450", "b3bc6d83-3192-4ffd-9702-ad4fb88617ba",
                    "my_id"):
        assert create(kibana, rule_id=rule_id)["id"] == rule_id
    assert kibana.api("POST", f"{RULE}/my_id", body()).status_code == 409


def test_unknown_consumer_and_disabled_rule(kibana):
    resp = kibana.api("POST", RULE, body(consumer="some consumer patrick invented"))
    assert resp.status_code == 403
    assert resp.json() == {"statusCode": 403, "error": "Forbidden", "message":
                           'Unauthorized by "some consumer patrick invented" to create '
                           '".index-threshold" rule'}
    assert "scheduled_task_id" not in create(kibana, enabled=False)


def test_action_without_group_and_bad_timezone(kibana):
    resp = kibana.api("POST", f"{RULE}/4f6c2a2c-4b8d-4d43-9a37-8c5e4d2ab0a1", body(
        actions=[{"id": connector(kibana), "params": {}}]))
    assert error(resp, 400).startswith("Group is not defined in action ")
    resp = kibana.api("POST", RULE, body(actions=[action(connector(kibana), alerts_filter={
        "timeframe": {"days": [1, 2, 3, 4, 5, 6, 7], "timezone": "invalid",
                      "hours": {"start": "00:00", "end": "01:00"}}})]))
    assert error(resp, 400) == ("[request body.actions.0.alerts_filter.timeframe.timezone]: "
                                "string is not a valid timezone: invalid")


def test_flapping_is_echoed_and_checked(kibana):
    flapping = {"enabled": False, "look_back_window": 5, "status_change_threshold": 5}
    if not kibana.at_least("9.3"):
        # flapping.enabled is 9.3 (alerting-rules.md version table [spec][tf]): unknown before
        assert error(kibana.api("POST", RULE, body(flapping=flapping)), 400) == \
            "[request body.flapping.enabled]: definition for this key is missing"
        del flapping["enabled"]
    made = create(kibana, flapping=flapping)
    assert made["flapping"] == flapping
    for flapping in ({"look_back_window": 5, "status_change_threshold": 10},
                     {"look_back_window": -5, "status_change_threshold": -5}):
        assert kibana.api("POST", RULE, body(flapping=flapping)).status_code == 400
