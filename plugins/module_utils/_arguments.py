# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument checks the argument spec cannot express, in one place for the module
(AnsibleModule) and the controller-side action plugin (ArgumentSpecValidator):

- shapes: a scalar or a list given for a dict option with sub-options (`flapping: false`) is
  refused naming the option. ansible-core's sub-spec validation would otherwise fail first with
  "argument of type 'bool' is not iterable", naming nothing.
- ranges: every int/float option has a range (`<FAMILY>_RANGES`, dotted paths, `[]` for list
  elements, `*` for any key of a dict); nan and infinities are never in one.
- space_id and identity options: Kibana's space id rule, and no empty key."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
from ansible_collections.stackops.kibana.plugins.module_utils._paths import (
    blank,
    space_id_problem,
)

#: the bound of numbers Kibana takes without a documented maximum (a 32-bit integer field)
INT_MAX = 2147483647

#: Elasticsearch's default index.max_result_window: a saved-object find (agent policies, osquery
#: packs and saved queries) searches from perPage * (page - 1) for perPage hits
#: (core saved-objects-api-server-internal lib/apis/find.ts), and Elasticsearch refuses a search
#: whose from + size exceeds the window ("Result window is too large")
RESULT_WINDOW = 10000

#: options that identify an object: never empty when given
IDENTITY_OPTIONS = ("id", "list_id", "item_id", "name")

_TYPE_WORDS = {bool: "a boolean", int: "a number", float: "a number", list: "a list",
               str: "a string"}


def _kind(value):
    return _TYPE_WORDS.get(type(value), type(value).__name__)


def _has_sub_options(option):
    return option.get("type") in ("dict", "list") and option.get("options") is not None


def shape_errors(spec, params, prefix=""):
    """Messages for values whose shape cannot fit a dict option with sub-options (or the dict
    elements of a list option with sub-options), at any depth. A string for a top-level dict
    option is left to ansible-core, which parses `k=v` and JSON strings and names the option
    when it cannot; anywhere else its message would name nothing, so strings are refused."""
    errors = []
    if not isinstance(params, dict):
        return errors
    for name, option in spec.items():
        value = params.get(name)
        for alias in option.get("aliases") or ():
            if value is None:
                value = params.get(alias)
        if value is None:
            continue
        where = prefix + name
        errors.extend(_number_errors(option, value, where))
        if not _has_sub_options(option):
            continue
        subs = ", ".join(sorted(option["options"]))
        if option["type"] == "dict":
            if isinstance(value, dict):
                errors.extend(shape_errors(option["options"], value, where + "."))
            elif prefix or not isinstance(value, str):
                errors.append("%s must be a dict (with %s), got %s %r"
                              % (where, subs, _kind(value), value))
        elif isinstance(value, list):
            for index, element in enumerate(value):
                at = "%s[%d]" % (where, index)
                if isinstance(element, dict):
                    errors.extend(shape_errors(option["options"], element, at + "."))
                else:
                    errors.append("%s must be a dict (with %s), got %s %r"
                                  % (at, subs, _kind(element), element))
        else:
            errors.append("%s must be a list of dicts (with %s), got %s %r"
                          % (where, subs, _kind(value), value))
    return errors


def _non_finite(value):
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))


def _number_errors(option, value, where):
    """nan and infinities for a number option: ansible-core's int conversion raises
    OverflowError on them, which it does not catch (a traceback)."""
    kind = option.get("elements") if option.get("type") == "list" else option.get("type")
    if kind not in ("int", "float"):
        return []
    values = value if option.get("type") == "list" and isinstance(value, list) else [value]
    return ["%s must be a finite number, got %r" % (where, v) for v in values if _non_finite(v)]


def numeric_options(spec, prefix=""):
    """The dotted paths of every int/float option of a spec (for the test that each one has a
    range)."""
    found = []
    for name, option in spec.items():
        kind = option.get("elements") if option.get("type") == "list" else option.get("type")
        where = prefix + name
        if kind in ("int", "float"):
            found.append(where + "[]" if option.get("type") == "list" else where)
        if _has_sub_options(option):
            found.extend(numeric_options(
                option["options"], where + ("[]." if option["type"] == "list" else ".")))
    return found


def _values(params, path):
    """(shown path, value) of every value at a dotted path ('[]' = each element, '*' = each
    key) that is set."""
    head, rest = (path.split(".", 1) + [""])[:2]
    each = head.endswith("[]")
    key = head[:-2] if each else head
    if not isinstance(params, dict):
        return
    if key == "*":
        pairs = list(params.items())
    else:
        pairs = [(key, params.get(key))]
    for name, value in pairs:
        if value is None:
            continue
        items = [("%s[%d]" % (name, i), v) for i, v in enumerate(value)] \
            if each and isinstance(value, list) else [(name, value)]
        for shown, item in items:
            if not rest:
                yield shown, item
            else:
                for sub, leaf in _values(item, rest):
                    yield "%s.%s" % (shown, sub), leaf


def range_errors(params, ranges):
    """Messages for numbers outside their (minimum, maximum) range (None = unbounded)."""
    errors = []
    for path, (low, high) in sorted(ranges.items()):
        for shown, value in _values(params, path):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                errors.append("%s must be a finite number, got %r" % (shown, value))
            elif (low is not None and value < low) or (high is not None and value > high):
                errors.append("%s must be %s, got %r" % (shown, _bounds(low, high), value))
    return errors


def _bounds(low, high):
    if high is None:
        return "at least %s" % low
    if low is None:
        return "at most %s" % high
    return "between %s and %s" % (low, high)


def value_errors(params, ranges=None, identity=IDENTITY_OPTIONS):
    """After the spec's own validation: space_id, empty identity options and ranges."""
    errors = []
    # null (which ansible-core turns into '') means the default space
    if params.get("space_id"):
        problem = space_id_problem(params["space_id"])
        if problem:
            errors.append(problem)
    for option in identity:
        if blank(params.get(option)):
            errors.append("%s must not be empty or only whitespace, got %r"
                          % (option, params[option]))
    errors.extend(range_errors(params, ranges or {}))
    return errors


def paging(params, size_option, default=100, max_size=RESULT_WINDOW, why=None):
    """(page or None, page size) of an _info module's paging options, refused naming the
    option when Kibana would refuse them: at least 1, a page size of at most `max_size`
    (`why`: whose limit, when not the result window), and a page inside the result window."""
    size = params.get(size_option)
    size = default if size is None else size
    page = params.get("page")
    errors = []
    if not 1 <= size <= max_size:
        errors.append("%s must be between 1 and %d%s, got %d"
                      % (size_option, max_size, " (%s)" % why if why else "", size))
    if page is not None and not 1 <= page <= RESULT_WINDOW:
        errors.append("page must be between 1 and %d, got %d" % (RESULT_WINDOW, page))
    elif page is not None and not errors and page * size > RESULT_WINDOW:
        errors.append("page %d of %d %s reaches item %d: Kibana's find cannot page past item "
                      "%d (Elasticsearch's result window); use a larger %s and a smaller "
                      "page, or leave page out to read every page"
                      % (page, size, size_option, page * size, RESULT_WINDOW, size_option))
    if errors:
        raise ResourceError("; ".join(errors))
    return page, size


def check_values(params, ranges=None, identity=IDENTITY_OPTIONS):
    errors = value_errors(params, ranges, identity)
    if errors:
        raise ResourceError("; ".join(errors))


def validate_arguments(spec, params, ranges=None, **kwargs):
    """For the controller side: shape check, ansible-core's ArgumentSpecValidator (kwargs:
    mutually_exclusive, required_one_of, ...), then check_values. Returns the validated
    parameters or raises ResourceError with every message."""
    errors = shape_errors(spec, params)
    if errors:
        raise ResourceError("; ".join(errors))
    result = ArgumentSpecValidator(spec, **kwargs).validate(params)
    if result.error_messages:
        raise ResourceError("; ".join(result.error_messages))
    validated = result.validated_parameters
    check_values(validated, ranges)
    return validated
