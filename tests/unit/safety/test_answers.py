"""Finding 4 of issue 9: an answer outside Kibana's contract (empty, wrong JSON type or shape,
HTML, truncated, a redirect, a 404 that is not Kibana's) is a clear failure naming method, path
and status, never "nothing there"; a write is `changed` only when Kibana's answer confirms it."""

import re

import pytest

from tests.harness import run_module
from tests.unit.safety.scenarios import MODULES


def said(result):
    """The failure of the object: a set module's message names its entry first."""
    return re.sub(r"^\d+ of \d+ [a-z ]+ writes failed: config\[\d+\](?: \([^)]*\))?: ", "",
                  result["msg"])


def _first(kibana, method):
    """(method, path) of the first request of that method (any, for "write") in the log."""
    for entry in kibana.requests():
        if entry["method"] == method or (method == "write" and entry["method"] != "GET"):
            return entry["method"], entry["path"]
    raise AssertionError("no %s request" % method)


@pytest.mark.parametrize("module,scenario", [
    (module, scenario) for module in sorted(MODULES) for scenario in ("update", "delete")
    if scenario in MODULES[module].scenarios])
def test_an_empty_lookup_answer_is_a_failure_never_absent(kibana, conn, module, scenario):
    spec = MODULES[module]
    spec.make(conn)
    kibana.clear_log()
    assert run_module(module, spec.task(conn, scenario), check_mode=True)["changed"]
    method, path = _first(kibana, "GET")
    kibana.clear_log()
    kibana.fault(method="GET", path="^%s$" % path, kind="empty_body")
    result = run_module(module, spec.task(conn, scenario))
    assert result.failed and not result["changed"] if "changed" in result else result.failed
    assert said(result).startswith("GET %s failed: HTTP 200 with an empty body where a JSON"
                                   % path), result["msg"]
    assert "unexpected error" not in result["msg"] and "exception" not in result
    assert kibana.writes() == []  # no duplicate made, nothing deleted
    assert spec.count(kibana) == 1


@pytest.mark.parametrize("kind", ["json_list", "json_string", "json_object", "empty_body",
                                  "html"])
@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_delete_answered_off_contract_is_not_reported_changed(kibana, conn, module, kind):
    """The answer came, but not Kibana's (Kibana never got the request): a failure, the object
    is still there, and the rerun deletes it."""
    spec = MODULES[module]
    spec.make(conn)
    kibana.clear_log()
    run_module(module, spec.task(conn, "delete"), check_mode=True)
    reads = len(kibana.requests())  # check mode sends the real run's reads, no write
    kibana.clear_log()
    kibana.fault(method="*", path=".", kind=kind, skip=reads)
    result = run_module(module, spec.task(conn, "delete"))
    assert result.failed, result
    method, path = _last_write(kibana)
    assert said(result).startswith("%s %s failed: HTTP 200 with" % (method, path)), result["msg"]
    assert spec.count(kibana) == 1
    again = run_module(module, spec.task(conn, "delete"))
    assert not again.failed and again["changed"] and spec.count(kibana) == 0


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_delete_answered_with_a_404_that_is_not_kibanas_is_not_reported_done(
        kibana, conn, module):
    """A proxy's HTML 404 on the delete itself: Kibana never got it, so "already gone" would
    report a delete that did not happen; it is a failure naming the request."""
    spec = MODULES[module]
    spec.make(conn)
    kibana.clear_log()
    run_module(module, spec.task(conn, "delete"), check_mode=True)
    reads = len(kibana.requests())
    kibana.clear_log()
    kibana.fault(method="*", path=".", kind="html", status=404, skip=reads)
    result = run_module(module, spec.task(conn, "delete"))
    assert result.failed, result
    method, path = _last_write(kibana)
    assert said(result).startswith("%s %s returned HTTP 404: non-JSON error body (text/html"
                                   % (method, path)), result["msg"]
    assert spec.count(kibana) == 1
    again = run_module(module, spec.task(conn, "delete"))
    assert not again.failed and again["changed"] and spec.count(kibana) == 0


def _last_write(kibana):
    writes = [e for e in kibana.requests() if e["method"] != "GET"]
    assert writes, kibana.requests()
    return writes[-1]["method"], writes[-1]["path"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_404_that_is_not_kibanas_never_means_absent(kibana, conn, module):
    """A proxy's HTML 404 (a wrong base path) on the look-up: absent would report ok and
    delete nothing; it is a failure naming the request."""
    spec = MODULES[module]
    spec.make(conn)
    kibana.clear_log()
    kibana.fault(method="GET", path=".", kind="html", status=404, count=20)
    result = run_module(module, spec.task(conn, "delete"))
    assert result.failed and "HTTP 404" in result["msg"] and "text/html" in result["msg"]
    kibana.control("DELETE", "/faults")
    assert kibana.writes() == [] and spec.count(kibana) == 1


def test_a_redirect_is_a_failure_not_followed(kibana, conn):
    spec = MODULES["kibana_connector"]
    kibana.fault(method="GET", path=".", status=302, body={},
                 headers={"Location": "https://sso.example.com/login"})
    result = run_module(spec.name, spec.task(conn))
    assert result.failed and result["msg"].startswith("GET /api/actions/connectors failed: "
                                                      "HTTP 302")
    assert "Location: https://sso.example.com/login" in result["msg"]
    assert [e["path"] for e in kibana.requests()] == ["/api/actions/connectors"]


@pytest.mark.parametrize("kind", ["truncated_json", "invalid_json"])
def test_a_broken_json_answer_to_an_update_is_a_failure_then_converges(kibana, conn, kind):
    spec = MODULES["kibana_rule"]
    spec.make(conn)
    kibana.fault(method="PUT", path="^/api/alerting/rule/", kind=kind)
    result = run_module(spec.name, spec.task(conn, "update"))
    assert result.failed and result["msg"].startswith("PUT /api/alerting/rule/")
    assert "is not JSON" in result["msg"]
    assert not run_module(spec.name, spec.task(conn, "update")).failed
    assert not run_module(spec.name, spec.task(conn, "update"), check_mode=True)["changed"]
    assert spec.count(kibana) == 1
