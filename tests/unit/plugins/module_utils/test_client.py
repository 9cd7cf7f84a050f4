"""The shared client against the emulator: headers, paths, retries, errors, TLS."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import subprocess
import threading
import time

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from ansible_collections.stackops.kibana.plugins.module_utils._client import (
    Empty,
    KibanaClient,
    authorization_header,
    space_path,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaAnswerError,
    KibanaApiError,
    KibanaTransportError,
)
from tests.emulator.app import API_KEY, BEARER_TOKEN, Emulator
from tests.emulator.server import EmulatorServer


def client_for(url, **kwargs):
    kwargs.setdefault("authorization", authorization_header("elastic", "changeme"))
    return KibanaClient(url, backoff_factor=0.01, **kwargs)


def test_space_path():
    assert space_path("/api/actions/connectors", "default") == "/api/actions/connectors"
    assert space_path("/api/actions/connectors", None) == "/api/actions/connectors"
    assert space_path("/api/actions/connectors", "ops") == "/s/ops/api/actions/connectors"


def test_headers_on_reads_and_writes(kibana):
    client = client_for(kibana.url)
    client.get("/api/actions/connectors")
    client.post("/api/actions/connector", {"name": "h", "connector_type_id": ".server-log"})
    read, write = kibana.requests()
    assert read["status"] == 200 and write["status"] == 200  # the emulator refuses writes without kbn-xsrf


@pytest.mark.parametrize("authorization", [
    authorization_header(api_key=API_KEY),
    authorization_header(bearer_token=BEARER_TOKEN),
    authorization_header("elastic", "changeme"),
])
def test_every_auth_scheme(kibana, authorization):
    assert isinstance(client_for(kibana.url, authorization=authorization).get("/api/actions/connectors"), list)


def test_space_routing(kibana):
    client = client_for(kibana.url, space_id="ops")
    client.get("/api/actions/connectors")
    client.get("/api/actions/connectors", space_id="default")
    assert [r["path"] for r in kibana.requests()] == ["/s/ops/api/actions/connectors",
                                                      "/api/actions/connectors"]


def test_404_on_read_means_absent(kibana):
    client = client_for(kibana.url)
    assert client.get("/api/actions/connector/00000000-0000-4000-8000-000000000000", absent_ok=True) is None
    with pytest.raises(KibanaApiError) as err:
        client.get("/api/actions/connector/00000000-0000-4000-8000-000000000000")
    assert err.value.status == 404
    assert "Saved object [action/00000000-0000-4000-8000-000000000000] not found" in str(err.value)


def test_both_error_shapes_give_kibanas_message(kibana):
    client = client_for(kibana.url)
    kibana.fault(method="GET", path="/api/status", status=404,
                 body={"message": "exception list id: \"x\" does not exist", "status_code": 404})
    with pytest.raises(KibanaApiError) as siem:
        client.get("/api/status")
    assert siem.value.kibana_message == 'exception list id: "x" does not exist'
    with pytest.raises(KibanaApiError) as core:
        client.post("/api/actions/connector", {"name": "x"})
    assert str(core.value) == ("POST /api/actions/connector returned HTTP 400: [request body."
                               "connector_type_id]: expected value of type [string] but got [undefined]")


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_requests_are_retried(kibana, status):
    kibana.fault(method="GET", path="/api/actions/connectors", status=status, count=2)
    assert isinstance(client_for(kibana.url).get("/api/actions/connectors"), list)
    assert [r["status"] for r in kibana.requests()] == [status, status, 200]


def test_retries_are_bounded(kibana):
    kibana.fault(method="PUT", path="/api/actions/connector/", status=503, count=10)
    with pytest.raises(KibanaApiError) as err:
        client_for(kibana.url).put("/api/actions/connector/abc", {"name": "x"})
    assert err.value.status == 503
    assert len(kibana.requests()) == 4  # the first try and three retries


def test_retry_after_is_honoured(kibana):
    kibana.fault(method="GET", path="/api/actions/connectors", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    client_for(kibana.url).get("/api/actions/connectors")
    assert time.monotonic() - started >= 0.9
    assert [r["status"] for r in kibana.requests()] == [429, 200]


@pytest.mark.parametrize("status", [502, 504])
def test_post_is_never_retried_blindly(kibana, status):
    """A gateway error may come after Kibana did the work: a POST is not sent again."""
    kibana.fault(method="POST", path="/api/actions/connector", status=status)
    with pytest.raises(KibanaApiError):
        client_for(kibana.url).post("/api/actions/connector", {"name": "x", "connector_type_id": ".server-log"})
    assert len(kibana.requests()) == 1


def test_non_json_body_is_a_clear_error(kibana):
    kibana.fault(method="GET", path="/api/actions/connectors", malformed=True, status=200)
    with pytest.raises(KibanaAnswerError) as err:
        client_for(kibana.url).get("/api/actions/connectors")
    assert str(err.value).startswith("GET /api/actions/connectors failed: HTTP 200 with a body "
                                     "that is not JSON (text/html)")
    kibana.fault(method="GET", path="/api/actions/connectors", malformed=True, status=500)
    with pytest.raises(KibanaApiError) as err:
        client_for(kibana.url).get("/api/actions/connectors")
    assert "non-JSON error body (text/html" in str(err.value) and "502 Bad Gateway" in str(err.value)


def test_dropped_connection_on_create_is_reread_before_retrying(kibana, run):
    """The engine looks the object up again rather than POSTing twice."""
    kibana.fault(method="POST", path="/api/actions/connector/[^/]+$", drop=True)
    result = run("kibana_connector", name="dropped", connector_type_id=".server-log")
    assert result["changed"] and not result.failed
    posts = [r for r in kibana.requests() if r["method"] == "POST"]
    assert len(posts) == 2  # the dropped one (nothing stored) and one more after a re-read
    assert [r["method"] for r in kibana.requests()] == ["GET", "POST", "GET", "POST"]


def test_a_create_whose_answer_was_lost_is_found_not_made_twice(kibana, run):
    """Kibana stored the connector but the answer never came back: the engine finds it."""
    kibana.fault(method="POST", path="/api/actions/connector/[^/]+$", drop="after")
    result = run("kibana_connector", name="made-once", connector_type_id=".server-log")
    assert result["changed"] and not result.failed
    assert [r["method"] for r in kibana.requests()] == ["GET", "POST", "GET"]
    names = [c["name"] for c in kibana.api("GET", "/api/actions/connectors").json()]
    assert names.count("made-once") == 1 and result["connector"]["name"] == "made-once"


def test_connection_refused_is_a_clean_error():
    with pytest.raises(KibanaTransportError) as err:
        KibanaClient("http://127.0.0.1:9", authorization="Basic x", retries=0).get("/api/status")
    assert "GET /api/status failed: cannot connect: [Errno 111] Connection refused" == str(err.value)
    assert not err.value.maybe_sent


def test_base_path_behind_a_proxy_is_kept():
    """Kibana at https://host/kibana: the space prefix goes after the base path."""
    emulator = Emulator()
    emulator.spaces["ops"] = {"id": "ops", "name": "ops", "disabledFeatures": []}
    app = DispatcherMiddleware(NotFound(), {"/kibana": emulator})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = "http://127.0.0.1:%d/kibana/" % server.server_port
        client = client_for(url, space_id="ops")
        assert client.get("/api/actions/connectors") is not None
        assert client.get("/api/status", space_id="default")["version"]["number"] == "9.4.0"
        assert [e["path"] for e in emulator.log] == ["/s/ops/api/actions/connectors", "/api/status"]
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server = EmulatorServer(tls_cert=str(cert), tls_key=str(key)).start()
    yield server, str(cert)
    server.stop()


def test_tls_is_verified_by_default(tls_server):
    server, cert = tls_server
    with pytest.raises(KibanaTransportError) as err:
        client_for(server.url, retries=0).get("/api/status")
    assert str(err.value).startswith("GET /api/status failed: TLS certificate verification "
                                     "failed: self-signed certificate")
    assert "Max retries" not in str(err.value)
    assert client_for(server.url, ca_path=cert).get("/api/status")["version"]["number"]
    assert client_for(server.url, validate_certs=False).get("/api/status")["version"]["number"]


def test_secrets_are_redacted_from_error_messages(kibana):
    secret = "do-not-show-this-token"
    kibana.fault(method="GET", path="/api/status", status=400,
                 body={"statusCode": 400, "error": "Bad Request", "message": "bad token " + secret})
    with pytest.raises(KibanaApiError) as err:
        client_for(kibana.url, secret_values=[secret]).get("/api/status")
    assert secret not in str(err.value) and "bad token ********" in str(err.value)


def test_pages_reads_every_page(kibana):
    """Three pages served by the emulator's fault injector (a status-200 canned body)."""
    client = client_for(kibana.url)
    for page, items in ((1, [1, 2]), (2, [3, 4]), (3, [5])):
        kibana.fault(method="GET", path="/api/paged$", status=200,
                     body={"data": [{"n": n} for n in items], "page": page, "per_page": 2,
                           "total": 5})
    assert [i["n"] for i in client.pages("/api/paged", size=2)] == [1, 2, 3, 4, 5]
    queries = [r["query"] for r in kibana.requests()]
    assert queries == [{"page": "1", "per_page": "2"}, {"page": "2", "per_page": "2"},
                       {"page": "3", "per_page": "2"}]


# ------------------------------------------------------------------ headers, auth, time budget


@pytest.fixture
def recorded():
    """An in-process emulator behind a WSGI layer that records each request's headers (the
    emulator's own log leaves headers out)."""
    emulator = Emulator()
    emulator.spaces["ops"] = {"id": "ops", "name": "ops", "disabledFeatures": []}
    seen = []

    def app(environ, start_response):
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                     {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                      if k.startswith("HTTP_")}
                     | ({"content-type": environ["CONTENT_TYPE"]} if environ.get("CONTENT_TYPE") else {})))
        return emulator(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port, seen
    server.shutdown()


def test_every_request_carries_the_api_version_and_every_write_kbn_xsrf(recorded):
    url, seen = recorded
    client = client_for(url, space_id="ops")
    created = client.post("/api/actions/connector", {"name": "h", "connector_type_id": ".server-log"})
    client.get("/api/actions/connector/" + created["id"])
    client.put("/api/actions/connector/" + created["id"], {"name": "h2"})
    client.delete("/api/actions/connector/" + created["id"], expect=Empty)
    assert [(m, p) for m, p, _h in seen] == [
        ("POST", "/s/ops/api/actions/connector"), ("GET", "/s/ops/api/actions/connector/" + created["id"]),
        ("PUT", "/s/ops/api/actions/connector/" + created["id"]),
        ("DELETE", "/s/ops/api/actions/connector/" + created["id"])]
    for method, _path, headers in seen:
        assert headers["elastic-api-version"] == "2023-10-31"
        assert headers["authorization"] == authorization_header("elastic", "changeme")
        assert headers["accept"] == "application/json"
        assert ("kbn-xsrf" in headers) == (method != "GET"), method
        if method in ("POST", "PUT"):
            assert headers["content-type"] == "application/json"


@pytest.mark.parametrize("options,header", [
    ({"api_key": API_KEY}, "ApiKey " + API_KEY),
    ({"bearer_token": BEARER_TOKEN}, "Bearer " + BEARER_TOKEN),
    ({"username": "elastic", "password": "changeme"}, "Basic ZWxhc3RpYzpjaGFuZ2VtZQ=="),
])
def test_authorization_header_per_scheme(recorded, options, header):
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import client_from_params
    url, seen = recorded
    client_from_params(dict(options, kibana_url=url)).get("/api/status")
    assert seen[0][2]["authorization"] == header


@pytest.mark.parametrize("options,words", [
    ({}, "no credentials"),
    ({"api_key": "k", "bearer_token": "t"}, "several authentication methods given (api_key, bearer_token)"),
    ({"username": "u", "password": "p", "bearer_token": "t"}, "several authentication methods"),
    ({"username": "u"}, "username requires password"),
    ({"password": "p"}, "no credentials"),
])
def test_exactly_one_authentication_method(options, words):
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import client_from_params
    from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
    with pytest.raises(ResourceError) as err:
        client_from_params(dict(options, kibana_url="http://127.0.0.1:9"))
    assert words in str(err.value)


def test_connection_errors_on_idempotent_requests_are_retried(kibana):
    kibana.fault(method="GET", path="/api/actions/connectors", drop=True, count=2)
    assert isinstance(client_for(kibana.url).get("/api/actions/connectors"), list)
    assert len(kibana.requests()) == 3  # two dropped connections, then the answer


def test_a_dropped_post_is_not_retried_by_the_client(kibana):
    kibana.fault(method="POST", path="/api/actions/connector$", drop=True)
    with pytest.raises(KibanaTransportError) as err:
        client_for(kibana.url).post("/api/actions/connector", {"name": "x", "connector_type_id": ".server-log"})
    assert err.value.maybe_sent  # the engine must look before creating again
    assert len(kibana.requests()) == 1


def test_retry_after_is_capped_by_the_time_budget(kibana):
    """Retry-After: 3600 must not hold a task for an hour: retries stop once the budget (the
    request timeout) is spent."""
    kibana.fault(method="GET", path="/api/actions/connectors", status=503, count=10,
                 headers={"Retry-After": "3600"})
    started = time.monotonic()
    with pytest.raises(KibanaApiError) as err:
        client_for(kibana.url, request_timeout=1).get("/api/actions/connectors")
    assert time.monotonic() - started < 3
    assert err.value.status == 503
    assert 2 <= len(kibana.requests()) <= 3


def test_request_timeout_and_bounded_total_time(kibana):
    kibana.fault(method="GET", path="/api/actions/connectors", delay_ms=1500, count=10)
    started = time.monotonic()
    with pytest.raises(KibanaTransportError) as err:
        client_for(kibana.url, request_timeout=0.5).get("/api/actions/connectors")
    elapsed = time.monotonic() - started
    assert "timed out" in str(err.value).lower()
    assert elapsed < 1.6  # about twice the request timeout, not four slow tries


def test_mutual_tls_with_client_certificate(tmp_path):
    import ssl

    def openssl(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=tmp_path)

    # A CA with keyUsage: Python 3.13 verifies strictly (VERIFY_X509_STRICT) and refuses one without.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", "ca.key", "-out", "ca.pem")
    for name, extra in (("server", "subjectAltName=IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key",
                "-out", name + ".csr")
        (tmp_path / (name + ".ext")).write_text(extra + "\n")
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "1", "-extfile", name + ".ext", "-out", name + ".pem")
    (tmp_path / "client-both.pem").write_text((tmp_path / "client.pem").read_text()
                                              + (tmp_path / "client.key").read_text())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tmp_path / "server.pem"), str(tmp_path / "server.key"))
    context.load_verify_locations(str(tmp_path / "ca.pem"))
    context.verify_mode = ssl.CERT_REQUIRED
    server = make_server("127.0.0.1", 0, Emulator(), threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = "https://127.0.0.1:%d" % server.server_port
    ca = str(tmp_path / "ca.pem")
    try:
        with pytest.raises(KibanaTransportError):
            client_for(url, ca_path=ca, retries=0).get("/api/status")
        with_key = client_for(url, ca_path=ca, client_cert=str(tmp_path / "client.pem"),
                              client_key=str(tmp_path / "client.key"))
        assert with_key.get("/api/status")["version"]["number"] == "9.4.0"
        one_file = client_for(url, ca_path=ca, client_cert=str(tmp_path / "client-both.pem"))
        assert one_file.get("/api/status")["version"]["number"] == "9.4.0"
    finally:
        server.shutdown()


class _ForwardProxy(object):
    """A forward HTTP proxy that answers itself, recording the absolute URLs it is asked for."""

    def __init__(self):
        import http.server
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                seen.append(self.path)
                body = b'{"proxied": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_proxies_come_from_the_environment_and_no_proxy_is_honoured(kibana):
    from tests.harness import environ
    proxy = _ForwardProxy()
    try:
        with environ(HTTP_PROXY=proxy.url, http_proxy=proxy.url, NO_PROXY=None, no_proxy=None):
            proxied = client_for(kibana.url).get("/api/status")
        assert proxied == {"proxied": True}
        assert proxy.seen == [kibana.url + "/api/status"]
        with environ(HTTP_PROXY=proxy.url, http_proxy=proxy.url, NO_PROXY="127.0.0.1",
                     no_proxy="127.0.0.1"):
            direct = client_for(kibana.url).get("/api/status")
        assert "version" in direct and len(proxy.seen) == 1
    finally:
        proxy.close()


def test_netrc_never_replaces_the_authorization_header(kibana, tmp_path):
    from tests.harness import environ
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login intruder password wrong-password\n")
    netrc.chmod(0o600)
    with environ(NETRC=str(netrc)):
        client_for(kibana.url).get("/api/status")
    assert kibana.requests()[-1]["status"] == 200
