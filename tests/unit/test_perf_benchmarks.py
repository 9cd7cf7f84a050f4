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
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in out.splitlines()
            if line.startswith("| ")]
    # every way of feeding the items converges the same list with the same two reads
    unchanged = [row for row in rows if row[0] == "unchanged" and row[1].endswith(" path")]
    assert sorted((row[1], row[2]) for row in unchanged) == [
        ("action path", "file lookup, from_json"), ("action path", "vars_files"),
        ("action path", "written in the task"), ("module path", "file lookup, from_json"),
        ("module path", "written in the task")]
    for row in unchanged:
        assert row[5:8] == ["2", "2", "0"], row
        assert "'unchanged': 30}" in row[8], row
    # the floors send nothing; the sequential first create sends one POST per item
    assert [row[5] for row in rows if row[0] == "(no request)"] == ["0", "0", "0"]
    assert [row[5:8] for row in rows if row[:2] == ["first create", "one request per item (Python)"]] \
        == [["31", "0", "31"]]
