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

# Kibana's rule for space ids: SPACE_ID_REGEX = /^[a-z0-9_\-]+$/ in
# x-pack/platform/plugins/shared/spaces/server/lib/space_schema.ts ("must be lower case, a-z,
# 0-9, '_', and '-' are allowed").
SPACE_ID = re.compile(r"^[a-z0-9_-]+$")
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


def space_id_problem(value):
    """Why `value` is not a Kibana space id, or None."""
    if not isinstance(value, str) or not SPACE_ID.match(value):
        return ("must be a Kibana space id: lower case letters a-z, digits 0-9, '_' and '-' "
                "only (Kibana's SPACE_ID_REGEX), got %r" % (value,))
    return None


def check_space_id(value, option="space_id"):
    problem = space_id_problem(value)
    if problem:
        raise ResourceError("%s %s" % (option, problem))
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
