"""The Kibana emulator's WSGI application: the cross-cutting contract of kibana-api/README.md
(auth, kbn-xsrf, spaces, error shapes) plus the test-only /_emulator/ API. Each resource family
lives in its own module and registers its routes through `Family.routes()`."""

import base64
import copy
import datetime
import json
import re
import os
import socket
import struct
import threading
import time
import uuid

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .errors import KibanaError, bad_request

USERNAME = "elastic"
PASSWORD = "changeme"
# The encoded API key (base64 of "emulator-key-id:emulator-key-secret"), as Elasticsearch returns it.
API_KEY = base64.b64encode(b"emulator-key-id:emulator-key-secret").decode()
BEARER_TOKEN = "emulator-bearer-token"
DEFAULT_KIBANA_VERSION = "9.4.0"
XSRF_MESSAGE = "Request must contain a kbn-xsrf header."
UNAUTHORIZED_MESSAGE = (
    "[security_exception\n\tRoot causes:\n\t\tsecurity_exception: unable to authenticate user "
    "[{user}] for REST request [/_security/_authenticate]]: unable to authenticate user [{user}] "
    "for REST request [/_security/_authenticate]")
SPACE_PREFIX = re.compile(r"^/s/([a-z0-9_\-]+)(/.*)$")
# APIs that are not space-aware: a user's space privileges do not apply to them.
SPACE_AGNOSTIC = re.compile(r"^/api/(status|spaces)(/|$)")
# The Kibana privilege named in a 403 per API family (README §1 [spec] for lists; the others
# from the privileges the routes reference [src]).
PRIVILEGES = (
    (re.compile(r"^/api/exception_lists"), "lists-read", "lists-all"),
    (re.compile(r"^/api/osquery/packs"), "osquery-readPacks", "osquery-writePacks"),
    (re.compile(r"^/api/osquery/saved_queries"), "osquery-readSavedQueries",
     "osquery-writeSavedQueries"),
    (re.compile(r"^/api/fleet"), "fleet-agent-policies-read", "fleet-agent-policies-all"),
)
# Routes that opt out of route-level authorization: the alerting and actions routes leave it to
# the rules client and the actions client, which answer with their own 403 texts after the
# route's validation (alerting DEFAULT_ALERTING_ROUTE_SECURITY; alerting_authorization.ts,
# actions_authorization.ts; security_and_spaces tests). Their handlers read `call.privileged`.
CLIENT_AUTHORIZED = re.compile(r"^/(api|internal)/(alerting|actions)(/|$)")
# Fault kinds of POST /_emulator/faults -> whether Kibana handles the request before the fault
# spoils the answer (the default of the fault's `handle`). "late" always handles, then answers
# after `delay_ms` (past the client's time-out): the work is done, the answer comes too late.
FAULT_KINDS = {"truncated_json": True, "invalid_json": False, "empty_body": False,
               "json_list": False, "json_string": False, "json_object": False,
               "html": False, "reset": False, "late": True}
# The default body of the wrong-shape kinds: JSON, but of a shape no endpoint answers.
BODY_FAULTS = {"truncated_json": None, "invalid_json": None, "empty_body": None,
               "json_list": [{"unexpected": "shape"}], "json_string": "unexpected",
               "json_object": {"unexpected": "shape"}}
FORBIDDEN_MESSAGE = ("API [{method} {path}] is unauthorized for user, this action is granted by "
                     "the Kibana privileges [{privilege}]")


def _handled_first(fault):
    """Whether the request reaches Kibana before the fault spoils its answer."""
    return fault.get("drop") == "after" or bool(fault.get("handle"))


def now_iso():
    """Kibana's timestamps: ISO-8601 UTC with milliseconds."""
    stamp = datetime.datetime.now(datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def new_id():
    return str(uuid.uuid4())


class Call:
    """What a family handler gets: the request, its space, parsed body and query, path args."""

    def __init__(self, emulator, request, space, api_path, args, body, user=USERNAME, scheme="basic",
                 privileged=True):
        self.emulator = emulator
        # whether the user holds Kibana privileges in this space (False only on the routes
        # whose clients authorize, CLIENT_AUTHORIZED: the handler answers the 403)
        self.privileged = privileged
        self.user = user  # the authenticated user (the API key and the token are elastic's)
        self.auth_scheme = scheme  # "basic", "apikey" or "bearer"
        self.request = request
        self.space = space
        self.api_path = api_path
        self.args = args
        self.body = body
        self.query = request.args  # a MultiDict

    @property
    def state(self):
        return self.emulator.state

    def query_list(self, name):
        return self.request.args.getlist(name)


class Family:
    """Base of a resource family. `routes()` yields (method, werkzeug rule, handler name)."""

    name = "family"

    def __init__(self, emulator):
        self.emulator = emulator

    def routes(self):
        return []

    def reset(self):
        """Called with the emulator state wiped; families seed their fixed objects here."""

    def emulator_routes(self):
        """Extra test-only routes under /_emulator/ (method, rule, handler name)."""
        return []


class Emulator:
    """State, request log, faults and configuration, and the WSGI entry point."""

    def __init__(self, families=None, kibana_version=DEFAULT_KIBANA_VERSION):
        from . import families as registry

        self.lock = threading.RLock()
        self.default_version = kibana_version
        self.families = [cls(self) for cls in (families or registry.ALL)]
        self.url_map = Map(strict_slashes=False, merge_slashes=False)
        self.endpoints = {}
        for family in self.families:
            for method, rule, handler in family.routes():
                self._add(method, rule, getattr(family, handler))
        for method, rule, handler in self._control_routes():
            self._add(method, rule, handler, control=True)
        for family in self.families:
            for method, rule, handler in family.emulator_routes():
                self._add(method, "/_emulator" + rule, getattr(family, handler), control=True)
        self.reset()

    def _add(self, method, rule, handler, control=False):
        endpoint = f"{method} {rule}"
        self.endpoints[endpoint] = (handler, control)
        self.url_map.add(Rule(rule, endpoint=endpoint, methods=[method]))

    # ------------------------------------------------------------------ state

    def reset(self):
        with self.lock:
            self.state = {}
            self.log = []
            self.faults = []
            self.users = {}
            self.config = {"latency_ms": 0, "kibana_version": self.default_version}
            self.spaces = {"default": {"id": "default", "name": "Default",
                                       "description": "This is your default space!",
                                       "disabledFeatures": [], "_reserved": True}}
            for family in self.families:
                family.reset()

    def family(self, name):
        """Another family, for cross-family rules (connector references, osquery policies)."""
        return next((f for f in self.families if f.name == name), None)

    def store(self, name):
        """A family's own dict in the state, created on first use."""
        return self.state.setdefault(name, {})

    def version_tuple(self):
        return tuple(int(p) for p in re.findall(r"\d+", self.config["kibana_version"])[:3])

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request):
        path = request.path
        if path.startswith("/_emulator/"):
            return self._dispatch_control(request)
        entry = {"method": request.method, "path": path,
                 "query": {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()},
                 "body": None, "status": None}
        try:
            entry["body"] = self._json_body(request)
        except KibanaError:
            entry["body"] = request.get_data(as_text=True)
        with self.lock:
            self.log.append(entry)
            fault = self._take_fault(request.method, path)
            latency = self.config["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        if fault is not None:
            entry["fault"] = fault.get("kind") or "fault"
        if fault is not None and not _handled_first(fault):
            response = self._apply_fault(fault, request)
            if response is not None:
                entry["status"] = None if fault.get("drop") or fault.get("kind") == "reset" \
                    else response.status_code
                return response
        status, body = self._handle(request, path)
        entry["status"] = status
        if fault is not None and _handled_first(fault):
            # Kibana did the work; what comes back is lost, broken or late.
            return self._apply_fault(fault, request, self._json_response(status, body))
        return self._json_response(status, body)

    def _handle(self, request, path):
        try:
            user, scheme = self._authenticate(request)
            space, api_path = "default", path
            match = SPACE_PREFIX.match(path)
            if match:
                space, api_path = match.group(1), match.group(2)
            if request.method not in ("GET", "HEAD") and "kbn-xsrf" not in request.headers:
                raise bad_request(XSRF_MESSAGE)
            if space not in self.spaces:
                raise KibanaError(404, "Not Found")
            adapter = self.url_map.bind("localhost")
            try:
                endpoint, args = adapter.match(api_path, method=request.method)
            except MethodNotAllowed:
                raise KibanaError(404, "Not Found")
            except NotFound:
                raise KibanaError(404, "Not Found")
            handler, control = self.endpoints[endpoint]
            if control:
                raise KibanaError(404, "Not Found")
            privileged = self._authorize(user, request.method, path, space, api_path)
            body = self._json_body(request)
            with self.lock:
                result = handler(Call(self, request, space, api_path, args, body, user, scheme,
                                      privileged))
            if isinstance(result, tuple):
                return result
            return 200, result
        except KibanaError as err:
            return err.status, err.body()
        except HTTPException as err:
            return err.code, KibanaError(err.code, err.description or "").body()

    @staticmethod
    def _json_body(request):
        raw = request.get_data(cache=True)
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request("[request body]: Unexpected token in JSON")

    def _authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        scheme = scheme.lower()
        user = USERNAME
        if scheme == "basic":
            try:
                decoded = base64.b64decode(value).decode()
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            user, _sep, password = decoded.partition(":")
            if user == USERNAME and password == PASSWORD:
                return user, scheme
            limited = self.users.get(user)
            if limited is not None and password == limited["password"]:
                return user, scheme
        elif scheme == "apikey" and value == API_KEY:
            return USERNAME, scheme
        elif scheme == "bearer" and value == BEARER_TOKEN:
            return USERNAME, scheme
        raise KibanaError(401, UNAUTHORIZED_MESSAGE.format(user=user or USERNAME))

    def _authorize(self, user, method, path, space, api_path):
        """A user made through /_emulator/users holds every Kibana privilege, but only in its
        spaces: elsewhere a space-aware API answers 403 (README §1 shape), as for a role whose
        Kibana privileges are granted per space. (Kibana validates the route first; here the
        privilege is checked before the handler's own validation.) On the CLIENT_AUTHORIZED
        routes nothing is refused here: the answer is whether the user is privileged, and the
        handler answers as Kibana's rules or actions client does."""
        limited = self.users.get(user)
        if limited is None or space in limited["spaces"] or SPACE_AGNOSTIC.match(api_path):
            return True
        if CLIENT_AUTHORIZED.match(api_path):
            return False
        privilege = "all"
        for pattern, read, write in PRIVILEGES:
            if pattern.match(api_path):
                privilege = read if method in ("GET", "HEAD") else write
                break
        raise KibanaError(403, FORBIDDEN_MESSAGE.format(method=method, path=path,
                                                        privilege=privilege))

    @staticmethod
    def _json_response(status, body):
        if status == 204 or body is None:
            return Response(status=status)
        return Response(json.dumps(body), status=status, content_type="application/json; charset=utf-8",
                        headers={"elastic-api-version": "2023-10-31"})

    # ------------------------------------------------------------------ faults

    def _take_fault(self, method, path):
        for fault in self.faults:
            if fault["method"] not in ("*", method):
                continue
            if not re.search(fault["path"], path):
                continue
            if fault["skip"] > 0:  # let this one through, fault a later one
                fault["skip"] -= 1
                continue
            fault["count"] -= 1
            if fault["count"] <= 0:
                self.faults.remove(fault)
            return dict(fault)
        return None

    def _apply_fault(self, fault, request, answer=None):
        """The faulty answer; `answer` is Kibana's real one when the request was handled
        first. None: no fault on the answer (a delay only), handle the request normally."""
        if fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000.0)
        kind = fault.get("kind")
        if kind == "late":
            return answer  # complete, but after the client's time-out (delay_ms)
        if kind == "reset":
            return self._reset(request)
        if fault.get("drop"):
            return self._drop(request)
        status = fault.get("status") or (200 if kind else None)
        if kind in BODY_FAULTS:
            body = fault.get("body")
            if kind == "truncated_json":
                if answer is not None and answer.get_data():
                    text, status = answer.get_data(as_text=True), answer.status_code
                else:
                    text = json.dumps(body if body is not None else {"id": new_id(), "name": "x"})
                payload = text[:max(1, len(text) // 2)]
            elif kind == "invalid_json":
                payload = '{"id": "x", "name": unquoted, }'
            elif kind == "empty_body":
                payload = ""
            else:
                payload = json.dumps(body if body is not None else BODY_FAULTS[kind])
            return Response(payload, status=status, headers=fault.get("headers") or {},
                            content_type="application/json; charset=utf-8")
        if fault.get("malformed") or kind == "html":
            return Response("<html><body>502 Bad Gateway</body></html>",
                            status=status or 502, content_type="text/html")
        if status:
            body = fault.get("body")
            if body is None:
                body = KibanaError(status, fault.get("message", "injected fault")).body()
            return Response(json.dumps(body), status=status, headers=fault.get("headers") or {},
                            content_type="application/json; charset=utf-8")
        return answer  # a delay only (None: handle the request normally)

    @staticmethod
    def _drop(request):
        """Close the client's connection without an answer (the Response is never delivered)."""
        connection = request.environ.get("emulator.connection")
        if connection is not None:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return Response(status=500)

    @staticmethod
    def _reset(request):
        """Abort the client's connection with a TCP RST (SO_LINGER 0, then close): the client
        reads 'connection reset by peer'. The raised ConnectionResetError tells werkzeug that
        the connection is gone (it stops quietly)."""
        connection = request.environ.get("emulator.connection")
        if connection is None:  # not served by EmulatorServer: drop instead
            return Emulator._drop(request)
        try:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(connection.detach())
        except OSError:
            pass
        raise ConnectionResetError("emulated TCP reset")

    # ------------------------------------------------------------------ /_emulator/

    def _control_routes(self):
        return [
            ("GET", "/_emulator/requests", self._ctl_requests),
            ("DELETE", "/_emulator/requests", self._ctl_clear_requests),
            ("POST", "/_emulator/reset", self._ctl_reset),
            ("POST", "/_emulator/faults", self._ctl_faults),
            ("GET", "/_emulator/faults", self._ctl_list_faults),
            ("DELETE", "/_emulator/faults", self._ctl_clear_faults),
            ("GET", "/_emulator/config", self._ctl_get_config),
            ("POST", "/_emulator/config", self._ctl_config),
            ("GET", "/_emulator/state", self._ctl_state),
            ("POST", "/_emulator/users", self._ctl_users),
        ]

    def _dispatch_control(self, request):
        adapter = self.url_map.bind("localhost")
        try:
            endpoint, args = adapter.match(request.path, method=request.method)
        except HTTPException:
            return self._json_response(404, KibanaError(404, "Not Found").body())
        handler, control = self.endpoints[endpoint]
        if not control:
            return self._json_response(404, KibanaError(404, "Not Found").body())
        try:
            body = self._json_body(request)
            with self.lock:
                result = handler(Call(self, request, "default", request.path, args, body))
        except KibanaError as err:
            return self._json_response(err.status, err.body())
        status, payload = result if isinstance(result, tuple) else (200, result)
        return self._json_response(status, payload)

    def _ctl_requests(self, call):
        return copy.deepcopy(self.log)

    def _ctl_clear_requests(self, call):
        self.log = []
        return {"cleared": True}

    def _ctl_reset(self, call):
        self.reset()
        return {"reset": True}

    def _ctl_faults(self, call):
        body = call.body or {}
        if not isinstance(body, dict) or "method" not in body or "path" not in body:
            raise bad_request("a fault needs method and path")
        kind = body.get("kind")
        if kind is not None and kind not in FAULT_KINDS:
            raise bad_request(f"unknown fault kind {kind!r}: one of {sorted(FAULT_KINDS)}")
        try:
            re.compile(body["path"])
            count, skip = int(body.get("count", 1)), int(body.get("skip", 0))
            delay_ms = float(body.get("delay_ms", 2000 if kind == "late" else 0))
        except (re.error, TypeError, ValueError) as err:
            raise bad_request(f"bad fault: {err}")
        handle = body.get("handle")
        fault = {"method": body["method"].upper(), "path": body["path"],
                 "count": count, "skip": skip, "kind": kind, "status": body.get("status"),
                 "body": body.get("body"), "headers": body.get("headers"),
                 "message": body.get("message", "injected fault"),
                 "delay_ms": delay_ms,
                 "handle": FAULT_KINDS.get(kind, False) if handle is None else bool(handle),
                 "drop": "after" if body.get("drop") == "after" else bool(body.get("drop")),
                 "malformed": bool(body.get("malformed"))}
        if kind == "late":
            fault["handle"] = True
        self.faults.append(fault)
        return {"faults": len(self.faults)}

    def _ctl_list_faults(self, call):
        return copy.deepcopy(self.faults)

    def _ctl_clear_faults(self, call):
        cleared = len(self.faults)
        self.faults = []
        return {"cleared": cleared}

    def _ctl_get_config(self, call):
        return dict(self.config)

    def _ctl_config(self, call):
        body = call.body or {}
        unknown = set(body) - set(self.config)
        if unknown:
            raise bad_request(f"unknown config keys: {sorted(unknown)}")
        self.config.update(body)
        return dict(self.config)

    def _ctl_users(self, call):
        """{"username", "password", "spaces": [...]}: a basic-auth user with every Kibana
        privilege in those spaces only (trap 9: test with a space-limited user)."""
        body = call.body or {}
        if not body.get("username") or not body.get("password") or \
                not isinstance(body.get("spaces"), list) or body["username"] == USERNAME:
            raise bad_request("a user needs username (not elastic), password and a list of spaces")
        self.users[body["username"]] = {"password": body["password"],
                                        "spaces": list(body["spaces"])}
        return {"users": sorted(self.users)}

    def _ctl_state(self, call):
        return copy.deepcopy({"spaces": self.spaces, **self.state})
