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


def _status_version(client):
    status = client.get(STATUS_PATH, space_id="default", expect=dict)
    version = status.get("version") if isinstance(status, dict) else None
    return version if isinstance(version, dict) else {}


def kibana_version(client):
    """(number, tuple) from /api/status; the tuple is None on serverless (always the newest
    code) and () when the answer carries no version."""
    version = _status_version(client)
    if version.get("build_flavor") == "serverless":
        return "serverless", None
    number = "%s" % (version.get("number") or "")
    return number, parse_version(number)


def reported_version(client):
    """The version number /api/status reports (`9.4.0`; serverless reports one too), None when
    the answer carries none: the `kibana_version` of the _info modules' results."""
    number = _status_version(client).get("number")
    if isinstance(number, (dict, list, bool)) or number in (None, ""):
        return None
    return "%s" % number
