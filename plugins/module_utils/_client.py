# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection: auth, headers, space-aware paths, TLS, retries and
error parsing for Kibana's REST API. Independent of AnsibleModule."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import email.utils
import json
import ssl
import threading
import time
import traceback

from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaAnswerError,
    KibanaApiError,
    KibanaTransportError,
)
from ansible_collections.stackops.kibana.plugins.module_utils._paths import space_prefix

try:
    from urllib.parse import quote, quote_plus
except ImportError:  # pragma: no cover (Python 2 is not supported; keeps the import guarded)
    from urllib import quote, quote_plus

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

API_VERSION = "2023-10-31"
RETRY_STATUSES = (429, 502, 503, 504)
# Statuses by which Kibana (or its proxy) says it did not process the request: even a POST may
# be sent again. A 502/504 may come after Kibana did the work, so only idempotent requests retry.
NOT_PROCESSED_STATUSES = (429, 503)
# Methods whose repetition cannot create a second object; a POST is never retried blindly.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
ABSENT = None
#: the longest Retry-After honoured (seconds)
MAX_RETRY_AFTER = 10.0


class Empty(object):
    """`expect` marker: an answer without a body. Alone, it means Kibana's HTTP 204 No Content:
    an empty 200 (what a broken proxy sends) does not confirm the write."""


#: what a call accepts when it does not say: a JSON object or list
ANY_JSON = (dict, list)


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


def secret_forms(value, decode=True):
    """Every form in which `value` may come back in an answer or an error: raw, JSON-escaped
    (once or twice, with or without \\u escapes), URL-encoded and base64 (unpadded too), and,
    for an API key in its encoded form, the decoded `id:key` and its two parts (each in all
    those forms)."""
    if not isinstance(value, str) or not value:
        return set()
    escaped = json.dumps(value)[1:-1]
    forms = set([value, escaped, json.dumps(value, ensure_ascii=False)[1:-1],
                 json.dumps(escaped)[1:-1],  # a JSON text quoted inside a message
                 quote(value, safe=""), quote_plus(value), quote(value), _b64(value),
                 _b64(value).rstrip("=")])
    decoded = _b64decode(value) if decode else None
    if decoded and ":" in decoded:
        forms.update(secret_forms(decoded, decode=False))
        for part in decoded.split(":", 1):
            if len(part) >= 4:
                forms.update(secret_forms(part, decode=False))
    return set(form for form in forms if form)


def _b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _b64decode(text):
    """The text `text` decodes to when it is base64 of printable UTF-8, else None."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        decoded = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded if decoded.isprintable() else None


def _shape(body):
    """Words for what an answer holds, for messages."""
    if body is Empty:
        return "an empty body"
    if isinstance(body, dict):
        return "a JSON object with keys %s" % (", ".join(sorted(body)[:8]) or "none")
    if isinstance(body, list):
        return "a JSON list of %d item(s)" % len(body)
    return "a JSON %s" % {str: "string", bool: "boolean", int: "number",
                          float: "number"}.get(type(body), "null")


def _wanted(expect, keys):
    words = []
    for kind in expect:
        if kind is Empty:
            words.append("no body (HTTP 204)" if expect == (Empty,) else "no body")
        elif kind is dict:
            words.append("a JSON object" + (" with %s" % ", ".join(keys) if keys else ""))
        elif kind is list:
            words.append("a JSON list of objects" + (" with %s" % ", ".join(keys) if keys else ""))
    return " or ".join(words)


def _fits(body, expect, keys, allowed_keys):
    """Whether a parsed answer has the shape a call expects."""
    if body is Empty:
        return Empty in expect
    if isinstance(body, dict) and dict in expect:
        if allowed_keys is not None and set(body) - set(allowed_keys):
            return False
        return all(key in body for key in keys)
    if isinstance(body, list) and list in expect:
        return all(isinstance(item, dict) and all(key in item for key in keys) for item in body)
    return False


class KibanaClient(object):
    """requests.Session wrapper. `request()` returns the parsed JSON answer, checked against
    what the call expects, or raises KibanaApiError (an error status), KibanaAnswerError (an
    answer outside the contract) or KibanaTransportError (no answer). `absent_ok=True` maps
    Kibana's 404 to None. Safe to share between threads: nothing of one request is kept on
    the client."""

    def __init__(self, base_url, authorization, space_id="default", validate_certs=True,
                 ca_path=None, client_cert=None, client_key=None, request_timeout=30.0,
                 retries=3, backoff_factor=0.5, secret_values=(), retry_budget=None):
        self.base_url = base_url.rstrip("/")
        self.space_id = space_id or "default"
        self.timeout = float(request_timeout)
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.secret_values = set()
        self.add_secrets(secret_values)
        scheme, _sep, token = authorization.partition(" ")
        if scheme == "Basic":
            # base64 of user:password and the decoded pair, never the user name alone
            self.secret_values.update(secret_forms(token, decode=False))
            self.secret_values.update(secret_forms(_b64decode(token), decode=False))
        else:
            self.add_secrets([token])
        self.warnings = []
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
        # No retry starts later than `retry_budget` seconds after a call's first try (default:
        # twice the request timeout, room for one retry after a read time-out), so a call
        # lasts at most about three request timeouts. The retries are ours (see request()):
        # urllib3 retries nothing, and nothing of one call is stored on the shared adapter.
        self.retry_budget = 2 * self.timeout if retry_budget is None else float(retry_budget)
        adapter = HTTPAdapter(max_retries=0, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._lock = threading.Lock()
        self.request_count = 0

    def path(self, api_path, space_id=None):
        return space_path(api_path, self.space_id if space_id is None else space_id)

    def add_secrets(self, values):
        """More values to scrub from error messages (e.g. a connector's secrets), in all their
        encoded forms."""
        for value in values:
            self.secret_values.update(secret_forms(value))

    def _redact(self, text):
        for value in sorted(self.secret_values, key=len, reverse=True):
            text = text.replace(value, "********")
        return text

    def request(self, method, api_path, params=None, body=None, space_id=None, absent_ok=False,
                expect=ANY_JSON, keys=(), allowed_keys=None, headers=None):
        """One call: `expect` is the answer Kibana's contract promises (dict, list, Empty, or
        a tuple of them), `keys` the keys the object (or every item of the list) must have,
        `allowed_keys` (when set) the only keys it may have."""
        method = method.upper()
        path = self.path(api_path, space_id)
        headers = dict(headers or {})
        data = None
        if method not in ("GET", "HEAD"):
            headers["kbn-xsrf"] = "true"
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        deadline = time.monotonic() + self.retry_budget
        attempt = 0
        sent_before = False  # an earlier try may have reached Kibana
        while True:
            attempt += 1
            with self._lock:
                self.request_count += 1
            try:
                response = self.session.request(method, self.base_url + path, params=params,
                                                data=data, headers=headers, timeout=self.timeout,
                                                allow_redirects=False)
            except requests.exceptions.RequestException as exc:
                error = self._transport_error(method, path, exc)
                retryable = not isinstance(exc, requests.exceptions.SSLError) and (
                    not error.maybe_sent or method in IDEMPOTENT_METHODS) and \
                    isinstance(exc, (requests.exceptions.ConnectionError,
                                     requests.exceptions.Timeout))
                wait = self._wait(attempt, None, deadline) if retryable else None
                if wait is None:
                    raise error
                sent_before = sent_before or error.maybe_sent
                time.sleep(wait)
                continue
            status = response.status_code
            if status in RETRY_STATUSES and (method in IDEMPOTENT_METHODS
                                             or status in NOT_PROCESSED_STATUSES):
                wait = self._wait(attempt, response, deadline)
                if wait is not None:
                    response.close()
                    time.sleep(wait)
                    continue
            if method == "DELETE" and sent_before and status == 404:
                absent_ok = True  # Kibana's 404: the earlier try whose answer was lost did it
            return self._parse(method, path, response, absent_ok, _as_tuple(expect), tuple(keys),
                               allowed_keys)

    def _wait(self, attempt, response, deadline):
        """Seconds to wait before the next try, or None when no retry is left or due: the
        first retry is immediate, then exponential back-off; Retry-After (capped) wins."""
        remaining = deadline - time.monotonic()
        if attempt > self.retries or remaining <= 0:
            return None
        wait = 0.0 if attempt == 1 else self.backoff_factor * (2 ** (attempt - 1))
        retry_after = _retry_after(response) if response is not None else None
        if retry_after is not None:
            wait = min(retry_after, MAX_RETRY_AFTER)
        return min(wait, remaining)

    def _transport_error(self, method, path, exc):
        if isinstance(exc, requests.exceptions.SSLError):
            return KibanaTransportError(method, path, self._redact(tls_reason(exc)))
        if isinstance(exc, requests.exceptions.ConnectTimeout) or _never_connected(exc):
            return KibanaTransportError(method, path, self._redact(
                "cannot connect: %s" % _root_reason(exc)), maybe_sent=False)
        if isinstance(exc, requests.exceptions.Timeout):
            return KibanaTransportError(method, path, self._redact(
                "timed out: no answer within request_timeout (%gs)" % self.timeout),
                maybe_sent=True)
        if isinstance(exc, requests.exceptions.ConnectionError):
            return KibanaTransportError(method, path, self._redact(
                "connection error: %s" % _root_reason(exc)), maybe_sent=True)
        sent = not isinstance(exc, (requests.exceptions.InvalidURL,
                                    requests.exceptions.MissingSchema))
        return KibanaTransportError(method, path, self._redact(
            "%s: %s" % (type(exc).__name__, _root_reason(exc))), maybe_sent=sent)

    def _parse(self, method, path, response, absent_ok, expect, keys, allowed_keys):
        status = response.status_code
        try:
            text = response.text
        except requests.exceptions.RequestException as exc:  # the body broke off
            raise KibanaAnswerError(method, path, status, self._redact(
                "a body that broke off (%s)" % _root_reason(exc)), "")
        kind = response.headers.get("Content-Type", "no content type")
        body = Empty
        if text.strip():
            try:
                body = json.loads(text)
            except ValueError:
                body = None
                if status < 400:
                    raise KibanaAnswerError(method, path, status,
                                            "a body that is not JSON (%s)" % kind,
                                            _wanted(expect, keys),
                                            self._redact(text.strip()[:200]))
        if status == 404 and absent_ok and isinstance(body, dict):
            # Kibana's own 404 (a JSON error); an HTML or empty 404 comes from something else
            # (a wrong base path, a proxy) and never means "nothing there".
            return ABSENT
        if status >= 400:
            message = self._redact(kibana_message(body if body is not Empty else None, text))
            if body is None:
                message = "non-JSON error body (%s): %s" % (kind, message[:200])
            raise KibanaApiError(method, path, status, message,
                                 body if body is not Empty else None)
        if not 200 <= status < 300:
            location = response.headers.get("Location")
            raise KibanaAnswerError(method, path, status, self._redact(
                "a status Kibana's API does not answer" + (" (Location: %s)" % location
                                                           if location else "")), "2xx")
        if not _fits(body, expect, keys, allowed_keys) or (
                expect == (Empty,) and status != 204):
            raise KibanaAnswerError(method, path, status, _shape(body), _wanted(expect, keys))
        return None if body is Empty else body

    def pages(self, api_path, params=None, page_param="page", size_param="per_page", size=100,
              items_key="data", space_id=None, first_page=1, keys=()):
        """Every item of a paginated _find/list endpoint (each family names its parameters and
        envelope differently: per_page/perPage/pageSize, data/items)."""
        page = first_page
        seen = 0
        while True:
            items, total = self.page(api_path, page, params, page_param, size_param, size,
                                     items_key, space_id, keys)
            yield from items
            seen += len(items)
            if not items or len(items) < size or (total is not None and seen >= total):
                return
            page += 1

    def page(self, api_path, page, params=None, page_param="page", size_param="per_page",
             size=100, items_key="data", space_id=None, keys=()):
        """One page of a paginated endpoint (named as for pages()): (items, total or None).
        The envelope must hold the items as a list of objects (with `keys`)."""
        query = dict(params or {})
        query[page_param] = page
        query[size_param] = size
        body = self.get(api_path, params=query, space_id=space_id, expect=dict,
                        keys=(items_key,))
        items, total = body[items_key], body.get("total")
        if not _fits(items, (list,), keys, None) or not (
                total is None or (isinstance(total, int) and not isinstance(total, bool))):
            raise KibanaAnswerError("GET", self.path(api_path, space_id), 200,
                                    "%s in %r" % (_shape(items), items_key),
                                    "a JSON object with %r: a list of objects%s, and an integer "
                                    "total" % (items_key, " with " + ", ".join(keys) if keys
                                               else ""))
        return items, total

    def get(self, api_path, params=None, space_id=None, absent_ok=False, expect=ANY_JSON,
            keys=(), headers=None):
        return self.request("GET", api_path, params=params, space_id=space_id,
                            absent_ok=absent_ok, expect=expect, keys=keys, headers=headers)

    def post(self, api_path, body=None, params=None, space_id=None, expect=ANY_JSON, keys=()):
        return self.request("POST", api_path, params=params, body=body, space_id=space_id,
                            expect=expect, keys=keys)

    def put(self, api_path, body=None, params=None, space_id=None, expect=ANY_JSON, keys=()):
        return self.request("PUT", api_path, params=params, body=body, space_id=space_id,
                            expect=expect, keys=keys)

    def delete(self, api_path, params=None, space_id=None, body=None, expect=ANY_JSON, keys=(),
               allowed_keys=None, absent_ok=False):
        return self.request("DELETE", api_path, params=params, space_id=space_id, body=body,
                            absent_ok=absent_ok, expect=expect, keys=keys,
                            allowed_keys=allowed_keys)


def _as_tuple(expect):
    return tuple(expect) if isinstance(expect, (tuple, list)) else (expect,)


def _retry_after(response):
    """Retry-After in seconds (a number or an HTTP date), or None."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _causes(exc):
    """`exc` and the exceptions it wraps (requests -> urllib3 -> ssl/socket), outermost first."""
    seen = []
    while exc is not None and exc not in seen and len(seen) < 10:
        seen.append(exc)
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)),
                         None)
        exc = inner if inner is not None else (exc.__cause__ or exc.__context__)
    return seen


def _root_reason(exc):
    """The innermost reason, without urllib3's 'Max retries exceeded' wrapping."""
    for cause in reversed(_causes(exc)):
        text = str(cause)
        if text and "Max retries exceeded" not in text:
            return text
    return str(exc)


def _never_connected(exc):
    """A connection error raised before anything was sent (refused, no route, DNS)."""
    names = set(type(cause).__name__ for cause in _causes(exc))
    return bool(names & set(["NewConnectionError", "NameResolutionError", "ConnectTimeoutError",
                             "ConnectionRefusedError", "gaierror"]))


def tls_reason(exc):
    """The real reason of a TLS failure, first; then what to do about it."""
    verify = next((c for c in _causes(exc) if isinstance(c, ssl.SSLCertVerificationError)), None)
    if verify is not None:
        reason = getattr(verify, "verify_message", None) or str(verify)
        return ("TLS certificate verification failed: %s (set ca_path to the CA that signed "
                "Kibana's certificate; validate_certs=false only on test systems)" % reason)
    inner = next((c for c in reversed(_causes(exc)) if isinstance(c, ssl.SSLError)), None)
    return "TLS error: %s" % (inner if inner is not None else _root_reason(exc))
