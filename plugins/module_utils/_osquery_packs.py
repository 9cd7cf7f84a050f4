# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Osquery packs (/api/osquery/packs): the family's resource spec and its quirks.

Kibana returns a pack in three shapes (object-shaped queries on GET/PUT, arrays on find and
copy, a mix on create); every answer is normalised here into the object form users write
(`pack_view`), and that form is what is compared, predicted and returned. Updates always send
`description`, `policy_ids` and `shards`, which Kibana clears when a PUT leaves them out."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.stackops.kibana.plugins.module_utils._arguments import INT_MAX, paging
from ansible_collections.stackops.kibana.plugins.module_utils._compare import (
    drop_none,
    extra_keys,
    overlay,
)
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource, Step, only_named
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaError,
    ResourceError,
)
from ansible_collections.stackops.kibana.plugins.module_utils._paths import join
from ansible_collections.stackops.kibana.plugins.module_utils._fleet_agent_policies import (
    kuery_name,
    list_policies,
    package_attached,
)

# Python 3 only (module code targets 3.8+): the standard library's types, not
# ansible.module_utils.six, which ansible-core 2.21's sanity test refuses.
integer_types = (int,)
string_types = (str,)

PACKS_PATH = "/api/osquery/packs"
OSQUERY_PACKAGE = "osquery_manager"
# osquery's DEFAULT_PLATFORM, in its exact order: Kibana leaves a query's platform out of its
# answers when it is this string, and a query without platform runs on every platform.
PLATFORMS = ("linux", "windows", "darwin")
SCHEDULING_SINCE = (9, 4, 0)
COPY_SINCE = (9, 4, 0)
RRULE_MAX = 2048
SCHEDULE_STRING_MAX = 64
MAX_SPLAY_SECONDS = 12 * 3600
GLOBAL_SHARD = "*"
# Per-query keys of Kibana's answers that Kibana owns (never compared, never sent back).
SERVER_QUERY_KEYS = ("id", "name", "schedule_id", "start_date", "schedule_type", "saved_query_id")
PLAIN_QUERY_KEYS = ("query", "interval", "timeout", "version", "snapshot", "removed")
PACK_METADATA = ("read_only", "version", "created_at", "created_by", "updated_at", "updated_by")

RRULE_SCHEDULE_OPTIONS = dict(
    rrule=dict(type="str", required=True),
    start_date=dict(type="str", required=True),
    end_date=dict(type="str"),
    splay=dict(type="str"),
    timeout=dict(type="int"),
)

# The settings of one osquery query, the same in a pack's queries and in a saved query.
QUERY_SETTING_OPTIONS = dict(
    interval=dict(type="int"),
    timeout=dict(type="int"),
    platform=dict(type="list", elements="str", choices=list(PLATFORMS)),
    version=dict(type="str"),
    snapshot=dict(type="bool"),
    removed=dict(type="bool"),
    ecs_mapping=dict(type="dict"),
)

QUERY_OPTIONS = dict(
    query=dict(type="str"),
    saved_query_id=dict(type="str"),
    rrule_schedule=dict(type="dict", options=RRULE_SCHEDULE_OPTIONS),
    **QUERY_SETTING_OPTIONS
)

OSQUERY_PACK_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    description=dict(type="str"),
    enabled=dict(type="bool"),
    policy_ids=dict(type="list", elements="str"),
    policies=dict(type="list", elements="str"),
    shards=dict(type="dict"),
    queries=dict(type="dict"),
    schedule_type=dict(type="str", choices=["interval", "rrule"]),
    interval=dict(type="int"),
    rrule_schedule=dict(type="dict", options=RRULE_SCHEDULE_OPTIONS),
    copy_from=dict(type="str"),
)

# The lower bounds (at least 1 second) are validate()'s, with their own messages.
OSQUERY_PACK_RANGES = {
    "interval": (None, INT_MAX),
    "rrule_schedule.timeout": (None, INT_MAX),
    "queries.*.interval": (None, INT_MAX),
    "queries.*.timeout": (None, INT_MAX),
    "queries.*.rrule_schedule.timeout": (None, INT_MAX),
}

OSQUERY_PACK_MODULE_KWARGS = dict(
    required_one_of=[("id", "name")],
    mutually_exclusive=[("policy_ids", "policies"), ("interval", "rrule_schedule"),
                        ("id", "copy_from")],
    required_if=[("schedule_type", "interval", ("interval",)),
                 ("schedule_type", "rrule", ("rrule_schedule",))],
    required_by={"interval": "schedule_type", "rrule_schedule": "schedule_type"},
)

OSQUERY_PACK_INFO_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    page=dict(type="int"),
    page_size=dict(type="int", default=100, aliases=["pageSize"]),
)

OSQUERY_PACK_INFO_KWARGS = dict(
    mutually_exclusive=[("id", "name"), ("id", "page")],
)

RFC_3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                      r"(Z|[+-]\d{2}:\d{2})$")
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# RFC 5545 weekdaynum: an optional ordinal (+/-1 to 53, "1MO" = the first Monday) and a day.
WEEKDAY_NUM = re.compile(r"^(?:[+-]?(\d{1,2}))?(MO|TU|WE|TH|FR|SA|SU)$")
SIMPLE_DURATION = re.compile(r"^(\d+)\s*([smh])$", re.I)
DURATION_PART = re.compile(u"(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|ms|s|m|h)")
DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, u"\u00b5s": 1e-6, "ms": 1e-3, "s": 1, "m": 60,
                  "h": 3600}


# ------------------------------------------------------------------ schedule validation


def parse_rfc3339(value):
    """The aware datetime of an RFC 3339 date-time, or None (a bare date is not one)."""
    match = RFC_3339.match(value or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = match.group(7)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    zone = match.group(8)
    try:
        if zone == "Z":
            tz = datetime.timezone.utc
        else:
            offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            tz = datetime.timezone(offset if zone[0] == "+" else -offset)
        return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:  # 2024-02-30, hour 24, offset beyond a day
        return None


def rrule_problem(rrule):
    """What is wrong with an RFC 5545 RRULE as Kibana's parser reads it, or None."""
    text = re.sub(r"^RRULE:", "", rrule.strip(), flags=re.I)
    if not text:
        return "is empty"
    freq = None
    for segment in text.split(";"):
        if not segment:
            continue
        if "=" not in segment:
            return 'has a part without "=": %r' % segment
        key, _sep, value = segment.partition("=")
        key, value = key.strip().upper(), value.strip()
        if not key:
            return "has a part with an empty name: %r" % segment
        if key == "DTSTART":
            return "must not contain DTSTART: set start_date instead"
        if key == "FREQ":
            if value.upper() not in FREQUENCIES:
                return "has an unknown FREQ %r (one of %s)" % (value, ", ".join(FREQUENCIES))
            freq = value
        elif key == "INTERVAL":
            if not value.isdigit() or int(value) < 1:
                return "INTERVAL must be a positive integer, got %r" % value
        elif key == "BYDAY":
            for day in (d.strip().upper() for d in value.split(",")):
                match = WEEKDAY_NUM.match(day)
                if day and (not match or (match.group(1) is not None
                                          and not 1 <= int(match.group(1)) <= 53)):
                    return ("BYDAY has an unknown day %r (one of %s, each with an optional "
                            "ordinal from -53 to 53 such as 1MO or -1FR)"
                            % (day, ", ".join(WEEKDAYS)))
        elif key in ("BYMONTHDAY", "BYMONTH"):
            for item in (i.strip() for i in value.split(",")):
                if item and not re.match(r"^[+-]?\d+$", item):
                    return "%s must list integers, got %r" % (key, item)
    if freq is None:
        return "has no FREQ part (for example FREQ=DAILY)"
    return None


def duration_seconds(text):
    """A Go duration ("30s", "5m", "1h", compound "1h30m") in seconds, or None if not one."""
    text = text.strip()
    simple = SIMPLE_DURATION.match(text)
    if simple:
        return int(simple.group(1)) * {"s": 1, "m": 60, "h": 3600}[simple.group(2).lower()]
    if not text or DURATION_PART.sub("", text) != "":
        return None
    return sum(float(number) * DURATION_UNITS[unit] for number, unit in DURATION_PART.findall(text))


def rrule_schedule_problems(schedule, where):
    """Kibana's checks of an rrule_schedule, each naming the option."""
    problems = []
    rrule = schedule.get("rrule")
    if rrule is not None:
        if len(rrule) > RRULE_MAX:
            problems.append("%s.rrule must not exceed %d characters" % (where, RRULE_MAX))
        else:
            problem = rrule_problem(rrule)
            if problem:
                problems.append("%s.rrule %r %s" % (where, rrule, problem))
    dates = {}
    for key in ("start_date", "end_date"):
        value = schedule.get(key)
        if value is None:
            continue
        if len(value) > SCHEDULE_STRING_MAX:
            problems.append("%s.%s must not exceed %d characters"
                            % (where, key, SCHEDULE_STRING_MAX))
            continue
        dates[key] = parse_rfc3339(value)
        if dates[key] is None:
            problems.append("%s.%s must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z, "
                            "got %r" % (where, key, value))
    if dates.get("start_date") and dates.get("end_date") and \
            dates["end_date"] <= dates["start_date"]:
        problems.append("%s.end_date must be after %s.start_date" % (where, where))
    splay = schedule.get("splay")
    if splay is not None:
        seconds = duration_seconds(splay) if len(splay) <= SCHEDULE_STRING_MAX else None
        if seconds is None or seconds <= 0:
            problems.append("%s.splay must be a positive Go duration such as 30s, 5m or 1h "
                            "(at most %d characters), got %r"
                            % (where, SCHEDULE_STRING_MAX, splay))
        elif seconds > MAX_SPLAY_SECONDS:
            problems.append("%s.splay must not exceed 12h, got %r" % (where, splay))
    if schedule.get("timeout") is not None and schedule["timeout"] < 1:
        problems.append("%s.timeout must be a positive number of seconds" % where)
    return problems


def ecs_mapping_problems(mapping, where):
    problems = []
    for field, entry in mapping.items():
        place = "%s.%s" % (where, field)
        if not field:
            problems.append("%s has an empty ECS field name" % where)
        elif not isinstance(entry, dict) or set(entry) - set(("field", "value")):
            problems.append("%s must be a dict with exactly one of field or value" % place)
        elif ("field" in entry) == ("value" in entry):
            problems.append("%s must set exactly one of field (an osquery column) or value "
                            "(a constant), got %s" % (place, ", ".join(sorted(entry)) or "none"))
        elif "field" in entry and (not isinstance(entry["field"], string_types)
                                   or not entry["field"]):
            problems.append("%s.field must be a non-empty string (an osquery column)" % place)
        elif "value" in entry and not _string_or_strings(entry["value"]):
            problems.append("%s.value must be a string or a list of strings" % place)
    return problems


def _string_or_strings(value):
    if isinstance(value, string_types):
        return True
    return isinstance(value, list) and all(isinstance(v, string_types) for v in value)


# ------------------------------------------------------------------ the three shapes


def platform_list(value):
    """A platform given as "linux,darwin" or a list, in osquery's canonical order."""
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, string_types) else list(value)
    parts = [p.strip() for p in parts if p and p.strip()]
    known = [p for p in PLATFORMS if p in parts]
    return known + sorted(set(p for p in parts if p not in PLATFORMS))


def ecs_object(mapping):
    """ecs_mapping as an object keyed by ECS field, from either form."""
    if isinstance(mapping, list):
        return dict((item.get("key"), copy.deepcopy(item.get("value") or {})) for item in mapping)
    return copy.deepcopy(mapping or {})


def shards_object(shards):
    if isinstance(shards, list):
        return dict((item.get("key"), item.get("value")) for item in shards)
    return dict(shards or {})


def _number(value):
    """Numeric strings (the OpenAPI model types intervals as strings) as numbers."""
    if isinstance(value, string_types) and re.match(r"^\d+(\.\d+)?$", value.strip()):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def query_view(raw):
    """One query in the form users write."""
    view = {}
    for key in PLAIN_QUERY_KEYS:
        if raw.get(key) is not None:
            view[key] = _number(raw[key]) if key in ("interval", "timeout") else raw[key]
    platform = platform_list(raw.get("platform"))
    if platform:
        view["platform"] = platform
    mapping = ecs_object(raw.get("ecs_mapping"))
    if mapping:
        view["ecs_mapping"] = mapping
    if raw.get("rrule_schedule"):
        view["rrule_schedule"] = copy.deepcopy(raw["rrule_schedule"])
    return view


def pack_view(raw):
    """A pack from any of Kibana's answers, in the object form users write."""
    queries = raw.get("queries") or {}
    if isinstance(queries, list):
        queries = dict((q.get("id") or str(index), q) for index, q in enumerate(queries))
    view = {"id": raw.get("saved_object_id") or raw.get("id"), "name": raw.get("name"),
            "description": raw.get("description") or "", "enabled": bool(raw.get("enabled"))}
    if "policy_ids" in raw:
        view["policy_ids"] = list(raw.get("policy_ids") or [])
    if "shards" in raw:  # not in list items
        view["shards"] = shards_object(raw["shards"])
    view["queries"] = dict((key, query_view(query)) for key, query in queries.items())
    if raw.get("schedule_type"):
        view["schedule_type"] = raw["schedule_type"]
    if raw.get("interval") is not None:
        view["interval"] = _number(raw["interval"])
    if raw.get("rrule_schedule"):
        view["rrule_schedule"] = copy.deepcopy(raw["rrule_schedule"])
    # read_only: a prebuilt pack, which carries `version` (old list items have no read_only).
    view["read_only"] = bool(raw.get("read_only")) or raw.get("version") is not None
    for key in PACK_METADATA[1:]:
        if raw.get(key) is not None:
            view[key] = raw[key]
    return view


def public_view(view):
    """The object returned to users: a platform equal to every platform is left out, as Kibana
    does, so a check-mode prediction matches what a real run returns."""
    out = copy.deepcopy(view)
    for query in (out.get("queries") or {}).values():
        if query.get("platform") == list(PLATFORMS):
            del query["platform"]
    return out


def api_query(query, mode):
    """One query (object form) as Kibana's create/update body wants it."""
    body = dict((k, query[k]) for k in PLAIN_QUERY_KEYS if query.get(k) is not None)
    if query.get("platform"):
        body["platform"] = ",".join(platform_list(query["platform"]))
    if query.get("ecs_mapping") is not None:
        body["ecs_mapping"] = dict((field, drop_none(entry))
                                   for field, entry in query["ecs_mapping"].items())
    if mode == "rrule" and query.get("rrule_schedule"):
        body["schedule_type"] = "rrule"
        body["rrule_schedule"] = drop_none(query["rrule_schedule"])
    elif mode == "interval" and "interval" in body:
        # Without the marker, Kibana drops a per-query interval of an interval-mode pack.
        body["schedule_type"] = "interval"
    return body


def _other_mode_removed(query, mode):
    """A query without the per-query override of the other schedule mode."""
    query = dict(query)
    query.pop("interval" if mode == "rrule" else "rrule_schedule", None)
    return query


def merged_view(current, desired):
    """The pack Kibana holds after an update sending `desired` (object form): scalar fields
    replaced, the query set replaced by the user's (each query laid over the stored one, its
    ecs_mapping replaced when given), rrule_schedule merged as Kibana merges it."""
    merged = copy.deepcopy(current)
    for key in ("name", "description", "enabled", "policy_ids", "shards", "schedule_type",
                "interval"):
        if desired.get(key) is not None:
            merged[key] = copy.deepcopy(desired[key])
    mode = merged.get("schedule_type")
    switched = desired.get("schedule_type") is not None and \
        desired["schedule_type"] != current.get("schedule_type")
    if switched:
        merged.pop("rrule_schedule" if mode == "interval" else "interval", None)
    if desired.get("rrule_schedule") is not None:
        stored = merged.get("rrule_schedule") if not switched else None
        merged["rrule_schedule"] = drop_none(overlay(stored or {}, desired["rrule_schedule"]))
    stored_queries = current.get("queries") or {}
    if desired.get("queries") is not None:
        queries = {}
        for key, wanted in desired["queries"].items():
            base = _other_mode_removed(stored_queries.get(key) or {}, mode)
            if wanted.get("ecs_mapping") is not None:
                base.pop("ecs_mapping", None)
            queries[key] = drop_none(overlay(base, wanted))
        merged["queries"] = queries
    elif switched:
        merged["queries"] = dict((key, _other_mode_removed(query, mode))
                                 for key, query in stored_queries.items())
    merged.setdefault("policy_ids", [])
    merged.setdefault("shards", {})
    return merged


# ------------------------------------------------------------------ reading


def list_packs(client, page=None, size=100):
    if page is not None:
        return client.page(PACKS_PATH, page, size_param="pageSize", size=size, items_key="data",
                           keys=("name",))
    return list(client.pages(PACKS_PATH, page_param="page", size_param="pageSize", size=size,
                             items_key="data", keys=("name",))), None


def search_phrase(text):
    """`text` as one phrase of an Elasticsearch simple_query_string (the pack find's
    `search`), so that no character of a name acts as an operator."""
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def search_packs(client, name, size=100):
    """(packs, complete): the packs Kibana's find returns for a search of `name`. Kibana
    versions whose pack find takes `search` (a simple_query_string on name and description,
    x-pack/platform/plugins/shared/osquery/server/routes/pack/find_pack_route.ts) answer with
    the few packs that mention it, in one request; older ones ignore it and answer with every
    pack, paged through. `complete` is True when the answer shows the search was ignored (a
    pack that does not mention the name): then it is the whole listing."""
    packs = list(client.pages(PACKS_PATH, params={"search": search_phrase(name)},
                              page_param="page", size_param="pageSize", size=size,
                              items_key="data", keys=("name",)))
    needle = name.lower()
    complete = any(needle not in ("%s %s" % (p.get("name") or "", p.get("description") or ""))
                   .lower() for p in packs)
    return packs, complete


def get_pack(client, pack_id):
    body = client.get(join(PACKS_PATH, ("id", pack_id)), absent_ok=True, expect=dict, keys=("data",))
    return pack_view(body["data"]) if body and body.get("data") else None


class OsqueryPackResource(Resource):
    name = "pack"
    title = "osquery pack"
    natural_key = ("name",)
    server_owned = PACK_METADATA
    unordered = ("policy_ids",)
    # Kibana refuses a second pack of the same name (create_pack_route: 409 "Pack with name
    # ... already exists")
    unique_natural_key = True
    taken_key_refused = True  # a rename to a taken name: 409 as well (update_pack_route)
    ranges = OSQUERY_PACK_RANGES
    #: `replaced` (set form): Kibana's defaults for what an entry leaves unset
    replace_defaults = {"description": "", "enabled": False, "policy_ids": [], "shards": {}}

    def __init__(self, client, params):
        super(OsqueryPackResource, self).__init__(client, params)
        # A copy brings its queries from the pack it copies.
        self.required_for_create = ("name",) if params.get("copy_from") else ("name", "queries")
        self.current = None
        self.queries = None
        self.source = None
        self._listing = None

    # ------------------------------------------------------------ input

    def validate(self):
        params = self.params
        problems = []
        if params.get("name") is not None and not params["name"].strip():
            problems.append("name must not be empty")
        if params.get("copy_from") is not None and not params["copy_from"].strip():
            problems.append("copy_from must name an osquery pack (its id or name)")
        for option in ("policy_ids", "policies"):
            if any(not (item or "").strip() for item in params.get(option) or []):
                problems.append("%s must not contain an empty %s"
                                % (option, "id" if option == "policy_ids" else "name"))
        if params.get("interval") is not None and params["interval"] < 1:
            problems.append("interval must be at least 1 (seconds), got %d" % params["interval"])
        if params.get("rrule_schedule") is not None:
            problems.extend(rrule_schedule_problems(params["rrule_schedule"], "rrule_schedule"))
        problems.extend(self._shard_problems())
        if params.get("queries") is not None:
            self.queries, query_problems = self._validated_queries(params["queries"])
            problems.extend(query_problems)
        if problems:
            raise ResourceError("; ".join(problems))

    def _shard_problems(self):
        shards = self.params.get("shards")
        if shards is None:
            return []
        problems = []
        for key, value in shards.items():
            number = value
            if isinstance(value, string_types) and value.strip().isdigit():
                number = int(value)
            if not key:
                problems.append("shards: an agent policy id (or '*') is empty")
            elif isinstance(number, bool) or not isinstance(number, integer_types) or \
                    not 1 <= number <= 100:
                problems.append("shards.%s must be a percentage from 1 to 100, got %r"
                                % (key, value))
        listed = self.params.get("policy_ids") or self.params.get("policies")
        if shards.get(GLOBAL_SHARD) and listed:
            problems.append("shards '*' makes a global pack that runs on every agent policy with "
                            "Osquery Manager, and Kibana then ignores policy_ids/policies: leave "
                            "them out")
        return problems

    def _validated_queries(self, queries):
        """Each query checked against QUERY_OPTIONS by Ansible's own validator, then the
        schedule-mode and ECS rules; the queries in object form (unset keys left out)."""
        mode = self.params.get("schedule_type")
        validator = ArgumentSpecValidator(QUERY_OPTIONS)
        validated = {}
        problems = []
        for key, query in queries.items():
            where = "queries.%s" % key
            if not key:
                problems.append("queries: a query id is empty")
                continue
            if not isinstance(query, dict):
                problems.append("%s must be a dict with at least query" % where)
                continue
            result = validator.validate(query)
            if result.error_messages:
                for error in result.errors.errors:
                    if isinstance(error, UnsupportedError):
                        problems.append("%s: unsupported key(s) %s (supported: %s)" % (
                            where, ", ".join(sorted(result.unsupported_parameters)),
                            ", ".join(sorted(QUERY_OPTIONS))))
                    else:
                        problems.append("%s: %s" % (where, error))
                continue
            query = drop_none(result.validated_parameters)
            if query.get("query") is None and query.get("saved_query_id") is None:
                problems.append("%s needs query (the SQL) or saved_query_id (a saved query to "
                                "copy it from)" % where)
            elif query.get("query") is not None and not query["query"].strip():
                problems.append("%s.query must not be empty" % where)
            if query.get("saved_query_id") is not None and not query["saved_query_id"].strip():
                problems.append("%s.saved_query_id must not be empty" % where)
            for option in ("interval", "timeout"):
                if query.get(option) is not None and query[option] < 1:
                    problems.append("%s.%s must be at least 1 (seconds)" % (where, option))
            if "platform" in query:
                query["platform"] = platform_list(query["platform"])
                if not query["platform"]:
                    del query["platform"]
            if "ecs_mapping" in query:
                problems.extend(ecs_mapping_problems(query["ecs_mapping"], where + ".ecs_mapping"))
                # The other key as None: a stored entry holding both is then a difference.
                query["ecs_mapping"] = dict(
                    (field, {"field": entry.get("field"), "value": entry.get("value")})
                    for field, entry in query["ecs_mapping"].items() if isinstance(entry, dict))
            if "rrule_schedule" in query:
                if mode != "rrule":
                    problems.append("%s.rrule_schedule is a per-query override of an RRULE "
                                    "schedule: it needs schedule_type=rrule on the pack" % where)
                problems.extend(rrule_schedule_problems(query["rrule_schedule"],
                                                        where + ".rrule_schedule"))
            if "interval" in query and mode == "rrule":
                problems.append("%s.interval cannot override an RRULE schedule (per-query "
                                "overrides use the pack's schedule_type): set %s.rrule_schedule "
                                "instead" % (where, where))
            validated[key] = query
        return validated, problems

    # ------------------------------------------------------------ version

    # ------------------------------------------------------------ identity

    def lookup(self):
        self._listing = None  # a lookup after a lost create must see what was made meanwhile
        self.current = super(OsqueryPackResource, self).lookup()
        return self.current

    def read(self, object_id):
        return get_pack(self.client, object_id)

    def listing(self):
        if self._listing is None:
            self._listing = list_packs(self.client)[0]
        return self._listing

    @classmethod
    def list_all(cls, client):
        return [pack_view(item) for item in list_packs(client)[0]]

    def to_config(self, obj):
        # list items carry no shards: the pack itself is read
        full = self.read(obj["id"]) if "shards" not in obj else obj
        if full is None:
            raise ResourceError("osquery pack %s (%r) disappeared while it was gathered"
                                % (obj["id"], obj.get("name")))
        # no id: Kibana chooses the id of a new pack, so packs are declared by name
        config = dict((k, copy.deepcopy(v)) for k, v in public_view(full).items()
                      if k not in PACK_METADATA + ("id",))
        if not config.get("shards"):
            config.pop("shards", None)
        return config

    def replace(self, current):
        super(OsqueryPackResource, self).replace(current)
        if self.params.get("policies") is not None:
            self.params["policy_ids"] = None  # the names declare them

    def find(self):
        """By name: one search request finds an existing pack (however many packs Kibana
        holds); a search that finds none is never taken as "no such pack": absence is
        confirmed on the full listing (a create follows anyway)."""
        name = self.params["name"]
        packs, complete = search_packs(self.client, name)
        if complete:
            self._listing = packs
        found = [item for item in packs if item.get("name") == name]
        if not found and not complete:
            found = [item for item in self.listing() if item.get("name") == name]
        # List items carry no shards: plan() reads the pack itself when they matter.
        return [pack_view(item) for item in found]

    def copy_source(self):
        """The pack named by copy_from (its id first, else its name) in this space."""
        wanted = self.params["copy_from"]
        items = self.listing()
        found = [i for i in items if i.get("saved_object_id") == wanted] or \
            [i for i in items if i.get("name") == wanted]
        if not found:
            raise ResourceError("copy_from %r: no osquery pack with that id or name in space %r"
                                % (wanted, self.params.get("space_id") or "default"))
        return pack_view(found[0])

    # ------------------------------------------------------------ desired

    def desired(self):
        params = self.params
        current = self.current
        if params.get("id") and current is None:
            space = params.get("space_id") or "default"
            raise ResourceError(
                "no osquery pack with id %r in space %r: Kibana chooses the id of a new pack, so "
                "create it by name (without id)" % (params["id"], space))
        desired = {}
        for key in ("name", "description", "enabled", "schedule_type", "interval"):
            if params.get(key) is not None:
                desired[key] = params[key]
        if params.get("rrule_schedule") is not None:
            desired["rrule_schedule"] = drop_none(params["rrule_schedule"])
        if self.queries is not None:
            desired["queries"] = self.with_saved_queries(self.queries)
        names = {}
        if params.get("policies") is not None:
            names = self.resolve_policies(params["policies"])
            desired["policy_ids"] = [names[n] for n in params["policies"]]
        elif params.get("policy_ids") is not None:
            desired["policy_ids"] = list(params["policy_ids"])
        if desired.get("policy_ids") is not None:
            desired["policy_ids"] = [p for i, p in enumerate(desired["policy_ids"])
                                     if p not in desired["policy_ids"][:i]]
        if params.get("shards") is not None:
            desired["shards"] = dict((names.get(key, key), int(value))
                                     for key, value in params["shards"].items())
        if params.get("schedule_type") is not None and \
                (current is None or not current.get("schedule_type")):
            # A pack that already has a schedule_type proves the target schedules packs.
            self.require_version(
                SCHEDULING_SINCE, "schedule_type (pack-level interval and RRULE schedules)",
                "older versions silently drop schedule_type, interval and rrule_schedule")
        if params.get("copy_from") and current is None:
            self.require_version(COPY_SINCE, "copy_from (POST %s/{id}/copy)" % PACKS_PATH,
                                 "older versions have no copy endpoint")
            self.source = self.copy_source()
        return desired

    def with_saved_queries(self, queries):
        """The queries, each one naming a saved_query_id completed from that saved query as the
        Kibana UI does: Kibana's pack routes never store saved_query_id nor read the saved query
        (convertPackQueriesToSO), so the pack holds a copy, and what the user set wins. The
        interval is copied only into packs without schedule_type (per-query intervals)."""
        # imported here: the saved-query family builds on this module's query helpers
        from ansible_collections.stackops.kibana.plugins.module_utils._osquery_saved_queries \
            import saved_query_fields
        queries = copy.deepcopy(queries)
        wanted = [(key, q) for key, q in queries.items() if q.get("saved_query_id") is not None]
        if not wanted:
            return queries
        space = self.params.get("space_id") or "default"
        copied = saved_query_fields(self.client, [q["saved_query_id"] for _key, q in wanted])
        keys = ("query", "timeout", "platform", "version", "snapshot", "removed", "ecs_mapping")
        if not self.params.get("schedule_type"):
            keys += ("interval",)
        for key, query in wanted:
            name = query.pop("saved_query_id")
            source = copied.get(name)
            if source is None:
                raise ResourceError("queries.%s.saved_query_id: no osquery saved query with id or "
                                    "saved object id %r in space %r" % (key, name, space))
            for field in keys:
                if query.get(field) is None and source.get(field) is not None:
                    query[field] = copy.deepcopy(source[field])
        return queries

    def resolve_policies(self, names):
        """Agent policy names -> ids through Fleet, each with Osquery Manager attached."""
        space = self.params.get("space_id") or "default"
        names = list(dict.fromkeys(names))
        # one query for every name; Fleet falls back to a plain search when a kuery is not
        # valid KQL, so the names are checked here as well
        found = self._policies_named(names)
        resolved = {}
        for name in names:
            policy = only_named(
                [p for p in found if p.get("name") == name],
                "policies", "agent policy", "agent policies", name, space, "use policy_ids")
            if package_attached(policy, OSQUERY_PACKAGE) is False:
                raise ResourceError(
                    "policies: agent policy %r (id %s) has no Osquery Manager integration, so "
                    "Kibana cannot deploy packs to it: add the integration in Fleet first"
                    % (name, policy["id"]))
            resolved[name] = policy["id"]
        return resolved

    def _policies_named(self, names):
        if self.shared is not None:
            # a set task reads every agent policy once, for the names of all its packs
            return self.cached("agent_policies", lambda: list_policies(self.client, full=True))
        return list_policies(self.client, " or ".join(kuery_name(n) for n in names),
                             with_agent_count=False, full=True) if names else []

    # ------------------------------------------------------------ compare

    def comparable(self, current):
        view = copy.deepcopy(current)
        for query in (view.get("queries") or {}).values():
            query.setdefault("platform", list(PLATFORMS))
        view.setdefault("policy_ids", [])
        return view

    def changes(self, current, desired):
        found = super(OsqueryPackResource, self).changes(current, desired)
        view = self.comparable(current)
        # The user's queries, ecs_mappings and shards are whole sets: what else Kibana holds
        # is a difference too (an update replaces them).
        if desired.get("queries") is not None:
            stored = view.get("queries") or {}
            found.extend(extra_keys("queries", stored, desired["queries"]))
            for key, query in desired["queries"].items():
                if query.get("ecs_mapping") is not None:
                    found.extend(extra_keys("queries.%s.ecs_mapping" % key,
                                            (stored.get(key) or {}).get("ecs_mapping"),
                                            query["ecs_mapping"]))
        if desired.get("shards") is not None:
            found.extend(extra_keys("shards", view.get("shards"), desired["shards"]))
        return sorted(set(found))

    def read_only_reason(self, current):
        if current.get("read_only"):
            return "a prebuilt pack installed by the Osquery Manager integration (read_only)"
        return None

    def read_only_hint(self, action):
        return " Copy it with copy_from to get a pack of your own."

    def plan(self, current, desired):
        if not self.changes(current, desired):
            return []
        if "shards" not in current:
            # A list item has no shards: compare the user's with the stored ones, and the PUT
            # must carry them.
            full = self.read(current["id"])
            if full is not None:
                current.clear()
                current.update(full)
                if not self.changes(current, desired):
                    return []
        return [Step("update", lambda: self.update(current, desired))]

    # ------------------------------------------------------------ writes

    def create_body(self, desired):
        mode = desired.get("schedule_type")
        body = {"name": desired["name"],
                "queries": dict((key, api_query(query, mode))
                                for key, query in desired["queries"].items())}
        for key in ("description", "enabled", "policy_ids", "shards", "schedule_type",
                    "interval", "rrule_schedule"):
            if desired.get(key) is not None:
                body[key] = copy.deepcopy(desired[key])
        return body

    def create(self, desired):
        if self.source is not None:
            return self.create_by_copy(desired)
        created = self.client.post(PACKS_PATH, self.create_body(desired), expect=dict,
                                   keys=("data",))
        data = created.get("data") or {}
        # The create answer has no policy_ids and array-shaped shards: read the pack back.
        return self.read(data.get("saved_object_id")) or pack_view(data)

    def create_by_copy(self, desired):
        """POST .../copy (named <source>_copy, disabled, no policies, no shards), then one PUT
        with the user's name and fields; the copy is removed again when that PUT fails."""
        copied = self.client.post(join(PACKS_PATH, ("copy_from", self.source["id"]), "copy"), expect=dict,
                                  keys=("data",))
        view = pack_view(copied.get("data") or {})
        self.extras["copied_from"] = self.source["id"]
        try:
            if self.changes(view, desired):
                self.update(view, desired)
        except KibanaError as err:
            try:
                self.client.delete(join(PACKS_PATH, ("id", view["id"])), expect=dict,
                                   allowed_keys=())
                err.message += " (the copy %s was deleted again)" % view["id"]
            except KibanaError:
                err.message += " (the copy %s named %r is left in Kibana)" % (view["id"],
                                                                              view["name"])
            raise
        return self.read(view["id"]) or view

    def update_body(self, current, desired):
        """name, description, policy_ids and shards always (Kibana clears an omitted
        description, and older versions omitted policy_ids and shards); enabled, queries and
        the schedule only when they differ."""
        merged = merged_view(current, desired)
        paths = self.changes(current, desired)
        body = {"name": merged["name"], "description": merged.get("description") or "",
                "policy_ids": merged["policy_ids"], "shards": merged["shards"]}
        if desired.get("enabled") is not None and desired["enabled"] != current.get("enabled"):
            body["enabled"] = desired["enabled"]
        mode = merged.get("schedule_type")
        if any(re.match(r"^(schedule_type|interval|rrule_schedule)(\.|$)", p) for p in paths):
            body["schedule_type"] = mode
            if mode == "interval":
                body["interval"] = merged["interval"]
            else:
                body["rrule_schedule"] = desired.get("rrule_schedule") or merged["rrule_schedule"]
        switched = desired.get("schedule_type") not in (None, current.get("schedule_type"))
        if any(p == "queries" or p.startswith("queries.") for p in paths) or \
                (switched and merged["queries"] != current.get("queries")):
            # On a mode switch the queries go too, without the other mode's overrides.
            body["queries"] = dict((key, api_query(query, mode))
                                   for key, query in merged["queries"].items())
        return body

    def update(self, current, desired):
        self.client.put(join(PACKS_PATH, ("id", current["id"])), self.update_body(current, desired),
                        expect=dict, keys=("data",))

    def delete(self, current):
        # 200 {}; Kibana's 404: deleted meanwhile (any other 404 is a failure)
        self.client.delete(join(PACKS_PATH, ("id", current["id"])), absent_ok=True,
                           expect=dict, allowed_keys=())

    def predict(self, current, desired):
        if current is not None:
            return merged_view(current, desired)
        if self.source is not None:
            self.extras["copied_from"] = self.source["id"]
            base = dict((k, v) for k, v in self.source.items() if k not in PACK_METADATA)
            base.update(enabled=False, policy_ids=[], shards={})
        else:
            base = {"description": "", "enabled": False, "policy_ids": [], "shards": {},
                    "queries": {}}
        base.update(id=None, read_only=False)
        return merged_view(base, desired)

    def output(self, obj):
        return public_view(obj)


def osquery_pack_info(client, params):
    """osquery_pack_info: one pack by id, the pack with a name, or every pack (or one page),
    each in the object form users write."""
    if params.get("id"):
        found = get_pack(client, params["id"])
        packs = [found] if found else []
        return {"packs": [public_view(p) for p in packs], "total": len(packs)}
    page, size = paging(params, "page_size")
    items, total = list_packs(client, page, size)
    if params.get("name") is not None:
        items = [i for i in items if i.get("name") == params["name"]]
        total = None
    packs = []
    for item in items:
        # List items have neither shards nor (on older versions) read_only: read each pack.
        found = get_pack(client, item["saved_object_id"]) if item.get("saved_object_id") else None
        packs.append(found or pack_view(item))
    return {"packs": [public_view(p) for p in packs],
            "total": len(packs) if total is None else total}
