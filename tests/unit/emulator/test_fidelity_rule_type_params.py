"""Each rule type a 9.4 stack registers validates its params as its `validate.params` schema
does: required keys, types, enums, defaults Kibana stores, strict or open objects, and the
`params invalid: ...` text (the rule type's error behind the rules client's prefix;
security_and_spaces group1 alerting/create.ts asserts `params invalid: [param1]: expected value
of type [string] but got [undefined]`). Every case names its schema: `P/` =
src/platform/packages/shared/response-ops/rule_params/. Rows: tests/emulator/FIDELITY.md
"Rule type params" (T...)."""

import pytest

from .test_emulator_alerting_rules import RULE, error

CRITERION = {"comparator": ">", "threshold": [1], "timeSize": 1, "timeUnit": "m"}
SLO_WINDOW = {"id": "w1", "burnRateThreshold": 14.4, "longWindow": {"value": 1, "unit": "h"},
              "shortWindow": {"value": 5, "unit": "m"}, "actionGroup": "slo.burnRate.alert"}
APM = {"windowSize": 5, "windowUnit": "m", "threshold": 1, "environment": "ENVIRONMENT_ALL"}
GEO = {k: k for k in ("index", "indexId", "geoField", "entity", "dateField", "boundaryType",
                      "boundaryIndexTitle", "boundaryIndexId", "boundaryGeoField")}


def create(kibana, rule_type_id, params, consumer="alerts"):
    return kibana.api("POST", RULE, {"name": "r", "rule_type_id": rule_type_id,
                                     "consumer": consumer, "schedule": {"interval": "1m"},
                                     "params": params})


def stored(kibana, rule_type_id, params, consumer="alerts"):
    resp = create(kibana, rule_type_id, params, consumer)
    assert resp.status_code == 200, resp.text
    again = kibana.api("GET", f"{RULE}/{resp.json()['id']}").json()
    assert again["params"] == resp.json()["params"]
    return again["params"]


def refused(kibana, rule_type_id, params, consumer="alerts"):
    return error(create(kibana, rule_type_id, params, consumer), 400)


# T1 P/metric_threshold/v1.ts: criteria oneOf count / non-count / custom; unknowns allowed at
# the root only; oneOfLiterals comparators (+ legacy `outside`); filterQuery must be a JSON
# bool filter.
def test_metric_threshold(kibana):
    count = dict(CRITERION, aggType="count")
    assert stored(kibana, "metrics.alert.threshold", {"criteria": [count], "extra": 1}) == \
        {"criteria": [count], "extra": 1}
    custom = dict(CRITERION, aggType="custom", customMetrics=[
        {"name": "A", "aggType": "avg", "field": "system.cpu.total.pct"},
        {"name": "B", "aggType": "count", "filter": "host.name: a"}], equation="A/B")
    stored(kibana, "metrics.alert.threshold", {"criteria": [custom], "groupBy": ["host.name"],
                                               "filterQuery": '{"bool":{"filter":[]}}'})
    assert refused(kibana, "metrics.alert.threshold", {}) == \
        "params invalid: [criteria]: expected value of type [array] but got [undefined]"
    assert refused(kibana, "metrics.alert.threshold",
                   {"criteria": [dict(CRITERION, aggType="avg")]}) == (
        "params invalid: [criteria.0]: types that failed validation:\n"
        "- [criteria.0.0.aggType]: expected value to equal [count]\n"
        "- [criteria.0.1.metric]: expected value of type [string] but got [undefined]\n"
        "- [criteria.0.2.aggType]: expected value to equal [custom]")
    bad = dict(count, comparator="gt")
    assert "[criteria.0.0.comparator]: must be one of > | >= | < | <= | between | " \
           "notBetween | outside" in refused(kibana, "metrics.alert.threshold",
                                             {"criteria": [bad]})
    assert refused(kibana, "metrics.alert.threshold", {"criteria": [dict(count, x=1)]}) \
        .startswith("params invalid: [criteria.0]: types that failed validation:\n"
                    "- [criteria.0.0.x]: definition for this key is missing")
    assert refused(kibana, "metrics.alert.threshold",
                   {"criteria": [count], "filterQuery": '{"match_all":{}}'}) == \
        "params invalid: [filterQuery]: filterQuery must be a valid Elasticsearch filter " \
        "expressed in JSON"


# T2 P/metric_inventory_threshold/v1.ts: nodeType required, metric among the snapshot metrics,
# customMetric strict, unknowns allowed at the root.
def test_inventory_threshold(kibana):
    criterion = dict(CRITERION, metric="cpu")
    params = {"criteria": [criterion], "nodeType": "host", "sourceId": "default", "other": True}
    assert stored(kibana, "metrics.alert.inventory.threshold", params) == params
    assert refused(kibana, "metrics.alert.inventory.threshold", {"criteria": [criterion]}) == \
        "params invalid: [nodeType]: expected value of type [string] but got [undefined]"
    assert refused(kibana, "metrics.alert.inventory.threshold",
                   {"criteria": [dict(criterion, metric="cpuPct")], "nodeType": "host"}) \
        .startswith("params invalid: [criteria.0.metric]: must be one of count | cpuV2 | cpu |")
    custom = dict(criterion, metric="custom", customMetric={
        "type": "custom", "id": "c", "field": "f", "aggregation": "sum"})
    assert refused(kibana, "metrics.alert.inventory.threshold",
                   {"criteria": [custom], "nodeType": "host"}) == \
        "params invalid: [criteria.0.customMetric.aggregation]: must be one of avg | max | " \
        "min | rate"


# T3 P/error_count/v1.ts, transaction_error_rate/v1.ts, transaction_duration/v1.ts,
# apm_anomaly/v1.ts: `environment` is required, strict objects, literal enums.
def test_apm_rule_types(kibana):
    for type_id in ("apm.error_rate", "apm.transaction_error_rate"):
        assert stored(kibana, type_id, dict(APM, serviceName="svc", groupBy=["service.name"])) \
            == dict(APM, serviceName="svc", groupBy=["service.name"])
        assert refused(kibana, type_id, {k: v for k, v in APM.items() if k != "environment"}) \
            == "params invalid: [environment]: expected value of type [string] but got " \
               "[undefined]"
        assert refused(kibana, type_id, dict(APM, kqlFilter="x")) == \
            "params invalid: [kqlFilter]: definition for this key is missing"
    assert refused(kibana, "apm.transaction_duration", dict(APM, aggregationType="90th")) == (
        "params invalid: [aggregationType]: types that failed validation:\n"
        "- [aggregationType.0]: expected value to equal [avg]\n"
        "- [aggregationType.1]: expected value to equal [95th]\n"
        "- [aggregationType.2]: expected value to equal [99th]")
    stored(kibana, "apm.transaction_duration", dict(APM, aggregationType="95th"))
    anomaly = {"windowSize": 30, "windowUnit": "m", "environment": "prod",
               "anomalySeverityType": "critical"}
    stored(kibana, "apm.anomaly", dict(anomaly, anomalyDetectorTypes=["txLatency"]))
    assert refused(kibana, "apm.anomaly", dict(anomaly, anomalyDetectorTypes=[])) == \
        "params invalid: [anomalyDetectorTypes]: array size is [0], but cannot be smaller than [1]"
    assert refused(kibana, "apm.anomaly", dict(anomaly, threshold=1)) == \
        "params invalid: [threshold]: definition for this key is missing"


# T4 P/synthetics_monitor_status/v1.ts, synthetics_tls/v1.ts: everything optional; the window
# is oneOf {time: {unit default m, size default 5}} / {numberOfChecks 1..100, default 5}.
def test_synthetics_rule_types(kibana):
    assert stored(kibana, "xpack.synthetics.alerts.monitorStatus", {}) == {}
    assert stored(kibana, "xpack.synthetics.alerts.monitorStatus",
                  {"condition": {"window": {"time": {}}}, "monitorIds": ["m"]}) == \
        {"condition": {"window": {"time": {"unit": "m", "size": 5}}}, "monitorIds": ["m"]}
    assert stored(kibana, "xpack.synthetics.alerts.monitorStatus",
                  {"condition": {"window": {"numberOfChecks": 3}, "downThreshold": 2}}) == \
        {"condition": {"window": {"numberOfChecks": 3}, "downThreshold": 2}}
    assert refused(kibana, "xpack.synthetics.alerts.monitorStatus", {"condition": {}}) == \
        "params invalid: [condition.window]: expected at least one defined value but got " \
        "[undefined]"
    assert refused(kibana, "xpack.synthetics.alerts.monitorStatus",
                   {"condition": {"window": {"numberOfChecks": 101}}}).endswith(
        "- [condition.window.1.numberOfChecks]: Value must be equal to or lower than [100].")
    stored(kibana, "xpack.synthetics.alerts.tls", {"certExpirationThreshold": 30})
    assert refused(kibana, "xpack.synthetics.alerts.tls", {"certExpirationThreshold": "30"}) \
        == "params invalid: [certExpirationThreshold]: expected value of type [number] but " \
           "got [string]"


# T5 P/uptime_monitor_status/v1.ts (numTimes, shouldCheckStatus, shouldCheckAvailability
# required), uptime_tls/v1.ts, uptime_duration_anomaly/v1.ts; the legacy TLS type takes no
# params at all (uptime legacy_uptime/lib/alerts/tls_legacy.ts `schema.object({})`).
def test_uptime_rule_types(kibana):
    status = {"numTimes": 5, "shouldCheckStatus": True, "shouldCheckAvailability": False,
              "timerangeCount": 15, "timerangeUnit": "m", "search": ""}
    assert stored(kibana, "xpack.uptime.alerts.monitorStatus", status) == status
    assert refused(kibana, "xpack.uptime.alerts.monitorStatus", {"numTimes": 5}) == \
        "params invalid: [shouldCheckStatus]: expected value of type [boolean] but got " \
        "[undefined]"
    assert refused(kibana, "xpack.uptime.alerts.monitorStatus",
                   dict(status, availability={"range": 30, "rangeUnit": "d"})) == \
        "params invalid: [availability.threshold]: expected value of type [string] but got " \
        "[undefined]"
    stored(kibana, "xpack.uptime.alerts.tlsCertificate", {"certAgeThreshold": 730})
    assert stored(kibana, "xpack.uptime.alerts.tls", {}) == {}
    assert refused(kibana, "xpack.uptime.alerts.tls", {"search": "x"}) == \
        "params invalid: [search]: definition for this key is missing"
    assert refused(kibana, "xpack.uptime.alerts.durationAnomaly", {"monitorId": "m"}) == \
        "params invalid: [severity]: expected value of type [number] but got [undefined]"


# T6 P/slo_burn_rate/v1.ts: sloId and windows required; maxBurnRateThreshold nullable (null
# when absent); window objects strict.
def test_slo_burn_rate(kibana):
    assert stored(kibana, "slo.rules.burnRate", {"sloId": "s", "windows": [SLO_WINDOW]}) == \
        {"sloId": "s", "windows": [dict(SLO_WINDOW, maxBurnRateThreshold=None)]}
    assert refused(kibana, "slo.rules.burnRate", {"windows": []}) == \
        "params invalid: [sloId]: expected value of type [string] but got [undefined]"
    window = {k: v for k, v in SLO_WINDOW.items() if k != "shortWindow"}
    assert refused(kibana, "slo.rules.burnRate", {"sloId": "s", "windows": [window]}) == \
        "params invalid: [windows.0.shortWindow.value]: expected value of type [number] but " \
        "got [undefined]"
    assert refused(kibana, "slo.rules.burnRate",
                   {"sloId": "s", "windows": [dict(SLO_WINDOW, severity="high")]}) == \
        "params invalid: [windows.0.severity]: definition for this key is missing"


# T7 P/transform_health/v1.ts: includeTransforms required; excludeTransforms and testsConfig
# nullable (null when absent); a test object gets its `enabled` default.
def test_transform_health(kibana):
    assert stored(kibana, "transform_health", {"includeTransforms": ["*"]}) == \
        {"includeTransforms": ["*"], "excludeTransforms": None, "testsConfig": None}
    assert stored(kibana, "transform_health", {"includeTransforms": ["t"],
                                               "testsConfig": {"errorMessages": {}}}) == {
        "includeTransforms": ["t"], "excludeTransforms": None,
        "testsConfig": {"notStarted": None, "errorMessages": {"enabled": False},
                        "healthCheck": None}}
    assert refused(kibana, "transform_health", {}) == \
        "params invalid: [includeTransforms]: expected value of type [array] but got [undefined]"
    assert refused(kibana, "transform_health",
                   {"includeTransforms": ["*"], "excludeTransforms": "t"}) == (
        "params invalid: [excludeTransforms]: types that failed validation:\n"
        "- [excludeTransforms.0]: expected value of type [array] but got [string]\n"
        "- [excludeTransforms.1]: expected value to equal [null]")


# T8 P/anomaly_detection/v1.ts and jobsSelectionSchema: job selection needs a job or a group
# (`Job selection is required`), severity 0..100, resultType literal, includeInterim default
# true, the nullable overrides null; P/anomaly_detection_jobs_health/v1.ts likewise.
def test_ml_rule_types(kibana):
    params = {"jobSelection": {"jobIds": ["j1"]}, "severity": 75, "resultType": "bucket"}
    assert stored(kibana, "xpack.ml.anomaly_detection_alert", params) == {
        "jobSelection": {"jobIds": ["j1"], "groupIds": []}, "severity": 75,
        "resultType": "bucket", "includeInterim": True, "lookbackInterval": None,
        "topNBuckets": None, "kqlQueryString": None}
    assert refused(kibana, "xpack.ml.anomaly_detection_alert",
                   dict(params, jobSelection={})) == \
        "params invalid: [jobSelection]: Job selection is required"
    assert refused(kibana, "xpack.ml.anomaly_detection_alert", dict(params, severity=101)) == \
        "params invalid: [severity]: Value must be equal to or lower than [100]."
    assert refused(kibana, "xpack.ml.anomaly_detection_alert",
                   dict(params, resultType="records")).startswith(
        "params invalid: [resultType]: types that failed validation:\n"
        "- [resultType.0]: expected value to equal [record]")
    assert stored(kibana, "xpack.ml.anomaly_detection_jobs_health",
                  {"includeJobs": {"groupIds": ["g"]}}) == {
        "includeJobs": {"jobIds": [], "groupIds": ["g"]}, "excludeJobs": None,
        "testsConfig": None}
    assert refused(kibana, "xpack.ml.anomaly_detection_jobs_health", {}) == \
        "params invalid: [includeJobs]: Job selection is required"


# T9 P/geo_containment/v1.ts (nine non-empty strings), P/degraded_docs/v1.ts (comparators
# without `outside`); monitoring types keep any params (monitoring server/rules/base_rule.ts
# `validate: (params) => params`, `isExportable: false`, as security_solution
# rule_types/query/create_query_alert_type.ts).
def test_stack_and_monitoring_rule_types(kibana):
    stored(kibana, ".geo-containment", GEO, consumer="stackAlerts")
    assert refused(kibana, ".geo-containment", dict(GEO, index=""), "stackAlerts") == \
        "params invalid: [index]: value has length [0] but it must have a minimum length of [1]."
    docs = {"name": "logs-*-*", "timeUnit": "m", "timeSize": 5, "threshold": [3],
            "comparator": ">"}
    assert stored(kibana, "datasetQuality.degradedDocs", docs, "stackAlerts") == docs
    assert refused(kibana, "datasetQuality.degradedDocs", dict(docs, comparator="outside"),
                   "stackAlerts") == \
        "params invalid: [comparator]: must be one of > | >= | < | <= | between | notBetween"
    anything = {"threshold": 85, "duration": "5m", "custom": {"any": ["thing"]}}
    assert stored(kibana, "monitoring_alert_cpu_usage", anything, "monitoring") == anything
    # base_rule.ts and the detection rule types say `isExportable: false`
    types = {t["id"]: t for t in kibana.api("GET", "/api/alerting/rule_types").json()}
    assert [t["is_exportable"] for t in (types["monitoring_alert_cpu_usage"],
                                         types["siem.queryRule"], types[".geo-containment"])] \
        == [False, False, True]


# T10 the update route validates params with the same schemas (ss-update: `params invalid`).
@pytest.mark.parametrize("type_id,params,bad,message", [
    ("slo.rules.burnRate", {"sloId": "s", "windows": [SLO_WINDOW]}, {"sloId": "s"},
     "params invalid: [windows]: expected value of type [array] but got [undefined]"),
    ("apm.error_rate", APM, dict(APM, environment=None),
     "params invalid: [environment]: expected value of type [string] but got [null]"),
])
def test_update_validates_params_with_the_type(kibana, type_id, params, bad, message):
    rule = create(kibana, type_id, params).json()
    resp = kibana.api("PUT", f"{RULE}/{rule['id']}", {
        "name": "r", "tags": [], "schedule": {"interval": "1m"}, "params": bad, "actions": []})
    assert error(resp, 400) == message


# T11 P/custom_threshold/v1.ts: comparators and metric aggregations are oneOfLiterals (`rate`
# among them, `count` only without a field), searchConfiguration required (an absent object is
# reported by its first key), its filters strict {query?, meta}; unknown root keys kept.
def test_custom_threshold(kibana):
    criterion = dict(CRITERION, metrics=[{"name": "A", "aggType": "rate", "field": "x"}])
    search = {"index": "logs-*", "query": {"query": "", "language": "kuery"},
              "filter": [{"meta": {"alias": None}}]}
    params = {"criteria": [criterion], "searchConfiguration": search, "other": 1}
    assert stored(kibana, "observability.rules.custom_threshold", params) == params
    assert refused(kibana, "observability.rules.custom_threshold", {"criteria": [criterion]}) \
        == "params invalid: [searchConfiguration.index]: expected at least one defined value " \
           "but got [undefined]"
    assert refused(kibana, "observability.rules.custom_threshold",
                   dict(params, criteria=[dict(criterion, comparator="gt")])) == \
        "params invalid: [criteria.0.comparator]: must be one of > | >= | < | <= | between | " \
        "notBetween | outside"
    counted = dict(criterion, metrics=[{"name": "A", "aggType": "count", "field": "x"}])
    assert refused(kibana, "observability.rules.custom_threshold",
                   dict(params, criteria=[counted])) == (
        "params invalid: [criteria.0.metrics.0]: types that failed validation:\n"
        "- [criteria.0.metrics.0.0.aggType]: must be one of avg | sum | min | max | "
        "cardinality | rate | p95 | p99 | last_value\n"
        "- [criteria.0.metrics.0.1.field]: a value wasn't expected to be present")
    assert refused(kibana, "observability.rules.custom_threshold",
                   dict(params, searchConfiguration=dict(search, filter=[{"query": {}}]))) == \
        "params invalid: [searchConfiguration.filter.0.meta]: expected value of type [object] " \
        "but got [undefined]"
