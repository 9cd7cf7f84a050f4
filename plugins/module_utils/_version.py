# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The target Kibana's version, for behaviour that depends on it (read from /api/status)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

STATUS_PATH = "/api/status"


def parse_version(number):
    return tuple(int(part) for part in re.findall(r"\d+", number or "")[:3])


def kibana_version(client):
    """(number, tuple) from /api/status; the tuple is None on serverless (always the newest
    code) and () when the answer carries no version."""
    status = client.get(STATUS_PATH, space_id="default", expect=dict)
    version = status.get("version") if isinstance(status, dict) else None
    version = version if isinstance(version, dict) else {}
    if version.get("build_flavor") == "serverless":
        return "serverless", None
    number = "%s" % (version.get("number") or "")
    return number, parse_version(number)
