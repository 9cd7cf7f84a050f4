# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module shares (documented in the `connection` doc fragment)
and the client built from them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback

from ansible_collections.stackops.kibana.plugins.module_utils._client import (
    KibanaClient,
    authorization_header,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError

CONNECTION_ARGSPEC = dict(
    kibana_url=dict(type="str", required=True,
                    fallback=(env_fallback, ["KIBANA_ENDPOINT", "KIBANA_URL"])),
    # The authentication methods fall back to the environment only as a whole (see
    # auth_from_environment): a method set in the task must not clash with one in the environment.
    username=dict(type="str"),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["KIBANA_PASSWORD"])),
    api_key=dict(type="str", no_log=True),
    bearer_token=dict(type="str", no_log=True),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    client_cert=dict(type="path"),
    client_key=dict(type="path", no_log=False),
    request_timeout=dict(type="float", default=30.0),
)

SPACE_ARGSPEC = dict(
    space_id=dict(type="str", default="default"),
)

AUTH_OPTIONS = ("username", "api_key", "bearer_token")
AUTH_ENVIRONMENT = {"username": "KIBANA_USERNAME", "api_key": "KIBANA_API_KEY",
                    "bearer_token": "KIBANA_BEARER_TOKEN"}


def auth_from_environment(params):
    """When the task sets no authentication method, take them from the environment (into
    `params`); return the secret values taken, for the caller to keep out of the output."""
    if any(params.get(name) for name in AUTH_OPTIONS):
        return []
    secrets = []
    for name in AUTH_OPTIONS:
        value = os.environ.get(AUTH_ENVIRONMENT[name])
        if value:
            params[name] = value
            if name != "username":
                secrets.append(value)
    return secrets


def check_auth(params):
    """Exactly one authentication method, after env fallbacks: name the options when not."""
    given = [name for name in AUTH_OPTIONS if params.get(name)]
    if not given:
        raise ResourceError(
            "no credentials: set one of username (with password), api_key or bearer_token "
            "(or KIBANA_USERNAME/KIBANA_PASSWORD, KIBANA_API_KEY, KIBANA_BEARER_TOKEN)")
    if len(given) > 1:
        raise ResourceError(
            "several authentication methods given (%s): set exactly one of username, api_key "
            "or bearer_token (in the task, or else in the environment)" % ", ".join(given))
    if given == ["username"] and not params.get("password"):
        raise ResourceError("username requires password (or KIBANA_PASSWORD)")
    url = params.get("kibana_url") or ""
    if not url.startswith(("http://", "https://")):
        raise ResourceError("kibana_url must start with http:// or https://, got %r" % url)


def client_from_params(params):
    check_auth(params)
    return KibanaClient(
        base_url=params["kibana_url"],
        authorization=authorization_header(params.get("username"), params.get("password"),
                                           params.get("api_key"), params.get("bearer_token")),
        space_id=params.get("space_id") or "default",
        validate_certs=params.get("validate_certs", True),
        ca_path=params.get("ca_path"),
        client_cert=params.get("client_cert"),
        client_key=params.get("client_key"),
        request_timeout=params.get("request_timeout") or 30.0,
        secret_values=[params.get(k) for k in ("password", "api_key", "bearer_token")],
    )
