"""Benchmark: exception_list on a 5,000-item list through ansible-playbook (as a user runs it)
against the emulator with injected latency, on the action path and the module path, side by
side with a one-request-per-item baseline (trap 10). Prints figures; asserts nothing.

    python -m tests.perf.bench_exception_list [--items 5000] [--latency-ms 20]

The first run creates the list and its items (item writes go 8 at a time); then an unchanged
run and a run with one item renamed, on each path. The baseline reads the list, then each item
by item_id, and writes the ones that differ, from plain Python in this process: a lower bound
for any tool that works item by item (no ansible-playbook, no task overhead)."""

import argparse
import copy
import math
import time

import requests

from tests.perf._playbook import Bench, play, table

from ansible_collections.stackops.kibana.plugins.module_utils._exception_lists import (  # noqa: E402
    ITEMS_PAGE_SIZE,
)

LIST_ID = "bench"
ITEMS = "/api/exception_lists/items"


def declared_items(count):
    return [{"item_id": "item-%05d" % n, "name": "Item %d" % n,
             "entries": [{"type": "match", "field": "host.name", "value": "host-%d" % n,
                          "operator": "included"},
                         {"type": "match_any", "field": "process.name",
                          "value": ["proc-%d" % n, "helper"], "operator": "included"}]}
            for n in range(count)]


def controller_only(items):
    """The same task arguments given to ansible.builtin.debug: what ansible-playbook itself
    spends on reading and templating 5,000 declared items, whatever the module."""
    return [{"name": "the items, no module", "ansible.builtin.debug": {
        "msg": "RESULT declared {{ declared | length }} items"}, "vars": {"declared": items}}]


def list_task(items):
    return [{"name": "exception list", "register": "result",
             "stackops.kibana.exception_list": {
                 "list_id": LIST_ID, "name": "Benchmark list", "description": "",
                 "type": "detection", "items": items}},
            {"name": "what the result holds", "ansible.builtin.debug": {
                "msg": "RESULT changed={{ result.changed }} counts={{ result.item_counts }} "
                       "result bytes={{ result | to_json | length }}"}}]


def summarize(log):
    reads = [r for r in log if r["method"] == "GET"]
    return {"requests": len(log), "reads": len(reads), "writes": len(log) - len(reads)}


def run_playbook_timed(bench, path, execution):
    bench.kibana.clear_log()
    seconds, out = bench.playbook(path, execution)
    figures = summarize(bench.kibana.requests())
    line = [part for part in out.splitlines() if "RESULT " in part]
    figures.update(seconds=seconds, result=line[0].split("RESULT ", 1)[1].rstrip('"')
                   if line else "?")
    return figures


def run_baseline_timed(bench, items):
    """Read the list, then each item by item_id, and write the ones that differ - one request
    (or two) per item."""
    url = bench.kibana.url
    session = requests.Session()
    session.trust_env = False
    session.auth = ("elastic", "changeme")
    session.headers.update({"kbn-xsrf": "bench", "elastic-api-version": "2023-10-31"})
    bench.kibana.clear_log()
    started = time.perf_counter()
    session.get(url + "/api/exception_lists",
                params={"list_id": LIST_ID, "namespace_type": "single"}).raise_for_status()
    for want in items:
        resp = session.get(url + ITEMS, params={"item_id": want["item_id"], "namespace_type": "single"})
        resp.raise_for_status()
        have = resp.json()
        if have["name"] != want["name"] or have["entries"] != want["entries"]:
            session.put(url + ITEMS, json={
                "id": have["id"], "_version": have["_version"], "type": "simple",
                "name": want["name"], "description": have["description"], "entries": want["entries"],
                "namespace_type": "single", "os_types": have["os_types"], "tags": have["tags"],
                "comments": [{"id": c["id"], "comment": c["comment"]} for c in have["comments"]],
            }).raise_for_status()
    elapsed = time.perf_counter() - started
    figures = summarize(bench.kibana.requests())
    figures.update(seconds=elapsed, result="")
    return figures


def renamed(items, *indexes):
    items = copy.deepcopy(items)
    for index in indexes:
        items[index]["name"] += " (renamed)"
    return items


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_exception_list",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="items in the list (%(default)s)")
    parser.add_argument("--latency-ms", type=float, default=20, help="injected latency per "
                        "request (%(default)s ms)")
    args = parser.parse_args(argv)

    bench = Bench()
    try:
        bench.kibana.config(latency_ms=args.latency_ms)
        rtt = bench.round_trip_ms()
        base = declared_items(args.items)
        one_changed = renamed(base, args.items // 2)
        unchanged_path = bench.write("list-unchanged.yml", play(list_task(base)))
        changed_path = bench.write("list-one-changed.yml", play(list_task(one_changed)))
        rows = [("first create", "action path", run_playbook_timed(bench, unchanged_path, "action"))]
        for path_name, execution in (("action path", "action"), ("module path", "module")):
            rows.append(("unchanged", path_name, run_playbook_timed(bench, unchanged_path, execution)))
        for path_name, execution, playbook in (("action path", "action", changed_path),
                                               ("module path", "module", unchanged_path)):
            # the module path renames the item back: one item changed on each run
            rows.append(("one item changed", path_name, run_playbook_timed(bench, playbook, execution)))
        rows.append(("(no request)", "debug task holding the items",
                     run_playbook_timed(bench, bench.write("items-debug.yml",
                                                           play(controller_only(base))), "action")))
        rows.append(("unchanged", "one request per item (Python)", run_baseline_timed(bench, base)))
        rows.append(("one item changed", "one request per item (Python)",
                     run_baseline_timed(bench, renamed(base, args.items // 3))))
    finally:
        bench.close()

    print("exception_list: a list of %d items through ansible-playbook, %g ms injected latency "
          "per request (round trip %.1f ms)" % (args.items, args.latency_ms, rtt))
    print()
    print(table(("run", "tool", "wall time", "requests", "reads", "writes", "result"), [
        (run, tool, "%.2f s" % f["seconds"], f["requests"], f["reads"], f["writes"], f["result"])
        for run, tool, f in rows]))
    print()
    figures = dict(((run, tool), f) for run, tool, f in rows)
    create = figures[("first create", "action path")]
    sequential = create["requests"] * rtt / 1000.0
    print("first create: %d requests in %.1f s; one after the other they take at least %.1f s "
          "(requests x round trip): %.1fx"
          % (create["requests"], create["seconds"], sequential, sequential / create["seconds"]))
    unchanged = figures[("unchanged", "action path")]
    pages = int(math.ceil(args.items / float(ITEMS_PAGE_SIZE)))
    print("expected, unchanged run: 1 list read + ceil(%d/%d) = %d item page read(s), no write: "
          "%s (sent %d reads, %d writes)"
          % (args.items, ITEMS_PAGE_SIZE, pages,
             "holds" if (unchanged["reads"], unchanged["writes"]) == (1 + pages, 0) else "DOES NOT HOLD",
             unchanged["reads"], unchanged["writes"]))
    one = figures[("one item changed", "action path")]
    print("expected, one item changed: exactly one write more: %s (sent %d writes)"
          % ("holds" if one["writes"] == unchanged["writes"] + 1 else "DOES NOT HOLD", one["writes"]))
    for run in ("unchanged", "one item changed"):
        baseline = figures[(run, "one request per item (Python)")]["seconds"]
        for tool in ("action path", "module path"):
            print("%s, %s: %.1fx faster than one request per item"
                  % (run, tool, baseline / figures[(run, tool)]["seconds"]))
    print("unchanged: the action path takes %.2fx the module path's time"
          % (unchanged["seconds"] / figures[("unchanged", "module path")]["seconds"]))


if __name__ == "__main__":
    main()
