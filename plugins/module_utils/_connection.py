# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module shares (documented in the `connection` doc fragment)
and the client built from them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math
import os
import ssl

from ansible.module_utils.basic import env_fallback

from ansible_collections.stackops.kibana.plugins.module_utils._client import (
    KibanaClient,
    authorization_header,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError

try:
    from urllib.parse import unquote, urlsplit
except ImportError:  # pragma: no cover (Python 2 is not supported; keeps the import guarded)
    from urllib import unquote
    from urlparse import urlsplit

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

#: a sane upper bound for one request (seconds): beyond it a task would seem to hang
MAX_REQUEST_TIMEOUT = 3600.0
#: the CA bundle variables honoured when ca_path is not set, first found wins (requests' own
#: REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, then OpenSSL's SSL_CERT_FILE)
CA_ENVIRONMENT = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")
VALIDATE_CERTS_WARNING = (
    "validate_certs=false: Kibana's TLS certificate is not verified, so anything between this "
    "host and Kibana can read the credentials and the data sent; set ca_path to the CA that "
    "signed Kibana's certificate instead")

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


def url_secrets(url):
    """The password inside a URL's user:password@ part, as written and decoded (to mask it)."""
    if not isinstance(url, str) or "@" not in url:
        return []
    try:
        parts = urlsplit(url.strip())
        password = parts.password
    except ValueError:
        return []
    return [value for value in (password, unquote(password or "")) if value]


def check_url(params):
    """kibana_url: http(s), and no credentials inside it (refused without repeating them)."""
    url = params.get("kibana_url") or ""
    try:
        parts = urlsplit(url.strip())
        has_credentials = bool(parts.username or parts.password) or "@" in parts.netloc
    except ValueError as err:
        raise ResourceError("kibana_url is not a valid URL (%s)" % err)
    if has_credentials:
        raise ResourceError(
            "kibana_url must not hold credentials (user:password@host): they would be sent in "
            "place of the authentication options and shown in logs. Give the address alone, and "
            "the credentials as username and password, api_key or bearer_token")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ResourceError("kibana_url must start with http:// or https:// and name a host, "
                            "got %r" % url)


def request_timeout(params):
    """request_timeout in seconds: finite, above 0, at most MAX_REQUEST_TIMEOUT."""
    value = params.get("request_timeout")
    if value is None:
        return 30.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not 0 < value <= MAX_REQUEST_TIMEOUT:
        raise ResourceError("request_timeout must be a number of seconds above 0 and at most "
                            "%d, got %r" % (MAX_REQUEST_TIMEOUT, value))
    return float(value)


def _readable_file(path, option):
    if not os.path.exists(path):
        raise ResourceError("%s: %s does not exist" % (option, path))
    if os.path.isdir(path) or not os.access(path, os.R_OK):
        raise ResourceError("%s: %s is not a readable file" % (option, path))


def tls_options(params):
    """(verify, cert, warnings) for the client, after checking the files named: a clear
    message naming the option (or the environment variable) for a missing, unreadable or
    unusable file, and client_key without client_cert."""
    warnings = []
    verify = True
    if params.get("validate_certs", True) is False:
        verify = False
        warnings.append(VALIDATE_CERTS_WARNING)
    else:
        ca_path, option = params.get("ca_path"), "ca_path"
        if not ca_path:
            option, ca_path = next(((name, os.environ[name]) for name in CA_ENVIRONMENT
                                    if os.environ.get(name)), (None, None))
        if ca_path:
            if not os.path.isdir(ca_path):
                _readable_file(ca_path, option)
                with open(ca_path, "rb") as handle:  # a marker check: a bundle can be large
                    if b"-----BEGIN CERTIFICATE-----" not in handle.read():
                        raise ResourceError("%s: %s holds no PEM certificate" % (option, ca_path))
            verify = ca_path
    cert, key = params.get("client_cert"), params.get("client_key")
    if key and not cert:
        raise ResourceError("client_key requires client_cert (the certificate of that key)")
    if not cert:
        return verify, None, warnings
    _readable_file(cert, "client_cert")
    if key:
        _readable_file(key, "client_key")
    try:
        # an empty password: an encrypted key fails here instead of OpenSSL prompting for one
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_cert_chain(cert, key, password=b"")
    except (ssl.SSLError, ValueError) as err:
        raise ResourceError(
            "client_cert%s: cannot use %s as a PEM certificate with its private key (%s); the "
            "key must be unencrypted, in client_key or in the client_cert file"
            % ("/client_key" if key else "", cert if not key else "%s and %s" % (cert, key), err))
    return verify, (cert, key) if key else cert, warnings


def client_from_params(params):
    """Check the connection options (before any request), then build the client."""
    check_url(params)
    timeout = request_timeout(params)
    check_auth(params)
    verify, cert, warnings = tls_options(params)
    client = KibanaClient(
        base_url=params["kibana_url"].strip(),
        authorization=authorization_header(params.get("username"), params.get("password"),
                                           params.get("api_key"), params.get("bearer_token")),
        space_id=params.get("space_id") or "default",
        validate_certs=verify is not False,
        ca_path=verify if isinstance(verify, str) else None,
        client_cert=cert[0] if isinstance(cert, tuple) else cert,
        client_key=cert[1] if isinstance(cert, tuple) else None,
        request_timeout=timeout,
        secret_values=[params.get(k) for k in ("password", "api_key", "bearer_token")],
    )
    client.warnings.extend(warnings)
    return client
