"""The params schemas of the rule types a 9.4 stack registers, as the rule types validate them
(`validate.params` of each registerType: 400 `params invalid: <config-schema message>`).

Source: Kibana's response-ops rule params package,
src/platform/packages/shared/response-ops/rule_params/<type>/v1.ts (`P/` below), which each rule
type passes as `validate.params` (checked for metrics threshold and inventory:
x-pack/solutions/observability/plugins/infra/server/lib/alerting/*/register_*_rule_type.ts; APM
register_error_count_rule_type.ts; synthetics status_rule; uptime legacy_uptime/lib/alerts/
status_check.ts; slo register_burn_rate_rule_type; transform register_transform_health_rule_type;
dataset_quality degraded_docs/register.ts). The config-schema semantics encoded here:
- `schema.object` is strict (unknown keys: `definition for this key is missing`) unless the
  schema says `unknowns: 'allow'`; an absent object is validated as `{}` (its children's
  defaults filled in, a required child reported by its own path); `schema.maybe` leaves it out.
- `schema.nullable(x)` is `oneOf([x, literal(null)])` with default null: an absent key comes
  back as null.
- `oneOfLiterals` (P/common/utils.ts) is a string with `must be one of a | b | ...`.
"""

import json

from ..errors import bad_request
from ..schema import (UNDEFINED, AnyOf, Field, Literal, Never, array_size, between,
                      check_object, one_of, text)


class Obj(Field):
    """schema.object(fields): absent counts as {} unless `optional` (schema.maybe)."""

    def __init__(self, fields, optional=False, unknowns_allowed=False, validate=None):
        super().__init__("object", fields=fields, strict=not unknowns_allowed, validate=validate)
        self.optional = optional

    def check(self, value, where):
        if value is UNDEFINED:
            if self.optional:
                return UNDEFINED
            value = {}
        out = check_object(value, self.fields, where, strict=self.strict)
        if self.validate is not None:
            problem = self.validate(out)
            if problem:
                raise bad_request(f"[{where}]: {problem}")
        return out


def nullable(field):
    """schema.nullable(field): absent -> null."""
    return AnyOf(field, Literal(None), default=None)


def string(required=True, **kwargs):
    return Field("string", required=required, **kwargs)


def number(required=True, **kwargs):
    return Field("number", required=required, **kwargs)


def boolean(required=True, **kwargs):
    return Field("boolean", required=required, **kwargs)


def array_of(item, required=True, **kwargs):
    return Field("array", required=required, items=item, **kwargs)


def strings(required=False, **kwargs):
    return array_of(Field("string"), required=required, **kwargs)


def numbers(required=True):
    return array_of(Field("number"), required=required)


def one_of_literals(values, required=True):
    """P/common/utils.ts oneOfLiterals."""
    values = tuple(values)
    return Field("string", required=required, validate=lambda v: (
        None if v in values else "must be one of " + " | ".join(values)))


# @kbn/alerting-comparators COMPARATORS (values; their order in the message is [unverified]),
# and LEGACY_COMPARATORS.OUTSIDE_RANGE (P/common/utils.ts).
COMPARATORS = (">", ">=", "<", "<=", "between", "notBetween")
METRIC_COMPARATORS = COMPARATORS + ("outside",)
FILTER_QUERY_MESSAGE = "filterQuery must be a valid Elasticsearch filter expressed in JSON"


def es_json_filter(value):
    """P/common/utils.ts validateIsStringElasticsearchJSONFilter: '' clears the filter, else
    JSON whose `bool` is not empty (lodash isEmpty)."""
    if value == "":
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return FILTER_QUERY_MESSAGE
    clause = parsed.get("bool") if isinstance(parsed, dict) else None
    if isinstance(clause, (dict, list, str)) and len(clause) > 0:
        return None
    return FILTER_QUERY_MESSAGE


# ------------------------------------------------------------------ metrics threshold
# P/metric_threshold/v1.ts

METRIC_AGGREGATIONS = ("avg", "max", "min", "cardinality", "rate", "count", "sum", "p95", "p99",
                       "custom")


def _base_criterion():
    return {
        "threshold": numbers(),
        "comparator": one_of_literals(METRIC_COMPARATORS),
        "timeUnit": string(),
        "timeSize": number(),
        "warningThreshold": numbers(required=False),
        "warningComparator": one_of_literals(METRIC_COMPARATORS, required=False),
    }


COUNT_CRITERION = Obj(dict(_base_criterion(), aggType=Literal("count", required=True),
                           metric=Never(), customMetrics=Never(), equation=Never(),
                           label=Never()))
NON_COUNT_CRITERION = Obj(dict(_base_criterion(), metric=string(),
                               aggType=one_of_literals(METRIC_AGGREGATIONS),
                               customMetrics=Never(), equation=Never(), label=Never()))
CUSTOM_CRITERION = Obj(dict(
    _base_criterion(), aggType=Literal("custom", required=True), metric=Never(),
    customMetrics=array_of(AnyOf(
        Obj({"name": string(),
             "aggType": one_of_literals(("avg", "sum", "max", "min", "cardinality")),
             "field": string(), "filter": Never()}),
        Obj({"name": string(), "aggType": Literal("count", required=True),
             "filter": string(required=False), "field": Never()}))),
    equation=string(required=False), label=string(required=False)))

# dataViewSpecSchema (P/common/data_view_spec_schema.ts) is taken as any object here.
SEARCH_CONFIGURATION = Obj({
    "index": AnyOf(Field("string"), Field("object", strict=False), required=True),
    "query": Obj({"language": string(), "query": string()}),  # KQL syntax not checked
}, optional=True)

METRIC_THRESHOLD = {
    "criteria": array_of(AnyOf(COUNT_CRITERION, NON_COUNT_CRITERION, CUSTOM_CRITERION)),
    "groupBy": AnyOf(Field("string"), strings()),
    "filterQuery": string(required=False, validate=es_json_filter),
    "sourceId": string(required=False),
    "alertOnNoData": boolean(required=False),
    "alertOnGroupDisappear": boolean(required=False),
    "searchConfiguration": SEARCH_CONFIGURATION,
}

# ------------------------------------------------------------------ inventory threshold
# P/metric_inventory_threshold/v1.ts

SNAPSHOT_METRICS = (
    "count", "cpuV2", "cpu", "diskLatency", "diskSpaceUsage", "load", "memory", "memoryFree",
    "memoryTotal", "normalizedLoad1m", "tx", "rx", "txV2", "rxV2", "logRate", "diskIOReadBytes",
    "diskIOWriteBytes", "s3TotalRequests", "s3NumberOfObjects", "s3BucketSize",
    "s3DownloadBytes", "s3UploadBytes", "rdsConnections", "rdsQueriesExecuted",
    "rdsActiveTransactions", "rdsLatency", "sqsMessagesVisible", "sqsMessagesDelayed",
    "sqsMessagesSent", "sqsMessagesEmpty", "sqsOldestMessage", "custom")

INVENTORY_THRESHOLD = {
    "criteria": array_of(Obj({
        "threshold": numbers(),
        "comparator": one_of_literals(METRIC_COMPARATORS),
        "timeUnit": string(),
        "timeSize": number(),
        "metric": one_of_literals(SNAPSHOT_METRICS),
        "warningThreshold": numbers(required=False),
        "warningComparator": one_of_literals(METRIC_COMPARATORS, required=False),
        "customMetric": Obj({
            "type": Literal("custom", required=True), "id": string(), "field": string(),
            "aggregation": one_of_literals(("avg", "max", "min", "rate")),
            "label": string(required=False)}, optional=True),
    })),
    "nodeType": string(),
    "filterQuery": string(required=False, validate=es_json_filter),
    "sourceId": string(required=False),
    "alertOnNoData": boolean(required=False),
    "searchConfiguration": SEARCH_CONFIGURATION,
}

# ------------------------------------------------------------------ APM
# P/error_count/v1.ts, transaction_error_rate/v1.ts, transaction_duration/v1.ts,
# apm_anomaly/v1.ts; searchConfiguration: P/common/search_configuration_schema.ts.

APM_SEARCH_CONFIGURATION = Obj({"query": Obj({
    "query": AnyOf(Field("string"), Field("object", strict=False), required=True),
    "language": string()})}, optional=True)


# keys in the order the schemas declare them (Joi reports the first failing key)
ERROR_COUNT = {
    "windowSize": number(), "windowUnit": string(), "threshold": number(),
    "serviceName": string(required=False), "environment": string(), "groupBy": strings(),
    "errorGroupingKey": string(required=False), "useKqlFilter": boolean(required=False),
    "searchConfiguration": APM_SEARCH_CONFIGURATION,
}
TRANSACTION_ERROR_RATE = {
    "windowSize": number(), "windowUnit": string(), "threshold": number(),
    "transactionType": string(required=False), "transactionName": string(required=False),
    "serviceName": string(required=False), "environment": string(), "groupBy": strings(),
    "useKqlFilter": boolean(required=False), "searchConfiguration": APM_SEARCH_CONFIGURATION,
}
TRANSACTION_DURATION = {
    "serviceName": string(required=False), "transactionType": string(required=False),
    "transactionName": string(required=False), "windowSize": number(), "windowUnit": string(),
    "threshold": number(), "aggregationType": one_of("avg", "95th", "99th", required=True),
    "environment": string(), "groupBy": strings(), "useKqlFilter": boolean(required=False),
    "searchConfiguration": APM_SEARCH_CONFIGURATION,
}
# ML_ANOMALY_SEVERITY critical, major, minor, warning (@kbn/ml-anomaly-utils)
APM_ANOMALY = {
    "serviceName": string(required=False), "transactionType": string(required=False),
    "windowSize": number(), "windowUnit": string(), "environment": string(),
    "anomalySeverityType": one_of("critical", "major", "minor", "warning", required=True),
    "anomalyDetectorTypes": array_of(one_of("txLatency", "txThroughput", "txFailureRate"),
                                     required=False, validate=array_size(1)),
}

# ------------------------------------------------------------------ synthetics and uptime
# P/synthetics_monitor_status/v1.ts, synthetics_tls/v1.ts, uptime_monitor_status/v1.ts,
# uptime_tls/v1.ts, uptime_duration_anomaly/v1.ts; the legacy TLS type: uptime
# legacy_uptime/lib/alerts/tls_legacy.ts (`schema.object({})`).

SYNTHETICS_MONITOR_STATUS = {
    # schema.maybe(schema.string({defaultValue})) drops the default: absent stays absent
    "condition": Obj({
        "groupBy": string(required=False),
        "downThreshold": number(required=False),
        "locationsThreshold": number(required=False),
        "window": AnyOf(
            Obj({"time": Obj({"unit": one_of("s", "m", "h", "d", default="m"),
                              "size": number(required=False, default=5)})}),
            Obj({"numberOfChecks": number(required=False, default=5,
                                          validate=between(1, 100))}),
            required=True),
        "includeRetests": boolean(required=False),
    }, optional=True),
    "monitorIds": strings(), "locations": strings(), "tags": strings(),
    "monitorTypes": strings(), "projects": strings(), "kqlQuery": string(required=False),
}
SYNTHETICS_TLS = {
    "search": string(required=False), "certExpirationThreshold": number(required=False),
    "certAgeThreshold": number(required=False), "investigationGuide": string(required=False),
}
UPTIME_MONITOR_STATUS = {
    "stackVersion": string(required=False),
    "availability": Obj({"range": number(), "rangeUnit": string(), "threshold": string()},
                        optional=True),
    "filters": AnyOf(Obj({"monitor.type": strings(), "observer.geo.name": strings(),
                          "tags": strings(), "url.port": strings()}),
                     Field("string")),
    "locations": strings(),
    "numTimes": number(),
    "search": string(required=False),
    "shouldCheckStatus": boolean(),
    "shouldCheckAvailability": boolean(),
    "timerangeCount": number(required=False),
    "timerangeUnit": string(required=False),
    "timerange": Obj({"from": string(), "to": string()}, optional=True),
    "version": number(required=False),
    "isAutoGenerated": boolean(required=False),
}
UPTIME_TLS = {
    "stackVersion": string(required=False), "search": string(required=False),
    "certExpirationThreshold": number(required=False), "certAgeThreshold": number(required=False),
}
UPTIME_DURATION_ANOMALY = {"stackVersion": string(required=False), "monitorId": string(),
                           "severity": number()}

# ------------------------------------------------------------------ SLO burn rate
# P/slo_burn_rate/v1.ts

DURATION = Obj({"value": number(), "unit": string()})
SLO_BURN_RATE = {
    "sloId": string(),
    "windows": array_of(Obj({
        "id": string(), "burnRateThreshold": number(),
        "maxBurnRateThreshold": nullable(Field("number")),
        "longWindow": DURATION, "shortWindow": DURATION, "actionGroup": string()})),
    "dependencies": array_of(Obj({"ruleId": string(),
                                  "actionGroupsToSuppressOn": strings(required=True)}),
                             required=False),
}

# ------------------------------------------------------------------ transform and ML
# P/transform_health/v1.ts, anomaly_detection/v1.ts, anomaly_detection_jobs_health/v1.ts,
# jobsSelectionSchema (P/common/utils.ts).


def enabled(default):
    return nullable(Obj({"enabled": boolean(required=False, default=default)}))


TRANSFORM_HEALTH = {
    "includeTransforms": strings(required=True),
    "excludeTransforms": nullable(strings(default=list)),
    "testsConfig": nullable(Obj({"notStarted": enabled(True), "errorMessages": enabled(False),
                                 "healthCheck": enabled(True)})),
}


def _job_selection_problem(selection):
    if not selection.get("jobIds") and not selection.get("groupIds"):
        return "Job selection is required"
    return None


def job_selection():
    return Obj({"jobIds": strings(default=list), "groupIds": strings(default=list)},
               validate=_job_selection_problem)


ANOMALY_DETECTION = {
    "jobSelection": job_selection(),
    "severity": number(validate=between(0, 100)),
    "resultType": one_of("record", "bucket", "influencer", required=True),
    "includeInterim": boolean(required=False, default=True),
    "lookbackInterval": nullable(Field("string")),
    "topNBuckets": nullable(Field("number", validate=between(1))),
    # KQL syntax and the fields a custom filter may use are not checked (validateCustomFilter)
    "kqlQueryString": nullable(Field("string")),
}
JOBS_HEALTH = {
    "includeJobs": job_selection(),
    "excludeJobs": nullable(job_selection()),
    "testsConfig": nullable(Obj({
        "datafeed": enabled(True),
        "mml": enabled(True),
        "delayedData": nullable(Obj({"enabled": boolean(required=False, default=True),
                                     "docsCount": nullable(Field("number",
                                                                 validate=between(1))),
                                     "timeInterval": nullable(Field("string"))})),
        "behindRealtime": nullable(Obj({"enabled": boolean(required=False, default=True),
                                        "timeInterval": nullable(Field("string"))})),
        "errorMessages": enabled(True),
    })),
}

# ------------------------------------------------------------------ stack

# P/geo_containment/v1.ts
GEO_CONTAINMENT = {name: text(required=True) for name in (
    "index", "indexId", "geoField", "entity", "dateField", "boundaryType", "boundaryIndexTitle",
    "boundaryIndexId", "boundaryGeoField")}
GEO_CONTAINMENT.update({"boundaryNameField": text(), "indexQuery": Field("any"),
                        "boundaryIndexQuery": Field("any")})

# P/degraded_docs/v1.ts (comparators without `outside`)
DEGRADED_DOCS = {
    "name": string(), "timeUnit": string(), "timeSize": number(), "threshold": numbers(),
    "comparator": one_of_literals(COMPARATORS), "groupBy": strings(),
}
