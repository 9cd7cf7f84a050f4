"""run_bounded: every job runs, at most `workers` at once, results in order, errors kept."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

from ansible_collections.stackops.kibana.plugins.module_utils._parallel import run_bounded


def test_results_in_job_order_and_errors_kept():
    def fail():
        raise ValueError("boom")
    outcomes = run_bounded([("a", lambda: 1), ("b", fail), ("c", lambda: 3)], workers=3)
    assert [o.key for o in outcomes] == ["a", "b", "c"]
    assert [o.value for o in outcomes] == [1, None, 3]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, ValueError)


def test_never_more_than_workers_at_once():
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def job():
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.02)
        with lock:
            state["now"] -= 1
        return True

    outcomes = run_bounded([(i, job) for i in range(20)], workers=4)
    assert all(o.ok for o in outcomes) and len(outcomes) == 20
    assert 2 <= state["peak"] <= 4


def test_one_worker_runs_in_sequence_and_empty_is_empty():
    order = []
    run_bounded([(i, lambda i=i: order.append(i)) for i in range(5)], workers=1)
    assert order == [0, 1, 2, 3, 4]
    assert run_bounded([]) == []
