# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource engine: look up -> compare -> create/update/delete -> report, for every module.

A family describes its Kibana object as a `Resource` subclass (paths, identity, natural key,
create-only fields, server-owned fields, how to build bodies); `ensure()` does the rest. Nothing
here depends on AnsibleModule: it takes validated parameters, the check/diff flags and a client,
and returns the result dict, so it can run in a module or in a controller-side action plugin."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import threading
import time
import uuid

from ansible.module_utils.common.dict_transformations import recursive_diff

from ansible_collections.stackops.kibana.plugins.module_utils._arguments import check_values
from ansible_collections.stackops.kibana.plugins.module_utils._compare import differences, overlay
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaApiError,
    KibanaTransportError,
    ResourceError,
)
from ansible_collections.stackops.kibana.plugins.module_utils._paths import blank, require_key
from ansible_collections.stackops.kibana.plugins.module_utils._version import kibana_version

#: namespace of the ids the engine derives for creates (uuid5 over space, family, natural key)
CREATE_ID_NAMESPACE = uuid.UUID("6f0c9a4e-8b1d-5c3e-9f2a-4d7b1e0c5a93")
#: how often and how long a lost create without a caller-chosen id is looked for again
LOST_CREATE_POLL = 1.0

MASK = "********"


class Step(object):
    """One write of an update plan, e.g. ("update", PUT ...) or ("enable", POST .../_enable).
    `reread`: whether the object must be read again after it (False for writes to child
    objects, such as a list's items, that leave the object itself as it was)."""

    def __init__(self, name, run, reread=True):
        self.name = name
        self.run = run
        self.reread = reread


class Resource(object):
    """A Kibana object type. Class attributes declare it; methods are the family's hooks."""

    #: key of the object in the module result, e.g. "connector"
    name = None
    #: words for messages, e.g. "connector", and its plural when not title + "s"
    title = None
    plural = None
    #: the module option holding the object's id
    id_option = "id"
    #: the module options that identify the object when no id is given
    natural_key = ("name",)
    #: fields (as in desired()) that Kibana cannot change on an existing object
    create_only = ()
    #: fields (as in desired()) that must be given to create the object
    required_for_create = ()
    #: fields of Kibana's object that Kibana owns: left out of diffs
    server_owned = ()
    #: dotted paths compared as sets (order does not matter)
    unordered = ()
    #: when a create's answer is lost after it may have been sent, look the object up and
    #: create again only when it is not there; False for creates of several writes, which
    #: recover themselves
    retry_lost_create = True
    #: Kibana refuses a second object with the same natural key (409): a create that
    #: conflicts is the object made meanwhile (another host, a lost answer), adopted by lookup
    unique_natural_key = False
    #: Kibana takes a caller-chosen id on create (POST .../{id}): creates send create_id(), so
    #: a repeated create gets 409 and the object is adopted by that id, never made twice
    caller_id = False
    #: Kibana refuses a write that gives the object a natural key another object of the space
    #: holds (a rename, or a create with a chosen id): 409. Checked before the write, with one
    #: read, in check mode too (see key_taken())
    taken_key_refused = False
    #: (minimum, maximum) of each number option, by dotted path ('[]' each element, '*' each
    #: key); a test checks that every int/float option of the spec has one
    ranges = {}
    #: set by ensure(): families may skip work only check or diff mode needs
    check_mode = False
    diff_mode = False
    #: set by the set engine (_sets.py): every object of the family in the space, read once,
    #: which lookup() searches instead of reading (None: look up with read()/find())
    all_objects = None
    #: set by the set engine: reads shared by every object of one task (see cached())
    shared = None
    #: the set form: options that `replaced` gives their Kibana default when a config entry
    #: leaves them unset (see replace())
    replace_defaults = {}
    #: the field holding an object's tags, when the family has tags (scope of `overridden`)
    tags_field = None

    def __init__(self, client, params):
        self.client = client
        self.params = params
        self.warnings = []
        #: extra keys for the module result (counts, agents reached, ...), set by the family
        self.extras = {}

    # ------------------------------------------------------------ hooks

    @classmethod
    def list_all(cls, client):
        """Every object of the family in the client's space, in the shape find() returns (the
        set form's one read)."""
        raise NotImplementedError

    def to_config(self, obj):
        """A Kibana object as the options of the module that would declare it (the inverse of
        desired(); never a secret): the set form's `gathered`."""
        raise NotImplementedError

    def in_override_scope(self, obj):
        """Whether a listed object belongs to the space's set (`overridden` may delete it,
        `gathered` returns it)."""
        return True

    def undeletable_reason(self, obj):
        """Why `overridden` must keep a listed object it does not declare (never deleted, never
        failing the run): by default, what makes it read-only."""
        return self.read_only_reason(obj)

    def override_identity(self, obj):
        """The options naming a listed object exactly (to delete it as not declared)."""
        return {self.id_option: self.object_id(obj)}

    def replace(self, current):
        """The set form's `replaced`: make the params declare the whole object, so that what
        the entry leaves unset goes back to Kibana's default (`current`: the object or None)."""
        for option, value in self.replace_defaults.items():
            if self.params.get(option) is None:
                self.params[option] = copy.deepcopy(value)

    def cached(self, key, read):
        """`read()`, shared by every object of a set task under `key` (a name lookup is made
        once per task), or simply read() for a single object."""
        if self.shared is None:
            return read()
        return self.shared.get(key, read)

    def target_version(self):
        """(number, parsed tuple) of the target Kibana (_version.kibana_version: the tuple is None
        on serverless, () when unknown), read once per task, and only by a family whose
        behaviour depends on it."""
        if getattr(self, "_target_version", None) is None:
            self._target_version = self.cached("kibana_version",
                                               lambda: kibana_version(self.client))
        return self._target_version

    def require_version(self, minimum, feature, consequence):
        """Refuse, before any write and in check mode too, `feature` on a Kibana older than
        `minimum`, or on one whose version is unknown (an older Kibana may drop it silently);
        serverless always runs the newest code."""
        number, parsed = self.target_version()
        if parsed is not None and parsed < minimum:
            wanted = ".".join(str(p) for p in minimum)
            raise ResourceError(
                "%s needs Kibana %s or later, and the target Kibana is %s: %s. Nothing was "
                "changed." % (feature, wanted, number or "unknown", consequence))

    def validate(self):
        """Reject bad input before any request (raise ResourceError naming the option)."""

    def read(self, object_id):
        """The object with that id, or None when it does not exist (in this space)."""
        raise NotImplementedError

    def find(self):
        """Every object matching the natural key (several means ambiguous)."""
        raise NotImplementedError

    def desired(self):
        """What the user asked for, in Kibana's shape, holding only what the user set."""
        raise NotImplementedError

    def comparable(self, current):
        """Kibana's object in the shape desired() is compared against."""
        return current

    def create(self, desired):
        """Create the object; return it as Kibana stored it."""
        raise NotImplementedError

    def update(self, current, desired):
        """Send the update (a full body built from current ⊕ desired)."""
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    def read_only_reason(self, current):
        """Why Kibana does not let this object be updated or deleted (preconfigured, managed,
        prebuilt, ...), or None; guard() refuses the writes then."""
        return None

    def read_only_hint(self, action):
        """What the user can do instead, appended to guard()'s refusal of `action`."""
        return ""

    def guard(self, current, action):
        """Refuse `action` ("update", "delete") on objects Kibana does not let us change."""
        reason = self.read_only_reason(current)
        if reason:
            raise ResourceError("%s %s (%s) is %s: Kibana does not allow it to be %s.%s" % (
                self.title, self.object_id(current), current.get("name"), reason,
                "updated" if action == "update" else "deleted", self.read_only_hint(action)))

    def object_id(self, obj):
        return obj.get("id")

    def output(self, obj):
        """The object as returned to the user (never a secret)."""
        return obj

    def sent_secrets(self, current, desired):
        """Names of the secret fields a write would send (shown masked in the diff)."""
        return []

    def changes(self, current, desired):
        """Dotted paths where the user's wish differs from Kibana's object."""
        return differences(desired, self.comparable(current), unordered=self.unordered)

    def plan(self, current, desired):
        """The writes that bring `current` to `desired`: one update when anything differs.
        Families with more endpoints (enable, mute, ...) add their own steps."""
        if self.changes(current, desired):
            return [Step("update", lambda: self.update(current, desired))]
        return []

    def predict(self, current, desired):
        """What Kibana will hold after the writes (check mode result)."""
        if current is None:
            predicted = copy.deepcopy(desired)
            predicted.setdefault("id", self.create_id() if self.caller_id
                                 else self.params.get(self.id_option))
            return predicted
        return overlay(current, desired)

    # ------------------------------------------------------------ identity

    def create_id(self):
        """The id a create sends (caller_id families): the user's id, else one derived from the
        space, the family and the natural key, so every run (and every host) converging the
        same object sends the same id. A UUID v5: Kibana takes it for rules and connectors on
        every version (UUID v1-5 before 8.17 / 9.4, any string or a lowercase slug after)."""
        if self.params.get(self.id_option):
            return self.params[self.id_option]
        key = "\n".join([self.params.get("space_id") or "default", self.name]
                        + ["%s" % self.params.get(k) for k in self.natural_key])
        return str(uuid.uuid5(CREATE_ID_NAMESPACE, key))

    def check_identity(self):
        """The id or natural key the lookup uses: given and not empty (an empty template
        variable must never select every object, or an unrelated one)."""
        object_id = self.params.get(self.id_option)
        if object_id is not None:
            return require_key(object_id, self.id_option)
        missing = [k for k in self.natural_key if self.params.get(k) is None or blank(self.params[k])]
        if missing:
            raise ResourceError("%s or %s is required to find the %s, and must not be empty"
                                % (self.id_option, " and ".join(self.natural_key), self.title))
        return None

    def listed_match(self, obj, object_id):
        """Whether an object of `all_objects` is the one the params name (by id when given)."""
        if object_id:
            return self.object_id(obj) == object_id
        return all(obj.get(key) == self.params.get(key) for key in self.natural_key)

    def lookup(self):
        object_id = self.check_identity()
        if self.all_objects is not None:
            matches = [obj for obj in self.all_objects if self.listed_match(obj, object_id)]
            if object_id is not None:
                return matches[0] if matches else None
        elif object_id is not None:
            return self.read(object_id)
        else:
            matches = self.find()
        if len(matches) > 1:
            key = ", ".join("%s=%r" % (k, self.params.get(k)) for k in self.natural_key
                            if self.params.get(k) is not None)
            raise ResourceError(
                "%d %s match %s (ids: %s): set %s to choose one"
                % (len(matches), self.plural or self.title + "s", key,
                   ", ".join(sorted(str(self.object_id(m)) for m in matches)), self.id_option))
        return matches[0] if matches else None

    def key_taken(self, current):
        """Refuse (ResourceError, the same in check mode and in the real run) a write that would
        give the object a natural key another object holds, which Kibana refuses (409) after
        the earlier writes of a plan. Reads only when the key is about to change: a rename of
        `current`, or a create of an object looked up by id (by key, the key is free)."""
        if not self.taken_key_refused:
            return
        wanted = dict((k, self.params.get(k)) for k in self.natural_key)
        if any(v is None for v in wanted.values()):
            return
        if current is None:
            if self.params.get(self.id_option) is None:
                return
        elif all(current.get(k) == v for k, v in wanted.items()):
            return
        if self.all_objects is not None:
            holders = [obj for obj in self.all_objects if self.listed_match(obj, None)]
        else:
            holders = self.find()
        holders = [obj for obj in holders
                   if current is None or self.object_id(obj) != self.object_id(current)]
        if holders:
            raise ResourceError(
                "%s %s already used by %s %s in space %r: Kibana refuses a second %s with the "
                "same %s (409 Conflict). Choose another %s. Nothing was changed."
                % (" and ".join("%s %r" % kv for kv in sorted(wanted.items())),
                   "is" if len(wanted) == 1 else "are", self.title,
                   ", ".join(sorted(str(self.object_id(obj)) for obj in holders)),
                   self.params.get("space_id") or "default", self.title,
                   " and ".join(sorted(wanted)), " and ".join(sorted(wanted))))

    def unique_claims(self, current):
        """(what, value) pairs this object holds once it is converged that no other object of
        the space may hold (Kibana refuses a second with 409): the set form refuses two entries
        claiming the same before any write. By default the natural key, when it is unique."""
        if not self.taken_key_refused:
            return []
        key = tuple(self.params.get(k) for k in self.natural_key)
        if any(v is None for v in key):
            if current is None:
                return []
            key = tuple(current.get(k) for k in self.natural_key)
        return [(" and ".join(self.natural_key), key[0] if len(key) == 1 else key)]

    def create_only_changes(self, current, desired):
        view = self.comparable(current)
        return [field for field in self.create_only
                if desired.get(field) is not None and differences(desired[field], view.get(field))]

    # ------------------------------------------------------------ diff

    def diff(self, before, after, secrets):
        """The diff: the changed fields only, before and after, secrets masked."""
        old = self.diff_view(before)
        new = self.diff_view(after, secrets)
        if before is not None and after is not None:
            changed = recursive_diff(old, new)
            if changed is None:
                return {"before": {}, "after": {}}
            old, new = changed
        return {"before": old, "after": new}

    def diff_view(self, obj, secrets=()):
        """One side of the diff: the object as shown to the user, without server-owned fields."""
        if obj is None:
            return {}
        view = dict((k, v) for k, v in self.output(obj).items() if k not in self.server_owned)
        for field in secrets:
            value = self.params.get(field)
            view[field] = dict((k, MASK) for k in value) if isinstance(value, dict) else MASK
        return view


class SharedReads(object):
    """Reads shared by the objects of one set task: each key is read once, even when the
    objects run in parallel threads (the others wait for the first)."""

    def __init__(self):
        self._values = {}
        self._locks = {}
        self._lock = threading.Lock()

    def get(self, key, read):
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = read()
            return self._values[key]


def only_named(matches, option, title, plural, name, space, choose):
    """The one object of `matches` (those named `name`) that `option` refers to by name, or a
    ResourceError naming the option: none, or several (their ids, and `choose`: how to pick)."""
    if not matches:
        raise ResourceError("%s: no %s named %r in space %r" % (option, title, name, space))
    if len(matches) > 1:
        raise ResourceError("%s: %d %s are named %r in space %r (ids: %s): %s" % (
            option, len(matches), plural, name, space,
            ", ".join(sorted(str(m.get("id")) for m in matches)), choose))
    return matches[0]


def check(resource):
    """Every check of the input, before any request (ResourceError naming the option)."""
    check_values(resource.params, resource.ranges,
                 identity=(resource.id_option,) + tuple(resource.natural_key))
    resource.check_identity()
    resource.validate()


def ensure(resource, state="present", check_mode=False, diff_mode=False):
    """Make Kibana hold what `resource.params` describe; return the module result."""
    resource.check_mode = check_mode
    resource.diff_mode = diff_mode
    check(resource)
    current = resource.lookup()
    result = {"changed": False}
    before = after = current
    secrets = []

    if state == "absent":
        if current is not None:
            resource.guard(current, "delete")
            if not check_mode:
                resource.delete(current)
            result["changed"] = True
        after = None
    else:
        desired = resource.desired()
        resource.key_taken(current)
        if current is not None:
            blocked = resource.create_only_changes(current, desired)
            if blocked and not resource.params.get("recreate"):
                raise ResourceError(
                    "%s cannot be changed on an existing %s (id %s): Kibana only sets %s when "
                    "creating. Set recreate=true to delete and recreate it, or keep the current "
                    "value %r." % (", ".join(blocked), resource.title, resource.object_id(current),
                                   "it" if len(blocked) == 1 else "them",
                                   resource.comparable(current).get(blocked[0])))
            if blocked:
                resource.guard(current, "delete")
                if not check_mode:
                    resource.delete(current)
                before, current = current, None
        if current is None:
            missing = [f for f in resource.required_for_create if desired.get(f) is None]
            if missing:
                raise ResourceError("%s is required to create the %s %s" % (
                    " and ".join(missing), resource.title, _identity(resource)))
            secrets = resource.sent_secrets(None, desired)
            after = resource.predict(None, desired) if check_mode else _create(resource, desired)
            result["changed"] = True
        else:
            steps = resource.plan(current, desired)
            if steps:
                resource.guard(current, "update")
                secrets = resource.sent_secrets(current, desired)
                result["changed"] = True
                result["operations"] = [step.name for step in steps]
                if check_mode:
                    after = resource.predict(current, desired)
                else:
                    after = _run_steps(resource, steps, current, desired)

    result[resource.name] = resource.output(after) if after is not None else {}
    result.update(resource.extras)
    if diff_mode:
        result["diff"] = resource.diff(before, after, secrets)
    if resource.warnings:
        result["warnings"] = list(resource.warnings)
    return result


def _identity(resource):
    if resource.params.get(resource.id_option):
        return "with %s %r" % (resource.id_option, resource.params[resource.id_option])
    return " ".join("%s %r" % (k, resource.params.get(k)) for k in resource.natural_key)


def _create(resource, desired, retried=False):
    """Create so that a create never makes a second object: a create that conflicts (409) with
    the object made meanwhile (another host, an earlier lost answer) adopts it. When the answer
    was lost after the request may have been sent, the object is looked for; only a create
    that cannot duplicate (the same caller-chosen id again) is sent once more, otherwise the
    object is waited for within the time budget."""
    try:
        return resource.create(desired)
    except KibanaApiError as err:
        if err.status != 409 or not (resource.caller_id or resource.unique_natural_key):
            raise
        found = _made_meanwhile(resource)
        if found is None:
            raise
    except KibanaTransportError as err:
        if not err.maybe_sent or not resource.retry_lost_create:
            raise
        resource.all_objects = None  # a set's listing predates the create: look again
        found = _made_meanwhile(resource)
        if found is None:
            if not resource.caller_id:
                # a name check is no lock: a second POST could race the first one
                found = _wait_for_lost_create(resource, err)
            elif retried:
                raise
            else:  # the same id again: at most one of the two creates can succeed
                return _create(resource, desired, retried=True)
    # made, but maybe not all of it (a create can be several writes): converge what is there
    steps = resource.plan(found, desired)
    return _run_steps(resource, steps, found, desired) if steps else found


def _made_meanwhile(resource):
    """The object a create may have made: by the id it sent, else by the lookup."""
    if not resource.caller_id:
        return resource.lookup()
    object_id = resource.create_id()
    found = resource.read(object_id)
    if found is None:
        # made by another tool or an older version, with an id of its own
        return resource.lookup() if resource.unique_natural_key else None
    wanted = dict((k, resource.params.get(k)) for k in resource.natural_key
                  if resource.params.get(k) is not None)
    have = dict((k, found.get(k)) for k in wanted)
    if not resource.params.get(resource.id_option) and have != wanted:
        # the id this task derives is held by an object that is no longer this one (renamed)
        raise ResourceError(
            "%s %s, created for %s, is now %s: set %s=%s to manage it, or delete it"
            % (resource.title, object_id, _identity(resource),
               ", ".join("%s %r" % kv for kv in sorted(have.items())), resource.id_option,
               object_id))
    return found


def _wait_for_lost_create(resource, err):
    """A create without a caller-chosen id whose answer was lost: Kibana may still be making
    the object. Look for it within the request time budget; never create blindly again."""
    # twice the request timeout: what one call may take with its retries (the client's budget)
    budget = 2 * (getattr(resource.client, "timeout", 0) or 0)
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        time.sleep(min(LOST_CREATE_POLL, max(0.0, deadline - time.monotonic())))
        found = resource.lookup()
        if found is not None:
            return found
    raise ResourceError(
        "the create of %s %s may have been done although its answer was lost (%s), and it is "
        "not found yet: it may still appear. Run the task again: it adopts the %s if it exists, "
        "and creates it otherwise."
        % (resource.title, _identity(resource), err.message, resource.title))


def _run_steps(resource, steps, current, desired):
    """Send the writes of a plan; return the object as Kibana now holds it."""
    for step in steps:
        step.run()
    if not any(step.reread for step in steps):
        return resource.predict(current, desired)
    after = resource.read(resource.object_id(current)) or resource.predict(current, desired)
    _verify(resource, desired, after)
    return after


def _verify(resource, desired, stored):
    """After a write, what Kibana kept must match what was asked (trap 5: 'success' that
    changed nothing)."""
    left = resource.changes(stored, desired)
    if left:
        resource.warnings.append(
            "Kibana accepted the update but the stored %s still differs at: %s"
            % (resource.title, ", ".join(sorted(left))))
