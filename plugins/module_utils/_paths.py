# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values placed in URL paths: each one is exactly one path segment, so no option can change
which endpoint is requested or which object is touched ('..', '/', '#', '?' or '%' in an id
or a space id would otherwise do both)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from urllib.parse import quote

from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError

# Kibana's own rule for a space id (x-pack/platform/plugins/shared/spaces/server/lib/
# space_schema.ts SPACE_ID_REGEX /^[a-z0-9_\-]+$/): Kibana refuses any other id, so no request
# is sent with one. \Z, not $: Python's $ also matches before a trailing newline, JavaScript's not.
SPACE_ID_PATTERN = re.compile(r"^[a-z0-9_\-]+\Z")
SPACE_ID_RULE = "must be lower case, a-z, 0-9, '_', and '-' are allowed"
DEFAULT_SPACE = "default"


def blank(value):
    """True for a value that names nothing: empty or only whitespace."""
    return value is not None and not ("%s" % value).strip()


def require_key(value, option):
    """An identity option (id, list_id, item_id, a name used as the key) must name something:
    an empty template variable would otherwise select every object, or none."""
    if blank(value):
        raise ResourceError("%s must not be empty or only whitespace, got %r" % (option, value))
    return value


def space_id_problem(value, option="space_id"):
    """The message refusing `value` as a space id given in `option`, or None when Kibana
    would accept it."""
    if not isinstance(value, str) or not SPACE_ID_PATTERN.match(value):
        return "%s %r is not a valid space id: it %s" % (option, value, SPACE_ID_RULE)
    return None


def check_space_id(value, option="space_id"):
    problem = space_id_problem(value, option)
    if problem:
        raise ResourceError(problem)
    return value


def space_prefix(space_id):
    """'' for the default space, '/s/<space>' for any other; the space id is checked first."""
    if not space_id or space_id == DEFAULT_SPACE:
        return ""
    return "/s/%s" % check_space_id(space_id)


def segment(value, option):
    """`value` as exactly one path segment: refused when it is empty, whitespace, '.' or '..'
    or holds a '/' or '\\' (path separators, which proxies and URL parsers may normalise
    even when encoded); everything else is percent-encoded ('#', '?', '%', spaces, ...)."""
    if not isinstance(value, str):
        value = "%s" % (value,)
    require_key(value, option)
    if value in (".", "..") or "/" in value or "\\" in value:
        raise ResourceError("%s %r cannot be used in a URL path: '.', '..', '/' and '\\' would "
                            "change which object is requested" % (option, value))
    return quote(value, safe="")


def is_segment(value):
    """Whether segment() takes `value` (a name that may also be an id is then tried as one)."""
    return isinstance(value, str) and not blank(value) and value not in (".", "..") and \
        "/" not in value and "\\" not in value


def join(base, *parts):
    """base + '/' + each (option, value) pair as one encoded segment, or a plain literal string
    (an endpoint's own words such as '_enable')."""
    out = [base.rstrip("/")]
    for part in parts:
        if isinstance(part, tuple):
            option, value = part
            out.append(segment(value, option))
        else:
            out.append(part)
    return "/".join(out)
