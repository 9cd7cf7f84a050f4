# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection: auth, headers, space-aware paths, TLS, retries and
error parsing for Kibana's REST API. Independent of AnsibleModule."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import time
import traceback

from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaApiError,
    KibanaTransportError,
)
from ansible_collections.stackops.kibana.plugins.module_utils._paths import space_prefix

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object

API_VERSION = "2023-10-31"
RETRY_STATUSES = (429, 502, 503, 504)
# Methods whose repetition cannot create a second object; a POST is never retried blindly.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
ABSENT = None


class BoundedRetry(Retry):
    """urllib3's Retry with a time budget: `Retry-After` is honoured but capped, and no retry
    starts once `deadline` (a time.monotonic() value set per request) has passed, so one call
    takes at most about the budget plus one request timeout. Works with urllib3 1.26 and 2.x."""

    max_retry_after = 10.0

    def __init__(self, *args, **kwargs):
        self.deadline = kwargs.pop("deadline", None)
        super(BoundedRetry, self).__init__(*args, **kwargs)

    def new(self, **kw):
        kw.setdefault("deadline", self.deadline)
        return super(BoundedRetry, self).new(**kw)

    def remaining(self):
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def _bounded(self, seconds):
        remaining = self.remaining()
        seconds = min(seconds, self.max_retry_after)
        return seconds if remaining is None else min(seconds, remaining)

    def is_exhausted(self):
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return True
        return super(BoundedRetry, self).is_exhausted()

    def get_retry_after(self, response):
        seconds = super(BoundedRetry, self).get_retry_after(response)
        if seconds is None:
            return None
        return self._bounded(seconds)

    def get_backoff_time(self):
        return self._bounded(super(BoundedRetry, self).get_backoff_time())


def space_path(api_path, space_id):
    """'/api/...' for the default space, '/s/<space>/api/...' for any other."""
    return space_prefix(space_id) + api_path


def authorization_header(username=None, password=None, api_key=None, bearer_token=None):
    if api_key:
        return "ApiKey %s" % api_key
    if bearer_token:
        return "Bearer %s" % bearer_token
    token = base64.b64encode(("%s:%s" % (username, password or "")).encode("utf-8"))
    return "Basic %s" % token.decode("ascii")


def kql_string(value):
    """A KQL quoted string (for the `filter`/`kuery` query parameters of the _find endpoints)."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def kibana_message(body, text):
    """Kibana's own message from either error body shape (core {statusCode, error, message}
    or SIEM {message, status_code}), or the raw text when the body is not an object."""
    if isinstance(body, dict):
        message = body.get("message") or body.get("error")
        if message:
            return message if isinstance(message, str) else json.dumps(message)
    text = (text or "").strip()
    return text[:300] if text else "(empty body)"


class KibanaClient(object):
    """requests.Session wrapper. `request()` returns parsed JSON (None for an empty body) or
    raises KibanaApiError / KibanaTransportError; `get(..., absent_ok=True)` maps 404 to None."""

    def __init__(self, base_url, authorization, space_id="default", validate_certs=True,
                 ca_path=None, client_cert=None, client_key=None, request_timeout=30.0,
                 retries=3, backoff_factor=0.5, secret_values=(), retry_budget=None):
        self.base_url = base_url.rstrip("/")
        self.space_id = space_id or "default"
        self.timeout = float(request_timeout)
        self.secret_values = [v for v in secret_values if v]
        self.session = requests.Session()
        # Credentials come from the task only: no ~/.netrc (requests would let it replace the
        # Authorization header). Proxies still come from HTTP(S)_PROXY and NO_PROXY.
        self.session.trust_env = False
        self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self.session.verify = (ca_path or True) if validate_certs else False
        if client_cert:
            self.session.cert = (client_cert, client_key) if client_key else client_cert
        self.session.headers.update({
            "Authorization": authorization,
            "elastic-api-version": API_VERSION,
            "Accept": "application/json",
            "User-Agent": "stackops.kibana",
        })
        # Retries start only within `retry_budget` seconds of a call's first try (default: the
        # request timeout), so a call lasts at most about twice the request timeout.
        self.retry_budget = self.timeout if retry_budget is None else float(retry_budget)
        self.retry = BoundedRetry(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            allowed_methods=IDEMPOTENT_METHODS, status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff_factor, respect_retry_after_header=True,
            raise_on_status=False)
        self.adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        self.request_count = 0

    def path(self, api_path, space_id=None):
        return space_path(api_path, self.space_id if space_id is None else space_id)

    def add_secrets(self, values):
        """More values to scrub from error messages (e.g. a connector's secrets)."""
        self.secret_values.extend(v for v in values if isinstance(v, str) and v)

    def _redact(self, text):
        for value in sorted(self.secret_values, key=len, reverse=True):
            text = text.replace(value, "********")
        return text

    def request(self, method, api_path, params=None, body=None, space_id=None, absent_ok=False):
        method = method.upper()
        path = self.path(api_path, space_id)
        headers = {}
        data = None
        if method not in ("GET", "HEAD"):
            headers["kbn-xsrf"] = "true"
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        self.request_count += 1
        self.adapter.max_retries = self.retry.new(deadline=time.monotonic() + self.retry_budget)
        try:
            response = self.session.request(method, self.base_url + path, params=params, data=data,
                                            headers=headers, timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise KibanaTransportError(method, path, self._redact("TLS error: %s" % exc))
        except requests.exceptions.ConnectionError as exc:
            # Connect errors are raised before anything was sent; a read error may come after.
            maybe_sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and \
                "NewConnectionError" not in repr(exc) and "Connection refused" not in str(exc)
            raise KibanaTransportError(method, path, self._redact("connection error: %s" % exc),
                                       maybe_sent=maybe_sent)
        except requests.exceptions.Timeout as exc:
            raise KibanaTransportError(method, path, self._redact("timed out: %s" % exc),
                                       maybe_sent=True)
        except requests.exceptions.RequestException as exc:
            raise KibanaTransportError(method, path, self._redact(str(exc)), maybe_sent=True)
        return self._parse(method, path, response, absent_ok)

    def _parse(self, method, path, response, absent_ok):
        text = response.text
        body = None
        if text.strip():
            try:
                body = json.loads(text)
            except ValueError:
                if response.status_code < 400:
                    kind = response.headers.get("Content-Type", "unknown content type")
                    raise KibanaTransportError(
                        method, path, "HTTP %s with a body that is not JSON (%s): %s"
                        % (response.status_code, kind, self._redact(text.strip()[:200])))
        if response.status_code == 404 and absent_ok:
            return ABSENT
        if response.status_code >= 400:
            message = self._redact(kibana_message(body, text))
            if body is None and text.strip():
                message = "non-JSON error body (%s): %s" % (
                    response.headers.get("Content-Type", "unknown content type"), message[:200])
            raise KibanaApiError(method, path, response.status_code, message, body)
        return body

    def pages(self, api_path, params=None, page_param="page", size_param="per_page", size=100,
              items_key="data", space_id=None, first_page=1):
        """Every item of a paginated _find/list endpoint (each family names its parameters and
        envelope differently: per_page/perPage/pageSize, data/items)."""
        page = first_page
        seen = 0
        while True:
            items, total = self.page(api_path, page, params, page_param, size_param, size,
                                     items_key, space_id)
            yield from items
            seen += len(items)
            if not items or len(items) < size or (total is not None and seen >= total):
                return
            page += 1

    def page(self, api_path, page, params=None, page_param="page", size_param="per_page",
             size=100, items_key="data", space_id=None):
        """One page of a paginated endpoint (named as for pages()): (items, total or None)."""
        query = dict(params or {})
        query[page_param] = page
        query[size_param] = size
        body = self.get(api_path, params=query, space_id=space_id) or {}
        return body.get(items_key) or [], body.get("total")

    def get(self, api_path, params=None, space_id=None, absent_ok=False):
        return self.request("GET", api_path, params=params, space_id=space_id, absent_ok=absent_ok)

    def post(self, api_path, body=None, params=None, space_id=None):
        return self.request("POST", api_path, params=params, body=body, space_id=space_id)

    def put(self, api_path, body=None, params=None, space_id=None):
        return self.request("PUT", api_path, params=params, body=body, space_id=space_id)

    def delete(self, api_path, params=None, space_id=None, body=None):
        return self.request("DELETE", api_path, params=params, space_id=space_id, body=body)
