# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security exception lists and their items (/api/exception_lists): the family's resource spec,
its bulk item convergence and its Kibana quirks.

A list is the engine's resource (identity list_id + namespace_type, passed in the query string).
Its items are converged in bulk (trap 10): every item of the list is read with paginated
items/_find at the largest page size, compared in memory by item_id, and only the items that
differ are written - one create, overwrite-update or delete each."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import functools
import re

from ansible.module_utils.common.dict_transformations import recursive_diff

from ansible_collections.stackops.kibana.plugins.module_utils._client import kql_string
from ansible_collections.stackops.kibana.plugins.module_utils._compare import differences, overlay
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource, Step
from ansible_collections.stackops.kibana.plugins.module_utils._parallel import run_bounded
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaApiError,
    KibanaError,
    KibanaTransportError,
    ResourceError,
)

LISTS_PATH = "/api/exception_lists"
LISTS_FIND_PATH = "/api/exception_lists/_find"
DUPLICATE_PATH = "/api/exception_lists/_duplicate"
ITEMS_PATH = "/api/exception_lists/items"
ITEMS_FIND_PATH = "/api/exception_lists/items/_find"
# keys every list / item answer holds (an answer without them is not Kibana's)
LIST_KEYS = ("id", "list_id")
ITEM_KEYS = ("id", "item_id", "list_id")

LIST_TYPES = ["detection", "rule_default", "endpoint", "endpoint_trusted_apps", "endpoint_events",
              "endpoint_host_isolation_exceptions", "endpoint_blocklists"]
# Kibana's _duplicate refuses every other list type (405).
DUPLICABLE_TYPES = ("detection", "rule_default")
NAMESPACE_TYPES = ["single", "agnostic"]
OS_TYPES = ["linux", "macos", "windows"]
# The saved-object type of each namespace: KQL filters name their fields through it.
SO_TYPES = {"single": "exception-list", "agnostic": "exception-list-agnostic"}
# A list holds at most 10,000 items (Kibana's list size limit), so one page of 10,000 reads a
# whole list, and page * per_page stays inside Elasticsearch's default result window.
ITEMS_PAGE_SIZE = 10000
LISTS_PAGE_SIZE = 1000

OPERATORS = ("included", "excluded")
# The keys each entry type takes (Kibana strips others, which would never compare equal).
ENTRY_KEYS = {
    "match": ("field", "value", "operator"),
    "match_any": ("field", "value", "operator"),
    "wildcard": ("field", "value", "operator"),
    "exists": ("field", "operator"),
    "list": ("field", "list", "operator"),
    "nested": ("field", "entries"),
}
NESTED_ENTRY_TYPES = ("match", "match_any", "exists")
# Elasticsearch types a value list (`list` entries) can have.
VALUE_LIST_TYPES = ("binary", "boolean", "byte", "date", "date_nanos", "date_range", "double",
                    "double_range", "float", "float_range", "geo_point", "geo_shape", "half_float",
                    "integer", "integer_range", "ip", "ip_range", "keyword", "long", "long_range",
                    "shape", "short", "text")
# Kibana's date-time schema: UTC with a Z, optional fraction.
DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$")

LIST_FIELDS = ("name", "description", "type", "tags", "meta", "os_types")
ITEM_FIELDS = ("name", "description", "entries", "os_types", "tags", "meta", "expire_time")

ITEM_OPTIONS = dict(
    item_id=dict(type="str", required=True),
    name=dict(type="str", required=True),
    description=dict(type="str"),
    entries=dict(type="list", elements="dict", required=True),
    os_types=dict(type="list", elements="str", choices=OS_TYPES),
    tags=dict(type="list", elements="str"),
    meta=dict(type="dict"),
    expire_time=dict(type="str"),
    comments=dict(type="list", elements="str"),
)

EXCEPTION_LIST_OPTIONS = dict(
    list_id=dict(type="str"),
    namespace_type=dict(type="str", default="single", choices=NAMESPACE_TYPES),
    name=dict(type="str"),
    description=dict(type="str"),
    type=dict(type="str", choices=LIST_TYPES),
    tags=dict(type="list", elements="str"),
    meta=dict(type="dict"),
    os_types=dict(type="list", elements="str", choices=OS_TYPES),
    items=dict(type="list", elements="dict", options=ITEM_OPTIONS),
    purge_items=dict(type="bool", default=False),
    duplicate_from=dict(type="str"),
    include_expired_exceptions=dict(type="bool", default=True),
    recreate=dict(type="bool", default=False),
)

EXCEPTION_LIST_MODULE_KWARGS = dict(
    required_one_of=[("list_id", "duplicate_from")],
    mutually_exclusive=[("list_id", "duplicate_from")],
    required_by={"duplicate_from": "name"},
)

EXCEPTION_LIST_INFO_OPTIONS = dict(
    list_id=dict(type="str"),
    namespace_type=dict(type="list", elements="str", choices=NAMESPACE_TYPES,
                        default=NAMESPACE_TYPES),
    name=dict(type="str"),
    type=dict(type="str", choices=LIST_TYPES),
    filter=dict(type="str"),
    include_items=dict(type="bool", default=False),
)

EXCEPTION_LIST_INFO_KWARGS = dict(
    mutually_exclusive=[("list_id", "name"), ("list_id", "type"), ("list_id", "filter")],
)


# ====================================================================== reading


def check_list_id(value, option):
    """A list id the _find endpoints can carry: they take comma-separated list ids, so a comma
    would make one list two (created once, then every later run fails)."""
    if value is not None and "," in value:
        raise ResourceError("%s %r cannot contain a comma: Kibana's _find endpoints read "
                            "list_id as a comma-separated list" % (option, value))


def read_list(client, list_id, namespace_type):
    return client.get(LISTS_PATH, params={"list_id": list_id, "namespace_type": namespace_type},
                      absent_ok=True, expect=dict, keys=LIST_KEYS)


def read_items(client, list_id, namespace_type, kql=None):
    """Every item of one list, a page of ITEMS_PAGE_SIZE at a time."""
    params = {"list_id": list_id, "namespace_type": namespace_type}
    if kql:
        params["filter"] = kql
    return list(client.pages(ITEMS_FIND_PATH, params=params, size=ITEMS_PAGE_SIZE, keys=ITEM_KEYS))


def find_lists(client, namespace_types, kql=None):
    params = {"namespace_type": ",".join(namespace_types)}
    if kql:
        params["filter"] = kql
    return list(client.pages(LISTS_FIND_PATH, params=params, size=LISTS_PAGE_SIZE, keys=LIST_KEYS))


def timestamp(value):
    """A comparable instant for Kibana's date-time strings (".000Z" equals "Z")."""
    match = DATETIME.match(value or "")
    if not match:
        return value
    parts = [int(p) for p in match.groups()[:6]]
    fraction = (match.group(7) or "0").ljust(6, "0")[:6]
    return tuple(parts) + (int(fraction),)


def expired(item, now):
    stamp = timestamp(item.get("expire_time"))
    return isinstance(stamp, tuple) and stamp <= now


def utc_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond)


# ====================================================================== input checks


def _text(value):
    """Numbers written unquoted in YAML are Kibana strings."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _non_empty(value):
    return isinstance(value, str) and value.strip() != ""


def _a(kind):
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def check_entries(entries, where, nested=False):
    """The entries in Kibana's shape, or a ResourceError naming the faulty entry's index."""
    if not isinstance(entries, list) or not entries:
        raise ResourceError("%s must hold at least one entry" % where)
    checked = []
    for index, entry in enumerate(entries):
        path = "%s[%d]" % (where, index)
        if not isinstance(entry, dict):
            raise ResourceError("%s must be a dict with a type, got %r" % (path, entry))
        kind = entry.get("type")
        allowed = NESTED_ENTRY_TYPES if nested else tuple(ENTRY_KEYS)
        if kind not in allowed:
            raise ResourceError("%s has type %r; %s" % (
                path, kind, "a nested entry holds only match, match_any or exists entries"
                if nested else "expected one of " + ", ".join(ENTRY_KEYS)))
        keys = ENTRY_KEYS[kind]
        unknown = sorted(set(entry) - set(keys) - set(["type"]))
        if unknown:
            hint = ""
            if "values" in unknown:
                hint = " (the list of values goes in value)"
            elif kind == "nested" and "operator" in unknown:
                hint = " (the entries inside a nested entry carry the operators)"
            raise ResourceError("%s (%s) has unknown key(s) %s%s: %s entry takes %s" % (
                path, kind, ", ".join(unknown), hint, _a(kind), ", ".join(keys)))
        missing = [k for k in keys if entry.get(k) is None]
        if missing:
            raise ResourceError("%s (%s) is missing %s: %s entry needs %s" % (
                path, kind, ", ".join(missing), _a(kind), ", ".join(keys)))
        item = {"type": kind}
        if not _non_empty(entry["field"]):
            raise ResourceError("%s.field must be a non-empty string" % path)
        item["field"] = entry["field"]
        if "operator" in keys:
            if entry["operator"] not in OPERATORS:
                raise ResourceError("%s.operator must be included or excluded, got %r"
                                    % (path, entry["operator"]))
            item["operator"] = entry["operator"]
        if kind in ("match", "wildcard"):
            value = _text(entry["value"])
            if not _non_empty(value):
                raise ResourceError("%s.value must be a non-empty string for a %s entry"
                                    % (path, kind))
            item["value"] = value
        elif kind == "match_any":
            values = entry["value"]
            values = [_text(v) for v in values] if isinstance(values, list) else None
            if not values or not all(_non_empty(v) for v in values):
                raise ResourceError("%s.value must be a non-empty list of non-empty strings for "
                                    "a match_any entry" % path)
            item["value"] = values
        elif kind == "list":
            ref = entry["list"]
            if not isinstance(ref, dict) or not _non_empty(ref.get("id")) or \
                    ref.get("type") not in VALUE_LIST_TYPES or set(ref) - set(["id", "type"]):
                raise ResourceError("%s.list must be {id, type} with the value list's id and a "
                                    "type among %s" % (path, ", ".join(VALUE_LIST_TYPES)))
            item["list"] = {"id": ref["id"], "type": ref["type"]}
        elif kind == "nested":
            item["entries"] = check_entries(entry["entries"], path + ".entries", nested=True)
        checked.append(item)
    return checked


def check_items(items):
    """The declared items in Kibana's shape, keyed by item_id (declaration order kept)."""
    wanted = {}
    repeated = []
    for index, spec in enumerate(items):
        where = "items[%d] (item_id %r)" % (index, spec.get("item_id"))
        item_id = spec["item_id"]
        if not _non_empty(item_id):
            raise ResourceError("items[%d].item_id must be a non-empty string" % index)
        if item_id in wanted:
            repeated.append(item_id)
            continue
        if not _non_empty(spec["name"]):
            raise ResourceError("%s: name must be a non-empty string" % where)
        desired = {"name": spec["name"],
                   "entries": check_entries(spec["entries"], where + ": entries")}
        for key in ("description", "os_types", "tags", "meta"):
            if spec.get(key) is not None:
                desired[key] = spec[key]
        if any(not _non_empty(tag) for tag in desired.get("tags") or []):
            raise ResourceError("%s: tags must be non-empty strings" % where)
        if spec.get("expire_time") is not None:
            if not DATETIME.match(spec["expire_time"]):
                raise ResourceError("%s: expire_time must be an ISO 8601 UTC date-time such as "
                                    "2030-01-31T00:00:00.000Z, got %r" % (where, spec["expire_time"]))
            desired["expire_time"] = spec["expire_time"]
        comments = spec.get("comments") or []
        if any(not _non_empty(c) for c in comments):
            raise ResourceError("%s: comments must be non-empty strings" % where)
        wanted[item_id] = {"fields": desired, "comments": list(comments)}
    if repeated:
        raise ResourceError("items declares item_id %s more than once: item_ids are unique in a "
                            "namespace" % ", ".join(repr(i) for i in sorted(set(repeated))))
    return wanted


# ====================================================================== item comparison


def _set_value(desired, stored):
    """A list compared as a set: the stored one (in its order) unless the user's differs."""
    if desired is None or sorted(set(desired)) == sorted(set(stored)):
        return stored
    return desired


def item_view(item):
    """An item as shown in a diff: the fields a user manages, comments as their texts."""
    view = dict((k, item[k]) for k in ITEM_FIELDS if item.get(k) is not None)
    view["comments"] = [c.get("comment") for c in item.get("comments") or []]
    return view


def new_comments(declared, stored):
    """Declared comment texts that the item does not hold yet (each stored comment matches one
    declared text). Kibana's comments are append-only: stored ones are never removed."""
    remaining = [c.get("comment") for c in stored or []]
    added = []
    for text in declared:
        if text in remaining:
            remaining.remove(text)
        else:
            added.append(text)
    return added


def item_changes(want, have, os_types_hidden=False):
    """Dotted paths where a stored item differs from the declared one. With os_types_hidden,
    an empty os_types read back is not a difference (Kibana #244818 reads stored os_types as
    []); the caller resolves it."""
    fields = dict(want["fields"])
    desired_os = fields.pop("os_types", None)
    desired_expiry = fields.pop("expire_time", None)
    found = differences(fields, have, unordered=("tags",))
    if desired_os is not None and sorted(set(desired_os)) != sorted(set(have.get("os_types") or [])):
        if not (os_types_hidden and not have.get("os_types")):
            found.append("os_types")
    if desired_expiry is not None and timestamp(desired_expiry) != timestamp(have.get("expire_time")):
        found.append("expire_time")
    if new_comments(want["comments"], have.get("comments")):
        found.append("comments")
    return found


def item_config(item):
    """A stored item as the `items` option declares it (the set form's gathered)."""
    config = {"item_id": item["item_id"], "name": item.get("name"),
              "entries": copy.deepcopy(item.get("entries") or [])}
    for key in ("description", "os_types", "tags", "meta", "expire_time"):
        if item.get(key) not in (None, [], {}):
            config[key] = copy.deepcopy(item[key])
    comments = [c.get("comment") for c in item.get("comments") or [] if c.get("comment")]
    if comments:
        config["comments"] = comments
    return config


# ====================================================================== item convergence


#: item writes in flight at once: independent objects, 8 writers measured 7.8x faster than one
ITEM_WRITERS = 8


def _message(error):
    if isinstance(error, KibanaError):
        return error.message
    # a bug of ours or an answer outside Kibana's contract, in one item's write
    return "unexpected error (%s): %s" % (type(error).__name__, error)


class ItemSync(object):
    """Brings one list's items to the declared ones: plan() in memory, then run() writes only
    the items that differ (creates and updates before deletes, so that no rule is left without
    an exception it should have)."""

    def __init__(self, client, list_id, namespace_type, wanted, purge):
        self.client = client
        self.list_id = list_id
        self.namespace_type = namespace_type
        self.wanted = wanted
        self.purge = purge
        self.creates = []  # item_ids
        self.updates = []  # item_ids
        self.deletes = []  # current items
        self.current = {}
        self.before = {}  # item_id -> view, changed items only
        self.after = {}
        self.written = {"created": [], "updated": [], "deleted": []}
        #: writes made before the items' (the list created or updated), for failure messages
        self.prior = []
        #: items Kibana copied with _duplicate, and items deleted with a recreated list
        self.copied = None
        self.deleted_with_list = 0
        self.os_types_recovered = False
        self.ran = False

    # ------------------------------------------------------------ planning

    def plan(self, current_items, recover_os_types=True):
        self.current = dict((i["item_id"], i) for i in current_items)
        hidden = recover_os_types and self._os_types_may_be_hidden()
        self._plan(hidden)
        if hidden and self._needs_stored_os_types():
            self._recover_os_types()
            self._plan(False)
        return self

    def _plan(self, os_types_hidden):
        self.creates, self.updates, self.deletes = [], [], []
        self.before, self.after = {}, {}
        for item_id, want in self.wanted.items():
            have = self.current.get(item_id)
            if have is None:
                self.creates.append(item_id)
                self.after[item_id] = item_view(self.create_body(item_id))
            elif item_changes(want, have, os_types_hidden):
                self.updates.append(item_id)
                self.before[item_id] = item_view(have)
                self.after[item_id] = item_view(self.update_body(item_id, have))
        for item_id, have in self.current.items():
            if item_id in self.wanted:
                continue
            if self.purge:
                self.deletes.append(have)
                self.before[item_id] = item_view(have)

    def _os_types_may_be_hidden(self):
        """Kibana #244818: some versions read every item's os_types back as []. When any item
        reads back with os_types, this Kibana shows them."""
        return bool(self.current) and not any(i.get("os_types") for i in self.current.values())

    def _needs_stored_os_types(self):
        """The stored os_types matter when declared os_types read back as [] (the same or not
        is unknown), or when an update overwrites an item whose os_types the user did not
        declare (sending the [] read back would wipe them)."""
        for item_id, want in self.wanted.items():
            have = self.current.get(item_id)
            if have is not None and want["fields"].get("os_types"):
                return True
        return any("os_types" not in self.wanted[i]["fields"] for i in self.updates)

    def _recover_os_types(self):
        """Filters run on what Kibana stored, not on what it shows: ask which items have each
        operating system (after one request telling whether any item has os_types at all)."""
        field = "%s.attributes.os_types" % SO_TYPES[self.namespace_type]
        stored = dict((item_id, []) for item_id in self.current)
        if read_items(self.client, self.list_id, self.namespace_type, field + ":*"):
            for os_type in OS_TYPES:
                for item in read_items(self.client, self.list_id, self.namespace_type,
                                       "%s:%s" % (field, os_type)):
                    stored.setdefault(item["item_id"], []).append(os_type)
        for item_id, item in self.current.items():
            self.current[item_id] = dict(item, os_types=stored.get(item_id, []))
        self.os_types_recovered = True

    def refuse_taken_item_ids(self, item_ids=None):
        """item_ids are unique across every list of a namespace (exception-lists.md): an item
        about to be created whose item_id another list holds would be refused (409) after the
        earlier writes. One read per item about to be created (none for an unchanged list),
        before any write, in check mode too."""
        item_ids = list(self.creates if item_ids is None else item_ids)
        found = run_bounded([(item_id, functools.partial(self._holder, item_id))
                             for item_id in item_ids], ITEM_WRITERS)
        for outcome in found:
            if not outcome.ok:
                raise outcome.error
        taken = [(o.key, o.value["list_id"]) for o in found
                 if o.value is not None and o.value.get("list_id") != self.list_id]
        if taken:
            raise ResourceError(
                "items: %s (item_ids are unique across every list of the %s namespace): Kibana "
                "would refuse %s (409 Conflict). Give %s other item_ids. Nothing was changed."
                % ("; ".join("item_id %r is already used by exception list %r" % t
                             for t in taken[:10]) + ("; ..." if len(taken) > 10 else ""),
                   self.namespace_type, "the item" if len(taken) == 1 else "those items",
                   "it" if len(taken) == 1 else "them"))

    def _holder(self, item_id):
        """The item holding `item_id` in the namespace, in whichever list, or None."""
        return self.client.get(ITEMS_PATH, params=self._identity(item_id=item_id),
                               absent_ok=True, expect=dict, keys=ITEM_KEYS)

    # ------------------------------------------------------------ bodies

    def create_body(self, item_id):
        want = self.wanted[item_id]["fields"]
        body = {"list_id": self.list_id, "item_id": item_id, "namespace_type": self.namespace_type,
                "type": "simple", "name": want["name"], "description": want.get("description", ""),
                "entries": want["entries"],
                "comments": [{"comment": text} for text in self.wanted[item_id]["comments"]]}
        for key in ("os_types", "tags", "meta", "expire_time"):
            if want.get(key) is not None:
                body[key] = want[key]
        return body

    def update_body(self, item_id, have):
        """Kibana's item PUT is an overwrite: the complete item, stored values kept where the
        user set nothing; existing comments resent with their ids, new ones appended."""
        want = self.wanted[item_id]
        fields = want["fields"]
        body = {"id": have["id"], "namespace_type": self.namespace_type, "type": "simple",
                "name": fields["name"], "entries": fields["entries"],
                "description": fields.get("description", have.get("description", "")),
                "os_types": _set_value(fields.get("os_types"), have.get("os_types") or []),
                "tags": _set_value(fields.get("tags"), have.get("tags") or []),
                "comments": [{"id": c["id"], "comment": c["comment"]}
                             for c in have.get("comments") or []]
                + [{"comment": t} for t in new_comments(want["comments"], have.get("comments"))]}
        if have.get("_version"):
            body["_version"] = have["_version"]
        meta = overlay(have.get("meta") or {}, fields["meta"]) if "meta" in fields else have.get("meta")
        if meta is not None:
            body["meta"] = meta
        expire_time = fields.get("expire_time", have.get("expire_time"))
        if expire_time is not None:
            body["expire_time"] = expire_time
        return body

    # ------------------------------------------------------------ results

    def counts(self):
        planned = {"created": len(self.creates), "updated": len(self.updates),
                   "deleted": len(self.deletes)}
        if self.ran:
            # what was written: an item found already as declared on a retry was not
            planned = dict((k, len(v)) for k, v in self.written.items())
        counts = dict(planned, unchanged=len(self.wanted) + len(self.current) - len(
            [i for i in self.current if i in self.wanted]) - sum(planned.values()))
        counts["deleted"] += self.deleted_with_list
        if self.copied is not None:
            counts["copied"] = self.copied
        return counts

    # ------------------------------------------------------------ writing

    def changed_items(self):
        """The item_ids created, updated and deleted (or that check mode would)."""
        if self.ran:
            return copy.deepcopy(self.written)
        return {"created": list(self.creates), "updated": list(self.updates),
                "deleted": [have["item_id"] for have in self.deletes]}

    def results(self):
        """The result keys: counts, and the item_ids that changed (never the items: a list
        may hold 10,000)."""
        return {"item_counts": self.counts(), "changed_items": self.changed_items()}

    # ------------------------------------------------------------ writing

    def run(self):
        self.run_creates()
        self.run_updates()
        self.run_deletes()

    def run_creates(self):
        self._phase("created", [(item_id, functools.partial(self._create, item_id))
                                for item_id in self.creates])

    def run_updates(self):
        self._phase("updated", [(item_id, functools.partial(self._update, item_id,
                                                            self.current[item_id]))
                                for item_id in self.updates])

    def run_deletes(self):
        self._phase("deleted", [(have["item_id"], functools.partial(self._delete, have))
                                for have in self.deletes])

    def _phase(self, done, jobs):
        """One kind of write for every item that needs it, ITEM_WRITERS at once (items are
        independent objects). Every outcome is kept: the items written are recorded, and every
        failure is reported together; the next phase (deletes after creates and updates) does
        not start after a failure."""
        self.ran = True
        failures = []
        for outcome in run_bounded(jobs, ITEM_WRITERS):
            if outcome.ok:
                if outcome.value is not False:
                    self.written[done].append(outcome.key)
            else:
                failures.append(outcome)
        if failures:
            raise self._failure(failures)

    def _failure(self, failures):
        done = list(self.prior) + ["%s %d (%s)" % (k, len(v), ", ".join(v[:20]) + (", ..." if len(v) > 20 else ""))
                                   for k, v in self.written.items() if v]
        messages = [(f.key, _message(f.error)) for f in failures]
        first = failures[0]
        details = dict(getattr(first.error, "details", {}) or {})
        details.update(failed_item=first.key, failed_items=dict(messages),
                       written=copy.deepcopy(self.written))
        more = ""
        if len(messages) > 1:
            more = " (%d more item writes failed: %s%s)" % (
                len(messages) - 1, "; ".join("%s: %s" % m for m in messages[1:11]),
                "; ..." if len(messages) > 11 else "")
        return ResourceError("exception list %r, item %r: %s%s. Already written before this failure: %s."
                             % (self.list_id, first.key, messages[0][1], more,
                                "; ".join(done) or "nothing"),
                             **details)

    def _identity(self, **query):
        query["namespace_type"] = self.namespace_type
        return query

    def _create(self, item_id):
        body = self.create_body(item_id)
        try:
            return self.client.post(ITEMS_PATH, body, expect=dict, keys=ITEM_KEYS)
        except KibanaTransportError as err:
            # The POST may have reached Kibana: look before sending it again.
            if not err.maybe_sent:
                raise
            if self.client.get(ITEMS_PATH, params=self._identity(item_id=item_id), absent_ok=True,
                               expect=dict, keys=ITEM_KEYS):
                return True
            return self.client.post(ITEMS_PATH, body, expect=dict, keys=ITEM_KEYS)
        except KibanaApiError as err:
            if err.status != 409:
                raise
            found = self.client.get(ITEMS_PATH, params=self._identity(item_id=item_id),
                                    absent_ok=True, expect=dict, keys=ITEM_KEYS)
            if found is None or found.get("list_id") != self.list_id:
                owner = found.get("list_id") if found else None
                raise KibanaApiError(err.method, err.path, err.status, "%s (item_ids are unique "
                                     "across every list of the %s namespace%s)" % (
                                         err.kibana_message, self.namespace_type,
                                         "; exception list %r holds it" % owner if owner else ""),
                                     err.body)
            # Created meanwhile in this list (by another run): converge it as an update.
            return self._converge(item_id, found)

    def _update(self, item_id, have):
        try:
            return self.client.put(ITEMS_PATH, self.update_body(item_id, have), expect=dict,
                                   keys=ITEM_KEYS)
        except KibanaApiError as err:
            if err.status != 409:
                raise
        # A stale _version: someone changed the item since it was read. Read it again and
        # retry once against what it holds now.
        fresh = self.client.get(ITEMS_PATH, params=self._identity(id=have["id"]), absent_ok=True,
                                expect=dict, keys=ITEM_KEYS)
        if fresh is None:
            return self.client.post(ITEMS_PATH, self.create_body(item_id), expect=dict,
                                    keys=ITEM_KEYS)
        if self.os_types_recovered and not fresh.get("os_types"):
            fresh = dict(fresh, os_types=have.get("os_types") or [])
        return self._converge(item_id, fresh)

    def _converge(self, item_id, have):
        """One PUT against `have` as read just now, unless it already is as declared."""
        if not item_changes(self.wanted[item_id], have):
            return False
        self.current[item_id] = have
        return self.client.put(ITEMS_PATH, self.update_body(item_id, have), expect=dict,
                               keys=ITEM_KEYS)

    def _delete(self, have):
        # Kibana's 404: already gone, which is what was asked (a 404 that is not Kibana's JSON,
        # from a proxy or a wrong base path, is a failure: nothing is known to be deleted)
        self.client.delete(ITEMS_PATH, params=self._identity(id=have["id"]), absent_ok=True,
                           expect=dict, keys=("id",))  # the deleted item
        return True


# ====================================================================== the list resource


class ExceptionListResource(Resource):
    name = "exception_list"
    title = "exception list"
    id_option = "list_id"
    natural_key = ("name",)
    create_only = ("type",)
    unordered = ("tags", "os_types")
    # the invocation (module_args) counts the declared items instead of echoing them back
    not_echoed = ("items",)
    # A create is several writes (POST or _duplicate, update, items): not retried as a whole
    # (a lost _duplicate answer may have left a copy named "<source name> [Duplicate]"); the
    # list POST recovers itself.
    retry_lost_create = False
    # list_id is unique (409): a create that conflicts adopts the list made meanwhile
    unique_natural_key = True
    server_owned = ("_version", "version", "tie_breaker_id", "created_at", "created_by",
                    "updated_at", "updated_by", "immutable")
    tags_field = "tags"
    #: `replaced` (set form): Kibana's defaults for what an entry leaves unset
    replace_defaults = {"description": "", "tags": [], "os_types": []}

    def __init__(self, client, params):
        super(ExceptionListResource, self).__init__(client, params)
        self.namespace_type = params["namespace_type"]
        self.required_for_create = ("name",) if params.get("duplicate_from") else ("name", "type")
        self.wanted = None
        self.sync = None
        self.os_types_ignored = False
        self.recreated_items = None
        self.source_items = None

    # ------------------------------------------------------------ identity

    def validate(self):
        for option in ("list_id", "duplicate_from"):
            check_list_id(self.params.get(option), option)
        if self.params.get("purge_items") and self.params.get("items") is None:
            raise ResourceError("purge_items needs items: declare the items to keep (items: [] "
                                "deletes every item of the list)")
        if self.params.get("items") is not None:
            self.wanted = check_items(self.params["items"])

    def read(self, object_id):
        return read_list(self.client, object_id, self.namespace_type)

    def find(self):
        """A duplicate has a list_id Kibana chose: it is found by its name (never the source)."""
        name = self.params["name"]
        kql = "%s.attributes.name:%s" % (SO_TYPES[self.namespace_type], kql_string(name))
        return [found for found in find_lists(self.client, [self.namespace_type], kql)
                if found.get("name") == name and found.get("list_id") != self.params["duplicate_from"]]

    def object_id(self, obj):
        return obj.get("list_id")

    # ------------------------------------------------------------ the set form

    @classmethod
    def list_all(cls, client):
        return find_lists(client, NAMESPACE_TYPES)

    def listed_match(self, obj, object_id):
        if obj.get("namespace_type") != self.namespace_type:
            return False
        if object_id:
            return obj.get("list_id") == object_id
        return obj.get("name") == self.params.get("name") and \
            obj.get("list_id") != self.params.get("duplicate_from")

    def in_override_scope(self, obj):
        # agnostic lists are shared by every space: never part of one space's set
        return obj.get("namespace_type") == "single"

    def override_identity(self, obj):
        return {"list_id": obj["list_id"], "namespace_type": obj["namespace_type"]}

    def to_config(self, obj):
        config = {"list_id": obj["list_id"], "namespace_type": obj["namespace_type"],
                  "name": obj.get("name"), "type": obj.get("type"),
                  "description": obj.get("description") or "",
                  "tags": list(obj.get("tags") or []), "os_types": list(obj.get("os_types") or [])}
        if obj.get("meta"):
            config["meta"] = copy.deepcopy(obj["meta"])
        items = read_items(self.client, obj["list_id"], obj["namespace_type"])
        config["items"] = [item_config(item) for item in items]
        return config

    def replace(self, current):
        """Also the items: declared items are the list's items (purge_items)."""
        super(ExceptionListResource, self).replace(current)
        if self.params.get("items") is not None:
            self.params["purge_items"] = True

    def unique_claims(self, current):
        # item_ids are unique across every list of a namespace
        return [("item_id (%s namespace)" % self.namespace_type, item_id)
                for item_id in self.wanted or {}]

    def read_only_reason(self, current):
        return "immutable (managed by Kibana)" if current.get("immutable") else None

    # ------------------------------------------------------------ comparison

    def desired(self):
        return dict((k, self.params[k]) for k in LIST_FIELDS if self.params.get(k) is not None)

    def changes(self, current, desired):
        found = super(ExceptionListResource, self).changes(current, desired)
        if "os_types" in found and not current.get("os_types"):
            # Kibana's list routes do not store list-level os_types: the create handler does
            # not pass them and update_exception_list.ts writes only name, description, meta,
            # tags, type and version (exception-lists.md, hazard 4). A list holding none proves
            # nothing can set them, so they alone never cause a write (which would change
            # nothing); an update sent for other fields still carries them.
            found.remove("os_types")
            self._ignored_os_types(desired["os_types"], current)
        return found

    def _ignored_os_types(self, wanted, current):
        if self.os_types_ignored:
            return
        self.os_types_ignored = True
        self.warnings.append(
            "os_types %s are not set on exception list %s: Kibana's list API ignores list-level "
            "os_types on create and update (the list holds %s), so the module sends no write "
            "for them. Set os_types on the items, which Kibana keeps."
            % (wanted, current.get("list_id") or self.params.get("list_id"),
               current.get("os_types") or []))

    def create_only_changes(self, current, desired):
        blocked = super(ExceptionListResource, self).create_only_changes(current, desired)
        if blocked and self.params.get("recreate"):
            items = read_items(self.client, current["list_id"], self.namespace_type)
            lost = [i["item_id"] for i in items if i["item_id"] not in (self.wanted or {})]
            if lost and not self.params.get("purge_items"):
                raise ResourceError(
                    "recreating exception list %s deletes its %d items, and %d of them are not "
                    "declared in items (%s): declare them, or set purge_items=true to let them go"
                    % (current["list_id"], len(items), len(lost), ", ".join(lost[:10])
                       + (", ..." if len(lost) > 10 else "")))
            self.recreated_items = items
        return blocked

    # ------------------------------------------------------------ writes

    def plan(self, current, desired):
        steps = []
        if self.changes(current, desired):
            steps.append(Step("update", lambda: self._update_step(current, desired)))
        if self.wanted is not None:
            self.sync = self._new_sync(current["list_id"])
            self.sync.plan(read_items(self.client, current["list_id"], self.namespace_type))
            self.sync.refuse_taken_item_ids()
            self.extras.update(self.sync.results())
            if self.sync.creates:
                steps.append(Step("create_items", self._run(self.sync.run_creates), reread=False))
            if self.sync.updates:
                steps.append(Step("update_items", self._run(self.sync.run_updates), reread=False))
            if self.sync.deletes:
                steps.append(Step("delete_items", self._run(self.sync.run_deletes), reread=False))
        return steps

    def _update_step(self, current, desired):
        self.update(current, desired)
        if self.sync is not None:
            self.sync.prior.append("exception list updated")

    def _run(self, run):
        def step():
            run()
            self.extras.update(self.sync.results())
        return step

    def _new_sync(self, list_id):
        sync = ItemSync(self.client, list_id, self.namespace_type, self.wanted or {},
                        self.params.get("purge_items"))
        if self.recreated_items is not None:
            sync.deleted_with_list = len(self.recreated_items)
        return sync

    def _list_body(self, current, desired):
        body = {"list_id": current["list_id"], "namespace_type": self.namespace_type,
                "name": desired.get("name", current.get("name")),
                "description": desired.get("description", current.get("description", "")),
                "type": current["type"],
                # an update without os_types stores [] on versions that write them
                "os_types": desired.get("os_types", current.get("os_types") or [])}
        if current.get("_version"):
            body["_version"] = current["_version"]
        if "tags" in desired:
            body["tags"] = desired["tags"]
        if "meta" in desired:
            body["meta"] = overlay(current.get("meta") or {}, desired["meta"])
        return body

    def update(self, current, desired):
        try:
            stored = self.client.put(LISTS_PATH, self._list_body(current, desired), expect=dict,
                                     keys=LIST_KEYS)
        except KibanaApiError as err:
            if err.status != 409:
                raise
            # A stale _version: read the list again and retry once.
            fresh = self.read(current["list_id"])
            if fresh is None:
                raise
            stored = self.client.put(LISTS_PATH, self._list_body(fresh, desired), expect=dict,
                                     keys=LIST_KEYS)
        return stored

    def create(self, desired):
        if self.params.get("duplicate_from"):
            created = self._duplicate()
            prior = "exception list %s created by _duplicate" % created.get("list_id")
        else:
            self._refuse_taken_item_ids()
            created = self._post_list(desired)
            prior = "exception list created"
        if self.changes(created, desired):
            # A copy is renamed by a follow-up update (os_types the create dropped are not a
            # reason for one: see changes()).
            created = self.update(created, desired)
        if self.wanted is not None:
            copies = self._copies(created)
            self.sync = self._new_sync(created["list_id"])
            self.sync.prior.append(prior)
            self.sync.plan(copies or [])
            if copies is not None:
                self.sync.copied = len(copies)
            self.extras.update(self.sync.results())
            self.sync.run()
        return created

    def _refuse_taken_item_ids(self):
        """A new list's declared items are all created: their item_ids must be free (checked
        before the list is made, so that nothing is left half-done)."""
        if self.wanted:
            ItemSync(self.client, self.params.get("list_id"), self.namespace_type, self.wanted,
                     False).refuse_taken_item_ids(list(self.wanted))

    def _post_list(self, desired):
        body = {"list_id": self.params["list_id"], "namespace_type": self.namespace_type,
                "name": desired["name"], "description": desired.get("description", ""),
                "type": desired["type"]}
        for key in ("tags", "meta", "os_types"):
            if key in desired:
                body[key] = desired[key]
        try:
            return self.client.post(LISTS_PATH, body, expect=dict, keys=LIST_KEYS)
        except KibanaTransportError as err:
            if not err.maybe_sent:
                raise
            found = self.read(self.params["list_id"])
            return found if found is not None else self.client.post(
                LISTS_PATH, body, expect=dict, keys=LIST_KEYS)

    def _source(self, desired):
        source_id = self.params["duplicate_from"]
        source = read_list(self.client, source_id, self.namespace_type)
        if source is None:
            raise ResourceError("duplicate_from: exception list %r does not exist in the %s "
                                "namespace%s" % (source_id, self.namespace_type,
                                                 "" if self.namespace_type == "agnostic"
                                                 else " of space %s" % self.client.space_id))
        if source["type"] not in DUPLICABLE_TYPES:
            raise ResourceError("duplicate_from: exception list %r has type %s; Kibana duplicates "
                                "only %s lists" % (source_id, source["type"], " and ".join(DUPLICABLE_TYPES)))
        if desired.get("type") not in (None, source["type"]):
            raise ResourceError("type %s differs from the type %s of duplicate_from %r: a copy "
                                "keeps its source's type" % (desired["type"], source["type"], source_id))
        self.source_items = read_items(self.client, source["list_id"], self.namespace_type)
        # item_ids are unique in a namespace, and the source keeps its items: a declared item
        # with one of theirs would be refused (409) after the copy was made, on every run
        taken = [i for i in (self.wanted or {}) if i in set(s["item_id"] for s in self.source_items)]
        if taken:
            raise ResourceError(
                "items: item_id %s already belong to duplicate_from list %r, and item_ids are "
                "unique in the %s namespace (the copies get new item_ids): Kibana would refuse "
                "the declared item (409) after making the copy. Give the declared items other "
                "item_ids. Nothing was changed."
                % (", ".join(repr(t) for t in taken), source_id, self.namespace_type))
        self._refuse_taken_item_ids()
        return source

    def _duplicate(self):
        source = self._source(self.desired())
        return self.client.post(DUPLICATE_PATH, params={
            "list_id": source["list_id"], "namespace_type": self.namespace_type,
            "include_expired_exceptions": "true" if self.params["include_expired_exceptions"] else "false"},
            expect=dict, keys=LIST_KEYS)

    def _copies(self, created):
        if not self.params.get("duplicate_from"):
            return None
        return read_items(self.client, created["list_id"], self.namespace_type)

    def delete(self, current):
        self.client.delete(LISTS_PATH, params={"list_id": current["list_id"],
                                               "namespace_type": self.namespace_type},
                           expect=dict, keys=("id",))  # the deleted list

    # ------------------------------------------------------------ check mode and results

    def predict(self, current, desired):
        if current is not None:
            predicted = overlay(current, desired)
            if self.os_types_ignored:
                predicted["os_types"] = current.get("os_types") or []
            return predicted
        predicted = {"list_id": self.params.get("list_id"), "namespace_type": self.namespace_type,
                     "description": "", "tags": [], "os_types": [], "immutable": False, "version": 1}
        copies = None
        if self.params.get("duplicate_from"):
            source = self._source(desired)
            predicted.update(dict((k, source[k]) for k in ("type", "description", "tags", "meta")
                                  if k in source))
            now = utc_now()
            include_expired = self.params["include_expired_exceptions"]
            # Kibana gives the copies new item_ids: they never match a declared one.
            copies = [dict(i, item_id="(copy of %s)" % i["item_id"]) for i in self.source_items
                      if include_expired or not expired(i, now)]
        else:
            self._refuse_taken_item_ids()
        predicted = overlay(predicted, desired)
        if self.wanted is not None:
            self.sync = self._new_sync(predicted["list_id"])
            self.sync.plan(copies or [], recover_os_types=False)
            if copies is not None:
                self.sync.copied = len(copies)
            self.extras.update(self.sync.results())
        return predicted

    def diff(self, before, after, secrets):
        diff = super(ExceptionListResource, self).diff(before, after, secrets)
        before_items = after_items = None
        if self.sync is not None:
            before_items, after_items = dict(self.sync.before), dict(self.sync.after)
        if self.recreated_items is not None:
            before_items = dict((i["item_id"], item_view(i)) for i in self.recreated_items)
        # the sync's before/after hold only the items that change; of those, what changes
        changed = recursive_diff({"items": before_items or {}}, {"items": after_items or {}})
        for side, items in zip(("before", "after"), changed or ()):
            if items.get("items"):
                diff[side]["items"] = items["items"]
        return diff


# ====================================================================== info


def exception_list_info(client, params):
    """exception_list_info: one list by list_id, or the lists a filter selects; optionally
    each with every item."""
    check_list_id(params.get("list_id"), "list_id")
    namespaces = list(dict.fromkeys(params.get("namespace_type") or NAMESPACE_TYPES))
    if params.get("list_id"):
        lists = [found for found in (read_list(client, params["list_id"], ns) for ns in namespaces)
                 if found is not None]
    else:
        clauses = []
        for field in ("name", "type"):
            if params.get(field) is not None:
                clauses.append("(%s)" % " or ".join(
                    "%s.attributes.%s:%s" % (SO_TYPES[ns], field, kql_string(params[field]))
                    for ns in namespaces))
        if params.get("filter"):
            clauses.append("(%s)" % params["filter"])
        lists = find_lists(client, namespaces, " and ".join(clauses) or None)
        if params.get("name") is not None:
            lists = [found for found in lists if found.get("name") == params["name"]]
    if params.get("include_items"):
        for found in lists:
            found["items"] = read_items(client, found["list_id"], found["namespace_type"])
    return {"exception_lists": lists}
