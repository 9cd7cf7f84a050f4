"""The emulator's common contract (kibana-api/README.md), its connectors (connectors.md), its
command line and its test-only /_emulator/ API."""

import base64
import json
import os
import subprocess
import sys
import time

import pytest
import requests

from tests.emulator.app import API_KEY, BEARER_TOKEN, PASSWORD, USERNAME
from tests.harness import REPO

BASIC = "Basic " + base64.b64encode(b"elastic:changeme").decode()


def raw(kibana, method, path, body=None, headers=None, auth=BASIC, **kwargs):
    """A request with exactly the headers given (no session defaults)."""
    sent = {"Authorization": auth} if auth else {}
    sent.update(headers or {})
    return requests.request(method, kibana.url + path, json=body, headers=sent, timeout=10, **kwargs)


# ------------------------------------------------------------------ command line


@pytest.mark.slow
def test_help_documents_the_credentials_and_the_test_api():
    done = subprocess.run([sys.executable, "-m", "tests.emulator", "--help"], cwd=REPO,
                          capture_output=True, text=True, check=True, timeout=60)
    for needed in (USERNAME, PASSWORD, "ApiKey " + API_KEY, "Bearer " + BEARER_TOKEN, "--host",
                   "--port", "--tls-cert", "--tls-key", "--lifetime", "/_emulator/requests",
                   "/_emulator/reset", "/_emulator/faults", "/_emulator/config"):
        assert needed in done.stdout, needed


@pytest.mark.slow
def test_started_from_the_repo_root_it_serves_then_stops_after_its_lifetime():
    proc = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1",
                             "--port", "0", "--lifetime", "3", "--kibana-version", "8.19.1"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        line = proc.stdout.readline()
        assert line.startswith("Kibana emulator listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        status = requests.get(url + "/api/status", auth=(USERNAME, PASSWORD), timeout=10).json()
        assert status["version"]["number"] == "8.19.1"
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------ common contract


@pytest.mark.parametrize("auth", [BASIC, "ApiKey " + API_KEY, "Bearer " + BEARER_TOKEN])
def test_the_three_schemes_are_accepted(kibana, auth):
    assert raw(kibana, "GET", "/api/actions/connectors", auth=auth).status_code == 200


@pytest.mark.parametrize("auth", [None, "Basic " + base64.b64encode(b"elastic:wrong").decode(),
                                  "ApiKey bm9wZTpub3Bl", "Bearer nope"])
def test_missing_or_bad_credentials_are_401_before_xsrf(kibana, auth):
    resp = raw(kibana, "POST", "/api/actions/connector", {"name": "x"}, auth=auth)
    assert resp.status_code == 401
    body = resp.json()
    assert (body["statusCode"], body["error"]) == (401, "Unauthorized")
    assert "unable to authenticate user" in body["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writes_without_kbn_xsrf_are_400(kibana, method):
    resp = raw(kibana, method, "/api/actions/connector/4f6c2a2c-4b8d-4d43-9a37-8c5e4d2ab0a1",
               {"name": "x"})
    assert resp.status_code == 400
    assert resp.json() == {"statusCode": 400, "error": "Bad Request",
                           "message": "Request must contain a kbn-xsrf header."}


def test_unknown_space_is_404_and_s_default_is_the_default_space(kibana):
    assert raw(kibana, "GET", "/s/nowhere/api/actions/connectors").status_code == 404
    made = kibana.api("POST", "/api/actions/connector", {"name": "d", "connector_type_id": ".server-log"}).json()
    assert raw(kibana, "GET", "/s/default/api/actions/connector/" + made["id"]).status_code == 200
    assert raw(kibana, "GET", "/s/ops/api/actions/connector/" + made["id"]).status_code == 404


def test_spaces_api_create_get_list_delete(kibana):
    assert kibana.api("POST", "/api/spaces/space", {"id": "team-a", "name": "Team A"}).status_code == 200
    assert kibana.api("POST", "/api/spaces/space", {"id": "team-a", "name": "Team A"}).status_code == 409
    assert kibana.api("GET", "/api/spaces/space/team-a").json()["name"] == "Team A"
    assert {"default", "ops", "team-a"} <= {s["id"] for s in kibana.api("GET", "/api/spaces/space").json()}
    made = kibana.api("POST", "/api/actions/connector", {"name": "a", "connector_type_id": ".server-log"},
                      space="team-a").json()
    assert kibana.api("DELETE", "/api/spaces/space/team-a").status_code == 204
    assert kibana.api("GET", "/api/spaces/space/team-a").status_code == 404
    assert kibana.api("GET", "/api/actions/connector/" + made["id"], space="team-a").status_code == 404
    assert kibana.api("DELETE", "/api/spaces/space/default").status_code == 400


def session_version(kibana):
    """The version this session's emulator was started with: 9.4.0 unless
    STACKOPS_KIBANA_VERSION chose another one (e.g. 8.19.3)."""
    return kibana.emulator.default_version


def test_status_reports_the_configured_version(kibana):
    assert session_version(kibana) == (os.environ.get("STACKOPS_KIBANA_VERSION") or "9.4.0")
    assert kibana.api("GET", "/api/status").json()["version"]["number"] == session_version(kibana)
    kibana.config(kibana_version="9.3.0")
    assert kibana.api("GET", "/api/status").json()["version"]["number"] == "9.3.0"
    kibana.reset()
    assert kibana.api("GET", "/api/status").json()["version"]["number"] == session_version(kibana)


# ------------------------------------------------------------------ connectors


@pytest.mark.parametrize("version, status", [("9.2.0", 400), ("9.3.0", 200)])
def test_slack_api_channel_id_is_required_before_9_3_and_never_filled_in(kibana, version, status):
    """src stack_connectors/common/slack_api/schema.ts: `id: schema.string({minLength: 1})`,
    then `schema.maybe(...)`; tf internal/kibana/connectors/slack_api_acc_test.go (name-only
    channels from 9.3.0; the `id: ""` it fixed came from the provider's own client struct)."""
    kibana.config(kibana_version=version)
    made = kibana.api("POST", "/api/actions/connector", {
        "name": "s", "connector_type_id": ".slack_api", "config": {"allowedChannels": [
            {"name": "#a"}]}, "secrets": {"token": "t"}})
    assert made.status_code == status
    if status == 200:
        assert made.json()["config"]["allowedChannels"] == [{"name": "#a"}]
    else:
        assert "[allowedChannels.0.id]" in made.json()["message"], made.json()


def test_connector_type_defaults_and_strict_bodies(kibana):
    hook = kibana.api("POST", "/api/actions/connector", {
        "name": "h", "connector_type_id": ".webhook", "config": {"url": "https://h.example.com"},
        "secrets": {"user": "u", "password": "p"}}).json()
    assert hook["config"] == {"url": "https://h.example.com", "method": "post", "headers": None,
                              "hasAuth": True}
    assert "secrets" not in hook and hook["is_missing_secrets"] is False
    mail = kibana.api("POST", "/api/actions/connector", {
        "name": "m", "connector_type_id": ".email", "config": {"from": "k@example.com"}}).json()
    assert (mail["config"]["service"], mail["config"]["hasAuth"]) == ("other", True)
    index = kibana.api("POST", "/api/actions/connector", {
        "name": "i", "connector_type_id": ".index", "config": {"index": "x"}}).json()
    assert index["config"]["refresh"] is False
    slack = kibana.api("POST", "/api/actions/connector", {
        "name": "s", "connector_type_id": ".slack_api", "config": {"allowedChannels": [{"id": "C1", "name": "#a"}]},
        "secrets": {"token": "t"}}).json()
    assert slack["config"]["allowedChannels"] == [{"id": "C1", "name": "#a"}]
    unknown = kibana.api("POST", "/api/actions/connector", {"name": "x", "connector_type_id": ".server-log",
                                                            "is_preconfigured": False})
    assert unknown.status_code == 400
    assert unknown.json()["message"] == "[request body.is_preconfigured]: definition for this key is missing"
    typed = kibana.api("PUT", "/api/actions/connector/" + index["id"],
                       {"name": "i", "connector_type_id": ".index", "config": {"index": "x"}})
    assert typed.json()["message"] == "[request body.connector_type_id]: definition for this key is missing"
    nulled = kibana.api("POST", "/api/actions/connector", {"name": "x", "connector_type_id": ".server-log",
                                                           "secrets": None})
    assert nulled.json()["message"] == "[request body.secrets]: expected value of type [object] but got [null]"


def test_update_replaces_secrets_and_delete_is_204_then_404(kibana):
    hook = kibana.api("POST", "/api/actions/connector", {
        "name": "h", "connector_type_id": ".webhook", "config": {"url": "https://h.example.com"},
        "secrets": {"user": "u", "password": "p"}}).json()
    path = "/api/actions/connector/" + hook["id"]
    kibana.control("POST", "/connectors/%s/missing_secrets" % hook["id"])
    assert kibana.api("GET", path).json()["is_missing_secrets"] is True
    updated = kibana.api("PUT", path, {"name": "h", "config": {"url": "https://h.example.com"}}).json()
    assert updated["is_missing_secrets"] is False
    assert kibana.control("GET", "/connectors/%s/secrets" % hook["id"]) == {}  # wholesale: {} stored
    assert kibana.api("DELETE", path).status_code == 204
    assert kibana.api("DELETE", path).status_code == 404
    assert kibana.api("GET", path).json()["message"] == "Saved object [action/%s] not found" % hook["id"]


def test_preconfigured_and_system_connectors_are_listed_and_read_only(kibana):
    listed = {c["id"]: c for c in kibana.api("GET", "/api/actions/connectors", space="ops").json()}
    assert listed["my-slack1"]["is_preconfigured"] is True
    assert "config" not in listed["my-slack1"] and "is_missing_secrets" not in listed["my-slack1"]
    # system connectors are not listed nor readable (spaces_only/tests/actions/get_all.ts, get.ts)
    assert "system-connector-.cases" not in listed
    assert listed["my-slack1"]["referenced_by_count"] == 0
    assert kibana.api("GET", "/api/actions/connector/system-connector-.cases").status_code == 404
    put = kibana.api("PUT", "/api/actions/connector/my-slack1", {"name": "x"})
    assert (put.status_code, put.json()["message"]) == (400, "Preconfigured action my-slack1 can not be updated.")
    put = kibana.api("PUT", "/api/actions/connector/system-connector-.cases", {"name": "x"})
    assert put.json()["message"] == "System action system-connector-.cases can not be updated."
    assert kibana.api("DELETE", "/api/actions/connector/my-slack1").status_code == 400


def test_trailing_slash_on_create_is_404_before_8_8(kibana):
    body = {"name": "slash", "connector_type_id": ".server-log"}
    assert kibana.api("POST", "/api/actions/connector/", body).status_code == 200
    kibana.config(kibana_version="8.7.1")
    assert kibana.api("POST", "/api/actions/connector/", body).status_code == 404
    assert kibana.api("POST", "/api/actions/connector", body).status_code == 200


# ------------------------------------------------------------------ /_emulator/


def test_request_log_keys_order_and_no_credentials(kibana):
    kibana.api("POST", "/api/actions/connector", {"name": "logged", "connector_type_id": ".server-log"},
               space="ops")
    kibana.api("GET", "/api/actions/connectors", params={"a": "1", "b": ["2", "3"]})
    raw(kibana, "GET", "/api/status", auth="ApiKey " + API_KEY)
    log = kibana.requests()
    assert [set(e) for e in log] == [{"method", "path", "query", "body", "status"}] * 3
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/s/ops/api/actions/connector", 200), ("GET", "/api/actions/connectors", 200),
        ("GET", "/api/status", 200)]
    assert log[0]["body"] == {"name": "logged", "connector_type_id": ".server-log"}
    assert log[1]["query"] == {"a": "1", "b": ["2", "3"]} and log[1]["body"] is None
    text = json.dumps(log)
    for secret in (PASSWORD, API_KEY, BASIC.split()[1]):
        assert secret not in text


def test_reset_forgets_state_log_spaces_and_faults(kibana):
    kibana.api("POST", "/api/actions/connector", {"name": "gone", "connector_type_id": ".server-log"})
    kibana.fault(method="GET", path="/api/status", status=500, count=5)
    kibana.config(latency_ms=1)
    kibana.reset()
    assert kibana.requests() == []
    assert kibana.control("GET", "/config") == {"latency_ms": 0,
                                                "kibana_version": session_version(kibana)}
    assert kibana.api("GET", "/api/status").status_code == 200
    assert [c["name"] for c in kibana.api("GET", "/api/actions/connectors").json()] == ["Slack #xyz"]
    assert kibana.api("GET", "/api/spaces/space/ops").status_code == 404


def test_faults_match_method_and_path_regex_for_n_requests(kibana):
    kibana.fault(method="GET", path="^/api/actions/connectors$", status=503, count=2,
                 body={"statusCode": 503, "error": "Service Unavailable", "message": "busy"},
                 headers={"Retry-After": "7"})
    other = kibana.api("GET", "/s/ops/api/actions/connectors")  # the regex does not match
    assert other.status_code == 200
    assert kibana.api("POST", "/api/actions/connectors").status_code != 503  # another method
    first = kibana.api("GET", "/api/actions/connectors")
    assert (first.status_code, first.json()["message"], first.headers["Retry-After"]) == (503, "busy", "7")
    assert kibana.api("GET", "/api/actions/connectors").status_code == 503
    assert kibana.api("GET", "/api/actions/connectors").status_code == 200  # only N requests
    assert [e["status"] for e in kibana.requests() if e["path"] == "/api/actions/connectors"
            and e["method"] == "GET"] == [503, 503, 200]


def test_fault_delay_and_latency(kibana):
    kibana.fault(method="*", path="/api/status", delay_ms=400)
    started = time.monotonic()
    assert kibana.api("GET", "/api/status").status_code == 200  # a delay only: then handled
    assert time.monotonic() - started >= 0.38
    kibana.config(latency_ms=300)
    started = time.monotonic()
    kibana.api("GET", "/api/status")
    assert time.monotonic() - started >= 0.28
    bad = kibana.session.post(kibana.url + "/_emulator/config", json={"latency": 1})
    assert bad.status_code == 400


def test_fault_dropped_connection_before_and_after_handling(kibana):
    body = {"name": "dropped", "connector_type_id": ".server-log"}
    kibana.fault(method="POST", path="/api/actions/connector$", drop=True)
    with pytest.raises(requests.ConnectionError):
        kibana.api("POST", "/api/actions/connector", body)
    kibana.fault(method="POST", path="/api/actions/connector$", drop="after")
    with pytest.raises(requests.ConnectionError):
        kibana.api("POST", "/api/actions/connector", body)
    log = kibana.requests()
    assert [e["status"] for e in log] == [None, 200]  # the second one was stored
    names = [c["name"] for c in kibana.api("GET", "/api/actions/connectors").json()]
    assert names.count("dropped") == 1


def test_fault_malformed_body(kibana):
    kibana.fault(method="GET", path="/api/status", malformed=True, status=200)
    resp = kibana.api("GET", "/api/status")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        resp.json()
    kibana.fault(method="GET", path="/api/status", malformed=True)
    assert kibana.api("GET", "/api/status").status_code == 502


def test_a_fault_needs_method_and_path(kibana):
    assert kibana.session.post(kibana.url + "/_emulator/faults", json={"status": 500}).status_code == 400
