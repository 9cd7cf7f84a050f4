"""Issue 9: property-based tests, one per module, over odd and hostile arguments (hypothesis,
derandomized: the same cases on every run). For every case:

- nothing escapes main(): a JSON result, never a traceback or an "unexpected error";
- input refused without Kibana's word (no HTTP status in the failure) sent no write, and input
  refused by the argument checks sent no request at all;
- no request leaves the API paths of the requested space (no '.', '..' or empty segment, the
  space prefix is the one asked for);
- accepted input is idempotent: a second identical run is ok and sends no write.
"""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.unit.input_safety.test_identity_and_paths import TASKS

CASES = 250
SETTINGS = settings(max_examples=CASES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
TALLY = {}

HOSTILE_TEXT = ["", " ", "\t", ".", "..", "/", "a/b", "../x", "..\\x", "#", "a#b", "?", "a?b=1",
                "%", "%2e%2e", "%2F", "a,b", "A", "ops", "default", "x" * 300, "\u00e9\u6f22",
                "\n", "a b", "null", "{}", "[]", "*", "${x}", "{{ x }}"]
HOSTILE_ANY = [None, True, False, 0, -1, 1, 2 ** 63, 1.5, -0.0, float("nan"), float("inf"),
               1e108, [], [1], ["a", "a"], {}, {"x": 1}, {"": None}] + HOSTILE_TEXT
SPACES = ["default", "ops", "", "..", "ops/../default", "Ops", "a b", "ops#", "%2e", "nope"]

# a few valid variations per module, so that accepted inputs are exercised too
VALID = {
    "kibana_connector": {"name": ["c", "c2", " c "], "config": [None, {}, {"a": 1}]},
    "kibana_rule": {"tags": [None, ["a", "a"], [], ["b", "a"]], "enabled": [None, True, False],
                    "flapping": [None, {"look_back_window": 5, "status_change_threshold": 3}],
                    "alert_delay": [None, {"active": 2}]},
    "fleet_agent_policy": {"description": [None, "", "d"], "monitoring": [None, ["logs"],
                                                                          ["logs", "logs"]],
                           "is_protected": [None, False]},
    "osquery_pack": {"description": [None, "d"], "enabled": [None, True, False]},
    "exception_list": {"tags": [None, ["a", "a"]],
                       "description": [None, "d"]},
}


def options_of(module, keep_space=False):
    from tests.unit.input_safety.specs import MODULE_SPECS
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import (
        CONNECTION_ARGSPEC,
    )
    return sorted(k for k in MODULE_SPECS[module] if k not in CONNECTION_ARGSPEC
                  and k not in (("state",) if keep_space else ("state", "space_id")))


@st.composite
def arguments(draw, module):
    task = dict(TASKS[module])
    for option, values in VALID[module].items():
        value = draw(st.sampled_from(values))
        if value is not None:
            task[option] = value
    hostile = draw(st.lists(st.sampled_from(options_of(module)), max_size=3, unique=True))
    for option in hostile:
        value = draw(st.sampled_from(HOSTILE_ANY))
        if value is None:
            task.pop(option, None)
        else:
            task[option] = value
    task["space_id"] = draw(st.sampled_from(SPACES))
    task["state"] = draw(st.sampled_from(["present", "present", "absent"]))
    return task


def path_problems(requests, space):
    prefix = "" if space in (None, "", "default") else "/s/%s" % space
    problems = []
    for entry in requests:
        path = entry["path"]
        # /api/status (the version) is global: Kibana serves it outside the spaces
        if not path.startswith(prefix + "/api/") and path != "/api/status":
            problems.append(path)
        # the emulator logs decoded paths: an id may hold '#', '?', '%' or spaces, never a
        # whole segment that is empty, '.' or '..'
        segments = path.split("/")[1:]
        if any(s in ("", ".", "..") for s in segments):
            problems.append(path)
    return problems


def check_case(kibana, run, module, task):
    kibana.reset()
    kibana.create_space("ops")
    kibana.clear_log()
    first = run(module, **task)
    requests = kibana.requests()
    text = str(first)
    assert "Traceback" not in text and "unexpected error" not in first.get("msg", ""), first
    assert "changeme" not in text  # the password never comes back
    assert not path_problems(requests, task.get("space_id")), (task, requests)
    if first.failed:
        # refused by us, not by Kibana (a status; in a set's failure, an object's "returned
        # HTTP"): nothing written
        if "status" not in first and "returned HTTP" not in first.get("msg", ""):
            assert [r for r in requests if r["method"] not in ("GET", "HEAD")] == [], (task, first)
        if not requests:
            return "refused"
        return "failed after reading"
    kibana.clear_log()
    second = run(module, **task)
    assert not second.failed, (task, second)
    assert not second["changed"], (task, second)
    assert kibana.writes() == [], (task, kibana.writes())
    return "accepted, idempotent"


def tally(module, outcome):
    counts = TALLY.setdefault(module, {})
    counts[outcome] = counts.get(outcome, 0) + 1


@pytest.mark.parametrize("module", sorted(TASKS))
def test_hostile_arguments(kibana, run, module):
    @SETTINGS
    @given(arguments(module))
    def case(task):
        tally(module, check_case(kibana, run, module, task))

    case()
    counts = TALLY[module]
    print("\n%s: %d cases held (%s)" % (module, sum(counts.values()), counts))
    assert sum(counts.values()) >= CASES
    assert counts.get("refused", 0) > 0 and counts.get("accepted, idempotent", 0) > 0


def info_modules():
    from tests.unit.input_safety.specs import INFO_MODULES
    return INFO_MODULES


@st.composite
def info_arguments(draw, module):
    task = {}
    for option in draw(st.lists(st.sampled_from(options_of(module)), max_size=3, unique=True)):
        value = draw(st.sampled_from(HOSTILE_ANY))
        if value is not None:
            task[option] = value
    if "space_id" in options_of(module, keep_space=True):
        task["space_id"] = draw(st.sampled_from(SPACES))
    return task


@pytest.mark.parametrize("module", info_modules())
def test_hostile_arguments_to_info_modules(kibana, run, module):
    outcomes = {}

    @SETTINGS
    @given(info_arguments(module))
    def case(task):
        kibana.clear_log()
        result = run(module, **task)
        requests = kibana.requests()
        assert "Traceback" not in str(result) and "changeme" not in str(result)
        assert "unexpected error" not in result.get("msg", ""), (task, result)
        assert not result.get("changed"), result
        assert [r for r in requests if r["method"] not in ("GET", "HEAD")] == []
        assert not path_problems(requests, task.get("space_id")), (task, requests)
        outcome = "failed" if result.failed else "answered"
        if result.failed and not requests:
            outcome = "refused"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    case()
    TALLY[module] = outcomes
    print("\n%s: %d cases held (%s)" % (module, sum(outcomes.values()), outcomes))
    assert sum(outcomes.values()) >= CASES and outcomes.get("refused")
