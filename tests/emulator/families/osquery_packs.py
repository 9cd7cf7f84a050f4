"""Osquery packs, per kibana-api/osquery-packs.md and the 9.4 copy reference page
(reference-pages/osquery-pack-copy.txt).

Packs are `osquery-pack` saved objects stored per space. Internally a pack is kept in the
saved-object storage format (queries and ecs_mapping as arrays, shards as `[{key, value}]`,
agent policies as references) and rendered in the three response shapes of the notes: object
form on GET/PUT, storage (array) form on find and copy, and the mixed create response.

Osquery validates with io-ts, not config-schema, so this module words its own 400s
(`[request body]: Invalid value "x" supplied to "name"`).

Version modes (the notes speak of "old" = pre-RRULE handlers and "new" = RRULE-era handlers,
without versions; this emulator puts the switch at 9.4.0, the release the copy reference page
documents the RRULE schedule fields for):
  < 9.4  old handlers: PUT without `shards` clears them, PUT returns the raw saved object and
         404s with the saved-object message; no schedule fields; no copy route.
  >= 9.4 new handlers: `shards` kept when omitted, PUT mirrors GET; RRULE scheduling
         (`schedule_type`, `interval`, `rrule_schedule`, per-query `schedule_id`/`start_date`);
         `POST /api/osquery/packs/{id}/copy`.
"""

import base64
import copy
import datetime
import json
import math
import re

from ..app import Family, new_id, now_iso
from ..errors import KibanaError, bad_request, conflict, not_found, saved_object_not_found

SO_TYPE = "osquery-pack"
AGENT_POLICY_REF = "ingest-agent-policies"  # LEGACY_AGENT_POLICY_SAVED_OBJECT_TYPE
ASSET_REF = "osquery-pack-asset"
OSQUERY_PACKAGE = "osquery_manager"
DEFAULT_PLATFORM = "linux,windows,darwin"  # osquery's DEFAULT_PLATFORM, exactly this order
CORE_MIGRATION_VERSION = "8.8.0"

NEW_HANDLERS_SINCE = (9, 4, 0)  # [unverified] where "old code" becomes "new code"
SCHEDULING_SINCE = (9, 4, 0)  # RRULE scheduling (experimental flag; TF plans a 9.5 floor)
COPY_SINCE = (9, 4, 0)  # [spec] "Added in 9.4.0"

MAX_SPLAY_SECONDS = 12 * 3600
RRULE_MAX = 2048
SCHEDULE_STRING_MAX = 64

# The query keys the server persists (utils.ts convertPackQueriesToSO); everything else a
# client sends in a query (e.g. `saved_query_id`) is dropped.
INTERVAL_MODE_PICK = ("name", "query", "interval", "platform", "version", "snapshot", "removed",
                      "timeout", "schedule_id", "start_date")
RRULE_MODE_PICK = tuple(k for k in INTERVAL_MODE_PICK if k != "interval")
OLD_PICK = ("name", "query", "interval", "platform", "version", "snapshot", "removed", "timeout")

# Attributes the saved-object find can sort on (osquery-pack mappings + saved-object root
# fields); anything else is refused by the saved-objects client [unverified wording].
SORTABLE = {"name", "description", "enabled", "created_at", "created_by", "updated_at",
            "updated_by", "version", "type", "namespaces"}

RFC_3339 = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):"
                      r"[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"}
# RFC 5545 weekdaynum ([+/-]ordwk weekday, ordwk 1 to 53): the notes and the copy reference page
# only say that well-formed RFC 5545 parts are accepted, so ordinal days (1MO, -1FR) are too.
WEEKDAY_NUM = re.compile(r"(?:[+-]?(\d{1,2}))?(MO|TU|WE|TH|FR|SA|SU)")
GO_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
GO_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}

# Seeded Elastic prebuilt packs (installed from the osquery_manager integration assets): they
# carry `version` and an `osquery-pack-asset` reference, hence `read_only: true`.
PREBUILT_PACKS = [
    {"id": "5d1c5a52-0f5e-4d2b-9c1e-7a4c0d3b9e01", "name": "hardware-monitoring", "version": 1,
     "description": "Monitor for hardware changes (USB and PCI devices, kernel modules).",
     "queries": {
         "usb_devices": {"query": "SELECT * FROM usb_devices;", "interval": 3600,
                         "platform": "darwin,linux", "version": "1.4.5"},
         "kernel_modules": {"query": "SELECT * FROM kernel_modules;", "interval": 3600,
                            "platform": "linux", "version": "1.4.5"},
     }},
    {"id": "8f2e6b13-4a7c-4e9d-b5a0-2c9d1e6f7a02", "name": "osquery-monitoring", "version": 1,
     "description": "Monitor osquery's own performance and configuration.",
     "queries": {
         "schedule": {"query": "SELECT name, interval, executions, output_size, wall_time "
                               "FROM osquery_schedule;", "interval": 7200, "snapshot": True},
         "osquery_info": {"query": "SELECT * FROM osquery_info;", "interval": 86400,
                          "snapshot": True},
     }},
]
PREBUILT_CREATED_AT = "2024-01-01T00:00:00.000Z"


# --------------------------------------------------------------------------- io-ts validation


class Undefined:
    """JavaScript's `undefined`: a key the client did not send."""

    def __repr__(self):
        return "undefined"


UNDEFINED = Undefined()


def js_number(value):
    """JavaScript's Number(value), as io-ts `toNumberRt` applies it; NaN for non-numbers."""
    nan = float("nan")
    if value is UNDEFINED or isinstance(value, dict):
        return nan
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, list):
        if not value:
            return 0
        return js_number(js_string(value[0])) if len(value) == 1 else nan
    text = str(value).strip()
    if not text:
        return 0
    for prefix, base in (("0x", 16), ("0b", 2), ("0o", 8)):
        if text[:2].lower() == prefix:
            try:
                return int(text[2:], base)
            except ValueError:
                return nan
    if re.fullmatch(r"[+-]?Infinity", text):
        return float(text.replace("Infinity", "inf"))
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    return nan


def json_number(number):
    """A coerced number as JSON would carry it: 60.0 -> 60, Infinity -> null."""
    if isinstance(number, float):
        if math.isinf(number) or math.isnan(number):
            return None
        if number.is_integer():
            return int(number)
    return number


def js_string(value):
    """`${value}` in JavaScript."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(json_number(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _is_integer_key(key):
    number = js_number(key)
    return isinstance(number, int) or (isinstance(number, float) and number.is_integer())


class Errors:
    """Collects io-ts failures and formats them like @kbn/securitysolution-io-ts-utils
    formatErrors(): `Invalid value "<value>" supplied to "<key,path>"`, de-duplicated and joined
    with ","; the route framework prefixes `[request body]: ` / `[request query]: `."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.messages = []

    def invalid(self, value, path):
        keys = [k for k in path if k.strip() and not _is_integer_key(k)]
        shown = (json.dumps(value, separators=(",", ":"), ensure_ascii=False)
                 if isinstance(value, (dict, list)) else js_string(value))
        self._add(f'Invalid value "{shown}" supplied to "{",".join(keys)}"')

    def message(self, text):
        """A failure carrying its own message (io-ts t.failure(u, c, message))."""
        self._add(text)

    def _add(self, text):
        if text not in self.messages:
            self.messages.append(text)

    def raise_if_any(self):
        if self.messages:
            raise bad_request(f"[{self.namespace}]: {','.join(self.messages)}")


def _string(value, path, errors):
    if not isinstance(value, str):
        errors.invalid(value, path)
    return value


def _boolean(value, path, errors):
    if not isinstance(value, bool):
        errors.invalid(value, path)
    return value


def _to_number(value, path, errors):
    number = js_number(value)
    if isinstance(number, float) and math.isnan(number):
        errors.invalid(value, path)
        return value
    return json_number(number)


def _bounded_string(limit):
    def check(value, path, errors):
        if not isinstance(value, str):
            errors.message("expected string")
        elif len(value) > limit:
            errors.message(f"string must not exceed {limit} characters")
        return value
    return check


def _literal(*choices):
    def check(value, path, errors):
        if not isinstance(value, str) or value not in choices:
            errors.invalid(value, path)
        return value
    return check


def _string_array(value, path, errors):
    if not isinstance(value, list):
        errors.invalid(value, path)
        return value
    for index, item in enumerate(value):
        _string(item, path + [str(index)], errors)
    return value


def _record(check_value):
    def check(value, path, errors):
        if not isinstance(value, dict):
            errors.invalid(value, path)
            return value
        return {key: check_value(item, path + [key], errors) for key, item in value.items()}
    return check


def _nullable(check_value):
    def check(value, path, errors):
        return None if value is None else check_value(value, path, errors)
    return check


def _object(value, path, errors, required, optional):
    """io-ts t.intersection([t.type(required), t.partial(optional)]). Unknown keys are kept
    (io-ts neither strips nor rejects them); coerced values replace the sent ones."""
    if not isinstance(value, dict):
        errors.invalid(value, path)
        return value
    out = dict(value)
    for key, check in required.items():
        out[key] = check(value.get(key, UNDEFINED), path + [key], errors)
    for key, check in optional.items():
        if key in value:
            out[key] = check(value[key], path + [key], errors)
    return out


def _ecs_entry(value, path, errors):
    # t.type({field: string | undefined, value: string | string[] | undefined}). Exactly one of
    # field/value is a client convention only (osquery-packs.md: the server does not enforce it).
    if not isinstance(value, dict):
        errors.invalid(value, path)
        return value
    if "field" in value:
        _string(value["field"], path + ["field"], errors)
    if "value" in value:
        item = value["value"]
        if not isinstance(item, str) and not (isinstance(item, list)
                                              and all(isinstance(v, str) for v in item)):
            errors.invalid(item, path + ["value"])
    return value


def _rrule_schedule(partial):
    """rruleScheduleConfigRt; on update every field is optional (merged into the stored one
    before validation, osquery-packs.md)."""
    def check(value, path, errors):
        strings = {"rrule": _bounded_string(RRULE_MAX),
                   "start_date": _bounded_string(SCHEDULE_STRING_MAX)}
        optional = {"end_date": _bounded_string(SCHEDULE_STRING_MAX),
                    "splay": _bounded_string(SCHEDULE_STRING_MAX), "timeout": _to_number}
        if partial:
            optional.update(strings)
            strings = {}
        return _object(value, path, errors, strings, optional)
    return check


def _query_checker(scheduling, update):
    optional = {"interval": _to_number, "snapshot": _boolean, "removed": _boolean,
                "platform": _string, "version": _string, "ecs_mapping": _record(_ecs_entry)}
    if scheduling:
        optional["schedule_type"] = _literal("interval", "rrule")
        optional["rrule_schedule"] = _rrule_schedule(partial=update)

    def check(value, path, errors):
        return _object(value, path, errors, {"query": _string}, optional)
    return check


def validate_body(body, update, scheduling):
    """The create or update request body after io-ts decoding (numbers coerced)."""
    errors = Errors("request body")
    queries = _record(_query_checker(scheduling, update))
    optional = {"description": _string, "enabled": _boolean, "policy_ids": _string_array,
                "shards": _record(_to_number)}
    required = {"name": _string, "queries": queries}
    if update:
        optional.update(required)
        required = {}
    if scheduling:
        optional["schedule_type"] = _literal("interval", "rrule")
        optional["interval"] = _to_number
        optional["rrule_schedule"] = _rrule_schedule(partial=update)
        if update:  # the update schema accepts null to clear the schedule fields
            for key in ("schedule_type", "interval", "rrule_schedule"):
                optional[key] = _nullable(optional[key])
    decoded = _object(body, [], errors, required, optional)
    errors.raise_if_any()
    return decoded


def validate_find_query(call):
    errors = Errors("request query")
    decoded = {}
    checks = {"page": _to_number, "pageSize": _to_number, "sort": _string,
              "sortOrder": _literal("asc", "desc"), "search": _string, "enabled": _string,
              "createdBy": _string}
    for key, check in checks.items():
        values = call.query.getlist(key)
        if values:
            decoded[key] = check(values[0] if len(values) == 1 else values, [key], errors)
    errors.raise_if_any()
    return decoded


# --------------------------------------------------------------------------- schedules


def _is_rfc3339(value):
    if not isinstance(value, str) or not RFC_3339.match(value):
        return False
    try:
        _parse_time(value)
    except ValueError:  # calendar-invalid, e.g. 2024-02-30
        return False
    return True


def _parse_time(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_rrule(rrule):
    """osquery's parseRRule: RFC 5545 parts without DTSTART; FREQ required; unknown parts are
    kept verbatim. Raises ValueError with osquery's wording."""
    trimmed = re.sub(r"^RRULE:", "", rrule.strip(), flags=re.I)
    if not trimmed:
        raise ValueError("RRULE string is empty")
    freq = None
    for segment in trimmed.split(";"):
        if not segment:
            continue
        if "=" not in segment:
            raise ValueError(f'Invalid RRULE part (missing "="): "{segment}"')
        key, _sep, value = segment.partition("=")
        key, value = key.strip().upper(), value.strip()
        if not key:
            raise ValueError(f'Invalid RRULE part (empty key): "{segment}"')
        if key == "FREQ":
            if value.upper() not in FREQUENCIES:
                raise ValueError(f'Invalid RRULE FREQ value: "{value}"')
            freq = value.upper()
        elif key == "INTERVAL":
            number = js_number(value)
            if not isinstance(number, int) or number <= 0:
                raise ValueError(f'RRULE INTERVAL must be a positive integer, got "{value}"')
        elif key == "BYDAY":
            for item in (i.strip().upper() for i in value.split(",")):
                match = WEEKDAY_NUM.fullmatch(item)
                if item and (not match or (match.group(1) is not None
                                           and not 1 <= int(match.group(1)) <= 53)):
                    raise ValueError(f'Invalid RRULE BYDAY value: "{item}"')
        elif key in ("BYMONTHDAY", "BYMONTH"):
            for item in (i.strip() for i in value.split(",")):
                if item and not isinstance(js_number(item), int):
                    raise ValueError(f'Invalid integer "{item}" in RRULE {key}')
    if freq is None:
        raise ValueError("RRULE is missing required FREQ part")


def splay_seconds(splay):
    """A Go duration ("30s", "5m", "1h", compound "1h30m" tolerated) in seconds."""
    text = splay.strip()
    simple = re.fullmatch(r"(\d+)\s*([smh])", text, re.I)
    if simple:
        value = int(simple.group(1))
        if value <= 0:
            raise ValueError(f"Splay value must be a positive integer, got {value}")
        return value * {"s": 1, "m": 60, "h": 3600}[simple.group(2).lower()]
    # [unverified wording] osquery's permissive parser for compound durations.
    if not text or GO_DURATION_PART.sub("", text) != "":
        raise ValueError(f'Invalid splay duration "{splay}": expected Go duration '
                         '(e.g. "30s", "5m", "1h")')
    return sum(float(n) * GO_UNIT_SECONDS[u] for n, u in GO_DURATION_PART.findall(text))


def validate_rrule_config(config):
    """osquery's validateRruleConfig(): one message per offending field, or None. (The splay
    "at most half of the recurrence period" check of newer code is not emulated.)"""
    if not isinstance(config, dict):
        return "rrule_schedule must be an object"
    rrule = config.get("rrule")
    if not isinstance(rrule, str) or not rrule:
        return "rrule_schedule.rrule is required and must be a non-empty string"
    try:
        parse_rrule(rrule)
    except ValueError as err:
        return f"rrule_schedule.rrule is invalid: {err}"
    start = config.get("start_date")
    if not _is_rfc3339(start):
        return "rrule_schedule.start_date must be an RFC 3339 datetime (e.g. 2024-01-01T00:00:00Z)"
    if "end_date" in config:
        end = config["end_date"]
        if not _is_rfc3339(end):
            return ("rrule_schedule.end_date must be an RFC 3339 datetime "
                    "(e.g. 2024-01-01T00:00:00Z)")
        if _parse_time(end) <= _parse_time(start):
            return "rrule_schedule.end_date must be after rrule_schedule.start_date"
    if "splay" in config:
        splay = config["splay"]
        if not isinstance(splay, str):
            return "rrule_schedule.splay must be a string"
        if len(splay) > SCHEDULE_STRING_MAX:
            return f"rrule_schedule.splay must not exceed {SCHEDULE_STRING_MAX} characters"
        try:
            seconds = splay_seconds(splay)
        except ValueError as err:
            return f"rrule_schedule.splay is invalid: {err}"
        if seconds > MAX_SPLAY_SECONDS:
            return (f"rrule_schedule.splay must not exceed {MAX_SPLAY_SECONDS} seconds "
                    "(12 hours)")
    if "timeout" in config:
        timeout = config["timeout"]
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            return "rrule_schedule.timeout must be a positive number (seconds)"
    return None


def validate_schedule(pack_type, pack_interval, pack_rrule, queries):
    """osquery's validatePackScheduleFields(): the first problem, or None."""
    if pack_interval is not None and pack_rrule:
        return "Pack cannot specify both pack-level interval and rrule_schedule"
    if pack_type == "rrule":
        if not pack_rrule:
            return 'Pack schedule_type "rrule" requires rrule_schedule'
        problem = validate_rrule_config(pack_rrule)
        if problem:
            return problem
    elif pack_type == "interval":
        if pack_interval is None:
            return 'Pack schedule_type "interval" requires pack-level interval'
        if not isinstance(pack_interval, (int, float)) or pack_interval <= 0:
            return "Pack interval must be a positive number (seconds)"
    else:
        if pack_rrule:
            return 'Pack rrule_schedule requires schedule_type "rrule"'
        if pack_interval is not None:
            return 'Pack interval requires schedule_type "interval"'
    for query_id, query in (queries or {}).items():
        query_type = query.get("schedule_type")
        query_rrule = query.get("rrule_schedule")
        if "interval" in query and query_rrule:
            return f'Query "{query_id}" cannot specify both interval and rrule_schedule'
        if not pack_type and (query_type or query_rrule):
            return (f'Query "{query_id}" specifies schedule_type/rrule_schedule but the pack has '
                    "no schedule_type; set the pack-level schedule_type first")
        if query_type == "rrule":
            if not query_rrule:
                return f'Query "{query_id}" schedule_type "rrule" requires rrule_schedule'
            problem = validate_rrule_config(query_rrule)
            if problem:
                return f'Query "{query_id}": {problem}'
        elif query_type == "interval" and "interval" in query:
            interval = query["interval"]
            if not isinstance(interval, (int, float)) or interval <= 0:
                return f'Query "{query_id}" interval must be a positive number (seconds)'
        if pack_type and query_type and query_type != pack_type:
            return (f'Query "{query_id}" schedule_type "{query_type}" does not match pack '
                    f'schedule_type "{pack_type}"; per-query overrides must use the same mode '
                    "as the pack")
        if pack_type == "rrule" and "interval" in query:
            return (f'Query "{query_id}" carries interval but the pack uses schedule_type '
                    '"rrule"; per-query overrides must use the same mode as the pack')
        if pack_type == "interval" and query_rrule:
            return (f'Query "{query_id}" carries rrule_schedule but the pack uses schedule_type '
                    '"interval"; per-query overrides must use the same mode as the pack')
    return None


def schedule_slice(attributes):
    """The pack-level schedule fields of a response: only the active mode's."""
    if attributes.get("schedule_type") == "rrule" and attributes.get("rrule_schedule"):
        return {"schedule_type": "rrule", "rrule_schedule": attributes["rrule_schedule"]}
    if attributes.get("schedule_type") == "interval" and attributes.get("interval") is not None:
        return {"schedule_type": "interval", "interval": attributes["interval"]}
    return {}


def strip_prior_mode(query, mode):
    """stripPriorModePerQueryFields(): on a pack schedule-mode change, drop the other mode's
    per-query overrides."""
    query = dict(query)
    if mode == "rrule":
        query.pop("interval", None)
        if query.get("schedule_type") == "interval":
            query.pop("schedule_type")
    elif mode == "interval":
        query.pop("rrule_schedule", None)
        if query.get("schedule_type") in ("rrule", None):
            query.pop("schedule_type", None)
    else:
        for key in ("schedule_type", "rrule_schedule", "interval"):
            query.pop(key, None)
    return query


# --------------------------------------------------------------------------- shape conversions


def ecs_to_array(mapping):
    return [{"key": key, "value": value} for key, value in mapping.items()]


def ecs_to_object(mapping):
    return {item.get("key"): item.get("value") for item in mapping}


def queries_to_so(queries, scheduling):
    """convertPackQueriesToSO(): object form -> stored array, only the persisted keys."""
    stored = []
    for key, value in queries.items():
        if not scheduling:
            pick = OLD_PICK
        elif value.get("schedule_type") == "rrule":
            pick = RRULE_MODE_PICK
        else:
            pick = INTERVAL_MODE_PICK
        item = {"id": key}
        item.update({k: copy.deepcopy(value[k]) for k in pick if k in value})
        if scheduling and value.get("schedule_type") == "rrule":
            item["schedule_type"] = "rrule"
            if "rrule_schedule" in value:
                item["rrule_schedule"] = copy.deepcopy(value["rrule_schedule"])
        elif scheduling and value.get("schedule_type") == "interval":
            item["schedule_type"] = "interval"
        if value.get("ecs_mapping") is not None:  # {} is kept as [] (truthy in JavaScript)
            item["ecs_mapping"] = ecs_to_array(value["ecs_mapping"])
        stored.append(item)
    return stored


def so_queries_to_pack(stored, keep_start_date=True):
    """convertSOQueriesToPack(): stored array -> object keyed by query id; an empty ecs_mapping
    and the default platform are dropped."""
    out = {}
    for index, item in enumerate(stored):
        key = item.get("id") or str(index)
        query = {k: copy.deepcopy(v) for k, v in item.items()
                 if k not in ("id", "ecs_mapping", "query", "platform")}
        if not keep_start_date:
            query.pop("start_date", None)
        query["query"] = item.get("query")
        mapping = item.get("ecs_mapping")
        if mapping:
            query["ecs_mapping"] = ecs_to_object(mapping) if isinstance(mapping, list) \
                else copy.deepcopy(mapping)
        platform = item.get("platform")
        if platform is not None and platform != DEFAULT_PLATFORM:
            query["platform"] = platform
        out[key] = query
    return out


def shards_to_array(shards):
    return [{"key": key, "value": value} for key, value in shards.items()]


def shards_to_object(shards):
    return {item["key"]: item["value"] for item in shards or []}


def _pick(attributes, keys):
    """The named attributes that are set, in this order (JSON drops JavaScript's undefined)."""
    return {key: copy.deepcopy(attributes[key]) for key in keys if key in attributes}


# --------------------------------------------------------------------------- the family


class OsqueryPacks(Family):
    name = "osquery_packs"

    def routes(self):
        base = "/api/osquery/packs"
        return [
            ("GET", base, "find"),
            ("POST", base, "create"),
            ("GET", f"{base}/<pack_id>", "read"),
            ("PUT", f"{base}/<pack_id>", "update"),
            ("DELETE", f"{base}/<pack_id>", "delete"),
            ("POST", f"{base}/<pack_id>/copy", "copy"),
        ]

    def emulator_routes(self):
        return [
            ("POST", "/osquery/packs/prebuilt", "seed_prebuilt"),
            ("GET", "/osquery/packs/<pack_id>/deployment", "deployment"),
        ]

    # ------------------------------------------------------------------ state

    @property
    def data(self):
        """{"packs": id -> entry, "seq": n}. An entry: {"id", "space", "attributes" (as stored:
        array queries, array shards), "references", "deployed" (agent policy ids whose
        osquery_manager integration carries the pack), "seq" (saved-object version)}."""
        data = self.emulator.store("osquery_packs")
        data.setdefault("packs", {})
        data.setdefault("seq", 0)
        return data

    @property
    def packs(self):
        return self.data["packs"]

    def reset(self):
        self.packs.clear()
        self.data["seq"] = 0
        for pack in PREBUILT_PACKS:
            self._seed(pack, "default", pack["id"])

    def forget_space(self, space):
        for pack_id in [i for i, e in self.packs.items() if e["space"] == space]:
            del self.packs[pack_id]

    # ------------------------------------------------------------------ helpers

    def _at_least(self, version):
        return self.emulator.version_tuple() >= version

    def _scheduling(self):
        return self._at_least(SCHEDULING_SINCE)

    def _new_handlers(self):
        return self._at_least(NEW_HANDLERS_SINCE)

    def _next_seq(self):
        self.data["seq"] += 1
        return self.data["seq"]

    def _get(self, space, pack_id):
        entry = self.packs.get(pack_id)
        if entry is None or entry["space"] != space:
            return None
        return entry

    def _names_in(self, space, exclude_id=None):
        return {e["attributes"].get("name") for e in self.packs.values()
                if e["space"] == space and e["id"] != exclude_id}

    def _require_unique_name(self, space, name, exclude_id=None):
        if name in self._names_in(space, exclude_id):
            raise conflict(f'Pack with name "{name}" already exists.')

    @staticmethod
    def _policy_ids(entry):
        return [r["id"] for r in entry["references"] if r["type"] == AGENT_POLICY_REF]

    # ------------------------------------------------------------------ Fleet

    def _fleet(self):
        return self.emulator.family("fleet_agent_policies")

    def _osquery_policies(self, space):
        """Agent policies visible from `space` that carry an osquery_manager integration (the
        osquery package policies the pack routes list)."""
        fleet = self._fleet()
        return [policy_id for policy_id in fleet.policies
                if fleet.get_policy(space, policy_id) is not None
                and fleet.has_package(policy_id, OSQUERY_PACKAGE)]

    def _resolve_policies(self, space, policy_ids, shards):
        """getInitialPolicies(): the agent policies a pack targets, or 400 listing the ids that
        have no osquery_manager integration. A `"*"` shard targets every osquery policy."""
        supported = self._osquery_policies(space)
        if shards.get("*"):
            return supported
        unique = list(dict.fromkeys(policy_ids))
        targets = [p for p in unique if p in supported]
        invalid = [p for p in unique if p not in targets]
        if invalid:
            raise bad_request(f"The following policy ids are invalid: {', '.join(invalid)}")
        return targets

    def _references(self, space, policy_ids):
        fleet = self._fleet()
        references = []
        for policy_id in policy_ids:
            policy = fleet.get_policy(space, policy_id)
            references.append({"id": policy_id, "name": policy["name"] if policy else None,
                               "type": AGENT_POLICY_REF})
        return references

    def _deploy(self, entry, targets, user):
        """Write the pack into (or out of) the targeted osquery package policies. Each write
        bumps the agent policy's revision (osquery-packs.md hazard 6); the pack config itself is
        not modelled in Fleet's package policies."""
        fleet = self._fleet()
        previous = entry["deployed"]
        touched = list(dict.fromkeys(list(targets) + [p for p in previous if p not in targets]))
        for policy_id in touched:
            fleet.bump_revision(policy_id, user)
        entry["deployed"] = list(targets)

    # ------------------------------------------------------------------ rendering

    def _render_read(self, entry):
        """GET /api/osquery/packs/{id}: object-shaped queries and shards, policy_ids from the
        references, read_only, saved-object metadata."""
        attributes = entry["attributes"]
        scheduling = self._scheduling()
        data = {"type": SO_TYPE, "namespaces": [entry["space"]], "managed": False,
                "coreMigrationVersion": CORE_MIGRATION_VERSION}
        data.update(_pick(attributes, ("name", "description", "version", "enabled", "created_at",
                                       "created_by", "updated_at", "updated_by")))
        data["saved_object_id"] = entry["id"]
        data["queries"] = so_queries_to_pack(attributes.get("queries", []),
                                             keep_start_date=False)
        data["shards"] = shards_to_object(attributes.get("shards"))
        data["policy_ids"] = self._policy_ids(entry)
        data["read_only"] = self._read_only(entry)
        if scheduling:
            data.update(copy.deepcopy(schedule_slice(attributes)))
        return data

    def _read_only(self, entry):
        # read_only = a prebuilt pack: it has `version` (and an osquery-pack-asset reference).
        return ("version" in entry["attributes"]
                and any(r["type"] == ASSET_REF for r in entry["references"]))

    def _render_find_item(self, entry):
        """A find item: storage-format queries, no shards. Old handlers had no read_only; the
        new ones add it and the active schedule fields."""
        attributes = entry["attributes"]
        item = _pick(attributes, ("name", "description", "queries", "version", "enabled",
                                  "created_at", "created_by", "updated_at", "updated_by"))
        item["saved_object_id"] = entry["id"]
        if self._scheduling():
            item.update(copy.deepcopy(schedule_slice(attributes)))
        item["policy_ids"] = self._policy_ids(entry)
        if self._new_handlers():
            item["read_only"] = self._read_only(entry)
        return item

    def _render_write(self, entry, queries, shards_form):
        """The create and copy responses: the attributes, `queries` as given, shards in the
        storage (array) form; no policy_ids on create (it is not an attribute)."""
        attributes = entry["attributes"]
        data = _pick(attributes, ("name", "description"))
        data["queries"] = queries
        data.update(_pick(attributes, ("version", "enabled", "created_at", "created_by",
                                       "updated_at", "updated_by")))
        data["shards"] = shards_form
        data["saved_object_id"] = entry["id"]
        if self._scheduling():
            data.update(copy.deepcopy(schedule_slice(attributes)))
        return data

    def _render_update(self, entry):
        attributes = entry["attributes"]
        if not self._new_handlers():
            # Old handlers returned the saved object itself, with object-shaped queries.
            stored = copy.deepcopy(attributes)
            stored["queries"] = so_queries_to_pack(attributes.get("queries", []))
            return {"id": entry["id"], "type": SO_TYPE, "namespaces": [entry["space"]],
                    "updated_at": attributes.get("updated_at"),
                    "version": self._so_version(entry), "attributes": stored,
                    "references": copy.deepcopy(entry["references"]), "managed": False,
                    "coreMigrationVersion": CORE_MIGRATION_VERSION}
        # New handlers mirror GET (without the saved-object metadata and read_only).
        data = _pick(attributes, ("name", "description"))
        data["queries"] = so_queries_to_pack(attributes.get("queries", []),
                                             keep_start_date=False)
        data.update(_pick(attributes, ("version", "enabled", "created_at", "created_by",
                                       "updated_at", "updated_by")))
        data["policy_ids"] = self._policy_ids(entry)
        data["shards"] = shards_to_object(attributes.get("shards"))
        data["saved_object_id"] = entry["id"]
        if self._scheduling():
            data.update(copy.deepcopy(schedule_slice(attributes)))
        return data

    @staticmethod
    def _so_version(entry):
        return base64.b64encode(f"[{entry['seq']},1]".encode()).decode()

    # ------------------------------------------------------------------ routes

    def find(self, call):
        query = validate_find_query(call)
        page = query.get("page", 1)
        per_page = query.get("pageSize", 20)
        sort_field = query.get("sort", "updated_at")
        descending = query.get("sortOrder", "desc") == "desc"
        if sort_field not in SORTABLE:
            # The saved-objects client refuses fields that are not mapped [unverified wording].
            raise bad_request(f"Unknown sort field {sort_field}")
        entries = [e for e in self.packs.values() if e["space"] == call.space]
        if self._new_handlers():
            entries = [e for e in entries if _find_filter(query)(e["attributes"])]
        # Missing values sort last in either direction (Elasticsearch's default); ties by age.
        present = [e for e in entries if e["attributes"].get(sort_field) is not None]
        missing = [e for e in entries if e["attributes"].get(sort_field) is None]
        present.sort(key=lambda e: (_sort_value(e["attributes"][sort_field]), e["created"]),
                     reverse=descending)
        missing.sort(key=lambda e: e["created"], reverse=descending)
        ordered = present + missing
        # [unverified] page/pageSize below 1 / 0 are clamped rather than refused.
        page = max(int(page), 1) if isinstance(page, (int, float)) else 1
        per_page = max(int(per_page), 0) if isinstance(per_page, (int, float)) else 20
        start = (page - 1) * per_page
        return {"page": page, "per_page": per_page, "total": len(ordered),
                "data": [self._render_find_item(e) for e in ordered[start:start + per_page]]}

    def create(self, call):
        scheduling = self._scheduling()
        body = validate_body(call.body, update=False, scheduling=scheduling)
        name = body["name"]
        queries = copy.deepcopy(body["queries"])
        shards = body.get("shards", {})
        user = call.user
        now = now_iso()
        schedule = {}
        if scheduling:
            schedule = {k: body[k] for k in ("schedule_type", "interval", "rrule_schedule")
                        if k in body}
            if schedule.get("schedule_type") == "interval":
                # convergePerQueryIntervals(): in an interval-mode pack a bare per-query interval
                # (no `schedule_type: "interval"` marker) is dropped on write.
                for query in queries.values():
                    if query.get("schedule_type") not in ("interval", "rrule"):
                        query.pop("interval", None)
            problem = validate_schedule(schedule.get("schedule_type"), schedule.get("interval"),
                                        schedule.get("rrule_schedule"), queries)
            if problem:
                raise bad_request(problem)
            for query in queries.values():
                query["schedule_id"] = new_id()
                query["start_date"] = now
        self._require_unique_name(call.space, name)
        targets = self._resolve_policies(call.space, body.get("policy_ids", []), shards)

        attributes = {"name": name}
        if "description" in body:
            attributes["description"] = body["description"]
        attributes["queries"] = queries_to_so(queries, scheduling)
        if "enabled" in body:
            attributes["enabled"] = body["enabled"]
        attributes.update({"created_at": now, "created_by": user, "updated_at": now,
                           "updated_by": user, "shards": shards_to_array(shards)})
        pack_type = schedule.get("schedule_type")
        if pack_type:
            attributes["schedule_type"] = pack_type
            if pack_type == "interval" and "interval" in schedule:
                attributes["interval"] = schedule["interval"]
            if pack_type == "rrule" and schedule.get("rrule_schedule"):
                attributes["rrule_schedule"] = copy.deepcopy(schedule["rrule_schedule"])
        entry = self._store(call.space, new_id(), attributes,
                            self._references(call.space, targets))
        if body.get("enabled") and targets:
            self._deploy(entry, targets, user)
        # The response echoes the decoded request queries (unknown keys included), not the
        # stored ones; shards in the array form; no policy_ids.
        return {"data": self._render_write(entry, queries, copy.deepcopy(attributes["shards"]))}

    def read(self, call):
        entry = self._get(call.space, call.args["pack_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["pack_id"])
        return {"data": self._render_read(entry)}

    def update(self, call):
        scheduling = self._scheduling()
        new_handlers = self._new_handlers()
        pack_id = call.args["pack_id"]
        body = validate_body(call.body, update=True, scheduling=scheduling)
        entry = self._get(call.space, pack_id)
        if entry is None:
            if new_handlers:
                raise not_found(f"Pack {pack_id} not found")
            raise saved_object_not_found(SO_TYPE, pack_id)
        if self._read_only(entry):
            # [spec] "You cannot update a prebuilt pack." (status and wording [unverified]).
            raise bad_request("You cannot update a prebuilt pack.")
        current = entry["attributes"]
        user = call.user
        now = now_iso()

        queries = copy.deepcopy(body.get("queries"))
        schedule_patch = {}
        if scheduling:
            queries, schedule_patch = self._update_schedule(current, body, queries, now)
        name = body.get("name")
        if name:  # an empty name skips the check (and is then written as is)
            self._require_unique_name(call.space, name, exclude_id=pack_id)

        current_policy_ids = self._policy_ids(entry)
        if new_handlers:
            effective_policy_ids = body.get("policy_ids", current_policy_ids)
            effective_shards = body["shards"] if "shards" in body \
                else shards_to_object(current.get("shards"))
        else:
            effective_policy_ids = body.get("policy_ids", [])
            effective_shards = body.get("shards", {})  # old code: omitted shards are cleared
        targeting_change = "policy_ids" in body or bool(body.get("shards"))
        targets = self._resolve_policies(call.space, effective_policy_ids, effective_shards)

        if "enabled" in body:
            current["enabled"] = body["enabled"]
        if "name" in body:
            current["name"] = name
        current["description"] = body.get("description") or ""  # `description || ''`
        if queries is not None:
            current["queries"] = queries_to_so(queries, scheduling)
        current["updated_at"] = now
        current["updated_by"] = user
        current["shards"] = shards_to_array(effective_shards)
        for key, value in schedule_patch.items():
            if value is None:
                current.pop(key, None)
            else:
                current[key] = value
        if targeting_change:
            others = [r for r in entry["references"] if r["type"] != AGENT_POLICY_REF]
            entry["references"] = others + self._references(call.space, targets)
        entry["seq"] = self._next_seq()

        if current.get("enabled"):
            # New handlers write the pack to every resolved target (a global "*" pack follows
            # the osquery policies as they come and go); for old ones, keep it simple and
            # redeploy to the referenced policies.
            redeploy = targets if new_handlers or targeting_change else self._policy_ids(entry)
            self._deploy(entry, redeploy, user)
        elif entry["deployed"]:
            self._deploy(entry, [], user)
        # [unverified quirk not emulated] Kibana's handler also rewrites the package policies
        # when `enabled: false` is sent for a pack that is already disabled.
        return {"data": self._render_update(entry)}

    def _update_schedule(self, current, body, queries, now):
        """resolvePackScheduleForUpdate() + the per-query carry-over of the new handlers:
        returns the queries to store (or None: unchanged) and the schedule attribute patch
        (None values clear)."""
        type_sent, interval_sent, rrule_sent = (k in body for k in
                                                ("schedule_type", "interval", "rrule_schedule"))
        current_type = current.get("schedule_type")
        pack_type = body["schedule_type"] if type_sent else current_type
        transitioned = type_sent and body["schedule_type"] != current_type
        if interval_sent:
            interval = body["interval"]
        elif transitioned and pack_type != "interval":
            interval = None
        else:
            interval = current.get("interval")
        if rrule_sent:
            rrule = body["rrule_schedule"]
            if rrule and current.get("rrule_schedule") and not transitioned \
                    and pack_type == "rrule":
                rrule = dict(current["rrule_schedule"], **rrule)
        elif transitioned and pack_type != "rrule":
            rrule = None
        else:
            rrule = current.get("rrule_schedule")

        existing = {q.get("id"): q for q in current.get("queries", [])}
        base = queries
        if base is None and transitioned:
            base = so_queries_to_pack(current.get("queries", []))
        if base is not None:
            claimed = set()
            resolved = {}
            for key, query in base.items():  # a query's `id` (rename) wins over its key
                for candidate in (query.get("id"), key):
                    if candidate and candidate not in claimed and candidate in existing:
                        claimed.add(candidate)
                        resolved[key] = existing[candidate]
                        break
            for key, query in list(base.items()):
                stored = resolved.get(key, {})
                carried = strip_prior_mode(query, pack_type) if transitioned else dict(query)
                if not transitioned and pack_type == "rrule" \
                        and carried.get("schedule_type") == "rrule" \
                        and carried.get("rrule_schedule") and stored.get("rrule_schedule"):
                    carried["rrule_schedule"] = dict(stored["rrule_schedule"],
                                                     **carried["rrule_schedule"])
                carried["schedule_id"] = stored.get("schedule_id") or new_id()
                carried["start_date"] = stored.get("start_date") or now
                base[key] = carried
        problem = validate_schedule(pack_type, interval, rrule, base)
        if problem:
            raise bad_request(problem)
        patch = {}
        if type_sent:
            patch["schedule_type"] = pack_type
        if transitioned or interval_sent:
            patch["interval"] = interval
        if transitioned or rrule_sent:
            patch["rrule_schedule"] = copy.deepcopy(rrule)
        return base, patch

    def delete(self, call):
        pack_id = call.args["pack_id"]
        entry = self._get(call.space, pack_id)
        if entry is None:
            raise saved_object_not_found(SO_TYPE, pack_id)
        # Prebuilt packs can be deleted (and reinstalled from the integration's assets): the
        # notes only forbid updating them.
        del self.packs[pack_id]
        if entry["deployed"]:
            self._deploy(entry, [], call.user)
        return {}

    def copy(self, call):
        if not self._at_least(COPY_SINCE):
            raise KibanaError(404, "Not Found")  # the route does not exist before 9.4
        pack_id = call.args["pack_id"]
        source = self._get(call.space, pack_id)
        if source is None:
            raise not_found(f'Pack with id "{pack_id}" not found.')
        names = self._names_in(call.space)
        new_name = copy_name(source["attributes"].get("name", ""), names)
        user = call.user
        now = now_iso()
        attributes = {k: copy.deepcopy(v) for k, v in source["attributes"].items()
                      if k not in ("name", "version", "read_only", "created_at", "created_by",
                                   "updated_at", "updated_by", "policy_ids", "shards")}
        for query in attributes.get("queries", []):
            query["schedule_id"] = new_id()
            query["start_date"] = now
        attributes.update({"name": new_name, "enabled": False, "shards": [], "created_by": user,
                           "created_at": now, "updated_by": user, "updated_at": now})
        # No references: agent policies and the prebuilt asset reference are both dropped.
        entry = self._store(call.space, new_id(), attributes, [])
        data = self._render_write(entry, copy.deepcopy(attributes.get("queries", [])), [])
        data["policy_ids"] = []
        return {"data": data}

    # ------------------------------------------------------------------ storage

    def _store(self, space, pack_id, attributes, references):
        seq = self._next_seq()
        entry = {"id": pack_id, "space": space, "attributes": attributes,
                 "references": references, "deployed": [], "seq": seq, "created": seq}
        self.packs[pack_id] = entry
        return entry

    def _seed(self, pack, space, pack_id):
        # Stored without per-query schedule_id/start_date, as installed before the RRULE era
        # (the same in every version mode; clients must not rely on those fields anyway).
        stamp = pack.get("created_at", PREBUILT_CREATED_AT)
        attributes = {"name": pack["name"], "description": pack.get("description", ""),
                      "queries": queries_to_so(pack["queries"], self._scheduling()),
                      "enabled": False,
                      "created_at": stamp, "created_by": "elastic", "updated_at": stamp,
                      "updated_by": "elastic", "shards": [], "version": pack.get("version", 1)}
        references = [{"id": pack["name"], "name": pack["name"], "type": ASSET_REF}]
        return self._store(space, pack_id, attributes, references)

    # ------------------------------------------------------------------ /_emulator/

    def seed_prebuilt(self, call):
        """Body {"name", "queries" (object form), "description"?, "version"? (default 1),
        "space"? (default "default"), "id"?}: install a prebuilt (read-only) pack, as the
        osquery_manager integration's assets would."""
        body = call.body or {}
        if not isinstance(body.get("name"), str) or not isinstance(body.get("queries"), dict):
            raise bad_request("a prebuilt pack needs a name and object-shaped queries")
        space = body.get("space", "default")
        if space not in self.emulator.spaces:
            raise bad_request(f"unknown space {space}")
        if body["name"] in self._names_in(space):
            raise conflict(f'Pack with name "{body["name"]}" already exists.')
        pack_id = body.get("id") or new_id()
        if pack_id in self.packs:
            raise KibanaError(409, f"Saved object [{SO_TYPE}/{pack_id}] conflict")
        entry = self._seed(body, space, pack_id)
        return {"data": self._render_read(entry)}

    def deployment(self, call):
        """Where the pack is deployed: the agent policies whose osquery_manager integration
        carries it (enabled packs only)."""
        entry = self.packs.get(call.args["pack_id"])
        if entry is None:
            raise saved_object_not_found(SO_TYPE, call.args["pack_id"])
        return {"id": entry["id"], "space": entry["space"],
                "enabled": bool(entry["attributes"].get("enabled")),
                "policy_ids": self._policy_ids(entry),
                "deployed_policy_ids": list(entry["deployed"])}


def _search_terms(text):
    """simple_query_string terms: quoted phrases and bare words, lower-cased tokens."""
    terms = []
    for phrase, word in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', text or ""):
        tokens = re.findall(r"[0-9a-z]+", (phrase or word).replace("\\", "").lower())
        if tokens:
            terms.append(tokens)
    return terms


def _mentions(tokens, text):
    words = re.findall(r"[0-9a-z]+", (text or "").lower())
    return any(words[i:i + len(tokens)] == tokens for i in range(len(words)))


def _find_filter(query):
    """routes/pack/find_pack_route.ts (and its test): `search` on name and description (a
    saved-object simple_query_string; the default operator OR over its terms, a quoted phrase
    as one term), `enabled` true/false, `createdBy` a comma list (OR); all combined with AND.
    Tokens are compared lower-cased, split on non-alphanumerics (the standard analyzer,
    approximately)."""
    terms = _search_terms(query.get("search"))
    creators = [c for c in (query.get("createdBy") or "").split(",") if c]

    def keep(attributes):
        if terms and not any(_mentions(t, attributes.get("name")) or
                             _mentions(t, attributes.get("description")) for t in terms):
            return False
        if query.get("enabled") in ("true", "false") and \
                bool(attributes.get("enabled")) != (query["enabled"] == "true"):
            return False
        return not creators or attributes.get("created_by") in creators
    return keep


def _sort_value(value):
    # Booleans and numbers compare as numbers, everything else as text.
    if isinstance(value, (bool, int, float)):
        return (0, float(value), "")
    return (1, 0.0, json.dumps(value) if not isinstance(value, str) else value)


def copy_name(base, existing):
    """generateCopyName(): `<name>_copy`, else `<name>_copy_<max suffix + 1>` (`_copy` counts
    as 1)."""
    candidate = f"{base}_copy"
    if candidate not in existing:
        return candidate
    prefix = f"{base}_copy_"
    suffixes = []
    for name in existing:
        if isinstance(name, str) and name.startswith(prefix):
            number = js_number(name[len(prefix):])
            if not (isinstance(number, float) and math.isnan(number)) and number > 0:
                suffixes.append(number)
    highest = max([1] + suffixes)
    return f"{base}_copy_{json_number(highest + 1)}"
