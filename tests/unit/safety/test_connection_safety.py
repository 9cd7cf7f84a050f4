"""Findings 7 (secrets), 8 (TLS), 10 (retries) of issue 9 and request_timeout: the connection
options and the client under a hostile or broken network."""

import base64
import json
import ssl
import threading
import time
import urllib.parse

import pytest
from werkzeug.serving import make_server

from ansible_collections.stackops.kibana.plugins.module_utils._client import (
    KibanaClient,
    authorization_header,
    secret_forms,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import KibanaTransportError
from ansible_collections.stackops.kibana.plugins.module_utils._parallel import run_bounded
from tests.emulator.app import Emulator
from tests.emulator.server import EmulatorServer
from tests.harness import environ, run_module
from tests.unit.safety.scenarios import MODULES
from tests.unit.safety.tls import make_pki

CONNECTOR = MODULES["kibana_connector"]


def encoded_forms(secret):
    return {"raw": secret, "json": json.dumps(secret)[1:-1],
            "url": urllib.parse.quote(secret, safe=""),
            "url_plus": urllib.parse.quote_plus(secret),
            "base64": base64.b64encode(secret.encode()).decode()}


def assert_nowhere(result, secrets):
    text = json.dumps(result)
    for secret in secrets:
        for name, form in encoded_forms(secret).items():
            assert form not in text, "%s form of %r shown" % (name, secret)


# ------------------------------------------------------------------ finding 7: secrets

PASSWORD = 'pa"ss/w+rd\\ü 1'
KEY_ID, KEY_SECRET = "fmkeyid0001", "fm-key-secret-0001"
API_KEY = base64.b64encode(("%s:%s" % (KEY_ID, KEY_SECRET)).encode()).decode()
TOKEN = "fm-bearer/token+value="


def echo_everything(kibana, secret_texts):
    """A 400 whose message quotes every form of the secrets (an echoed header, a body)."""
    message = "rejected: " + " | ".join(
        form for secret in secret_texts for form in encoded_forms(secret).values())
    kibana.fault(method="*", path=".", status=400, count=5,
                 body={"statusCode": 400, "error": "Bad Request", "message": message})


@pytest.mark.parametrize("auth,secrets", [
    ({"username": "elastic", "password": PASSWORD}, [PASSWORD, "elastic:" + PASSWORD]),
    ({"api_key": API_KEY}, [API_KEY, KEY_ID + ":" + KEY_SECRET, KEY_SECRET, KEY_ID]),
    ({"bearer_token": TOKEN}, [TOKEN]),
], ids=["basic", "api_key", "bearer"])
@pytest.mark.parametrize("verbose", [False, True])
def test_every_encoded_form_of_a_credential_is_redacted(kibana, auth, secrets, verbose):
    echo_everything(kibana, secrets)
    task = dict(CONNECTOR.task({"kibana_url": kibana.url}), **auth)
    result = run_module(CONNECTOR.name, task, diff=verbose)
    assert result.failed and result["msg"].startswith("GET /api/actions/connectors returned "
                                                      "HTTP 400: rejected: ********")
    assert_nowhere(result, secrets)


def test_secret_forms_cover_the_decoded_api_key_and_the_basic_header():
    forms = secret_forms(API_KEY)
    assert {API_KEY, KEY_ID + ":" + KEY_SECRET, KEY_SECRET, KEY_ID} <= forms
    basic = authorization_header("elastic", PASSWORD).split()[1]
    assert basic in secret_forms(basic)
    client = KibanaClient("http://127.0.0.1:9", authorization_header("elastic", PASSWORD),
                          secret_values=[PASSWORD])
    text = client._redact("echo %s %s %s" % (basic, json.dumps(PASSWORD),
                                             urllib.parse.quote(PASSWORD)))
    assert text == "echo ******** \"********\" ********"


def test_connector_secrets_in_encoded_forms_are_redacted(kibana, conn):
    secret = 'hook"pass/1+2'
    echo_everything(kibana, [secret])
    task = dict(CONNECTOR.task(conn), connector_type_id=".webhook",
                config={"url": "https://hooks.example.com", "hasAuth": True},
                secrets={"user": "hook-user", "password": secret})
    result = run_module(CONNECTOR.name, task)
    assert result.failed
    assert_nowhere(result, [secret])


@pytest.mark.parametrize("url", ["http://user:pw-in-url-77@127.0.0.1:{port}",
                                 "http://:pw-in-url-77@127.0.0.1:{port}/kibana",
                                 "https://user%40corp:pw-in-url-77@kibana.example.com"])
def test_credentials_inside_kibana_url_are_refused_and_never_shown(kibana, url):
    port = kibana.url.rsplit(":", 1)[1]
    task = dict(CONNECTOR.task({"kibana_url": url.format(port=port)}), api_key=API_KEY)
    result = run_module(CONNECTOR.name, task)
    assert result.failed and result["msg"].startswith("kibana_url must not hold credentials")
    assert "pw-in-url-77" not in json.dumps(result)  # nor in invocation (-vvv)
    assert "pw-in-url-77" not in json.dumps(result["invocation"])
    assert kibana.requests() == []


def test_a_password_in_kibana_url_is_masked_even_when_argument_validation_fails(kibana):
    url = kibana.url.replace("http://", "http://user:pw-in-url-88@")
    result = run_module(CONNECTOR.name, dict(CONNECTOR.task({"kibana_url": url}),
                                             state="gone", api_key=API_KEY))
    assert result.failed and "state" in result["msg"]
    assert "pw-in-url-88" not in json.dumps(result)
    assert kibana.requests() == []


# ------------------------------------------------------------------ request_timeout


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1, 0, 1e108, "-inf", "nan",
                                   3601])
def test_request_timeout_is_range_checked_before_any_request(kibana, conn, value):
    result = run_module(CONNECTOR.name, CONNECTOR.task(conn, request_timeout=value))
    # non-finite floats are refused by the argument checks of every float option, the range
    # by the connection options
    assert result.failed and (result["msg"].startswith("request_timeout must be a number of "
                                                       "seconds above 0 and at most 3600")
                              or result["msg"].startswith("request_timeout must be a finite "
                                                          "number"))
    assert "unexpected error" not in result["msg"] and kibana.requests() == []


def test_a_fractional_request_timeout_is_used(kibana, conn):
    assert not run_module(CONNECTOR.name, CONNECTOR.task(conn, request_timeout=0.75)).failed


# ------------------------------------------------------------------ finding 8: TLS


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_kibana(pki):
    server = EmulatorServer(tls_cert=pki["server.pem"], tls_key=pki["server.key"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mtls_kibana(pki):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["server.pem"], pki["server.key"])
    context.load_verify_locations(pki["ca.pem"])
    context.verify_mode = ssl.CERT_REQUIRED
    server = make_server("127.0.0.1", 0, Emulator(), threaded=True, ssl_context=context)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "https://127.0.0.1:%d" % server.server_port
    server.shutdown()


def tls_task(url, **options):
    return dict(CONNECTOR.task({"kibana_url": url, "username": "elastic",
                                "password": "changeme"}), **options)


NO_CA_ENV = dict(REQUESTS_CA_BUNDLE=None, CURL_CA_BUNDLE=None, SSL_CERT_FILE=None)


def test_validate_certs_false_works_with_a_warning(tls_kibana):
    with environ(**NO_CA_ENV):
        result = run_module(CONNECTOR.name, tls_task(tls_kibana.url, validate_certs=False))
    assert not result.failed and result["changed"]
    assert any(w.startswith("validate_certs=false: Kibana's TLS certificate is not verified")
               for w in result["warnings"])
    with environ(**NO_CA_ENV):
        verified = run_module(CONNECTOR.name, tls_task(tls_kibana.url, ca_path=None))
    assert verified.failed  # verification is on by default


def test_a_certificate_error_comes_first_and_is_not_retried(tls_kibana, pki):
    client = KibanaClient(tls_kibana.url, "Basic x", ca_path=pki["other-ca.pem"])
    started = time.monotonic()
    with pytest.raises(KibanaTransportError) as err:
        client.get("/api/status")
    assert str(err.value).startswith("GET /api/status failed: TLS certificate verification "
                                     "failed: unable to get local issuer certificate")
    assert "ca_path" in str(err.value) and "Max retries" not in str(err.value)
    assert client.request_count == 1 and time.monotonic() - started < 2
    with environ(**NO_CA_ENV):
        result = run_module(CONNECTOR.name, tls_task(tls_kibana.url,
                                                     ca_path=pki["other-ca.pem"]))
    assert result["msg"].startswith("GET /api/actions/connectors failed: TLS certificate "
                                    "verification failed:")


def test_ca_path_verifies_kibana(tls_kibana, pki):
    with environ(**NO_CA_ENV):
        result = run_module(CONNECTOR.name, tls_task(tls_kibana.url, ca_path=pki["ca.pem"]))
    assert not result.failed and not result.get("warnings")


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_the_ca_bundle_variables_are_honoured_when_ca_path_is_unset(tls_kibana, pki, variable):
    with environ(**dict(NO_CA_ENV, **{variable: pki["ca.pem"]})):
        assert not run_module(CONNECTOR.name, tls_task(tls_kibana.url)).failed
        # ca_path wins over the environment
        other = run_module(CONNECTOR.name, tls_task(tls_kibana.url,
                                                    ca_path=pki["other-ca.pem"]))
        assert other.failed and "certificate verification failed" in other["msg"]


def test_a_missing_ca_bundle_from_the_environment_is_named(tls_kibana, tmp_path):
    variables = dict(NO_CA_ENV)
    variables["SSL_CERT_FILE"] = str(tmp_path / "gone.pem")
    with environ(**variables):
        result = run_module(CONNECTOR.name, tls_task(tls_kibana.url))
    assert result.failed and result["msg"] == "SSL_CERT_FILE: %s does not exist" % (
        tmp_path / "gone.pem")


@pytest.mark.parametrize("options,message", [
    ({"ca_path": "{tmp}/missing.pem"}, "ca_path: {tmp}/missing.pem does not exist"),
    ({"ca_path": "{tmp}/garbage.pem"}, "ca_path: {tmp}/garbage.pem holds no PEM certificate"),
    ({"client_cert": "{tmp}/missing.pem"}, "client_cert: {tmp}/missing.pem does not exist"),
    ({"client_cert": "{tmp}"}, "client_cert: {tmp} is not a readable file"),
    ({"client_cert": "{client_pem}", "client_key": "{tmp}/missing.key"},
     "client_key: {tmp}/missing.key does not exist"),
    ({"client_key": "{client_key}"}, "client_key requires client_cert"),
    ({"client_cert": "{client_pem}"}, "client_cert: cannot use {client_pem} as a PEM"),
    ({"client_cert": "{client_pem}", "client_key": "{server_key}"},
     "client_cert/client_key: cannot use {client_pem} and {server_key}"),
])
def test_tls_files_are_checked_before_any_request(kibana, pki, tmp_path, options, message):
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    names = dict((k.replace(".", "_"), v) for k, v in pki.items())
    names["tmp"] = str(tmp_path)
    options = dict((k, v.format(**names)) for k, v in options.items())
    with environ(**NO_CA_ENV):
        result = run_module(CONNECTOR.name, tls_task(kibana.url.replace("http:", "https:"),
                                                     **options))
    assert result.failed and result["msg"].startswith(message.format(**names)), result["msg"]
    assert "unexpected error" not in result["msg"]
    assert kibana.requests() == []


def test_mutual_tls_with_the_modules(mtls_kibana, pki):
    with environ(**NO_CA_ENV):
        refused = run_module(CONNECTOR.name, tls_task(mtls_kibana, ca_path=pki["ca.pem"]))
        made = run_module(CONNECTOR.name, tls_task(mtls_kibana, ca_path=pki["ca.pem"],
                                                   client_cert=pki["client.pem"],
                                                   client_key=pki["client.key"]))
    assert refused.failed and "TLS" in refused["msg"] and "unexpected" not in refused["msg"]
    assert not made.failed and made["changed"]


# ------------------------------------------------------------------ finding 10: retries


@pytest.mark.parametrize("status", [429, 503])
def test_a_post_kibana_did_not_process_is_retried_after_retry_after(kibana, conn, status):
    kibana.fault(method="POST", path="^/api/actions/connector(/[^/]+)?$", status=status,
                 headers={"Retry-After": "1"})
    started = time.monotonic()
    result = run_module(CONNECTOR.name, CONNECTOR.task(conn))
    assert not result.failed and result["changed"] and time.monotonic() - started >= 0.9
    assert [(e["method"], e["status"]) for e in kibana.requests()] == [
        ("GET", 200), ("POST", status), ("POST", 200)]
    assert CONNECTOR.count(kibana) == 1


def test_a_post_retry_after_beyond_the_budget_is_not_waited_for(kibana, conn):
    kibana.fault(method="POST", path="^/api/actions/connector(/[^/]+)?$", status=503, count=10,
                 headers={"Retry-After": "3600"})
    started = time.monotonic()
    result = run_module(CONNECTOR.name, CONNECTOR.task(conn, request_timeout=1))
    assert result.failed and "HTTP 503" in result["msg"] and time.monotonic() - started < 4
    assert CONNECTOR.count(kibana) == 0


@pytest.mark.parametrize("method,scenario", [("GET", "create"), ("PUT", "update"),
                                             ("DELETE", "delete")])
def test_a_read_time_out_of_an_idempotent_request_is_retried(kibana, conn, method, scenario):
    if scenario != "create":
        CONNECTOR.make(conn)
        kibana.clear_log()
    kibana.fault(method=method, path="^/api/actions/connector", kind="late", delay_ms=1500)
    started = time.monotonic()
    result = run_module(CONNECTOR.name, CONNECTOR.task(conn, scenario, request_timeout=0.5))
    assert not result.failed and result["changed"], result.get("msg")
    assert time.monotonic() - started < 3
    assert [e["method"] for e in kibana.requests()].count(method) >= 2
    assert CONNECTOR.count(kibana) == (0 if scenario == "delete" else 1)


def test_a_post_time_out_is_never_sent_again_blindly(kibana, conn):
    kibana.fault(method="POST", path="^/api/actions/connector(/[^/]+)?$", kind="late", delay_ms=1500)
    result = run_module(CONNECTOR.name, CONNECTOR.task(conn, request_timeout=0.5))
    assert not result.failed and result["changed"]
    assert [e["method"] for e in kibana.requests()].count("POST") == 1  # looked up, found
    assert CONNECTOR.count(kibana) == 1


def test_the_client_is_safe_for_concurrent_use(kibana):
    """Writes through run_bounded on one client: each call keeps its own retries and budget;
    nothing of one request is stored on the shared session or adapter."""
    client = KibanaClient(kibana.url, authorization_header("elastic", "changeme"),
                          backoff_factor=0.01)
    adapter = client.session.get_adapter(kibana.url)
    retries_before = adapter.max_retries
    # at most `retries` (3) refusals of each kind: no single call can run out of retries
    kibana.fault(method="POST", path="^/api/actions/connector(/[^/]+)?$", status=503, count=3)
    kibana.fault(method="GET", path="^/api/actions/connector/", status=429, count=3,
                 headers={"Retry-After": "0"})

    def job(n):
        def make():
            made = client.post("/api/actions/connector",
                               {"name": "c-%d" % n, "connector_type_id": ".server-log"},
                               expect=dict, keys=("id",))
            return client.get("/api/actions/connector/" + made["id"], expect=dict)["name"]
        return make

    outcomes = run_bounded([(n, job(n)) for n in range(12)], 4)
    assert [o.error for o in outcomes] == [None] * 12
    assert [o.value for o in outcomes] == ["c-%d" % n for n in range(12)]
    assert adapter.max_retries is retries_before and adapter.max_retries.total == 0
    assert client.request_count == 24 + 6  # 24 answered, 6 retried
    assert client.retry_budget == 2 * client.timeout  # unchanged by the calls


def test_the_user_name_is_not_a_secret(kibana, conn):
    """Only the password and the encoded pair are masked: Kibana's created_by stays readable."""
    result = run_module("kibana_rule", MODULES["kibana_rule"].task(conn))
    assert result["rule"]["created_by"] == "elastic"
