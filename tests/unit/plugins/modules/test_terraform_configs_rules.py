"""The Terraform provider's alerting rule acceptance tests (elastic/terraform-provider-elasticstack
internal/kibana/alertingrule/testdata/<test>/<step>/*.tf, steps in the order of acc_test.go, HEAD
f2df95a) replayed as kibana_connector + kibana_rule tasks: every step converges (second run ok,
no write).

Mapping: rule_id -> id, interval -> schedule, alert_delay N -> alert_delay.active, actions.id (a
connector's id) -> actions[].connector_name, alerts_filter.timeframe.hours_start/_end ->
alerts_filter.timeframe.hours.start/end, alerts_filter.kql -> alerts_filter.query.kql, params
(jsonencode) -> params. Terraform replaces what a step no longer declares; our module keeps what
a task does not set, so a step that drops tags gives `tags: []`, one that drops a params key gives
it as None, and a step that changes rule_type_id (Terraform: replace) sets `recreate: true`.
Not replayed: import steps (our lookup by name is the equivalent: see the Import case of the
connectors file), lifecycle.ignore_changes (the module never compares execution status)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from tests.unit.plugins.modules.terraform_replay import replay, task

RULE_ID = "0d6ef1de-4b3c-4a7e-8f1a-4c1d2e3f4a5b"
THRESHOLD = dict(aggType="avg", groupBy="top", termSize=10, timeWindowSize=10, timeWindowUnit="s",
                 threshold=[10], thresholdComparator=">", index=["test-index"],
                 timeField="@timestamp", aggField="version", termField="name")
EXPLICIT = dict(aggType="avg", aggField="version", timeWindowSize=10, timeWindowUnit="s",
                threshold=[10], thresholdComparator=">", index=["test-index"],
                timeField="@timestamp")
LOG_THRESHOLD = {"timeSize": 5, "timeUnit": "m",
                 "logView": {"type": "log-view-reference", "logViewId": "default"},
                 "count": {"value": 75, "comparator": "more than"},
                 "criteria": [{"field": "_id", "comparator": "matches", "value": "33"}]}
DOCUMENTS = {"documents": [{"rule_id": "{{rule.id}}", "rule_name": "{{rule.name}}",
                            "message": "{{context.message}}"}]}
FREQUENCY = {"summary": True, "notify_when": "onActionGroupChange", "throttle": "10m"}
INDEX_CONNECTOR = task("kibana_connector", name="tf-rule-index", connector_type_id=".index",
                       config={"index": "my-index", "executionTimeField": "alert_date"})
ES_QUERY_DSL = (
    '{\n    "query": {\n        "bool": {\n            "filter": [\n                {\n'
    '                    "term": {\n                        "data_stream.dataset": '
    '"kubernetes.state_container"\n                    }\n                },\n'
    '                {\n                    "term": {\n                        '
    '"kubernetes.container.status.reason": "CrashLoopBackOff"\n                    }\n'
    '                },\n                {\n                    "term": {\n'
    '                        "kubernetes.namespace": "autoops"\n                   }\n'
    '                }\n            ]\n        }\n    }\n}')
CRASHLOOP = dict(aggType="count", esQuery=ES_QUERY_DSL, excludeHitsFromPreviousRun=True,
                 groupBy="top", index=["metrics-*,metrics-*:metrics-*"], searchType="esQuery",
                 size=1, termField=["kubernetes.pod.name", "orchestrator.cluster.name"],
                 termSize=10, threshold=[10], thresholdComparator=">", timeField="@timestamp",
                 timeWindowSize=10, timeWindowUnit="m", sourceFields=[
                     {"label": label, "searchPath": label} for label in (
                         "container.id", "host.hostname", "host.id", "host.name",
                         "kubernetes.pod.uid")])
KAFKA_ESQL = (
    'FROM logs-*\n  | WHERE otelcol.component.id == "kafka"\n  | STATS errors = COUNT(error.message)'
    ' WHERE (log.level == "error" OR log.level == "warn") AND NOT (kubernetes.namespace == '
    '"motel-ingest-collector" AND MATCH_PHRASE(error.message, "context canceled")), logs = '
    'COUNT(*) BY cluster = orchestrator.cluster.name, service = kubernetes.namespace\n  | EVAL '
    'error_rate = ROUND(errors::DOUBLE / logs::DOUBLE * 100, 2)\n  | WHERE error_rate::DOUBLE > 15'
    ' AND logs > 100\n  | DROP errors, logs\n  | SORT error_rate DESC\n')


def rule(**options):
    spec = dict(name="tf-rule", id=RULE_ID, consumer="alerts", rule_type_id=".index-threshold",
                schedule="1m", enabled=True, params=THRESHOLD)
    spec.update(options)
    return task("kibana_rule", **spec)


def action(group="threshold met", params=None, **options):
    spec = dict(connector_name="tf-rule-index", group=group, params=params or DOCUMENTS)
    spec.update(options)
    return spec


WITH_ACTION = dict(actions=[action(frequency=FREQUENCY)])

# (pytest id = provider test/steps, steps); the source is testdata/<test>/<step>/*.tf
CASES = [
    # create -> update -> remove_tags -> frequency_create -> frequency_update ->
    # alerts_filter_create -> alerts_filter_update -> alert_delay_create -> alert_delay_update ->
    # actions_no_frequency_create, all on one rule_id
    ("TestAccResourceAlertingRule/create..actions_no_frequency_create", [
        [rule(notify_when="onActiveAlert")],
        [rule(notify_when="onActiveAlert", schedule="1d", enabled=False,
              tags=["first", "second"])],
        [rule(notify_when="onActiveAlert", schedule="1d", enabled=False, tags=[])],
        [INDEX_CONNECTOR, rule(**WITH_ACTION)],
        [INDEX_CONNECTOR, rule(schedule="10m", enabled=False, tags=["first", "second"], actions=[
            action(params={"documents": [{"rule_id": "{{rule.id}} 1",
                                          "rule_name": "{{rule.name}} 2",
                                          "message": "{{context.message}} 3"}]},
                   frequency={"summary": False, "notify_when": "onActiveAlert",
                              "throttle": "2h"})])],
        [INDEX_CONNECTOR, rule(rule_type_id="logs.alert.document.count", params=LOG_THRESHOLD,
                               recreate=True, actions=[action(
                                   "logs.threshold.fired", frequency=FREQUENCY, alerts_filter={
                                       "timeframe": {"days": [1, 2, 3], "timezone": "Africa/Accra",
                                                     "hours": {"start": "01:00",
                                                               "end": "07:00"}}})])],
        [INDEX_CONNECTOR, rule(rule_type_id="logs.alert.document.count", params=LOG_THRESHOLD,
                               actions=[action("logs.threshold.fired", frequency=FREQUENCY,
                                               alerts_filter={"query": {
                                                   "kql": 'kibana.alert.action_group: '
                                                          '"slo.burnRate.alert"'}})])],
        [INDEX_CONNECTOR, rule(recreate=True, alert_delay={"active": 4}, **WITH_ACTION)],
        [INDEX_CONNECTOR, rule(alert_delay={"active": 10}, **WITH_ACTION)],
        [INDEX_CONNECTOR, rule(notify_when="onActionGroupChange", actions=[
            action(frequency=None),
            action("recovered", {"documents": [{"rule_id": "{{rule.id}}",
                                                "rule_name": "{{rule.name}}",
                                                "message": "Recovered"}]})])],
    ]),
    # create_explicit -> remove_aggtype (Kibana reverts aggType to its default "count") ->
    # add_aggtype
    ("TestAccResourceAlertingRuleParamsLifecycle/create_explicit+remove_aggtype+add_aggtype", [
        [rule(notify_when="onActiveAlert", params=EXPLICIT)],
        [rule(notify_when="onActiveAlert", params=dict(EXPLICIT, aggType=None, aggField=None))],
        [rule(notify_when="onActiveAlert", params=EXPLICIT)],
    ]),
    ("TestAccResourceAlertingRuleParamsLifecycle/remove_filter_kuery", [
        [rule(id="ff33ce2d-9fc4-5131-a350-b5bd6482799f", notify_when="onActiveAlert",
              params=EXPLICIT)]]),
    ("TestAccResourceAlertingRuleEnabledFalseOnCreate/create", [
        [rule(notify_when="onActiveAlert", enabled=False)]]),
    ("TestAccResourceAlertingRuleAutoRuleID/create_no_rule_id", [
        [rule(id=None, notify_when="onActiveAlert")]]),
    ("TestAccResourceAlertingRuleFromSDK/create", [
        [rule(notify_when="onActiveAlert", params={
            "index": [".test-index"], "timeField": "@timestamp", "aggType": "count",
            "groupBy": "all", "timeWindowSize": 5, "timeWindowUnit": "m",
            "thresholdComparator": ">", "threshold": [1000]})]]),
    ("TestAccResourceAlertingRuleCustomThreshold/create", [
        [rule(id=None, rule_type_id="observability.rules.custom_threshold", consumer="logs",
              enabled=False, notify_when="onActiveAlert", params={
                  "criteria": [{"comparator": ">", "metrics": [{"name": "A", "aggType": "count"}],
                                "threshold": [1], "timeSize": 5, "timeUnit": "m"}],
                  "searchConfiguration": {"index": "logs-*", "query": {"language": "kuery",
                                                                       "query": ""}}})]]),
    # create (alert_delay 1) -> update (alert_delay no longer declared: Kibana keeps 1)
    ("TestAccResourceAlertingRuleAlertDelay/create+update", [
        [rule(id=None, name="tf-crashloop", rule_type_id=".es-query", tags=["autoops"],
              alert_delay={"active": 1}, params=CRASHLOOP)],
        [rule(id=None, name="tf-crashloop", rule_type_id=".es-query", tags=["autoops"],
              params=CRASHLOOP)]]),
    ("TestAccResourceAlertingRuleInconsistentParams/inconsistent_params (x2)", [[
        task("kibana_connector", name="acc_test_server_log_connector",
             connector_type_id=".server-log"),
        rule(id=None, name="[Motel Services] Kafka Error Rate", consumer="infrastructure",
             rule_type_id=".es-query", tags=["kafka-error-rate"], alert_delay={"active": 2},
             params={"searchType": "esqlQuery", "timeWindowSize": 5, "timeWindowUnit": "m",
                     "threshold": [0], "thresholdComparator": ">", "size": 100,
                     "esqlQuery": {"esql": KAFKA_ESQL}, "aggType": "count", "groupBy": "all",
                     "sourceFields": [], "timeField": "@timestamp"},
             actions=[dict(connector_name="acc_test_server_log_connector", group=group,
                           params={"message": "{{rule.name}} " + word},
                           frequency={"notify_when": "onActionGroupChange", "throttle": None,
                                      "summary": False})
                      for group, word in (("query matched", "matched"),
                                          ("recovered", "recovered"))])]]),
    # create (10, 3) -> update (20, 5) -> no_flapping (flapping no longer declared: kept)
    ("TestAccResourceAlertingRuleFlapping/create+update+no_flapping", [
        [INDEX_CONNECTOR, rule(flapping={"look_back_window": 10, "status_change_threshold": 3},
                               **WITH_ACTION)],
        [INDEX_CONNECTOR, rule(flapping={"look_back_window": 20, "status_change_threshold": 5},
                               **WITH_ACTION)],
        [INDEX_CONNECTOR, rule(**WITH_ACTION)]]),
    ("TestAccResourceAlertingRuleFlappingEnabled/create+update", [
        [INDEX_CONNECTOR, rule(flapping={"look_back_window": 10, "status_change_threshold": 3,
                                         "enabled": True}, **WITH_ACTION)],
        [INDEX_CONNECTOR, rule(flapping={"look_back_window": 20, "status_change_threshold": 5,
                                         "enabled": False}, **WITH_ACTION)]]),
    # throttle_create -> throttle_remove (Kibana keeps the rule-level throttle: acc_test.go) ->
    # throttle_then_action_frequency
    ("TestAccResourceAlertingRuleThrottle/create+remove+then_action_frequency", [
        [rule(notify_when="onThrottleInterval", throttle="5m")],
        [rule(notify_when="onActiveAlert")],
        [INDEX_CONNECTOR, rule(**WITH_ACTION)]]),
]


# the provider's SkipFunc version gates that the emulator's 8.x mode enforces
MIN_VERSION = {'TestAccResourceAlertingRuleFlappingEnabled/create+update': '9.3.0'}


@pytest.mark.parametrize("name, steps", [
    pytest.param(*case, id=case[0], marks=[pytest.mark.kibana_min(MIN_VERSION[case[0]])]
                 if case[0] in MIN_VERSION else []) for case in CASES])
def test_provider_rule_config_converges(kibana, run, name, steps):
    replay(kibana, run, steps)


ESQL_TOP = dict(name="tf-esql", consumer="alerts", rule_type_id=".es-query", schedule="1m",
                enabled=True, params={
                    "searchType": "esqlQuery", "timeWindowSize": 5, "timeWindowUnit": "m",
                    "threshold": [0], "thresholdComparator": ">", "size": 100,
                    "esqlQuery": {"esql": "FROM logs-* | STATS count = COUNT(*) BY rule.id"},
                    "aggType": "count", "groupBy": "top", "termField": "rule.id",
                    "termSize": 10, "timeField": "@timestamp", "sourceFields": []})


def test_provider_esql_rule_grouped_by_top_is_refused_with_kibanas_message(kibana, run):
    """TestAccResourceAlertingRuleEsqlTermField/create (gated 8.13+ by the provider, added in
    its #1914) does not converge here: groupBy "top" with searchType esqlQuery is refused by
    Kibana's es_query params validation since kibana#212135 (ES|QL grouping per row, 2025):
    "[groupBy]: groupBy should be all or row when [searchType] is esqlQuery". The module
    reports Kibana's 400 and writes nothing else."""
    result = run("kibana_rule", **ESQL_TOP)
    assert result.failed
    assert "groupBy should be all or row when [searchType] is esqlQuery" in result["msg"]
    assert [w["method"] for w in kibana.writes()] == ["POST"]


@pytest.mark.parametrize("legacy", [{"notify_when": "onActiveAlert"}, {"throttle": "5m"}],
                         ids=["notify_when_with_frequency", "throttle_with_frequency"])
def test_provider_frequency_exclusivity_is_refused_before_any_request(kibana, run, legacy):
    """TestAccResourceAlertingRuleFrequencyExclusivity/<step>: the provider refuses rule-level
    notify_when or throttle with actions[].frequency at plan time; so does the module, before
    any request (Kibana's own 400 otherwise)."""
    run("kibana_connector", name="tf-rule-index", connector_type_id=".index",
        config={"index": "my-index", "executionTimeField": "alert_date"})
    kibana.clear_log()
    spec = dict(name="tf-rule", consumer="alerts", rule_type_id=".index-threshold",
                schedule="1m", enabled=True, params=THRESHOLD, **WITH_ACTION)
    spec.update(legacy)
    for check_mode in (True, False):
        result = run("kibana_rule", check_mode=check_mode, **spec)
        assert result.failed and "frequency" in result["msg"], result.get("msg")
        assert list(legacy)[0] in result["msg"]
    assert kibana.requests() == []
