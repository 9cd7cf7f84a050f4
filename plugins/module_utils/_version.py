# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The target Kibana's version, for behaviour that depends on it (read from /api/status)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.stackops.kibana.plugins.module_utils._errors import KibanaAnswerError

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
    """The version number /api/status reports (`9.4.0`; serverless reports one too): the
    `kibana_version` of the _info modules' results. An authenticated status answer always carries
    `version.number`; one without it came from something else (a proxy, a redacted page) and is
    a failure, not "no version"."""
    number = _status_version(client).get("number")
    if not isinstance(number, str) or not parse_version(number):
        raise KibanaAnswerError("GET", client.path(STATUS_PATH, "default"), 200,
                                "no version number",
                                "a JSON object with version.number (e.g. 9.4.0)")
    return number
