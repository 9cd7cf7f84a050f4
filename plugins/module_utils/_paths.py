# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What may go into a request path: the rules Kibana itself applies to the values we put there."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# Kibana's own rule for a space id (x-pack/platform/plugins/shared/spaces/server/lib/
# space_schema.ts SPACE_ID_REGEX /^[a-z0-9_\-]+$/): Kibana refuses any other id, so no request
# is sent with one. \Z, not $: Python's $ also matches before a trailing newline, JavaScript's not.
SPACE_ID_PATTERN = re.compile(r"^[a-z0-9_\-]+\Z")
SPACE_ID_RULE = "must be lower case, a-z, 0-9, '_', and '-' are allowed"


def space_id_problem(value, option="space_id"):
    """The message refusing `value` as a space id given in `option`, or None when Kibana
    would accept it."""
    if not isinstance(value, str) or not SPACE_ID_PATTERN.match(value):
        return "%s %r is not a valid space id: it %s" % (option, value, SPACE_ID_RULE)
    return None
