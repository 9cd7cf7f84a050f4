# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The set form: every object of a family in a space, declared in one task (a `config` list and
a `state` of merged, replaced, overridden, deleted or gathered, as Ansible's resource modules).

Built on ensure(): each declared object runs through the single-object engine, with the same
validation, comparison and safety, so a set task and single-object tasks converge the same
objects to the same state. What the set adds: one read of the family for the whole task
(`Resource.list_all`, which every lookup then searches), reads shared between the objects
(`Resource.cached`: connector names for rules, agent policy names for packs), the writes of all
objects at bounded concurrency (_parallel.run_bounded), every failure reported with the object
it concerns, and, for `overridden`, the deletion of what is no longer declared."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import re

from ansible_collections.stackops.kibana.plugins.module_utils._engine import (
    SharedReads,
    check,
    ensure,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaError,
    ResourceError,
)
from ansible_collections.stackops.kibana.plugins.module_utils._parallel import run_bounded

SET_STATES = ["merged", "replaced", "overridden", "deleted", "gathered"]
#: writes in flight at once: enough to hide latency, few enough not to load Kibana
WORKERS = 8
#: options of the single-object modules that a set entry does not take (the set has its own)
NOT_PER_ENTRY = ("state", "space_id")


def set_options(options, module_kwargs=None, scope_tags=False):
    """The set module's own options: `config` (each element takes exactly the single-object
    module's options and their constraints) and the set `state`."""
    entry = dict((key, copy.deepcopy(spec)) for key, spec in options.items()
                 if key not in NOT_PER_ENTRY)
    config = dict(type="list", elements="dict", options=entry)
    config.update(copy.deepcopy(module_kwargs or {}))
    spec = dict(config=config,
                state=dict(type="str", default="merged", choices=SET_STATES))
    if scope_tags:
        spec["scope_tags"] = dict(type="list", elements="str")
    return spec


def set_key(resource_class):
    """The result key of a family's objects: connectors, rules, agent_policies, ..."""
    return (resource_class.plural or resource_class.title + "s").replace(" ", "_")


def _entry_error(index, err, options):
    """The error of config[index], naming config[index].<option> when the message starts with
    an option."""
    where = "config[%d]" % index
    parts = []
    for part in (err.message or "").split("; "):
        first = re.match(r"[a-z_]+", part)
        parts.append("%s%s%s" % (where, "." if first and first.group(0) in options else ": ",
                                 part))
    err.message = "; ".join(parts)
    return err


def _key_text(resource):
    return " and ".join("%s %r" % (k, resource.params.get(k)) for k in resource.natural_key)


def _label(resource, obj, index=None):
    """How a message names an object: config[i] (id, name), or <title> (id, name)."""
    where = "config[%d]" % index if index is not None else resource.title
    what = _identity_text(resource, obj)
    return "%s %s" % (where, what) if what else where


def _identity_text(resource, obj):
    """(id ..., name ...) of an object, or of what an element declares."""
    parts = []
    object_id = resource.object_id(obj) if obj else resource.params.get(resource.id_option)
    if object_id:
        parts.append("%s %s" % (resource.id_option, object_id))
    name = (obj or {}).get("name") or resource.params.get("name")
    if name is not None:
        parts.append("name %r" % name)
    return "(%s)" % ", ".join(parts) if parts else ""


class SetRun(object):
    """One set task: converge(params) -> the module result."""

    def __init__(self, resource_class, options, client, params, check_mode=False,
                 diff_mode=False, workers=WORKERS):
        self.resource_class = resource_class
        #: the options of one entry (the single-object module's)
        self.options = options
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.workers = workers
        self.shared = SharedReads()
        self.key = set_key(resource_class)
        self.base = dict((k, v) for k, v in params.items()
                         if k not in ("config", "state", "scope_tags"))

    # ------------------------------------------------------------ building objects

    def _resource(self, entry, listing):
        params = dict(self.base)
        params.update(entry)
        resource = self.resource_class(self.client, params)
        resource.all_objects = listing
        resource.shared = self.shared
        return resource

    def _entry_defaults(self):
        """An entry with every option at its default (for objects not declared)."""
        return dict((k, copy.deepcopy(v.get("default"))) for k, v in self.options.items()
                    if k not in NOT_PER_ENTRY)

    # ------------------------------------------------------------ the run

    def converge(self):
        state = self.params["state"]
        config = self.params.get("config")
        if state == "gathered":
            if config:
                raise ResourceError("config must be empty with state=gathered: gathered only "
                                    "reads (it returns the space's %s as config)" % self.key)
            return self.gather()
        if config is None:
            raise ResourceError("config is required with state=%s (config: [] declares no %s%s)"
                                % (state, self.key, ", so that overridden deletes every one"
                                   if state == "overridden" else ""))
        # every entry is checked before any request
        resources = []
        for index, entry in enumerate(config):
            resource = self._resource(entry, None)
            try:
                check(resource)
            except ResourceError as err:
                raise _entry_error(index, err, self.options)
            resources.append(resource)
        listing = list(self.resource_class.list_all(self.client))
        currents = self._identify(resources, listing)
        if state != "deleted":
            self._creatable(resources, currents)
            self._unclaimed(resources, currents)
        jobs = []
        if state == "deleted":
            for index, resource in enumerate(resources):
                jobs.append((index, self._job(resource, "absent")))
        else:
            for index, resource in enumerate(resources):
                if state in ("replaced", "overridden"):
                    resource.replace(currents[index])
                jobs.append((index, self._job(resource, "present")))
        deleting, kept = [], []
        if state == "overridden":
            deleting, kept = self._undeclared(listing, currents)
            for obj, resource in deleting:
                jobs.append((obj, self._job(resource, "absent")))
        return self._report(jobs, resources, deleting, kept)

    def _job(self, resource, state):
        return lambda: ensure(resource, state, self.check_mode, self.diff_mode)

    def _identify(self, resources, listing):
        """Each entry's object in the one listing (ambiguity fails, naming the entry); two
        entries naming the same object fail too."""
        currents = []
        claimed = {}
        for index, resource in enumerate(resources):
            resource.all_objects = listing
            try:
                current = resource.lookup()
            except ResourceError as err:
                raise _entry_error(index, err, self.options)
            if current is not None:
                identity = ("id", resource.object_id(current))
            elif resource.params.get(resource.id_option):
                identity = ("id", resource.params[resource.id_option])
            else:
                identity = ("key",) + tuple(resource.params.get(k) for k in resource.natural_key)
            if identity in claimed:
                raise ResourceError(
                    "config[%d] and config[%d] declare the same %s (%s): declare each object "
                    "once" % (claimed[identity], index, resource.title,
                              ", ".join("%s" % part for part in identity[1:])))
            claimed[identity] = index
            currents.append(current)
        return currents

    def _creatable(self, resources, currents):
        """Entries that create must set what a create needs: refused before any write (the
        single-object engine checks it too, but the set must not write the others first)."""
        for index, resource in enumerate(resources):
            if currents[index] is None:
                missing = [f for f in resource.required_for_create
                           if resource.params.get(f) is None]
                if missing:
                    raise ResourceError(
                        "%s %s required to create the %s %s (none exists): nothing was changed"
                        % (" and ".join("config[%d].%s" % (index, f) for f in missing),
                           "is" if len(missing) == 1 else "are", resource.title,
                           _identity_text(resource, None)))

    @staticmethod
    def _unclaimed(resources, currents):
        """Two entries must not claim what only one object may hold (a unique name, an
        exception item_id): Kibana would refuse the second after the first was written. And an
        entry found by its name must stay the only object with that name."""
        claims = {}
        for index, resource in enumerate(resources):
            for claim in resource.unique_claims(currents[index]):
                first = claims.setdefault(claim, index)
                if first != index:
                    raise ResourceError(
                        "config[%d] and config[%d] both declare %s %r, which only one %s may "
                        "hold (Kibana refuses the second with 409): nothing was changed"
                        % (first, index, claim[0], claim[1], resource.title))
        found_by_key = dict(
            (tuple(r.params.get(k) for k in r.natural_key), index)
            for index, r in enumerate(resources)
            if r.natural_key and not r.params.get(r.id_option))
        for index, resource in enumerate(resources):
            other = found_by_key.get(tuple(resource.params.get(k) for k in resource.natural_key))
            if resource.params.get(resource.id_option) and other is not None:
                raise ResourceError(
                    "config[%d] is found by its %s, which config[%d] gives the %s it declares "
                    "by id: the next run would find two. Give config[%d] an %s, or another %s: "
                    "nothing was changed"
                    % (other, _key_text(resource), index, resource.title, other,
                       resource.id_option, " and ".join(resource.natural_key)))

    def _undeclared(self, listing, currents):
        """The listed objects no entry declares, in scope: (to delete, kept read-only)."""
        declared = set(id(c) for c in currents if c is not None)
        tags = self.params.get("scope_tags")
        probe = self._resource(self._entry_defaults(), listing)
        deleting, kept = [], []
        for obj in listing:
            if id(obj) in declared or not probe.in_override_scope(obj):
                continue
            if tags and not set(tags) <= set(obj.get(self.resource_class.tags_field) or []):
                continue
            reason = probe.undeletable_reason(obj)
            if reason:
                kept.append({"id": probe.object_id(obj), "name": obj.get("name"),
                             "reason": reason})
                continue
            entry = self._entry_defaults()
            entry.update(probe.override_identity(obj))
            deleting.append((obj, self._resource(entry, listing)))
        return deleting, kept

    # ------------------------------------------------------------ results

    def _report(self, jobs, resources, deleting, kept):
        outcomes = run_bounded(jobs, self.workers)
        declared = outcomes[:len(resources)]
        removals = outcomes[len(resources):]
        failures = []
        results = []
        objects = []
        for index, outcome in enumerate(declared):
            resource = resources[index]
            if outcome.ok:
                entry = dict(outcome.value)
                entry.pop("diff", None)
                entry.pop("warnings", None)  # the resource's own, reported below
                obj = entry.pop(resource.name, {})
                entry["config_index"] = index
                results.append(entry)
                if obj:
                    objects.append(obj)
            else:
                failures.append("%s: %s" % (_label(resource, None, index),
                                            _message(outcome.error)))
        deleted = []
        for (obj, resource), outcome in zip(deleting, removals):
            if outcome.ok:
                deleted.append({"id": resource.object_id(obj), "name": obj.get("name")})
            else:
                failures.append("deleting %s: %s" % (_label(resource, obj),
                                                     _message(outcome.error)))
        changed = bool(deleted) or any(r.get("changed") for r in results)
        result = {"changed": changed, self.key: objects, "results": results,
                  "deleted": deleted}
        if kept:
            result["kept"] = kept
        warnings = []
        for index, resource in enumerate(resources):
            warnings.extend("config[%d]: %s" % (index, w) for w in resource.warnings)
        for obj, resource in deleting:
            warnings.extend(resource.warnings)
        if self.diff_mode:
            diffs = []
            # what goes first: the deletions (check mode shows them before anything else)
            for (obj, resource), outcome in zip(deleting, removals):
                if outcome.ok and outcome.value.get("diff"):
                    diffs.append(_headed(outcome.value["diff"], "deleted",
                                         _label(resource, obj)))
            for index, outcome in enumerate(declared):
                if outcome.ok and outcome.value.get("changed") and outcome.value.get("diff"):
                    resource = resources[index]
                    diffs.append(_headed(outcome.value["diff"], "config[%d]" % index,
                                         _identity_text(resource, outcome.value.get(
                                             resource.name) or None)))
            result["diff"] = diffs
        if warnings:
            result["warnings"] = warnings
        if failures:
            done = sum(1 for r in results if r.get("changed")) + len(deleted)
            raise KibanaError(
                "%d of %d %s writes failed: %s. %s" % (
                    len(failures), len(jobs), self.resource_class.title,
                    "; ".join(failures).rstrip("."),
                    "Nothing else was changed." if not done else
                    "The other objects were converged (%d changed%s, listed in results and "
                    "deleted)." % (done, ", in check mode" if self.check_mode else "")),
                **dict((k, v) for k, v in result.items() if k != "warnings"))
        return result

    def gather(self):
        """The family's objects as config entries; objects Kibana does not let us change are
        listed apart (they cannot be declared)."""
        listing = list(self.resource_class.list_all(self.client))
        probe = self._resource(self._entry_defaults(), listing)
        gathered, read_only = [], []
        for obj in listing:
            if not probe.in_override_scope(obj):
                continue
            reason = probe.read_only_reason(obj)
            if reason:
                read_only.append({"id": probe.object_id(obj), "name": obj.get("name"),
                                  "reason": reason})
            else:
                gathered.append(probe.to_config(obj))
        result = {"changed": False, "gathered": gathered}
        if read_only:
            result["read_only"] = read_only
        return result


def _message(err):
    if isinstance(err, KibanaError):
        return err.message
    return "unexpected error (%s): %s" % (type(err).__name__, err)


def _headed(diff, where, what):
    diff = dict(diff)
    diff["before_header"] = "%s %s" % (where, what)
    diff["after_header"] = "%s %s" % (where, what)
    return diff


def converge(resource_class, options, client, params, check_mode=False, diff_mode=False):
    """The set module's work: the result dict of one set task (`options`: an entry's)."""
    return SetRun(resource_class, options, client, params, check_mode, diff_mode).converge()
