"""The benchmarks under tests/perf/ still run and their request counts still hold (the figures
are for people to read). Here, not under tests/unit/plugins/, because they run ansible-playbook:
ansible-test units gives tests under plugins/ only the module side of ansible-core."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest


@pytest.mark.slow
def test_the_benchmark_runs_and_prints_its_figures(capsys):
    """tests/perf/bench_exception_list.py (a small list, no latency, through ansible-playbook):
    it still runs and its request counts still hold (the figures are for people to read)."""
    from tests.perf import bench_exception_list

    bench_exception_list.main(["--items", "30", "--latency-ms", "0"])
    out = capsys.readouterr().out
    assert "| unchanged        | action path  " in out
    assert "| one item changed | one request per item (Python) |" in out
    assert "expected, unchanged run: 1 list read + ceil(30/10000) = 1 item page read(s), no " \
           "write: holds (sent 2 reads, 0 writes)" in out
    assert "expected, one item changed: exactly one write more: holds (sent 1 writes)" in out
    assert "changed=False counts={'created': 0, 'updated': 0, 'deleted': 0, 'unchanged': 30}" in out
