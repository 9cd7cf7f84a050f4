# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Overlay comparison: the user's desired values against what Kibana stored.

Only what the user set is compared; what Kibana added (defaults, server-owned fields) is
ignored, and a nested null is the same as an absent key. current ⊕ desired == current
means "no change"."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy


def differences(desired, current, path="", unordered=()):
    """The dotted paths where `desired` is not contained in `current`.

    Dicts: every key of desired must match (None in desired matches None or a missing key).
    Lists: same length and each element contained in its counterpart; the paths listed in
    `unordered` (e.g. "tags") are compared as sets of JSON-equal elements (duplicates do not
    count).
    """
    if isinstance(desired, dict):
        if current is None:
            current = {}
        if not isinstance(current, dict):
            return [path or "."]
        found = []
        for key, value in desired.items():
            sub = "%s.%s" % (path, key) if path else key
            if value is None:
                if current.get(key) is not None:
                    found.append(sub)
                continue
            found.extend(differences(value, current.get(key), sub, unordered))
        return found
    if isinstance(desired, list):
        if path in unordered:
            # sets: [linux, linux] is [linux]; each side's elements must all be in the other
            if not isinstance(current, list) or \
                    any(not any(not differences(w, c) for c in current) for w in desired) or \
                    any(not any(not differences(w, c) for w in desired) for c in current):
                return [path or "."]
            return []
        if not isinstance(current, list) or len(current) != len(desired):
            return [path or "."]
        found = []
        for index, (want, have) in enumerate(zip(desired, current)):
            found.extend(differences(want, have, "%s[%d]" % (path, index), unordered))
        return found
    if _equal_scalars(desired, current):
        return []
    return [path or "."]


def _equal_scalars(desired, current):
    """Equal values, where a boolean equals only the same boolean (True is not 1)."""
    if isinstance(desired, bool) or isinstance(current, bool):
        return desired is current
    return desired == current


def overlay(current, desired):
    """current ⊕ desired: a deep copy of current with desired's keys laid over it.
    Dicts merge recursively; lists and scalars in desired replace; None in desired is skipped
    (unset)."""
    if not isinstance(current, dict) or not isinstance(desired, dict):
        return copy.deepcopy(desired if desired is not None else current)
    merged = copy.deepcopy(current)
    for key, value in desired.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = overlay(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def merge_removing_none(current, desired):
    """current ⊕ desired where a None in desired removes the key (so a user can drop a key):
    nested dicts merge, everything else replaces."""
    merged = copy.deepcopy(current) if isinstance(current, dict) else {}
    for key, value in (desired or {}).items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_removing_none(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def defaults_as_removed(stored, desired, defaults):
    """`stored` (a dict) with the keys `desired` sets to None shown as None where Kibana holds
    its default: Kibana puts the default back for a removed key, so comparing the default with
    None would never converge."""
    view = dict(stored or {})
    for key, value in (desired or {}).items():
        if value is None and key in defaults and view.get(key) == defaults[key]:
            view[key] = None
    return view


def extra_keys(path, held, wanted):
    """The dotted paths of the keys Kibana holds under `path` that the user's complete set
    `wanted` leaves out (an update replacing the set removes them: they are differences)."""
    return ["%s.%s" % (path, key) for key in held or {} if key not in wanted]


def drop_none(value):
    """A copy without None values at any depth (Kibana's explicit nulls ≡ absent)."""
    if isinstance(value, dict):
        return dict((k, drop_none(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


def pick(obj, keys):
    """The subset of obj holding only `keys` (those present)."""
    return dict((k, obj[k]) for k in keys if k in obj)
