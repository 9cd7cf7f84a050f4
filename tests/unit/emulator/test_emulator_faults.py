"""The emulator's fault kinds (POST/GET/DELETE /_emulator/faults): the answers a broken proxy,
a cache or a slow Kibana gives. Test-only API, not Kibana's: each test checks that a fault does
what `python -m tests.emulator --help` says, including whether the work was done."""

import json
import socket
import time

import pytest
import requests

CONNECTOR = {"name": "faulty", "connector_type_id": ".server-log"}


def names(kibana):
    return [c["name"] for c in kibana.api("GET", "/api/actions/connectors").json()]


def post_connector(kibana, timeout=10):
    return kibana.session.post(kibana.url + "/api/actions/connector", json=CONNECTOR,
                               headers={"kbn-xsrf": "t"}, timeout=timeout)


def test_truncated_json_cuts_the_real_answer_after_doing_the_work(kibana):
    kibana.fault(method="POST", path="/api/actions/connector$", kind="truncated_json")
    resp = post_connector(kibana)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/json")
    assert resp.text.startswith('{"') and len(resp.text) > 1
    with pytest.raises(ValueError):
        json.loads(resp.text)
    assert names(kibana).count("faulty") == 1  # handled first: the connector exists
    assert kibana.requests()[0]["fault"] == "truncated_json"


def test_invalid_json_empty_body_and_html_replace_the_answer_without_the_work(kibana):
    for kind, content_type, empty in (("invalid_json", "application/json", False),
                                      ("empty_body", "application/json", True),
                                      ("html", "text/html", False)):
        kibana.fault(method="POST", path="/api/actions/connector$", kind=kind)
        resp = post_connector(kibana)
        assert resp.status_code == 200, kind
        assert resp.headers["Content-Type"].startswith(content_type), kind
        assert (resp.content == b"") == empty, kind
        if resp.content:
            with pytest.raises(ValueError):
                resp.json()
    assert "faulty" not in names(kibana)
    assert [e["status"] for e in kibana.requests()[:3]] == [200, 200, 200]


@pytest.mark.parametrize("kind,expected", [("json_list", [{"unexpected": "shape"}]),
                                           ("json_string", "unexpected"),
                                           ("json_object", {"unexpected": "shape"})])
def test_wrong_shape_bodies_are_valid_json_of_a_shape_no_endpoint_answers(kibana, kind, expected):
    kibana.fault(method="GET", path="/api/actions/connectors$", kind=kind)
    resp = kibana.api("GET", "/api/actions/connectors")
    assert (resp.status_code, resp.json()) == (200, expected)
    assert isinstance(kibana.api("GET", "/api/actions/connectors").json(), list)  # count 1


def test_a_kind_takes_status_and_body_overrides_and_handle(kibana):
    kibana.fault(method="POST", path="/api/actions/connector$", kind="json_object",
                 status=201, body={"other": 1}, handle=True)
    resp = post_connector(kibana)
    assert (resp.status_code, resp.json()) == (201, {"other": 1})
    assert names(kibana).count("faulty") == 1  # handle: true -> the work was done
    kibana.fault(method="GET", path="/api/status", kind="empty_body", status=503)
    assert (kibana.api("GET", "/api/status").status_code,
            kibana.api("GET", "/api/status").status_code) == (503, 200)


def test_reset_aborts_the_connection_with_a_tcp_rst(kibana):
    kibana.fault(method="POST", path="/api/actions/connector$", kind="reset")
    with pytest.raises(requests.ConnectionError) as caught:
        post_connector(kibana)
    assert "reset" in str(caught.value).lower()  # an RST, not a clean close
    assert "faulty" not in names(kibana)
    kibana.fault(method="POST", path="/api/actions/connector$", kind="reset", handle=True)
    with pytest.raises(requests.ConnectionError):
        post_connector(kibana)
    assert names(kibana).count("faulty") == 1
    assert [e["status"] for e in kibana.requests() if e["method"] == "POST"] == [None, 200]


def test_reset_on_a_raw_socket_reads_econnreset(kibana):
    kibana.fault(method="GET", path="/api/status", kind="reset")
    host, port = kibana.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            while sock.recv(1024):
                pass


def test_late_does_the_work_then_answers_after_the_client_gave_up(kibana):
    kibana.fault(method="POST", path="/api/actions/connector$", kind="late", delay_ms=600)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        post_connector(kibana, timeout=0.2)
    assert time.monotonic() - started < 0.5
    # the work is done before the answer is held back: a look-up at once finds the connector
    assert names(kibana).count("faulty") == 1
    kibana.fault(method="GET", path="/api/status", kind="late", delay_ms=300)
    started = time.monotonic()
    resp = kibana.api("GET", "/api/status")  # a patient client gets the complete answer
    assert resp.status_code == 200 and resp.json()["status"]
    assert time.monotonic() - started >= 0.28


def test_skip_lets_the_first_matching_requests_through(kibana):
    kibana.fault(method="GET", path="/api/status", kind="empty_body", skip=2)
    statuses = [kibana.api("GET", "/api/status").content != b"" for _attempt in range(4)]
    assert statuses == [True, True, False, True]


def test_pending_faults_are_listed_and_cleared(kibana):
    kibana.fault(method="GET", path="/api/status", kind="html", count=3)
    kibana.fault(method="post", path="/connector$", kind="late", delay_ms=100)
    kibana.api("GET", "/api/status")
    pending = kibana.control("GET", "/faults")
    assert [(f["method"], f["kind"], f["count"], f["handle"]) for f in pending] == [
        ("GET", "html", 2, False), ("POST", "late", 1, True)]
    assert kibana.control("DELETE", "/faults") == {"cleared": 2}
    assert kibana.control("GET", "/faults") == []
    assert kibana.api("GET", "/api/status").headers["Content-Type"].startswith("application/json")


def test_bad_faults_are_refused(kibana):
    def post(body):
        return kibana.session.post(kibana.url + "/_emulator/faults", json=body)

    assert post({"method": "GET", "path": "x", "kind": "gremlins"}).status_code == 400
    assert post({"method": "GET", "path": "(", "kind": "html"}).status_code == 400
    assert post({"method": "GET", "path": "x", "count": "many"}).status_code == 400
    assert kibana.control("GET", "/faults") == []


def test_help_documents_every_fault_kind_and_the_fault_list():
    from tests.emulator.__main__ import DESCRIPTION
    from tests.emulator.app import FAULT_KINDS
    for needed in list(FAULT_KINDS) + ["GET    /_emulator/faults", "DELETE /_emulator/faults",
                                       '"skip"', '"handle"']:
        assert needed in DESCRIPTION, needed
