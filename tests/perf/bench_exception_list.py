"""Benchmark: exception_list on a 5,000-item list against the emulator with injected latency,
side by side with a one-request-per-item baseline (trap 10). Prints figures; asserts nothing.

    python -m tests.perf.bench_exception_list [--items 5000] [--latency-ms 5]

The module runs in-process (its real AnsibleModule code, as in the unit tests); the emulator
runs in a thread of this process and counts every request."""

import argparse
import copy
import math
import time

import requests

from tests.harness import EmulatorAPI, connection, put_collection_on_path, run_module

put_collection_on_path()

from tests.emulator.server import EmulatorServer  # noqa: E402  (after the path setup)
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


def module_task(url, items):
    args = connection(url)
    args.update(list_id=LIST_ID, name="Benchmark list", description="", type="detection",
                items=items)
    return args


def summarize(log):
    reads = [r for r in log if r["method"] == "GET"]
    return {"requests": len(log), "reads": len(reads), "writes": len(log) - len(reads),
            "detail": ", ".join("%s %s%s" % (r["method"], r["path"],
                                             "?filter=" + r["query"]["filter"] if r["query"].get("filter") else "")
                                for r in log) if len(log) <= 8 else "%d requests" % len(log)}


def run_module_timed(kibana, url, items):
    kibana.clear_log()
    started = time.perf_counter()
    result = run_module("exception_list", module_task(url, items))
    elapsed = time.perf_counter() - started
    if result.failed:
        raise SystemExit("the module failed: %s" % result["msg"])
    figures = summarize(kibana.requests())
    figures.update(seconds=elapsed, changed=result["changed"], counts=result.get("item_counts"))
    return figures


def run_baseline_timed(kibana, url, items):
    """What the tools used today do: read the list, then each item by item_id, and write the
    ones that differ - one request (or two) per item."""
    session = requests.Session()
    session.trust_env = False
    session.auth = ("elastic", "changeme")
    session.headers.update({"kbn-xsrf": "bench", "elastic-api-version": "2023-10-31"})
    kibana.clear_log()
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
    figures = summarize(kibana.requests())
    figures.update(seconds=elapsed, changed=None, counts=None)
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
    parser.add_argument("--latency-ms", type=float, default=5, help="injected latency per request "
                        "(%(default)s ms)")
    args = parser.parse_args(argv)

    server = EmulatorServer().start()
    try:
        kibana = EmulatorAPI(server.url, server.emulator)
        kibana.reset()
        base = declared_items(args.items)

        # The list and its items, made by the module itself without latency.
        seeded = run_module_timed(kibana, server.url, base)
        print("seed: the module created the list and %d items in %.1f s (%d requests, no latency)"
              % (args.items, seeded["seconds"], seeded["requests"]))

        kibana.config(latency_ms=args.latency_ms)
        one_changed = renamed(base, args.items // 2)
        rows = [
            ("unchanged", "exception_list module", run_module_timed(kibana, server.url, base)),
            ("one item changed", "exception_list module",
             run_module_timed(kibana, server.url, one_changed)),
            ("unchanged", "one request per item", run_baseline_timed(kibana, server.url, one_changed)),
            ("one item changed", "one request per item",
             run_baseline_timed(kibana, server.url, renamed(one_changed, args.items // 3))),
        ]
        kibana.config(latency_ms=0)
    finally:
        server.stop()

    print()
    print("exception_list: a list of %d items, %g ms injected latency per request"
          % (args.items, args.latency_ms))
    print()
    header = ("run", "tool", "wall time", "requests", "reads", "writes")
    line = "| %-17s | %-22s | %10s | %8s | %6s | %6s |"
    print(line % header)
    print("|" + "|".join("-" * (width + 2) for width in (17, 22, 10, 8, 6, 6)) + "|")
    for run_name, tool, figures in sorted(rows, key=lambda row: (row[0] != "unchanged", row[1])):
        print(line % (run_name, tool, "%.2f s" % figures["seconds"], figures["requests"],
                      figures["reads"], figures["writes"]))
    print()
    for run_name, tool, figures in rows:
        if figures["counts"] is not None:
            print("%s, %s: changed=%s, item_counts=%s" % (tool, run_name, figures["changed"],
                                                          figures["counts"]))
            print("    requests: %s" % figures["detail"])
    module = dict(((r, t), f) for r, t, f in rows)
    unchanged = module[("unchanged", "exception_list module")]
    one = module[("one item changed", "exception_list module")]
    pages = int(math.ceil(args.items / float(ITEMS_PAGE_SIZE)))
    print("expected, unchanged run: 1 list read + ceil(%d/%d) = %d item page read(s), no write: "
          "%s (sent %d reads, %d writes)"
          % (args.items, ITEMS_PAGE_SIZE, pages,
             "holds" if (unchanged["reads"], unchanged["writes"]) == (1 + pages, 0) else "DOES NOT HOLD",
             unchanged["reads"], unchanged["writes"]))
    print("expected, one item changed: exactly one write more: %s (sent %d writes; %d extra "
          "read(s): the filtered items/_find that tells whether any item stores os_types, so that "
          "the overwrite cannot wipe os_types read back as [] - Kibana #244818)"
          % ("holds" if one["writes"] == unchanged["writes"] + 1 else "DOES NOT HOLD",
             one["writes"], one["reads"] - unchanged["reads"]))
    for run_name in ("unchanged", "one item changed"):
        ratio = module[(run_name, "one request per item")]["seconds"] / \
            module[(run_name, "exception_list module")]["seconds"]
        print("%s: the module is %.0fx faster than one request per item" % (run_name, ratio))


if __name__ == "__main__":
    main()
