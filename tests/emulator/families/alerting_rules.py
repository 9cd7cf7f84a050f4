"""Alerting rules, per kibana-api/alerting-rules.md.

Routes: rule create/get/update/delete, _enable/_disable/_mute_all/_unmute_all/_update_api_key,
per-alert _mute/_unmute, snooze schedules, rules/_find and rule_types. Where the notes leave a
detail open, the behaviour follows Kibana's alerting plugin source (comments say so); where even
that is a guess, the comment says [unverified].
"""

import calendar
import copy
import datetime
import fnmatch
import json
import re
import zoneinfo

from ..app import Family, new_id, now_iso
from ..errors import (KibanaError, bad_request, forbidden, not_found, saved_object_conflict,
                      saved_object_not_found)
from ..schema import (ESO_ID_MESSAGE, UNDEFINED, UUID, AnyOf, Field, Literal, Never, all_of,
                      array_size, between, body_or_empty, check_object, check_root,
                      one_of, text)
from . import rule_params
from .type_registry import EXTRA_RULE_TYPES

SO_TYPE = "alert"
NOTIFY_WHEN = ("onActionGroupChange", "onActiveAlert", "onThrottleInterval")
RECOVERED = ("recovered", "Recovered")
DURATION = re.compile(r"^[1-9][0-9]*[smhd]$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Internal routes answer API clients only with x-elastic-internal-origin from 9.0
# (server.restrictInternalApis) [unverified wording].
INTERNAL_ORIGIN_SINCE = (9, 0)


def has_artifacts(version):
    """Rule artifacts (linked dashboards, investigation guide): kibana PR #216292 "New artifacts
    schema in the rule creation/update/find" (main, released in 9.1; the TF provider gates
    `artifacts.dashboards` at 9.1.0, PR #4520) and its backport #218920 "[8.19] New artifacts
    schema ..." (merged 2025-04-23), confirmed on 8.19.7 by kibana issue #242792; no 9.0
    backport was found, so 9.0.x and 8.18 and older do not know the key."""
    return version >= (9, 1) or (8, 19) <= version < (9, 0)


def duration(value):
    if not DURATION.match(value):
        return f"string is not a valid duration: {value}"
    return None


def seconds(value):
    return int(value[:-1]) * SECONDS[value[-1]]


def valid_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return f"string is not a valid timezone: {value}"
    return None


def valid_hours(value):
    if value == "24:00" or re.match(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", value):
        return None
    return f"string is not a valid time in HH:mm format {value}"


# --------------------------------------------------------------------------- rule types
# Param schemas follow the stack rule types' config-schema definitions (response-ops rule params);
# the defaults they inject are what hazard 1 of the notes is about.

COMPARATORS = (">", "<", ">=", "<=", "between", "notBetween")
AGG_TYPES = ("count", "avg", "min", "max", "sum")
MAX_GROUPS = 1000


def _member(what, allowed):
    return lambda v: None if v in allowed else f'invalid {what}: "{v}"'


def _comparator(value):
    return None if value in COMPARATORS else f"invalid thresholdComparator specified: {value}"


def _threshold_fields():
    return {
        "thresholdComparator": Field("string", required=True, validate=_comparator),
        "threshold": Field("array", required=True, items=Field("number"),
                           validate=array_size(1, 2)),
    }


def _grouping_problem(params, row_allowed):
    """Cross-field rules shared by .index-threshold and .es-query (their validateParams)."""
    if params["thresholdComparator"] in ("between", "notBetween") and len(params["threshold"]) == 1:
        return (f'[threshold]: must have two elements for the "{params["thresholdComparator"]}" '
                f"comparator")
    if params["aggType"] != "count" and not params.get("aggField"):
        return f'[aggField]: must have a value when [aggType] is "{params["aggType"]}"'
    if params["groupBy"] == "top":
        if row_allowed:
            return "[groupBy]: groupBy should be all or row when [searchType] is esqlQuery"
        if params.get("termField") is None:
            return "[termField]: termField required when [groupBy] is top"
        if params.get("termSize") is None:
            return "[termSize]: termSize required when [groupBy] is top"
        if params["termSize"] > MAX_GROUPS:
            return f"[termSize]: must be less than or equal to {MAX_GROUPS}"
    return None


INDEX_THRESHOLD_FIELDS = {
    "index": AnyOf(text(), Field("array", items=text(), validate=array_size(1)), required=True),
    "timeField": text(required=True),
    "aggType": Field("string", default="count", validate=_member("aggType", AGG_TYPES)),
    "aggField": text(),
    "groupBy": Field("string", default="all", validate=_member("groupBy", ("all", "top"))),
    "termField": text(),
    "filterKuery": Field("string"),
    "termSize": Field("number", validate=between(1)),
    "timeWindowSize": Field("number", required=True, validate=between(1)),
    "timeWindowUnit": Field("string", required=True,
                            validate=_member("timeWindowUnit", ("s", "m", "h", "d"))),
    **_threshold_fields(),
}


def index_threshold_params(params):
    out = check_root(params, INDEX_THRESHOLD_FIELDS)
    problem = _grouping_problem(out, row_allowed=False)
    if problem:
        raise bad_request(problem)
    return out


ES_QUERY_COMMON = {
    "size": Field("number", required=True, validate=between(0, 10000)),
    "timeWindowSize": Field("number", required=True, validate=between(1)),
    "excludeHitsFromPreviousRun": Field("boolean", default=True),
    "timeWindowUnit": Field("string", required=True,
                            validate=_member("timeWindowUnit", ("s", "m", "h", "d"))),
    **_threshold_fields(),
    "aggType": Field("string", default="count", validate=_member("aggType", AGG_TYPES)),
    "aggField": text(),
    "groupBy": Field("string", default="all", validate=_member("groupBy", ("all", "top", "row"))),
    "termField": AnyOf(text(), Field("array", items=Field("string"), validate=array_size(2, 4))),
    "termSize": Field("number", validate=between(1)),
    "sourceFields": Field("array", validate=array_size(None, 5), items=Field("object", fields={
        "label": Field("string", required=True), "searchPath": Field("string", required=True)})),
}
SEARCH_TYPE = one_of("searchSource", "esQuery", "esqlQuery", default="esQuery")


def es_query_params(params):
    """.es-query: `searchType` (default esQuery) decides which of esQuery/index,
    searchConfiguration or esqlQuery must (and may) be present."""
    search_type = SEARCH_TYPE.check(params.get("searchType", UNDEFINED), "searchType")
    search_type = "esQuery" if search_type is UNDEFINED else search_type
    dsl, kql, esql = (search_type == t for t in ("esQuery", "searchSource", "esqlQuery"))
    fields = dict(ES_QUERY_COMMON, searchType=SEARCH_TYPE)
    fields["timeField"] = text(required=dsl)
    fields["searchConfiguration"] = Field("object", required=True) if kql else Never()
    fields["esQuery"] = text(required=True) if dsl else Never()
    fields["index"] = (Field("array", required=True, items=text(), validate=array_size(1))
                       if dsl else Never())
    fields["esqlQuery"] = (Field("object", required=True, fields={"esql": text(required=True)})
                           if esql else Never())
    out = check_root(params, fields)
    problem = _grouping_problem(out, row_allowed=esql and out["groupBy"] == "top")
    if not problem and out["groupBy"] == "row" and not esql:
        problem = "[groupBy]: groupBy must be all or top when [searchType] is not esqlQuery"
    if not problem and esql:
        if not out.get("timeField"):
            problem = "[timeField]: is required"
        elif out["thresholdComparator"] != ">":
            problem = "[thresholdComparator]: is required to be greater than"
        elif out["threshold"][0] != 0:
            problem = "[threshold]: is required to be 0"
    if not problem and dsl:
        try:
            parsed = json.loads(out["esQuery"])
            if parsed and not (isinstance(parsed, dict) and parsed.get("query")):
                problem = '[esQuery]: must contain "query"'
        except ValueError:
            problem = "[esQuery]: must be valid JSON"
    if problem:
        raise bad_request(problem)
    return out


# response-ops rule_params/custom_threshold/v1.ts [src]: comparators and metric aggregations
# are oneOfLiterals (`must be one of ...`), `count` only in the second metric shape.
CUSTOM_THRESHOLD_AGGREGATORS = ("avg", "sum", "min", "max", "cardinality", "rate", "p95", "p99",
                                "last_value")
CUSTOM_THRESHOLD_FIELDS = {
    "criteria": Field("array", required=True, items=rule_params.Obj({
        "threshold": Field("array", required=True, items=Field("number")),
        "comparator": rule_params.one_of_literals(rule_params.METRIC_COMPARATORS),
        "timeUnit": Field("string", required=True),
        "timeSize": Field("number", required=True),
        "aggType": Literal("custom"),
        "metric": Never(),
        "metrics": Field("array", required=True, items=AnyOf(
            rule_params.Obj({
                "name": Field("string", required=True),
                "aggType": rule_params.one_of_literals(CUSTOM_THRESHOLD_AGGREGATORS),
                "field": Field("string", required=True),
                "filter": Never()}),
            rule_params.Obj({
                "name": Field("string", required=True),
                "aggType": Literal("count", required=True),
                "filter": Field("string"),
                "field": Never()}))),
        "equation": Field("string"),
        "label": Field("string"),
    })),
    "groupBy": AnyOf(Field("string"), Field("array", items=Field("string"))),
    "alertOnNoData": Field("boolean"),
    "alertOnGroupDisappear": Field("boolean"),
    "searchConfiguration": rule_params.Obj({
        "index": AnyOf(Field("string"), Field("object", strict=False), required=True),
        "query": rule_params.Obj({
            "language": Field("string", required=True), "query": Field("string", required=True)}),
        "filter": Field("array", items=rule_params.Obj({
            "query": Field("object", strict=False),
            "meta": Field("object", required=True, strict=False)})),
    }),
}


def custom_threshold_params(params):
    # `unknowns: 'allow'` at the root of this schema: extra keys are kept as sent.
    return check_root(params, CUSTOM_THRESHOLD_FIELDS, strict=False)


class RuleType:
    def __init__(self, type_id, name, producer, groups, consumers, validate_params,
                 category, context, exportable=True):
        self.id = type_id
        self.name = name
        self.producer = producer
        self.groups = list(groups)  # (id, name) without "recovered", which every type gets
        self.consumers = consumers
        self.validate_params = validate_params
        self.category = category
        self.context = context
        self.exportable = exportable

    @property
    def group_ids(self):
        return [group[0] for group in self.groups] + [RECOVERED[0]]

    def params(self, params):
        """Validated params with the type's defaults injected; 400 `params invalid: ...`."""
        try:
            return self.validate_params(params)
        except KibanaError as err:
            raise bad_request(f"params invalid: {err.message}")

    def describe(self):
        return {
            "id": self.id, "name": self.name, "category": self.category, "producer": self.producer,
            "action_groups": [{"id": g, "name": n} for g, n in self.groups + [RECOVERED]],
            "default_action_group_id": self.groups[0][0],
            "recovery_action_group": {"id": RECOVERED[0], "name": RECOVERED[1]},
            "action_variables": {
                "context": [{"name": n, "description": d} for n, d in self.context],
                "state": [], "params": []},
            "authorized_consumers": {c: {"read": True, "all": True} for c in self.consumers},
            "enabled_in_license": True, "minimum_license_required": "basic",
            "is_exportable": self.exportable, "rule_task_timeout": "5m", "does_set_recovery_context": True,
            "has_alerts_mappings": True, "has_fields_for_a_a_d": True,
            "auto_recover_alerts": True, "is_internally_managed": False,
        }


# Authorized consumers as for a superuser; which features grant which type is [unverified].
OBSERVABILITY = ["apm", "infrastructure", "logs", "observability", "slo", "uptime"]
RULE_TYPES = {t.id: t for t in [
    RuleType(".index-threshold", "Index threshold", "stackAlerts",
             [("threshold met", "Threshold met")], ["alerts", "stackAlerts"],
             index_threshold_params, "management",
             [("group", "The group that exceeded the threshold."),
              ("value", "The value that exceeded the threshold."),
              ("conditions", "A string describing the threshold comparator and threshold.")]),
    RuleType(".es-query", "Elasticsearch query", "stackAlerts",
             [("query matched", "Query matched")],
             ["alerts", "stackAlerts", "discover"] + OBSERVABILITY, es_query_params, "management",
             [("value", "The value that met the threshold condition."),
              ("hits", "The documents that met the threshold condition."),
              ("conditions", "A string describing the threshold condition.")]),
    RuleType("observability.rules.custom_threshold", "Custom threshold", "observability",
             [("custom_threshold.fired", "Alert"), ("custom_threshold.nodata", "No Data")],
             ["alerts"] + OBSERVABILITY, custom_threshold_params, "observability",
             [("group", "Object containing groups that are reporting data"),
              ("reason", "A concise description of the reason for the alert")]),
]}
# Every other type a default 9.4 stack registers, from the data registry (type_registry.py).
RULE_TYPES.update({t.id: RuleType(t.id, t.name, t.producer, t.groups, t.consumers,
                                  t.validate_params, t.category, [], t.exportable)
                   for t in EXTRA_RULE_TYPES})


# --------------------------------------------------------------------------- request bodies


def _frequency_fields():
    return {
        "summary": Field("boolean", required=True),
        "notify_when": one_of(*NOTIFY_WHEN, required=True),
        # schema.nullable() defaults to null: an omitted throttle is accepted and comes back null.
        "throttle": Field("string", nullable=True, default=None, validate=duration),
    }


def _alerts_filter_fields():
    return {
        "query": Field("object", fields={
            "kql": Field("string", required=True),
            "filters": Field("array", required=True, items=Field("object", fields={
                "query": Field("object", strict=False),
                "meta": Field("object", required=True, strict=False),
                "$state": Field("object", fields={
                    "store": one_of("appState", "globalState", required=True)}),
            })),
            "dsl": Field("string"),
        }),
        "timeframe": Field("object", fields={
            "days": Field("array", required=True, items=one_of(1, 2, 3, 4, 5, 6, 7)),
            "hours": Field("object", required=True, fields={
                "start": Field("string", required=True, validate=valid_hours),
                "end": Field("string", required=True, validate=valid_hours)}),
            "timezone": Field("string", required=True, validate=valid_timezone),
        }),
    }


def _action_fields(version):
    fields = {
        "group": Field("string"),
        "id": Field("string", required=True),
        "params": Field("object", default=dict),
        "uuid": Field("string"),
        "use_alert_data_for_template": Field("boolean"),
    }
    if version >= (8, 6):
        fields["frequency"] = Field("object", fields=_frequency_fields())
    if version >= (8, 9):
        fields["alerts_filter"] = Field("object", fields=_alerts_filter_fields())
    return fields


def body_fields(version, create):
    """The create (or update) body schema of the Kibana version being emulated: keys a version
    does not know yet are "definition for this key is missing", as they would be there."""
    fields = {"name": Field("string", required=True)}
    if create:
        fields.update({"rule_type_id": Field("string", required=True),
                       "enabled": Field("boolean", default=True),
                       "consumer": Field("string", required=True)})
    fields.update({
        "tags": Field("array", items=Field("string"), default=list),
        "throttle": Field("string", nullable=True, validate=duration),
        "params": Field("object", default=dict),
        "schedule": Field("object", required=True, fields={
            "interval": Field("string", required=True, validate=duration)}),
        "actions": Field("array", items=Field("object", fields=_action_fields(version)),
                         default=list),
        # Required (rule-level only) before per-action frequency arrived in 8.6.
        "notify_when": one_of(*NOTIFY_WHEN, nullable=True, required=version < (8, 6)),
    })
    if version >= (8, 13):
        fields["alert_delay"] = Field("object", fields={"active": Field("number", required=True)})
    if version >= (8, 16):
        flapping = {"look_back_window": Field("number", required=True, validate=between(2, 20)),
                    "status_change_threshold": Field("number", required=True,
                                                     validate=between(2, 20))}
        if version >= (9, 3):
            flapping["enabled"] = Field("boolean")
        fields["flapping"] = Field("object", nullable=True, fields=flapping)
    # artifacts: 8.19 and 9.1+ (has_artifacts); an older body with it is refused as an
    # unknown key.
    if has_artifacts(version):
        # Limits: common/routes/rule/request/schemas/v1.ts (MAX_ARTIFACTS_DASHBOARDS_LENGTH = 10,
        # MAX_ARTIFACTS_INVESTIGATION_GUIDE_LENGTH = 1000), asserted by group2/update.ts.
        fields["artifacts"] = Field("object", fields={
            "dashboards": Field("array", validate=array_size(high=10), items=Field(
                "object", fields={"id": Field("string", required=True)})),
            "investigation_guide": Field("object", fields={
                "blob": Field("string", required=True, validate=max_length(1000))}),
        })
    return fields


def check_flapping(flapping, action):
    """validateFlapping: the threshold may not exceed the window (group1/create.ts asserts the
    400; the wording is [unverified])."""
    if flapping and flapping["status_change_threshold"] > flapping["look_back_window"]:
        raise bad_request(
            f"Error {action} rule: Invalid value for statusChangeThreshold "
            f"({flapping['status_change_threshold']}), must be less than or equal to "
            f"lookBackWindow ({flapping['look_back_window']}).")


def stored_artifacts(sent):
    """What the rules client stores (denormalizeArtifacts): dashboards and guide always present,
    empty when not sent. Update passes `data.artifacts ?? {}`
    (x-pack/platform/plugins/shared/alerting/server/application/rule/methods/update/
    update_rule.ts), so an update without artifacts clears those linked before."""
    sent = sent or {}
    return {"dashboards": copy.deepcopy(sent.get("dashboards") or []),
            "investigation_guide": copy.deepcopy(sent.get("investigation_guide") or {"blob": ""})}


def max_length(high):
    return lambda v: (f"value has length [{len(v)}] but it must have a maximum length of "
                      f"[{high}]." if len(v) > high else None)


DISABLE_FIELDS = {"untrack": Field("boolean", default=False)}


# --------------------------------------------------------------------------- snooze schedules
# The "custom" schedule of POST .../snooze_schedule (alerting common/routes/schedule) and its
# conversion to the rRule form a rule shows in snooze_schedule[].

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY = re.compile(r"^(([+-])([1-4]))?(MO|TU|WE|TH|FR|SA|SU)$")
FREQUENCIES = {"y": 0, "M": 1, "w": 2, "d": 3}  # rrule's Frequency enum
MS = {"s": 1000, "m": 60000, "h": 3600000, "d": 86400000}


def parse_time(value):
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def iso(stamp):
    stamp = stamp.astimezone(datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


# The wording of the schedule messages changed (kibana-api/alerting-rules.md: "newer Kibana
# `Invalid schedule start date`, older releases `Invalid snooze start date`"; group4/snooze.ts
# asserts the newer texts). The release that changed them is [unverified]: the emulator uses the
# newer texts from 9.2 on.
SCHEDULE_WORDING_SINCE = (9, 2)


def _start_date(value, newer=True):
    if parse_time(value) is None:
        return f"Invalid {'schedule' if newer else 'snooze'} start date: {value}"
    if not ISO_DATE.match(value):
        return (f"Invalid {'schedule start' if newer else 'start'} date format: {value}. Use "
                "ISO 8601 YYYY-MM-DDTHH:mm:ss.sssZ")
    return None


def _end_date(value, newer=True):
    parsed = parse_time(value)
    if parsed is None:
        return f"Invalid {'schedule' if newer else 'snooze'} end date: {value}"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    if parsed <= datetime.datetime.now(datetime.timezone.utc):
        return f"Invalid snooze schedule end date as it is in the past: {value}"
    if not ISO_DATE.match(value):
        return f"Invalid end date format: {value}. Use ISO 8601 YYYY-MM-DDTHH:mm:ss.sssZ"
    return None


def _snooze_duration(value):
    if re.fullmatch(r"\d+[smhd]", value):
        return None
    # Kibana tests its regex unanchored, then fails to parse the leftover.
    return ("Invalid schedule duration." if re.search(r"\d+[smhd]", value)
            else f"Invalid schedule duration format: {value}")


def _every(value, newer=True):
    if re.fullmatch(r"[1-9][0-9]*[yMwdhms]", value):
        return None
    if newer:
        return f"'every' string of recurring schedule is not valid : {value}"
    return f"string is not a valid every of recurring schedule: {value}"


def _weekdays(values):
    if not values:
        return "OnWeekDay cannot be empty"
    bad = [v for v in values if not WEEKDAY.match(v)]
    return f"Invalid onWeekDay values in recurring schedule: {','.join(bad)}" if bad else None


def _schedule_timezone(value):
    return None if valid_timezone(value) is None else f"Invalid schedule timezone: {value}"


def _integer(name):
    return lambda v: None if float(v).is_integer() else f"{name} must be an integer"


def schedule_fields(newer=True):
    """The custom schedule's fields, with the message wording of a newer or older release."""
    return {
        "start": Field("string", required=True, validate=lambda v: _start_date(v, newer)),
        "duration": Field("string", required=True, validate=_snooze_duration),
        "timezone": Field("string", validate=_schedule_timezone),
        "recurring": Field("object", fields={
            "end": Field("string", validate=lambda v: _end_date(v, newer)),
            "every": Field("string", validate=lambda v: _every(v, newer)),
            "onWeekDay": Field("array", items=Field("string"), validate=_weekdays),
            "onMonthDay": Field("array", validate=array_size(1), items=Field(
                "number", validate=all_of(between(1, 31), _integer("onMonthDay")))),
            "onMonth": Field("array", validate=array_size(1), items=Field(
                "number", validate=all_of(between(1, 12), _integer("onMonth")))),
            "occurrences": Field("number", validate=all_of(between(1),
                                                           _integer("occurrences"))),
        }),
    }


def _schedule_problem(schedule):
    """validateSchedule: recurrence longer than the duration; `end` xor `occurrences`."""
    recurring = schedule.get("recurring") or {}
    every = re.search(r"(\d+)([dwMy])", recurring.get("every") or "")
    if every:
        days = {"d": 1, "w": 7, "M": 30, "y": 365}[every.group(2)] * int(every.group(1))
        number, unit = re.search(r"(\d+)([smhd])", schedule["duration"]).groups()
        if int(number) * SECONDS[unit] / 86400 >= days:
            return (f"Recurrence every {recurring['every']} must be longer than the duration "
                    f"{schedule['duration']}.")
    if recurring.get("end") and recurring.get("occurrences"):
        return "Only one of 'end' or 'occurrences' can be set for recurring schedules."
    return None


def custom_to_rrule(schedule):
    """transformCustomScheduleToRRule: duration in ms, rRule with only the keys that are set."""
    recurring = schedule.get("recurring") or {}
    every = re.search(r"(\d+)([dwMy])", recurring.get("every") or "")
    number, unit = re.search(r"(\d+)([smhd])", schedule["duration"]).groups()
    rrule = {"byweekday": recurring.get("onWeekDay"), "bymonthday": recurring.get("onMonthDay"),
             "bymonth": recurring.get("onMonth"), "until": recurring.get("end"),
             "count": recurring.get("occurrences"),
             "interval": int(every.group(1)) if every else None,
             "freq": FREQUENCIES[every.group(2)] if every else None,
             "dtstart": schedule["start"], "tzid": schedule.get("timezone") or "UTC"}
    return {"duration": int(number) * MS[unit],
            "rRule": {k: v for k, v in rrule.items() if v is not None}}


def rrule_to_custom(snooze, sent_duration):
    """transformRRuleToCustomSchedule, with the duration echoed as sent (as the route does)."""
    rrule = snooze["rRule"]
    letters = {v: k for k, v in FREQUENCIES.items()}
    recurring = {"end": iso(parse_time(rrule["until"])) if rrule.get("until") else None,
                 "every": (f"{rrule['interval']}{letters.get(rrule.get('freq'), '')}"
                           if rrule.get("interval") else None),
                 "onWeekDay": rrule.get("byweekday"), "onMonthDay": rrule.get("bymonthday"),
                 "onMonth": rrule.get("bymonth"), "occurrences": rrule.get("count")}
    recurring = {k: v for k, v in recurring.items() if v is not None}
    custom = {"duration": sent_duration, "start": iso(parse_time(rrule["dtstart"])),
              "timezone": rrule["tzid"]}
    if recurring:
        custom["recurring"] = recurring
    return custom


def _weekday_matches(code, day):
    match = WEEKDAY.match(code)
    if not match or WEEKDAYS.index(match.group(4)) != day.weekday():
        return False
    if not match.group(1):
        return True
    nth = int(match.group(3))
    if match.group(2) == "+":
        return (day.day - 1) // 7 + 1 == nth
    last = calendar.monthrange(day.year, day.month)[1]
    return (last - day.day) // 7 + 1 == nth


def occurrence_starts(rrule, horizon):
    """Occurrence start times up to `horizon`: the part of RFC 5545 a custom schedule can express
    (DAILY/WEEKLY/MONTHLY/YEARLY, interval, byweekday incl. +nMO, bymonthday, bymonth, count,
    until), evaluated day by day in the schedule's time zone."""
    zone = zoneinfo.ZoneInfo(rrule["tzid"])
    start = parse_time(rrule["dtstart"]).astimezone(zone)
    freq = rrule.get("freq")
    if freq is None:
        if start <= horizon:
            yield start
        return
    interval = rrule.get("interval") or 1
    until = parse_time(rrule["until"]) if rrule.get("until") else None
    byday, bymonthday, bymonth = (rrule.get(k) for k in ("byweekday", "bymonthday", "bymonth"))
    first = start.date()
    count = 0
    for offset in range(366 * 30):
        day = first + datetime.timedelta(days=offset)
        candidate = datetime.datetime(day.year, day.month, day.day, start.hour, start.minute,
                                      start.second, start.microsecond, tzinfo=zone)
        if candidate > horizon or (until and candidate > until):
            return
        months = (day.year - first.year) * 12 + day.month - first.month
        in_period = {3: offset % interval == 0,
                     2: ((day - (first - datetime.timedelta(days=first.weekday()))).days // 7)
                     % interval == 0,
                     1: months % interval == 0,
                     0: (day.year - first.year) % interval == 0}[freq]
        if not in_period or (bymonth and day.month not in bymonth):
            continue
        if bymonthday and day.day not in bymonthday:
            continue
        if byday and not any(_weekday_matches(code, day) for code in byday):
            continue
        # RFC 5545 defaults: the unstated parts of the period come from dtstart.
        if freq == 2 and not byday and day.weekday() != first.weekday():
            continue
        if freq in (1, 0) and not byday and not bymonthday and day.day != first.day:
            continue
        if freq == 0 and not bymonth and not byday and day.month != first.month:
            continue
        count += 1
        yield candidate
        if rrule.get("count") and count >= rrule["count"]:
            return


def active_snoozes(schedules):
    """(ids of the schedules snoozing the rule now, the latest end among them or None)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    active, until = [], None
    for snooze in schedules:
        length = datetime.timedelta(milliseconds=snooze["duration"])
        for begin in occurrence_starts(snooze["rRule"], now):
            if begin <= now < begin + length:
                active.append(snooze["id"])
                until = max(until or begin + length, begin + length)
                break
    return active, until


# --------------------------------------------------------------------------- _find: KQL and search
# What `filter` and `search` need over a rule's saved-object attributes. Field kinds follow the
# `alert` mapping: name is `text` (analysed, with a keyword sub-field), most others `keyword`.

TOKEN = re.compile(r"\w+(?:[.']\w+)*")


def tokens(value):
    return [t.lower() for t in TOKEN.findall(str(value))]


def _leaves(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, prefix)
    else:
        yield prefix, value


ATTRIBUTES = {
    "name": ("text", lambda r: [r["name"]]),
    "tags": ("keyword", lambda r: r["tags"]),
    "alertTypeId": ("keyword", lambda r: [r["rule_type_id"]]),
    "consumer": ("keyword", lambda r: [r["consumer"]]),
    "enabled": ("boolean", lambda r: [r["enabled"]]),
    "muteAll": ("boolean", lambda r: [r["mute_all"]]),
    "mutedInstanceIds": ("keyword", lambda r: r["muted_alert_ids"]),
    "createdBy": ("keyword", lambda r: [r["created_by"]]),
    "updatedBy": ("keyword", lambda r: [r["updated_by"]]),
    "apiKeyOwner": ("keyword", lambda r: [r["api_key_owner"]]),
    "createdAt": ("date", lambda r: [r["created_at"]]),
    "updatedAt": ("date", lambda r: [r["updated_at"]]),
    "schedule.interval": ("keyword", lambda r: [r["schedule"]["interval"]]),
    "notifyWhen": ("keyword", lambda r: [r["notify_when"]]),
    "throttle": ("keyword", lambda r: [r["throttle"]]),
    "revision": ("number", lambda r: [r["revision"]]),
    "executionStatus.status": ("keyword", lambda r: [r["execution_status"]["status"]]),
    "lastRun.outcome": ("keyword", lambda r: [(r.get("last_run") or {}).get("outcome")]),
    "actions.actionTypeId": ("keyword", lambda r: [a["connector_type_id"] for a in r["actions"]]),
    "actions.group": ("keyword", lambda r: [a.get("group") for a in r["actions"]]),
}
# _find's search_fields and sort_field accept the attribute name or the API's snake_case name.
SNAKE = {"rule_type_id": "alertTypeId", "created_at": "createdAt", "updated_at": "updatedAt",
         "mute_all": "muteAll", "notify_when": "notifyWhen", "created_by": "createdBy",
         "updated_by": "updatedBy", "execution_status.status": "executionStatus.status",
         "execution_status.last_execution_date": "executionStatus.lastExecutionDate",
         "last_run.outcome": "lastRun.outcome"}


def attribute(path):
    """(kind, values getter) of `alert.attributes.<path>`; params are a `flattened` field."""
    path = SNAKE.get(path, path)
    if path in ATTRIBUTES:
        return ATTRIBUTES[path]
    if path.startswith("params."):
        key = path[len("params."):]
        return "keyword", lambda r: [v for k, v in _leaves(r["params"]) if k == key]
    # actions.params is a flattened field too: searched whole or by a nested key
    # (group1/find.ts "should search by actions.params" and "... actions.params.message").
    if path == "actions.params":
        return "keyword", lambda r: [leaf[1] for a in r["actions"] for leaf in _leaves(a["params"])]
    if path.startswith("actions.params."):
        key = path[len("actions.params."):]
        return "keyword", lambda r: [v for a in r["actions"] for k, v in _leaves(a["params"])
                                     if k == key]
    return None


def value_matches(kind, values, wanted, quoted):
    """Does one KQL value (wanted; may hold * wildcards unless quoted) match a field's values?"""
    values = [v for v in values if v is not None]
    if wanted == "*" and not quoted:
        return bool(values)
    wildcard = not quoted and "*" in wanted
    for value in values:
        if kind == "text":
            words, asked = tokens(value), tokens(wanted)
            if wildcard:
                if fnmatch.fnmatchcase(str(value).lower(), wanted.lower()) or any(
                        fnmatch.fnmatchcase(w, wanted.lower()) for w in words):
                    return True
            elif quoted:  # match_phrase: the words, contiguous and in order
                if asked and any(words[i:i + len(asked)] == asked for i in range(len(words))):
                    return True
            elif set(asked) & set(words):  # match: any word
                return True
        elif kind == "boolean":
            if str(value).lower() == wanted.lower():
                return True
        elif kind == "number":
            try:
                if float(value) == float(wanted):
                    return True
            except ValueError:
                pass
        else:
            text_value = json.dumps(value) if isinstance(value, bool) else str(value)
            if (fnmatch.fnmatchcase(text_value, wanted) if wildcard else text_value == wanted):
                return True
    return False


class KqlError(Exception):
    pass


class Kql:
    """Enough KQL for `_find?filter=`: field:value, field:"phrase", field:(a or b), field:*,
    range operators, and/or/not and parentheses. Compiles to a predicate over a rule."""

    LEXER = re.compile(r'\s*(?:(\()|(\))|(:)|(<=|>=|<|>)|("(?:[^"\\]|\\.)*")|((?:[^\s():<>"\\]|\\.)+))')

    def __init__(self, source):
        self.source = source
        self.items = []
        position = 0
        while position < len(source):
            match = self.LEXER.match(source, position)
            if not match or match.end() == position:
                if source[position:].strip():
                    raise KqlError(f"unexpected character at {position}")
                break
            position = match.end()
            kinds = ("(", ")", ":", "op", "quoted", "word")
            kind = next(k for k, g in zip(kinds, match.groups()) if g is not None)
            self.items.append((kind, match.group(match.lastindex)))
        self.position = 0

    def compile(self):
        node = self._or()
        if self.position != len(self.items):
            raise KqlError(f"unexpected {self.items[self.position][1]!r}")
        return node

    # -- helpers
    def _peek(self, kind=None, word=None):
        if self.position >= len(self.items):
            return False
        item_kind, value = self.items[self.position]
        if word is not None:
            return item_kind == "word" and value.lower() == word
        return item_kind == kind

    def _take(self):
        self.position += 1
        return self.items[self.position - 1]

    def _expect(self, kind):
        if not self._peek(kind):
            found = self.items[self.position][1] if self.position < len(self.items) else "end of input"
            raise KqlError(f"expected {kind!r} but {found!r} found")
        return self._take()

    def _keyword(self):
        return any(self._peek(word=w) for w in ("and", "or", "not"))

    # -- queries
    def _or(self):
        parts = [self._and()]
        while self._peek(word="or"):
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda r, ps=parts: any(p(r) for p in ps))

    def _and(self):
        parts = [self._not()]
        while self._peek(word="and"):
            self._take()
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda r, ps=parts: all(p(r) for p in ps))

    def _not(self):
        if self._peek(word="not"):
            self._take()
            inner = self._not()
            return lambda r: not inner(r)
        if self._peek("("):
            self._take()
            node = self._or()
            self._expect(")")
            return node
        return self._field()

    def _field(self):
        if not self._peek("word"):
            raise KqlError("expected a field name")
        name = self._take()[1]
        kind, getter = self._resolve(name)
        if self._peek("op"):
            operator = self._take()[1]
            bound = self._literal()[0]
            return lambda r: any(self._compare(kind, v, operator, bound) for v in getter(r)
                                 if v is not None)
        self._expect(":")
        test = self._values()
        return lambda r: test(kind, getter(r))

    @staticmethod
    def _resolve(name):
        if name == "alert.id":
            return "keyword", lambda r: [f"alert:{r['id']}"]
        if not name.startswith("alert."):
            raise KibanaError(400, f"This type {name.split('.')[0]} is not allowed: Bad Request")
        found = attribute(name[len("alert.attributes."):]) if name.startswith(
            "alert.attributes.") else None
        if found is None:
            raise KibanaError(400, f"This key '{name}' does NOT exist in alert saved object "
                                   f"index patterns: Bad Request")
        return found

    @staticmethod
    def _compare(kind, value, operator, bound):
        if kind == "number":
            value, bound = float(value), float(bound)
        else:
            value, bound = str(value), str(bound)
        return {"<": value < bound, "<=": value <= bound, ">": value > bound,
                ">=": value >= bound}[operator]

    # -- values after "field:": a literal, or a parenthesised and/or/not expression of them
    def _values(self):
        return self._value_not()

    def _value_or(self):
        parts = [self._value_and()]
        while self._peek(word="or"):
            self._take()
            parts.append(self._value_and())
        return lambda k, v: any(p(k, v) for p in parts)

    def _value_and(self):
        parts = [self._value_not()]
        while self._peek(word="and"):
            self._take()
            parts.append(self._value_not())
        return lambda k, v: all(p(k, v) for p in parts)

    def _value_not(self):
        if self._peek(word="not"):
            self._take()
            inner = self._value_not()
            return lambda k, v: not inner(k, v)
        if self._peek("("):
            self._take()
            node = self._value_or()
            self._expect(")")
            return node
        wanted, quoted = self._literal()
        return lambda kind, values: value_matches(kind, values, wanted, quoted)

    def _literal(self):
        """A quoted string, or unquoted words up to a keyword or parenthesis (KQL keeps the
        inner spaces of an unquoted value)."""
        if self._peek("quoted"):
            raw = self._take()[1][1:-1]
            return re.sub(r"\\(.)", r"\1", raw), True
        words = []
        while self._peek("word") and not self._keyword():
            words.append(self._take()[1])
        if not words:
            raise KqlError("expected a value")
        return re.sub(r"\\(.)", r"\1", " ".join(words)), False


def search_predicate(query, fields, operator):
    """simple_query_string over `fields`: "phrases", words (analysed like the field), prefix*,
    -negation; clauses joined by `operator` (default_search_operator)."""
    clauses = []
    for match in re.finditer(r'([+-]?)("[^"]*"|[^\s"]+)', query):
        sign, term = match.groups()
        if term in ("|", "+"):
            continue
        clauses.append((sign == "-", term))

    def clause_matches(rule, term):
        quoted = term.startswith('"')
        wanted = term.strip('"')
        for name in fields:
            kind, getter = attribute(name) or (None, None)
            if kind is None:
                continue
            for value in getter(rule):
                if value is None:
                    continue
                if kind == "text":
                    words, asked = tokens(value), tokens(wanted)
                    if not asked:
                        continue
                    if quoted:
                        hit = any(words[i:i + len(asked)] == asked for i in range(len(words)))
                    elif wanted.endswith("*"):
                        hit = any(w.startswith(asked[-1]) for w in words) and all(
                            a in words for a in asked[:-1])
                    elif operator == "AND":
                        hit = all(a in words for a in asked)
                    else:
                        hit = any(a in words for a in asked)
                else:
                    hit = (str(value).startswith(wanted[:-1]) if wanted.endswith("*") and not quoted
                           else str(value) == wanted)
                if hit:
                    return True
        return False

    def predicate(rule):
        positive = [clause_matches(rule, t) for negated, t in clauses if not negated]
        negative = [clause_matches(rule, t) for negated, t in clauses if negated]
        if any(negative):
            return False
        if not positive:
            return True
        return all(positive) if operator == "AND" else any(positive)
    return predicate


def _params_sort_key(getter):
    """Sort key of a params.<key> field: its values as text (a flattened field is keyword)."""
    def key(rule):
        return [str(v) for v in getter(rule)]
    return key


SORT_KEYS = {
    "name": lambda r: r["name"].lower(),  # name.keyword has a lowercase normalizer
    "tags": lambda r: sorted(r["tags"]),
    "alertTypeId": lambda r: r["rule_type_id"],
    "consumer": lambda r: r["consumer"],
    "enabled": lambda r: r["enabled"],
    "createdAt": lambda r: r["created_at"],
    "updatedAt": lambda r: r["updated_at"],
    "executionStatus.status": lambda r: r["execution_status"]["status"],
    "executionStatus.lastExecutionDate": lambda r: r["execution_status"]["last_execution_date"],
    "schedule.interval": lambda r: seconds(r["schedule"]["interval"]),
}


# --------------------------------------------------------------------------- the family


def unauthorized(consumer, operation, type_id):
    # alerting_authorization.ts getUnauthorizedMessage
    return f'Unauthorized by "{consumer}" to {operation} "{type_id}" rule'


def caller(call):
    """(username, authenticated with an API key?)."""
    return call.user, call.auth_scheme == "apikey"


class AlertingRules(Family):
    name = "alerting_rules"

    def routes(self):
        rule = "/api/alerting/rule/<rule_id>"
        return [
            ("POST", "/api/alerting/rule", "create"),
            ("POST", rule, "create"),
            ("GET", rule, "get"),
            ("GET", "/internal/alerting/rule/<rule_id>", "get_internal"),
            ("PUT", rule, "update"),
            ("DELETE", rule, "delete"),
            ("POST", rule + "/_enable", "enable"),
            ("POST", rule + "/_disable", "disable"),
            ("POST", rule + "/_mute_all", "mute_all"),
            ("POST", rule + "/_unmute_all", "unmute_all"),
            ("POST", rule + "/_update_api_key", "update_api_key"),
            ("POST", rule + "/alert/<alert_id>/_mute", "mute_alert"),
            ("POST", rule + "/alert/<alert_id>/_unmute", "unmute_alert"),
            ("POST", rule + "/snooze_schedule", "snooze"),
            ("DELETE", rule + "/snooze_schedule/<schedule_id>", "unsnooze"),
            ("GET", "/api/alerting/rules/_find", "find"),
            ("GET", "/api/alerting/rule_types", "list_types"),
        ]

    def emulator_routes(self):
        return [("POST", "/rules/<rule_id>/run", "emulate_run"),
                ("GET", "/rules/<rule_id>/artifacts", "peek_artifacts")]

    @property
    def rules(self):
        """id -> {"space", "rule" (stored in response shape), "throttle_sent"}."""
        return self.emulator.store("alerting_rules")

    def reset(self):
        self.rules.clear()

    def forget_space(self, space):
        for rule_id in [i for i, e in self.rules.items() if e["space"] == space]:
            del self.rules[rule_id]

    def count_connector_references(self, space, connector_id):
        """Rules of `space` with an action on the connector (the connectors family's
        referenced_by_count; Kibana counts referencing saved objects, not actions)."""
        return sum(1 for e in self.rules.values() if e["space"] == space
                   and any(a["id"] == connector_id for a in e["rule"]["actions"]))

    # ------------------------------------------------------------------ helpers

    def _version(self):
        return self.emulator.version_tuple()

    def _entry(self, call, rule_id=None):
        rule_id = rule_id or call.args["rule_id"]
        entry = self.rules.get(rule_id)
        if entry is None or entry["space"] != call.space:
            raise saved_object_not_found(SO_TYPE, rule_id)
        return entry

    @staticmethod
    def _render(rule):
        out = copy.deepcopy(rule)
        # The public routes never return artifacts (group1/create.ts asserts it, 9.1+).
        out.pop("artifacts", None)
        if "snooze_schedule" in out:
            active, until = active_snoozes(out["snooze_schedule"])
            out["active_snoozes"] = active
            out["is_snoozed_until"] = iso(until) if until else None
        return out

    @staticmethod
    def _authorize(call, rule, operation):
        """The rules client's check (alerting_authorization.ts ensureAuthorized): a user without
        privileges in the space gets `Unauthorized by "<consumer>" to <operation> "<type>" rule`
        once the rule was found (a rule of another space is 404 for everyone:
        security_and_spaces group1 delete.ts). Operation names: authorization/types.ts."""
        if not call.privileged:
            raise forbidden(unauthorized(rule["consumer"], operation, rule["rule_type_id"]))

    def _authorized_entry(self, call, operation):
        entry = self._entry(call)
        self._authorize(call, entry["rule"], operation)
        return entry

    @staticmethod
    def _rule_type(type_id):
        rule_type = RULE_TYPES.get(type_id)
        if rule_type is None:
            raise bad_request(f'Rule type "{type_id}" is not registered.')
        return rule_type

    def _api_key(self, call, action):
        """The rule's API key is granted from the caller's credentials: owner = caller, and
        "created by user" when the caller's own API key is used. Before 8.8 Kibana could not
        grant a key from an API-key-authenticated request."""
        user, via_api_key = caller(call)
        if via_api_key and self._version() < (8, 8):
            raise bad_request(f"Error {action} rule: could not create API key - Unsupported "
                              f'scheme "ApiKey" for granting API Key')
        return {"api_key_owner": user, "api_key_created_by_user": via_api_key}

    def _connector(self, space, connector_id):
        connectors = self.emulator.family("connectors")
        if connectors is None:
            return None
        fixed = connectors._fixed(connector_id)
        if fixed:
            return fixed
        entry = connectors.connectors.get(connector_id)
        if entry is None or entry["space"] != space:
            return None
        return entry["connector"]

    def _actions(self, space, rule_type, body):
        """Actions as stored: connector resolved (connector_type_id), uuid kept or generated,
        and Kibana's validateActions checks (all its problems reported in one 400)."""
        actions = body["actions"]
        for action in actions:
            if action.get("group") is None:
                raise bad_request(f"Group is not defined in action {action['id']}")
        connectors = {}
        for connector_id in dict.fromkeys(a["id"] for a in actions):
            connector = self._connector(space, connector_id)
            if connector is None:
                raise bad_request(f"Failed to load action {connector_id} (404): Saved object "
                                  f"[action/{connector_id}] not found")
            connectors[connector_id] = connector
        out = []
        for action in actions:
            # A sent uuid is kept; a missing one is generated (so resending actions without
            # their uuids renews them, hazard 7).
            item = {"id": action["id"], "uuid": action.get("uuid") or new_id(),
                    "group": action["group"], "params": action["params"]}
            if "frequency" in action:
                item["frequency"] = action["frequency"]
            if "alerts_filter" in action:
                item["alerts_filter"] = self._alerts_filter(action["alerts_filter"])
            if "use_alert_data_for_template" in action:
                item["use_alert_data_for_template"] = action["use_alert_data_for_template"]
            item["connector_type_id"] = connectors[action["id"]]["connector_type_id"]
            out.append(item)
        errors = self._action_problems(out, connectors.values(), rule_type, body)
        if len(errors) == 1:
            raise bad_request(f"Failed to validate actions due to the following error: {errors[0]}")
        if errors:
            raise bad_request(f"Failed to validate actions due to the following {len(errors)} "
                              "errors:\n- " + "\n- ".join(errors))
        return out

    def _action_problems(self, actions, connectors, rule_type, body):
        """validateActions: every problem of the actions, in Kibana's order."""
        errors = []
        if len({a["uuid"] for a in actions}) < len(actions):
            errors.append("Actions have duplicated UUIDs")
        missing = [c["name"] for c in connectors if c.get("is_missing_secrets")]
        if missing:
            errors.append(f"Invalid connectors: {', '.join(missing)}")
        bad_groups = [a["group"] for a in actions if a["group"] not in rule_type.group_ids]
        if bad_groups:
            errors.append(f"Invalid action groups: {', '.join(bad_groups)}")
        if self._version() >= (8, 6):  # before 8.6 notify_when existed at the rule level only
            if body.get("notify_when") or body.get("throttle"):
                mixed = [a["group"] for a in actions if "frequency" in a]
                if mixed:
                    errors.append("Cannot specify per-action frequency params when notify_when "
                                  "or throttle are defined at the rule level: " + ", ".join(mixed))
            else:
                without = [a["group"] for a in actions if "frequency" not in a]
                if without:
                    errors.append(f"Actions missing frequency parameters: {', '.join(without)}")
        interval = body["schedule"]["interval"]
        short = [f"{a['group']} ({a['frequency']['throttle']})" for a in actions
                 if a.get("frequency", {}).get("notify_when") == "onThrottleInterval"
                 and a["frequency"].get("throttle")
                 and seconds(a["frequency"]["throttle"]) < seconds(interval)]
        if short:
            errors.append("Action frequency cannot be shorter than the schedule interval of "
                          f"{interval}: {', '.join(short)}")
        empty_filters = [a["uuid"] for a in actions if "alerts_filter" in a
                         and not a["alerts_filter"].get("query")
                         and not a["alerts_filter"].get("timeframe")]
        if empty_filters:
            errors.append("Action's alertsFilter  must have either \"query\" or \"timeframe\" : "
                          + ", ".join(empty_filters))
        return errors

    @staticmethod
    def _alerts_filter(alerts_filter):
        """Kibana stores a `dsl` it builds from the KQL (addGeneratedActionValues), so it comes
        back even when not sent. Its exact text here is an approximation [unverified]."""
        out = copy.deepcopy(alerts_filter)
        query = out.get("query")
        if query is not None and "dsl" not in query:
            query["dsl"] = json.dumps({"bool": {"filter": [
                {"query_string": {"query": query["kql"]}}] if query["kql"] else []}},
                separators=(",", ":"))
        return out

    @staticmethod
    def _definition(rule):
        """What counts as a definition change for `revision` (action uuids excluded)."""
        actions = [{k: v for k, v in a.items() if k != "uuid"} for a in rule["actions"]]
        keys = ("name", "tags", "schedule", "params", "throttle", "notify_when", "alert_delay",
                "flapping", "artifacts")
        return {**{k: rule.get(k) for k in keys}, "actions": actions}

    @staticmethod
    def _initial_monitoring(rule):
        """getDefaultMonitoring: what a rule that never ran carries [src
        x-pack/platform/plugins/shared/alerting/server/lib/monitoring.ts]."""
        return {"run": {"history": [], "calculated_metrics": {"success_ratio": 0},
                        "last_run": {"timestamp": rule["created_at"], "metrics": {
                            "duration": 0, "total_search_duration_ms": None,
                            "total_indexing_duration_ms": None, "total_alerts_detected": None,
                            "total_alerts_created": None, "gap_duration_s": None}}}}

    def _touch(self, rule, call):
        rule["updated_at"] = now_iso()
        rule["updated_by"] = caller(call)[0]

    # ------------------------------------------------------------------ routes

    def list_types(self, call):
        # listRuleTypes keeps the types the user may get and create in the space
        # (getAuthorizedRuleTypes): none without privileges there [src alerting_authorization.ts].
        if not call.privileged:
            return []
        return [t.describe() for t in RULE_TYPES.values()]

    def create(self, call):
        version = self._version()
        body = check_object(body_or_empty(call.body), body_fields(version, True))
        rule_id = call.args.get("rule_id")
        rule_type = self._rule_type(body["rule_type_id"])
        # Route validation and the type lookup answer first, then authorization, then the
        # params (security_and_spaces group1 create.ts: an unregistered type is 400 and invalid
        # params 403 for a user without privileges).
        if body["consumer"] not in rule_type.consumers or not call.privileged:
            raise forbidden(unauthorized(body["consumer"], "create", rule_type.id))
        check_flapping(body.get("flapping"), "creating")
        params = rule_type.params(body["params"])
        # A disabled rule gets no API key (Kibana grants one when it is enabled).
        api_key = (self._api_key(call, "creating") if body["enabled"]
                   else {"api_key_owner": None, "api_key_created_by_user": None})
        actions = self._actions(call.space, rule_type, body)
        if rule_id is not None:
            if version < (8, 17) and not UUID.match(rule_id):
                raise bad_request(ESO_ID_MESSAGE)
            if rule_id in self.rules:  # ids are global: another space's rule conflicts too
                raise saved_object_conflict(SO_TYPE, rule_id)
        else:
            rule_id = new_id()
        now = now_iso()
        user = caller(call)[0]
        throttle = body.get("throttle")
        rule = {
            "id": rule_id, "name": body["name"], "tags": body["tags"], "params": params,
            "actions": actions, "enabled": body["enabled"], "running": False,
            "consumer": body["consumer"], "mute_all": False, "revision": 0,
            "schedule": body["schedule"], "throttle": throttle,
            "created_at": now, "created_by": user, "updated_at": now, "updated_by": user,
            # getRuleNotifyWhenType: an explicit value, else derived from a rule-level throttle.
            "notify_when": body.get("notify_when") or ("onThrottleInterval" if throttle else None),
            "rule_type_id": rule_type.id, "api_key_owner": api_key["api_key_owner"],
            "muted_alert_ids": [],
            "execution_status": {"status": "pending", "last_execution_date": now},
            "api_key_created_by_user": api_key["api_key_created_by_user"],
        }
        for key in ("alert_delay", "flapping"):
            if key in body:
                rule[key] = body[key]
        if has_artifacts(version):
            rule["artifacts"] = stored_artifacts(body.get("artifacts"))
        if body["enabled"]:
            rule["scheduled_task_id"] = rule_id  # only enabled rules get a task (hazard 10)
        self.rules[rule_id] = {"space": call.space, "rule": rule}
        return self._render(rule)

    def get(self, call):
        return self._render(self._authorized_entry(call, "get")["rule"])

    def get_internal(self, call):
        """The UI's rule route: the same rule plus its artifacts (get_rule_route.ts,
        excludeFromPublicApi false). From 9.0 internal routes answer API clients only with the
        x-elastic-internal-origin header (server.restrictInternalApis) [unverified wording]."""
        if self._version() >= INTERNAL_ORIGIN_SINCE and \
                not call.request.headers.get("x-elastic-internal-origin"):
            raise bad_request(f"uri [{call.request.path}] with method [get] exists but is not "
                              f"available with the current configuration")
        rule = self._authorized_entry(call, "get")["rule"]
        out = self._render(rule)
        # The internal answer also carries monitoring and the snooze fields (group1/get.ts,
        # internal case); a rule never snoozed has an empty list and is_snoozed_until null.
        out.setdefault("monitoring", self._initial_monitoring(rule))
        out.setdefault("snooze_schedule", [])
        out.setdefault("is_snoozed_until", None)
        if "artifacts" in rule:
            out["artifacts"] = copy.deepcopy(rule["artifacts"])
        return out

    def update(self, call):
        version = self._version()
        body = check_object(body_or_empty(call.body), body_fields(version, False))
        # update reads the rule as the user first: without privileges in the space the answer
        # names `get` (security_and_spaces group2 update.ts).
        entry = self._authorized_entry(call, "get")
        rule = entry["rule"]
        rule_type = self._rule_type(rule["rule_type_id"])
        check_flapping(body.get("flapping"), "updating")
        params = rule_type.params(body["params"])
        actions = self._actions(call.space, rule_type, body)
        # The key is regenerated as the caller on every update of an enabled rule (hazard 6);
        # updating a disabled rule drops it, as create does for a disabled rule.
        api_key = (self._api_key(call, "updating") if rule["enabled"]
                   else {"api_key_owner": None, "api_key_created_by_user": None})
        before = self._definition(rule)
        # Hazard 3 [tf]: a rule-level throttle, once set, survives a PUT that omits or nulls it.
        throttle = body.get("throttle") or rule["throttle"]
        rule.update({
            "name": body["name"], "tags": body["tags"], "schedule": body["schedule"],
            "params": params, "actions": actions, "throttle": throttle,
            "notify_when": body.get("notify_when") or ("onThrottleInterval" if throttle else None),
            **api_key,
        })
        for key in ("alert_delay", "flapping"):
            if key in body:  # omitted: kept (flapping: null resets to the global settings)
                rule[key] = body[key]
        if has_artifacts(self._version()):
            rule["artifacts"] = stored_artifacts(body.get("artifacts"))  # omitted: cleared
        if self._definition(rule) != before:
            rule["revision"] += 1
        self._touch(rule, call)
        return self._render(rule)

    def delete(self, call):
        self._authorized_entry(call, "delete")
        del self.rules[call.args["rule_id"]]
        return 204, None

    def enable(self, call):
        rule = self._authorized_entry(call, "enable")["rule"]
        if not rule["enabled"]:  # enabling an enabled rule is a no-op
            now = datetime.datetime.now(datetime.timezone.utc)
            if rule["api_key_owner"] is None:  # Kibana keeps an existing key
                rule.update(self._api_key(call, "enabling"))
            rule.update({
                "enabled": True, "scheduled_task_id": rule["id"],
                "next_run": iso(now + datetime.timedelta(seconds=seconds(rule["schedule"]["interval"]))),
                "execution_status": {"status": "pending", "last_execution_date": iso(now),
                                     "last_duration": 0},
            })
            self._touch(rule, call)
        return 204, None

    def disable(self, call):
        # Body optional, may be null: {"untrack": bool} (strict). There are no alerts to untrack.
        check_object(call.body if call.body is not None else {}, DISABLE_FIELDS)
        rule = self._authorized_entry(call, "disable")["rule"]
        if rule["enabled"]:
            rule.update({"enabled": False, "next_run": None})
            self._touch(rule, call)
        return 204, None

    def mute_all(self, call):
        rule = self._authorized_entry(call, "muteAll")["rule"]
        rule.update({"mute_all": True, "muted_alert_ids": []})
        self._touch(rule, call)
        return 204, None

    def unmute_all(self, call):
        rule = self._authorized_entry(call, "unmuteAll")["rule"]
        rule.update({"mute_all": False, "muted_alert_ids": []})
        self._touch(rule, call)
        return 204, None

    def update_api_key(self, call):
        rule = self._authorized_entry(call, "updateApiKey")["rule"]
        rule.update(self._api_key(call, "updating API key for"))
        self._touch(rule, call)
        return 204, None

    def mute_alert(self, call):
        # Kibana 9.x can also check that the alert exists (validate_alerts_existence); the
        # emulator has no alerts index, so any alert id is accepted [unverified default].
        rule = self._authorized_entry(call, "muteAlert")["rule"]
        alert_id = call.args["alert_id"]
        if not rule["mute_all"] and alert_id not in rule["muted_alert_ids"]:
            rule["muted_alert_ids"].append(alert_id)
            rule["updated_by"] = caller(call)[0]  # muteInstance does not touch updated_at
        return 204, None

    def unmute_alert(self, call):
        rule = self._authorized_entry(call, "unmuteAlert")["rule"]
        alert_id = call.args["alert_id"]
        if not rule["mute_all"] and alert_id in rule["muted_alert_ids"]:
            rule["muted_alert_ids"].remove(alert_id)
            rule["updated_by"] = caller(call)[0]
        return 204, None

    def _snooze_supported(self):
        # The public snooze_schedule routes are `availability.since: 8.19.0`; 9.0 predates them.
        version = self._version()
        if not (version >= (9, 1) or (8, 19) <= version < (9, 0)):
            raise KibanaError(404, "Not Found")

    def snooze(self, call):
        self._snooze_supported()
        body = check_object(body_or_empty(call.body), {
            "schedule": Field("object", required=True, fields={
                "custom": Field("object", fields=schedule_fields(
                    self.emulator.version_tuple() >= SCHEDULE_WORDING_SINCE))})})
        custom = body["schedule"].get("custom")
        if custom is None:
            raise bad_request("A schedule is required")
        problem = _schedule_problem(custom)
        if problem:
            raise bad_request(f"[request body.schedule.custom]: {problem}")
        rule = self._authorized_entry(call, "snooze")["rule"]
        schedules = rule.get("snooze_schedule", [])
        if len(schedules) >= 5:
            raise bad_request("Rule cannot have more than 5 snooze schedules")
        snooze = {"id": new_id(), **custom_to_rrule(custom)}
        rule["snooze_schedule"] = schedules + [snooze]
        rule["mute_all"] = False  # getSnoozeAttributes: a scheduled snooze replaces mute-all
        self._touch(rule, call)
        return {"schedule": {"id": snooze["id"],
                             "custom": rrule_to_custom(snooze, custom["duration"])}}

    def unsnooze(self, call):
        self._snooze_supported()
        rule = self._authorized_entry(call, "unsnooze")["rule"]
        schedule_id = call.args["schedule_id"]
        schedules = rule.get("snooze_schedule", [])
        # The notes: unknown schedule -> 404 (unsnooze route: Boom.notFound); a rule without any
        # schedule is a 400 there (Boom.badRequest) before the id is looked at.
        if not schedules:
            raise bad_request("Rule has no snooze schedules.")
        if not any(s["id"] == schedule_id for s in schedules):
            raise not_found(f"Rule has no snooze schedule with id {schedule_id}.")
        rule["snooze_schedule"] = [s for s in schedules if s["id"] != schedule_id]
        self._touch(rule, call)
        return 204, None

    # ------------------------------------------------------------------ _find

    FIND_PARAMS = ("per_page", "page", "search", "default_search_operator", "search_fields",
                   "sort_field", "sort_order", "has_reference", "fields", "filter",
                   "filter_consumers")

    @staticmethod
    def _query_number(query, name, default, low):
        raw = query.get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise bad_request(f"[request query.{name}]: expected value of type [number] but got "
                              f"[string]")
        if value < low:
            raise bad_request(f"[request query.{name}]: Value must be equal to or greater than "
                              f"[{low}].")
        return int(value)

    # find_rules: the public _find may not filter, sort or search on these attributes
    # (group1/find.ts asserts the three messages).
    EXCLUDED = re.compile(r"^(monitoring|mapped_params)(\.|$)")
    EXCLUDED_IN_FILTER = re.compile(r"alert\.attributes\.(?:monitoring|mapped_params)[\w.]*")

    def _refuse_excluded_attributes(self, query, search_fields):
        found = self.EXCLUDED_IN_FILTER.search(query.get("filter") or "")
        if found:
            raise bad_request(f"Error find rules: Filter is not supported on this field "
                              f"{found.group(0)}")
        sort_field = query.get("sort_field") or ""
        if self.EXCLUDED.match(sort_field):
            raise bad_request(f"Error find rules: Sort is not supported on this field "
                              f"{sort_field}")
        for field in search_fields:
            if self.EXCLUDED.match(field):
                raise bad_request(f"Error find rules: Search field {field} not supported")

    def find(self, call):
        query = call.query
        for key in query:
            if key not in self.FIND_PARAMS:
                raise bad_request(f"[request query.{key}]: definition for this key is missing")
        per_page = self._query_number(query, "per_page", 10, 0)
        page = self._query_number(query, "page", 1, 1)
        operator = query.get("default_search_operator", "OR")
        if operator not in ("OR", "AND"):
            raise bad_request("[request query.default_search_operator]: types that failed "
                              "validation:\n- [request query.default_search_operator.0]: expected "
                              "value to equal [OR]\n- [request query.default_search_operator.1]: "
                              "expected value to equal [AND]")
        sort_order = query.get("sort_order")
        if sort_order not in (None, "asc", "desc"):
            raise bad_request("[request query.sort_order]: types that failed validation:\n"
                              "- [request query.sort_order.0]: expected value to equal [asc]\n"
                              "- [request query.sort_order.1]: expected value to equal [desc]")

        if not call.privileged:
            # getFindAuthorizationFilter: no rule type the user may find in the space
            # (security_and_spaces group1 find.ts; newer sources end the text with a period).
            raise forbidden("Unauthorized to find rules for any rule types")
        self._refuse_excluded_attributes(query, call.query_list("search_fields"))
        rules = [e["rule"] for e in self.rules.values() if e["space"] == call.space]
        consumers = call.query_list("filter_consumers")
        if consumers:
            rules = [r for r in rules if r["consumer"] in consumers]
        if query.get("has_reference"):
            try:
                reference = json.loads(query["has_reference"])
                ref_type, ref_id = reference["type"], reference["id"]
            except (ValueError, KeyError, TypeError):
                raise bad_request("[request query.has_reference]: could not parse object value "
                                  "from json input")
            rules = [r for r in rules if ref_type == "action"
                     and any(a["id"] == ref_id for a in r["actions"])]
        if query.get("filter"):
            try:
                predicate = Kql(query["filter"]).compile()
            except KqlError as err:
                raise bad_request(f"{err}\n{query['filter']}: Bad Request")
            rules = [r for r in rules if predicate(r)]
        if query.get("search"):
            # Without search_fields the search runs over every searchable attribute.
            fields = call.query_list("search_fields") or ["name", "tags", "alertTypeId", "consumer"]
            matcher = search_predicate(query["search"], fields, operator)
            rules = [r for r in rules if matcher(r)]
        sort_field = query.get("sort_field")
        sort_key = SORT_KEYS.get(SNAKE.get(sort_field, sort_field)) if sort_field else None
        if sort_field and sort_field.startswith("params."):  # params is a flattened field
            sort_key = _params_sort_key(attribute(sort_field)[1])
        if sort_key:  # unmapped sort fields leave the order alone (ES unmapped_type)
            rules = sorted(rules, key=sort_key, reverse=sort_order == "desc")

        total = len(rules)
        chosen = rules[(page - 1) * per_page:page * per_page] if per_page else []
        data = [self._render(r) for r in chosen]
        fields = call.query_list("fields")
        if fields:
            data = [{k: v for k, v in r.items() if k == "id" or k in fields} for r in data]
        return {"page": page, "per_page": per_page, "total": total, "data": data}

    # ------------------------------------------------------------------ /_emulator/

    def peek_artifacts(self, call):
        """The artifacts stored on a rule, which the public API does not return."""
        entry = self.rules.get(call.args["rule_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["rule_id"])
        return copy.deepcopy(entry["rule"].get("artifacts"))

    def emulate_run(self, call):
        """One execution of the rule as the task manager would record it. Body (optional):
        {"outcome": "succeeded"|"warning"|"failed", "alerts": {"active", "new", "recovered",
        "ignored"}, "message": str, "duration_ms": int}."""
        entry = self.rules.get(call.args["rule_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["rule_id"])
        body = call.body or {}
        outcome = body.get("outcome", "succeeded")
        if outcome not in ("succeeded", "warning", "failed"):
            raise bad_request("outcome must be succeeded, warning or failed")
        alerts = {"new": 0, "active": 0, "recovered": 0, "ignored": 0, **body.get("alerts", {})}
        message = body.get("message")
        took = int(body.get("duration_ms", 42))
        now = datetime.datetime.now(datetime.timezone.utc)
        rule = entry["rule"]
        status = {"succeeded": "active" if alerts["active"] else "ok", "warning": "warning",
                  "failed": "error"}[outcome]
        execution = {"status": status, "last_execution_date": iso(now), "last_duration": took}
        if outcome == "failed":
            execution["error"] = {"reason": "execute", "message": message or "rule failed"}
        if outcome == "warning":
            execution["warning"] = {"reason": "maxAlerts", "message": message or "warning"}
        history = (rule.get("monitoring") or {}).get("run", {}).get("history", [])
        history = (history + [{"success": outcome != "failed", "timestamp": int(now.timestamp() * 1000),
                               "duration": took, "outcome": outcome}])[-20:]
        rule.update({
            "execution_status": execution,
            "last_run": {"outcome": outcome,
                         "outcome_order": {"succeeded": 0, "warning": 10, "failed": 20}[outcome],
                         "outcome_msg": [message] if message else None,
                         "warning": "maxAlerts" if outcome == "warning" else (
                             "execute" if outcome == "failed" else None),
                         "alerts_count": alerts},
            "next_run": (iso(now + datetime.timedelta(seconds=seconds(rule["schedule"]["interval"])))
                         if rule["enabled"] else None),
            "monitoring": {"run": {
                "history": history,
                "calculated_metrics": {"success_ratio": sum(h["success"] for h in history)
                                       / len(history)},
                "last_run": {"timestamp": iso(now), "metrics": {
                    "duration": took, "total_search_duration_ms": None,
                    "total_indexing_duration_ms": None,
                    "total_alerts_detected": alerts["active"] + alerts["new"],
                    "total_alerts_created": alerts["new"], "gap_duration_s": None}}}},
        })
        return self._render(rule)
