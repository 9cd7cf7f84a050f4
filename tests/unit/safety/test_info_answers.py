"""Finding 4 of issue 9 for the _info modules: an answer outside Kibana's contract, on any of
their reads, is a clear failure naming the request (never a traceback, never an "unexpected
error", never an empty answer taken as "nothing there"); a reset or late answer of a read is
retried (finding 10) and answers as the clean run did. On both paths."""

import re

import pytest

from tests.harness import run_module
from tests.unit.input_safety.specs import INFO_MODULES
from tests.unit.safety.test_fault_matrix import KINDS, TIMEOUT

# a GET whose connection was reset or whose answer came late is sent again
RETRIED = ("reset", "late")
# a truncated body is retried when the connection shows it broke off (a short read), and is a
# failure when it arrived whole but is not JSON: either way, never a wrong answer
MAYBE_RETRIED = ("truncated_json",)
# what each _info module reads when asked for everything (a name where it needs one)
TASKS = {"fleet_integration_info": {"installed_only": False}}


@pytest.mark.parametrize("kind", sorted(k for k in KINDS if k != "reset_after"))
@pytest.mark.parametrize("module", INFO_MODULES)
def test_an_info_read_answered_off_contract_fails_clearly(kibana, conn, execution, module, kind):
    task = dict(conn, request_timeout=TIMEOUT, **TASKS.get(module, {}))
    clean = run_module(module, dict(task), execution=execution)
    assert not clean.failed, clean["msg"]
    reads = [r for r in kibana.requests() if r["method"] == "GET"]
    assert reads and not kibana.writes()
    for index in range(len(reads)):
        kibana.clear_log()
        kibana.fault(method="GET", path="^%s$" % re.escape(reads[index]["path"]),
                     skip=[r["path"] for r in reads[:index]].count(reads[index]["path"]),
                     **KINDS[kind])
        result = run_module(module, dict(task), execution=execution)
        kibana.control("DELETE", "/faults")
        if kind in RETRIED or (kind in MAYBE_RETRIED and not result.failed):
            assert not result.failed, result["msg"]
            assert dict(result, invocation=None) == dict(clean, invocation=None)
            continue
        assert result.failed, (index, result)
        assert "unexpected error" not in result["msg"] and "exception" not in result, result
        assert reads[index]["path"] in result["msg"] or "GET" in result["msg"], result["msg"]
        assert kibana.writes() == []
