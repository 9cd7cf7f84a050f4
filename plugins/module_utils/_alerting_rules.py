# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alerting rules (/api/alerting/rule): the family's resource spec and its quirks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import re

from ansible_collections.stackops.kibana.plugins.module_utils._arguments import INT_MAX
from ansible_collections.stackops.kibana.plugins.module_utils._client import Empty, kql_string
from ansible_collections.stackops.kibana.plugins.module_utils._compare import (
    defaults_as_removed,
    differences,
    drop_none,
    merge_removing_none,
    overlay,
)
from ansible_collections.stackops.kibana.plugins.module_utils._connectors import list_connectors
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource, Step, only_named
from ansible_collections.stackops.kibana.plugins.module_utils._errors import KibanaApiError, ResourceError
from ansible_collections.stackops.kibana.plugins.module_utils._paths import join

RULE_PATH = "/api/alerting/rule"
# The UI's route for a rule: the same rule with its artifacts (get_rule_route.ts,
# excludeFromPublicApi false); an internal route wants this header.
INTERNAL_RULE_PATH = "/internal/alerting/rule"
INTERNAL_HEADERS = {"x-elastic-internal-origin": "kibana"}
FIND_PATH = "/api/alerting/rules/_find"
#: rules per _find page when reading every match
PAGE_SIZE = 100

DURATION = re.compile(r"^[1-9][0-9]*[smhd]$")
SNOOZE_DURATION = re.compile(r"^([0-9]+)([smhd])$")
SNOOZE_EVERY = re.compile(r"^([1-9][0-9]*)([dwMy])$")
HOUR = re.compile(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
NOTIFY_WHEN = ["onActionGroupChange", "onActiveAlert", "onThrottleInterval"]
MILLISECONDS = {"s": 1000, "m": 60000, "h": 3600000, "d": 86400000}
# rrule's Frequency enum, as Kibana stores a snooze schedule's `every`
FREQUENCIES = {"y": 0, "M": 1, "w": 2, "d": 3}
RRULE_KEYS = ("dtstart", "tzid", "freq", "interval", "byweekday", "bymonthday", "bymonth",
              "until", "count")

# Fields of the update (PUT) body; rule_type_id, consumer and enabled are refused there.
UPDATABLE = ("name", "schedule", "tags", "params", "actions", "notify_when", "throttle",
             "alert_delay", "flapping")


def has_artifacts(version):
    """Whether rules of this Kibana carry artifacts (dashboards and an investigation guide
    linked in the UI): 9.1 and later, and 8.19, which got them by a backport (kibana PR
    #218920); 9.0 and 8.18 and older refuse the key."""
    return version >= (9, 1) or (8, 19) <= version < (9, 0)


# Param defaults Kibana injects per rule type (kibana-api/alerting-rules.md, hazard 1). The
# comparison ignores keys the user did not set; the table makes check mode predict them.
TYPE_PARAM_DEFAULTS = {
    ".index-threshold": {"aggType": "count", "groupBy": "all"},
    ".es-query": {"aggType": "count", "groupBy": "all", "excludeHitsFromPreviousRun": True,
                  "searchType": "esQuery"},
}

FREQUENCY_OPTIONS = dict(
    summary=dict(type="bool", required=True),
    notify_when=dict(type="str", required=True, choices=NOTIFY_WHEN),
    throttle=dict(type="str"),
)

ALERTS_FILTER_OPTIONS = dict(
    query=dict(type="dict", options=dict(
        kql=dict(type="str", required=True),
        filters=dict(type="list", elements="dict"),
        dsl=dict(type="str"),
    )),
    timeframe=dict(type="dict", options=dict(
        # 1..7 is checked in validate(): ansible-core 2.16 fails with a traceback on a list
        # of ints outside its `choices` (it joins them as strings).
        days=dict(type="list", elements="int", required=True),
        hours=dict(type="dict", required=True, options=dict(
            start=dict(type="str", required=True),
            end=dict(type="str", required=True),
        )),
        timezone=dict(type="str", required=True),
    )),
)

ACTION_OPTIONS = dict(
    id=dict(type="str"),
    connector_name=dict(type="str"),
    group=dict(type="str"),
    params=dict(type="dict"),
    frequency=dict(type="dict", options=FREQUENCY_OPTIONS),
    alerts_filter=dict(type="dict", options=ALERTS_FILTER_OPTIONS),
    use_alert_data_for_template=dict(type="bool"),
)

SNOOZE_OPTIONS = dict(
    start=dict(type="str", required=True),
    duration=dict(type="str", required=True),
    timezone=dict(type="str"),
    recurring=dict(type="dict", options=dict(
        every=dict(type="str"),
        end=dict(type="str"),
        occurrences=dict(type="int"),
        on_week_day=dict(type="list", elements="str"),
        on_month_day=dict(type="list", elements="int"),
        on_month=dict(type="list", elements="int"),
    )),
)

RULE_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    rule_type_id=dict(type="str"),
    consumer=dict(type="str"),
    schedule=dict(type="str"),
    params=dict(type="dict"),
    tags=dict(type="list", elements="str"),
    enabled=dict(type="bool"),
    actions=dict(type="list", elements="dict", options=ACTION_OPTIONS,
                 mutually_exclusive=[("id", "connector_name")],
                 required_one_of=[("id", "connector_name")]),
    notify_when=dict(type="str", choices=NOTIFY_WHEN),
    throttle=dict(type="str"),
    alert_delay=dict(type="dict", options=dict(active=dict(type="int", required=True))),
    flapping=dict(type="dict", options=dict(
        look_back_window=dict(type="int", required=True),
        status_change_threshold=dict(type="int", required=True),
        enabled=dict(type="bool"),
    )),
    muted=dict(type="bool"),
    artifacts=dict(type="dict", options=dict(
        dashboards=dict(type="list", elements="str"),
        investigation_guide=dict(type="str"),
    )),
    snooze_schedules=dict(type="list", elements="dict", options=SNOOZE_OPTIONS),
    purge_snooze_schedules=dict(type="bool", default=True),
    update_api_key=dict(type="bool", default=False, no_log=False),
    recreate=dict(type="bool", default=False),
)

# alert_delay and the snooze occurrence count have no documented maximum: a 32-bit integer
RULE_RANGES = {
    "alert_delay.active": (0, INT_MAX),
    "flapping.look_back_window": (2, 20),
    "flapping.status_change_threshold": (2, 20),
    "actions[].alerts_filter.timeframe.days[]": (1, 7),
    "snooze_schedules[].recurring.occurrences": (1, INT_MAX),
    "snooze_schedules[].recurring.on_month_day[]": (1, 31),
    "snooze_schedules[].recurring.on_month[]": (1, 12),
}

RULE_MODULE_KWARGS = dict(
    required_one_of=[("id", "name")],
)

RULE_INFO_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    tags=dict(type="list", elements="str"),
    rule_type_id=dict(type="str"),
)


# ------------------------------------------------------------------ lookups


def find_rules(client, name=None, kql=None):
    """Every rule of the client's space matching `kql` and named exactly `name`. The name
    search is Elasticsearch's simple_query_string on an analysed field (an unquoted a-b-c
    matches any rule containing a, b or c), so it is quoted as a phrase and the exact name is
    checked here."""
    query = {}
    if kql:
        query["filter"] = kql
    if name is not None and re.search(r"\w", name):
        # quotes and backslashes would end the phrase early; the analyser drops them anyway
        query["search"] = '"%s"' % re.sub(r'["\\]', " ", name)
        query["search_fields"] = "name"
    rules = client.pages(FIND_PATH, query, page_param="page", size_param="per_page",
                         size=PAGE_SIZE, items_key="data", keys=("id", "name"))
    return [r for r in rules if name is None or r.get("name") == name]


def rule_info(client, params):
    """kibana_rule_info: one rule by id, or the rules matching a name, tags (all of them) and a
    rule type, or every rule of the space."""
    if params.get("id"):
        found = client.get(join(RULE_PATH, ("id", params["id"])), absent_ok=True, expect=dict,
                           keys=("id", "name"))
        rules = [found] if found else []
        if params.get("name") is not None:
            rules = [r for r in rules if r.get("name") == params["name"]]
        if params.get("tags"):
            rules = [r for r in rules if set(params["tags"]) <= set(r.get("tags") or [])]
        if params.get("rule_type_id") is not None:
            rules = [r for r in rules if r.get("rule_type_id") == params["rule_type_id"]]
    else:
        clauses = ["alert.attributes.tags:%s" % kql_string(tag) for tag in params.get("tags") or []]
        if params.get("rule_type_id") is not None:
            clauses.append("alert.attributes.alertTypeId:%s" % kql_string(params["rule_type_id"]))
        rules = find_rules(client, params.get("name"), " and ".join(clauses) or None)
    return {"rules": rules}


# ------------------------------------------------------------------ shapes


def request_action(action):
    """An action as a request accepts it: without the response-only connector_type_id, and
    with the `filters` list an alerts filter query requires."""
    out = dict((k, copy.deepcopy(v)) for k, v in action.items() if k != "connector_type_id")
    query = (out.get("alerts_filter") or {}).get("query")
    if query is not None and query.get("filters") is None:
        query["filters"] = []
    return out


def merge_action(current, desired):
    """The user's action laid over the stored one it replaces: its uuid and the keys the user
    did not set (an alerts filter made in the UI, say) are kept. `frequency` is replaced as a
    whole; a changed alerts filter query drops the `dsl` Kibana generated from the old KQL."""
    merged = request_action(current)
    for key, value in desired.items():
        if key == "params":
            merged["params"] = merge_removing_none(merged.get("params") or {}, value)
        elif key == "alerts_filter":
            alerts_filter = copy.deepcopy(merged.get("alerts_filter") or {})
            if value.get("query") is not None and "dsl" not in value["query"]:
                (alerts_filter.get("query") or {}).pop("dsl", None)
            merged["alerts_filter"] = overlay(alerts_filter, value)
        else:
            merged[key] = copy.deepcopy(value)
    return request_action(merged)


def duration_ms(value):
    return int(value[:-1]) * MILLISECONDS[value[-1]]


def refuse_invalid_actions(body):
    """The refusals of Kibana's validateActions (validate_actions.ts) that the request body
    alone decides, raised before any write so that check mode fails as the real run does.
    `body` is the create or update body as it would be sent (rule-level fields kept from the
    stored rule included). Actions without a group are left to Kibana (system actions carry
    none)."""
    actions = [(i, a) for i, a in enumerate(body.get("actions") or []) if a.get("group")]
    if not actions:
        return
    if body.get("notify_when") is None and body.get("throttle") is None:
        missing = [(i, a) for i, a in actions if not a.get("frequency")]
        if missing:
            raise ResourceError(
                "%s must be set, or the rule-level notify_when: Kibana refuses actions without "
                "a frequency on a rule without rule-level notify_when or throttle (\"Actions "
                "missing frequency parameters: %s\"). Nothing was changed."
                % (", ".join("actions[%d].frequency" % i for i, _a in missing),
                   ", ".join(a["group"] for _i, a in missing)))
    interval = (body.get("schedule") or {}).get("interval")
    if interval and DURATION.match(interval):
        for index, action in actions:
            frequency = action.get("frequency") or {}
            throttle = frequency.get("throttle")
            if (frequency.get("notify_when") == "onThrottleInterval" and throttle
                    and DURATION.match(throttle) and duration_ms(throttle) < duration_ms(interval)):
                raise ResourceError(
                    "actions[%d].frequency.throttle (%s) cannot be shorter than the schedule "
                    "interval (%s): Kibana refuses it (\"Action frequency cannot be shorter "
                    "than the schedule interval\"). Nothing was changed."
                    % (index, throttle, interval))


def snooze_body(schedule):
    """The user's snooze schedule in the API's `custom` format (camelCase, nothing unset)."""
    custom = {"start": schedule["start"], "duration": schedule["duration"]}
    if schedule.get("timezone"):
        custom["timezone"] = schedule["timezone"]
    recurring = schedule.get("recurring") or {}
    names = (("every", "every"), ("end", "end"), ("occurrences", "occurrences"),
             ("on_week_day", "onWeekDay"), ("on_month_day", "onMonthDay"), ("on_month", "onMonth"))
    recurring = dict((api, recurring[option]) for option, api in names
                     if recurring.get(option) is not None)
    if recurring:
        custom["recurring"] = recurring
    return custom


def snooze_rrule(schedule):
    """The rule's snooze_schedule[] entry Kibana stores for a custom schedule
    (transformCustomScheduleToRRule): duration in milliseconds and an rRule."""
    custom = snooze_body(schedule)
    recurring = custom.get("recurring") or {}
    number, unit = SNOOZE_DURATION.match(custom["duration"]).groups()
    every = SNOOZE_EVERY.match(recurring.get("every") or "")
    rrule = {"dtstart": custom["start"], "tzid": custom.get("timezone") or "UTC",
             "freq": FREQUENCIES[every.group(2)] if every else None,
             "interval": int(every.group(1)) if every else None,
             "byweekday": recurring.get("onWeekDay"), "bymonthday": recurring.get("onMonthDay"),
             "bymonth": recurring.get("onMonth"), "until": recurring.get("end"),
             "count": recurring.get("occurrences")}
    return {"duration": int(number) * MILLISECONDS[unit], "rRule": drop_none(rrule)}


def same_snooze(wanted, stored):
    """A stored schedule is the wanted one when its duration and every rRule key a custom
    schedule can set are equal (an unset key must be unset there too)."""
    stored_rrule = stored.get("rRule") or {}
    return stored.get("duration") == wanted["duration"] and not any(
        differences(wanted["rRule"].get(key), stored_rrule.get(key)) for key in RRULE_KEYS)


def top_field(path):
    return path.split(".")[0].split("[")[0]


# ------------------------------------------------------------------ the resource


class RuleResource(Resource):
    name = "rule"
    title = "rule"
    natural_key = ("name",)
    create_only = ("rule_type_id", "consumer")
    required_for_create = ("name", "rule_type_id", "consumer", "schedule")
    server_owned = ("revision", "execution_status", "last_run", "next_run", "monitoring", "running",
                    "api_key_owner", "api_key_created_by_user", "created_at", "created_by",
                    "updated_at", "updated_by", "scheduled_task_id", "active_snoozes",
                    "is_snoozed_until", "mapped_params", "view_in_app_relative_url")
    unordered = ("tags",)
    caller_id = True
    ranges = RULE_RANGES
    tags_field = "tags"
    #: `replaced` (set form): what an entry leaves unset goes back to
    replace_defaults = {"tags": [], "actions": [], "enabled": True, "muted": False,
                        "snooze_schedules": []}

    def __init__(self, client, params):
        super(RuleResource, self).__init__(client, params)
        self._connectors = None
        # the id of a rule deleted to be recreated (recreate=true), reused for the new one
        self._replaced_id = None
        self._artifacts_read = {}

    # -------------------------------------------------------- input

    def validate(self):
        params = self.params
        durations = [("schedule", params.get("schedule")), ("throttle", params.get("throttle"))]
        for index, action in enumerate(params.get("actions") or []):
            durations.append(("actions[%d].frequency.throttle" % index,
                              (action.get("frequency") or {}).get("throttle")))
        for option, value in durations:
            if value is not None and not DURATION.match(value):
                raise ResourceError(
                    "%s must be a duration like 30s, 5m, 1h or 1d (<integer><s|m|h|d>), got %r"
                    % (option, value))
        legacy = [o for o in ("notify_when", "throttle") if params.get(o) is not None]
        per_action = ["actions[%d].frequency" % i for i, a in enumerate(params.get("actions") or [])
                      if a.get("frequency") is not None]
        if legacy and per_action:
            raise ResourceError(
                "%s (rule level) cannot be combined with %s: Kibana accepts either the deprecated "
                "rule-level notify_when/throttle or a frequency on each action, not both"
                % (" and ".join(legacy), ", ".join(per_action)))
        for index, action in enumerate(params.get("actions") or []):
            days = ((action.get("alerts_filter") or {}).get("timeframe") or {}).get("days") or []
            if any(day not in range(1, 8) for day in days):
                raise ResourceError(
                    "actions[%d].alerts_filter.timeframe.days must be ISO days of the week, 1 "
                    "(Monday) to 7 (Sunday), got %r" % (index, days))
            hours = ((action.get("alerts_filter") or {}).get("timeframe") or {}).get("hours") or {}
            for end in ("start", "end"):
                if hours.get(end) is not None and not HOUR.match(hours[end]):
                    raise ResourceError(
                        "actions[%d].alerts_filter.timeframe.hours.%s must be a time of day as "
                        "HH:mm (00:00 to 24:00), got %r" % (index, end, hours[end]))
        for key in ("look_back_window", "status_change_threshold"):
            value = (params.get("flapping") or {}).get(key)
            if value is not None and not 2 <= value <= 20:
                raise ResourceError("flapping.%s must be between 2 and 20, got %r" % (key, value))
        for index, schedule in enumerate(params.get("snooze_schedules") or []):
            where = "snooze_schedules[%d]" % index
            if not SNOOZE_DURATION.match(schedule["duration"]):
                raise ResourceError("%s.duration must look like 30m, 8h or 2d, got %r"
                                    % (where, schedule["duration"]))
            every = (schedule.get("recurring") or {}).get("every")
            if every is not None and not SNOOZE_EVERY.match(every):
                raise ResourceError("%s.recurring.every must look like 1d, 2w, 1M or 1y, got %r"
                                    % (where, every))

    # -------------------------------------------------------- identity

    def read(self, object_id):
        return self.client.get(join(RULE_PATH, ("id", object_id)), absent_ok=True, expect=dict,
                               keys=("id", "name"))

    def find(self):
        return find_rules(self.client, self.params["name"])

    @classmethod
    def list_all(cls, client):
        return find_rules(client)

    def to_config(self, obj):
        config = {"id": obj["id"], "name": obj.get("name"), "rule_type_id": obj.get("rule_type_id"),
                  "consumer": obj.get("consumer"),
                  "schedule": (obj.get("schedule") or {}).get("interval"),
                  "params": drop_none(obj.get("params") or {}), "tags": list(obj.get("tags") or []),
                  "enabled": obj.get("enabled", True), "muted": bool(obj.get("mute_all")),
                  "actions": [drop_none(dict((k, v) for k, v in a.items()
                                             if k in ACTION_OPTIONS))
                              for a in obj.get("actions") or []]}
        if not any("frequency" in a for a in config["actions"]):
            for key in ("notify_when", "throttle"):
                if obj.get(key) is not None:
                    config[key] = obj[key]
        for key in ("alert_delay", "flapping"):
            if obj.get(key):
                config[key] = drop_none(obj[key])
        # the public rule API shows artifacts on some versions only: gathered when it does
        artifacts = obj.get("artifacts") if isinstance(obj.get("artifacts"), dict) else {}
        option = {}
        if artifacts.get("dashboards"):
            option["dashboards"] = [d.get("id") for d in artifacts["dashboards"]]
        if (artifacts.get("investigation_guide") or {}).get("blob"):
            option["investigation_guide"] = artifacts["investigation_guide"]["blob"]
        if option:
            config["artifacts"] = option
        return config

    def replace(self, current):
        """Also the params: stored keys the entry does not set are removed (None), but for the
        defaults Kibana injects for the type."""
        super(RuleResource, self).replace(current)
        if current is not None and self.params.get("params") is not None:
            kept = TYPE_PARAM_DEFAULTS.get(current.get("rule_type_id"), {})
            params = dict(self.params["params"])
            for key in current.get("params") or {}:
                if key not in params and key not in kept:
                    params[key] = None
            self.params["params"] = params

    def create_only_changes(self, current, desired):
        blocked = super(RuleResource, self).create_only_changes(current, desired)
        if blocked and self.params.get("recreate"):
            self._replaced_id = current["id"]
            # the new rule is made of the task alone: a body Kibana refuses must not cost the
            # deletion of the old one
            refuse_invalid_actions(desired)
        return blocked

    # -------------------------------------------------------- desired state

    def _connector_id(self, index, name):
        """A connector name resolved in the rule's space (one read for every name)."""
        if self._connectors is None:
            self._connectors = self.cached("connectors", lambda: list_connectors(self.client))
        matches = [c for c in self._connectors if c.get("name") == name]
        return only_named(matches, "actions[%d].connector_name" % index, "connector", "connectors",
                          name, self.client.space_id, "set actions[%d].id to choose one" % index)["id"]

    def _action(self, index, option):
        action = {"id": option.get("id") or self._connector_id(index, option["connector_name"])}
        for key in ("group", "params", "frequency", "alerts_filter", "use_alert_data_for_template"):
            if option.get(key) is not None:
                action[key] = drop_none(option[key])
        return action

    def desired(self):
        params = self.params
        desired = {}
        for key in ("name", "rule_type_id", "consumer", "tags", "notify_when", "throttle",
                    "enabled"):
            if params.get(key) is not None:
                desired[key] = params[key]
        if params.get("schedule") is not None:
            desired["schedule"] = {"interval": params["schedule"]}
        if params.get("params") is not None:
            # kept with its None values: a None param means "remove this key"
            desired["params"] = params["params"]
        if params.get("actions") is not None:
            desired["actions"] = [self._action(i, a) for i, a in enumerate(params["actions"])]
        for key in ("alert_delay", "flapping"):
            if params.get(key) is not None:
                desired[key] = drop_none(params[key])
        if params.get("muted") is not None:
            desired["mute_all"] = params["muted"]
        if params.get("artifacts") is not None:
            desired["artifacts"] = self._artifacts_option()
        return desired

    def comparable(self, current):
        view = dict(current)
        view["tags"] = current.get("tags") or []
        view["params"] = defaults_as_removed(
            current.get("params"), self.params.get("params"),
            TYPE_PARAM_DEFAULTS.get(current.get("rule_type_id"), {}))
        view["actions"] = current.get("actions") or []
        # a response without `enabled` means enabled (hazard 8)
        view["enabled"] = current.get("enabled", True)
        view["mute_all"] = bool(current.get("mute_all"))
        if self.params.get("artifacts") is not None:
            view["artifacts"] = self.stored_artifacts(current) or {}
        return view

    # -------------------------------------------------------- snoozes

    def _snooze_plan(self, current):
        """(schedules to add, ids of stored schedules to delete)."""
        wanted = self.params.get("snooze_schedules")
        if wanted is None:
            return [], []
        remaining = list((current or {}).get("snooze_schedule") or [])
        missing = []
        for schedule in wanted:
            form = snooze_rrule(schedule)
            match = next((s for s in remaining if same_snooze(form, s)), None)
            if match is None:
                missing.append(schedule)
            else:
                remaining.remove(match)
        unlisted = []
        if self.params.get("purge_snooze_schedules"):
            # snoozes set in the UI without a schedule have no id and cannot be deleted by id
            unlisted = [s["id"] for s in remaining if s.get("id")]
        return missing, unlisted

    def _snooze(self, rule_id, schedule):
        self.client.post(join(RULE_PATH, ("id", rule_id), "snooze_schedule"),
                         {"schedule": {"custom": snooze_body(schedule)}},
                         expect=dict, keys=("schedule",))

    def _unsnooze(self, rule_id, schedule_id):
        self.client.delete(join(RULE_PATH, ("id", rule_id), "snooze_schedule",
                                ("snooze schedule id", schedule_id)),
                           expect=Empty)

    # -------------------------------------------------------- comparison and plan

    def changes(self, current, desired):
        found = super(RuleResource, self).changes(current, desired)
        missing, unlisted = self._snooze_plan(current)
        if missing or unlisted:
            found.append("snooze_schedules")
        return found

    def plan(self, current, desired):
        rule_id = current["id"]
        paths = self.changes(current, desired)
        fields = set(top_field(p) for p in paths)
        enable = "enabled" in fields and desired["enabled"]
        disable = "enabled" in fields and not desired["enabled"]
        update = bool(fields & (set(UPDATABLE) | {"artifacts"}))
        # built before any step runs: a refused update must leave everything untouched
        body = self._update_body(current, desired) if update else None
        missing, unlisted = self._snooze_plan(current)
        # Adding a snooze schedule clears mute_all in Kibana: mute again afterwards, and never
        # send an unmute it makes needless.
        mute = desired.get("mute_all") is True if missing else "mute_all" in fields

        steps = []
        if disable:  # first, so that the update does not grant a key the rule then drops
            steps.append(Step("disable", lambda: self.client.post(
                join(RULE_PATH, ("id", rule_id), "_disable"), expect=Empty)))
        if update:
            steps.append(Step("update", lambda: self._put(current, body)))
        if enable:
            steps.append(Step("enable", lambda: self.client.post(
                join(RULE_PATH, ("id", rule_id), "_enable"), expect=Empty)))
        for schedule_id in unlisted:
            steps.append(Step("unsnooze", lambda s=schedule_id: self._unsnooze(rule_id, s)))
        for schedule in missing:
            steps.append(Step("snooze", lambda s=schedule: self._snooze(rule_id, s)))
        if mute:
            action = "_mute_all" if desired["mute_all"] else "_unmute_all"
            steps.append(Step(action.strip("_"), lambda: self.client.post(
                join(RULE_PATH, ("id", rule_id), action), expect=Empty)))
        stays_enabled = desired.get("enabled", self.comparable(current)["enabled"])
        # an update of an enabled rule re-keys it already
        if self.params.get("update_api_key") and not (update and stays_enabled):
            steps.append(Step("update_api_key", lambda: self.client.post(
                join(RULE_PATH, ("id", rule_id), "_update_api_key"), expect=Empty)))
        return steps

    # -------------------------------------------------------- writes

    def _merged_actions(self, current, desired):
        """The actions of the update body: the user's list, each laid over the stored action of
        the same connector (and group) so its uuid and unset keys survive; the stored actions
        when the user set none. Choosing the deprecated rule-level notify_when/throttle drops
        the per-action frequencies Kibana would refuse next to them."""
        stored = current.get("actions") or []
        if "actions" not in desired:
            merged = [request_action(a) for a in stored]
        else:
            used = set()
            merged = []
            for index, want in enumerate(desired["actions"]):
                candidates = [i for i, have in enumerate(stored) if i not in used
                              and have.get("id") == want["id"]
                              and (want.get("group") is None or have.get("group") == want["group"])]
                pair = index if index in candidates else (candidates[0] if candidates else None)
                if pair is None:
                    merged.append(request_action(want))
                else:
                    used.add(pair)
                    merged.append(merge_action(stored[pair], want))
        if desired.get("notify_when") is not None or desired.get("throttle") is not None:
            for action in merged:
                action.pop("frequency", None)
        return merged

    def _update_body(self, current, desired):
        body = {
            "name": desired.get("name", current.get("name")),
            "schedule": desired.get("schedule") or current.get("schedule"),
            "tags": desired["tags"] if "tags" in desired else current.get("tags") or [],
            "params": merge_removing_none(current.get("params") or {}, desired.get("params")),
            "actions": self._merged_actions(current, desired),
        }
        per_action = any("frequency" in a for a in body["actions"])
        for key in ("notify_when", "throttle"):
            # The deprecated rule-level fields are sent when set, or kept when the rule still
            # uses them; never added to a rule with per-action frequencies (trap 1).
            if desired.get(key) is not None:
                body[key] = desired[key]
            elif current.get(key) is not None and not per_action:
                body[key] = current[key]
        # omitted, Kibana keeps them
        for key in ("alert_delay", "flapping"):
            if desired.get(key) is not None:
                body[key] = overlay(current.get(key) or {}, desired[key])
        refuse_invalid_actions(body)
        artifacts = self._update_artifacts(current)
        if artifacts is not None:
            body["artifacts"] = artifacts
        return body

    # -------------------------------------------------------- artifacts

    def _artifacts_option(self):
        """The artifacts option in Kibana's shape, holding only the keys the user set."""
        option = self.params["artifacts"]
        body = {}
        if option.get("dashboards") is not None:
            body["dashboards"] = [{"id": d} for d in option["dashboards"]]
        if option.get("investigation_guide") is not None:
            body["investigation_guide"] = {"blob": option["investigation_guide"]}
        return body

    def stored_artifacts(self, current):
        """The dashboards and investigation guide linked to the rule (in the UI or by this
        module), or None when they cannot be read. The public rule API leaves them out, so they
        come from the UI's internal rule route (read once, only when needed)."""
        if "artifacts" in current:
            return current["artifacts"]
        rule_id = current["id"]
        if rule_id not in self._artifacts_read:
            try:
                rule = self.client.get(join(INTERNAL_RULE_PATH, ("id", rule_id)),
                                       absent_ok=True, headers=INTERNAL_HEADERS)
            except KibanaApiError:  # an internal route may be closed to API clients
                rule = None
            found = rule.get("artifacts") if isinstance(rule, dict) else None
            self._artifacts_read[rule_id] = found if isinstance(found, dict) else None
        return self._artifacts_read[rule_id]

    def _require_artifacts(self):
        """Refuse, before any write, to send the artifacts option to a Kibana whose rules have
        none (its strict schema answers 400 "definition for this key is missing")."""
        number, parsed = self.target_version()
        if parsed and not has_artifacts(parsed):  # None: serverless; (): not known
            raise ResourceError(
                "artifacts needs Kibana 8.19, or 9.1 or later (rule artifacts: linked dashboards "
                "and an investigation guide), and the target Kibana is %s: leave artifacts out "
                "of the task. Nothing was changed." % number)

    def _update_artifacts(self, current):
        """The artifacts an update must send. Kibana 8.19 and 9.1+ replace the stored artifacts with those
        of the update, clearing them when it sends none (`data.artifacts ?? {}` in the rules
        client's update_rule.ts), so the stored ones are always sent back, with the user's
        keys laid over them; an update that cannot do so is refused before any write."""
        stored = self.stored_artifacts(current)
        if self.params.get("artifacts") is not None:
            if stored is None:
                self._require_artifacts()
            return overlay(copy.deepcopy(stored or {}), self._artifacts_option())
        if stored is not None:
            return copy.deepcopy(stored)
        number, parsed = self.target_version()
        if parsed is not None and parsed and not has_artifacts(parsed):
            return None  # this version has no artifacts to clear
        raise ResourceError(
            "rule %s needs an update, and Kibana %s replaces a rule's artifacts (the dashboards "
            "and investigation guide linked to it in the UI) with those an update sends, while "
            "its public API does not return them and the UI's rule route could not be read: "
            "set artifacts to what the rule should keep (artifacts: {} when it has none) so "
            "that nothing linked in the UI is cleared. Nothing was changed."
            % (current.get("id"), number or "(version unknown)"))

    def create(self, desired):
        body = dict((k, desired[k]) for k in ("name", "rule_type_id", "consumer", "schedule",
                                              "tags", "notify_when", "throttle", "alert_delay",
                                              "flapping", "enabled") if k in desired)
        # enabled=false is sent as such (trap 2); params are always sent (the rule types
        # validate them), without the None values that mean "remove" on an update
        body["params"] = drop_none(desired.get("params") or {})
        if self.params.get("artifacts") is not None:
            self._require_artifacts()
            body["artifacts"] = self._artifacts_option()
        if "actions" in desired:
            body["actions"] = [request_action(a) for a in desired["actions"]]
        refuse_invalid_actions(body)
        rule_id = self._replaced_id or self.create_id()
        rule = self.client.post(join(RULE_PATH, ("id", rule_id)), body, expect=dict,
                                keys=("id", "name"))
        missing, _unlisted = self._snooze_plan(None)
        for schedule in missing:
            self._snooze(rule["id"], schedule)
        if desired.get("mute_all"):
            self.client.post(join(RULE_PATH, ("id", rule["id"]), "_mute_all"), expect=Empty)
        if missing or desired.get("mute_all"):
            rule = self.read(rule["id"]) or rule
        return rule

    def update(self, current, desired):
        return self._put(current, self._update_body(current, desired))

    def _put(self, current, body):
        rule = self.client.put(join(RULE_PATH, ("id", current["id"])), body, expect=dict,
                               keys=("id", "name"))
        if "artifacts" in body:  # what Kibana now holds, for the check after the write
            self._artifacts_read[current["id"]] = copy.deepcopy(body["artifacts"])
        return rule

    def delete(self, current):
        self.client.delete(join(RULE_PATH, ("id", current["id"])), expect=Empty)  # 204

    # -------------------------------------------------------- check mode

    def _connector_types(self, current):
        types = dict((a.get("id"), a.get("connector_type_id"))
                     for a in (current or {}).get("actions") or [] if a.get("connector_type_id"))
        for connector in self._connectors or []:
            types[connector["id"]] = connector.get("connector_type_id")
        return types

    def _predict_actions(self, actions, current):
        types = self._connector_types(current)
        predicted = []
        for action in actions:
            action = copy.deepcopy(action)
            if action.get("frequency") is not None:
                action["frequency"].setdefault("throttle", None)
            if types.get(action["id"]):
                action["connector_type_id"] = types[action["id"]]
            predicted.append(action)
        return predicted

    def predict(self, current, desired):
        missing, unlisted = self._snooze_plan(current)
        snoozes = [s for s in (current or {}).get("snooze_schedule") or []
                   if s.get("id") not in unlisted]
        snoozes.extend(dict(snooze_rrule(s), id=None) for s in missing)
        if current is None:
            refuse_invalid_actions(desired)  # as create() does with the same fields
            if "artifacts" in desired:
                self._require_artifacts()
            predicted = dict((k, copy.deepcopy(v)) for k, v in desired.items() if k != "actions")
            predicted["id"] = self._replaced_id or self.create_id()
            predicted.setdefault("tags", [])
            predicted["params"] = overlay(TYPE_PARAM_DEFAULTS.get(desired.get("rule_type_id"), {}),
                                          drop_none(desired.get("params") or {}))
            predicted["actions"] = self._predict_actions(desired.get("actions") or [], None)
            predicted.pop("artifacts", None)
            predicted.setdefault("enabled", True)
            predicted.setdefault("mute_all", False)
            predicted.setdefault("notify_when", None)
            predicted.setdefault("throttle", None)
        else:
            predicted = copy.deepcopy(current)
            fields = set(top_field(p) for p in self.changes(current, desired))
            if fields & (set(UPDATABLE) | {"artifacts"}):
                # as the real run builds it (and refuses it: see _update_artifacts)
                body = self._update_body(current, desired)
                body.pop("artifacts", None)  # never part of Kibana's public answer
                body["actions"] = self._predict_actions(body["actions"], current)
                predicted.update(body)
            for key in ("enabled", "mute_all"):
                if key in desired:
                    predicted[key] = desired[key]
            if missing:
                predicted["mute_all"] = bool(desired.get("mute_all"))
        if snoozes or "snooze_schedule" in predicted:
            predicted["snooze_schedule"] = snoozes
        return predicted
