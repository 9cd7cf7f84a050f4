"""Benchmark: exception_list on a 5,000-item list through ansible-playbook (as a user runs it)
against the emulator with injected latency, on the action path and the module path, side by
side with what ansible-playbook itself costs for the same task arguments and with one request
per item (trap 10). Prints figures; asserts nothing.

    python -m tests.perf.bench_exception_list [--items 5000] [--latency-ms 20] [--rounds 1]
        [--no-per-item-baselines]

1. The first create of the list and its items (item writes go 8 at a time), against the same
   items POSTed one after the other from plain Python (a lower bound for any tool that writes
   them one at a time).
2. Unchanged runs on each path, with the items written in the task (or a vars file) and read
   from a JSON file (`lookup('ansible.builtin.file', ...) | from_json`); a run with one item
   renamed.
3. Floors: a do-nothing action plugin given the same task arguments (what ansible-playbook
   spends reading, templating and passing 5,000 items to any action), and a `debug` task
   holding them in its vars; the one-request-per-item baselines (plain Python, no
   ansible-playbook).

Wall time and the CPU time of the ansible-playbook process tree (workers and module processes
included) are printed: on a loaded machine the CPU time is the steadier figure. With --rounds
N, every run is repeated N times, alternating, and medians are printed."""

import argparse
import copy
import math
import os
import resource
import statistics
import time

import requests
from ansible.release import __version__ as ANSIBLE_VERSION

from tests.perf._playbook import Bench, play, table

from ansible_collections.stackops.kibana.plugins.module_utils._exception_lists import (  # noqa: E402
    ITEMS_PAGE_SIZE,
)

LIST_ID = "bench"
SEQUENTIAL_LIST_ID = "bench-sequential"
LISTS = "/api/exception_lists"
ITEMS = "/api/exception_lists/items"
LIST_ARGS = {"list_id": LIST_ID, "name": "Benchmark list", "description": "", "type": "detection"}
ITEMS_FILE = "items.json"
ITEMS_VARS_FILE = "items-vars.json"
NOOP_ACTION = "bench_noop"
# an action plugin that does nothing with its arguments (found next to the playbooks)
NOOP_ACTION_SOURCE = '''from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        return {"changed": False}
'''
# how the task is given its items
FEEDS = {
    "task": "written in the task",
    "vars_files": "vars_files",
    "file": "file lookup, from_json",
}


def declared_items(count, prefix="item"):
    return [{"item_id": "%s-%05d" % (prefix, n), "name": "Item %d" % n,
             "entries": [{"type": "match", "field": "host.name", "value": "host-%d" % n,
                          "operator": "included"},
                         {"type": "match_any", "field": "process.name",
                          "value": ["proc-%d" % n, "helper"], "operator": "included"}]}
            for n in range(count)]


def items_argument(feed, items):
    if feed == "task":
        return items
    if feed == "vars_files":
        return "{{ bench_items }}"
    return "{{ lookup('ansible.builtin.file', '%s') | from_json }}" % ITEMS_FILE


def feed_play(tasks, feed):
    plays = play(tasks)
    if feed == "vars_files":
        plays[0]["vars_files"] = [ITEMS_VARS_FILE]
    return plays


def controller_only(items):
    """The same items given to ansible.builtin.debug in its vars (the issue's baseline)."""
    return [{"name": "the items, no module", "ansible.builtin.debug": {
        "msg": "RESULT declared {{ declared | length }} items"}, "vars": {"declared": items}}]


def noop_task(feed, items):
    """The list task's arguments given to an action plugin that does nothing: what
    ansible-playbook itself spends on them, whatever the action."""
    return [{"name": "the items, a do-nothing action", "register": "result",
             NOOP_ACTION: dict(LIST_ARGS, items=items_argument(feed, items))},
            {"name": "the same second task as list_task's", "ansible.builtin.debug": {
                "msg": "RESULT changed={{ result.changed }}"}}]


def list_task(items, feed="task"):
    return [{"name": "exception list", "register": "result",
             "stackops.kibana.exception_list": dict(LIST_ARGS, items=items_argument(feed, items))},
            {"name": "what the result holds", "ansible.builtin.debug": {
                "msg": "RESULT changed={{ result.changed }} counts={{ result.item_counts }} "
                       "result bytes={{ result | to_json | length }}"}}]


def summarize(log):
    reads = [r for r in log if r["method"] == "GET"]
    return {"requests": len(log), "reads": len(reads), "writes": len(log) - len(reads)}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_playbook_timed(bench, path, execution="action"):
    bench.kibana.clear_log()
    cpu = children_cpu()
    seconds, out = bench.playbook(path, execution)
    figures = summarize(bench.kibana.requests())
    line = [part for part in out.splitlines() if "RESULT " in part]
    figures.update(seconds=seconds, cpu=children_cpu() - cpu,
                   result=line[0].split("RESULT ", 1)[1].rstrip('"') if line else "")
    return figures


def api_session(bench):
    session = requests.Session()
    session.trust_env = False
    session.auth = ("elastic", "changeme")
    session.headers.update({"kbn-xsrf": "bench", "elastic-api-version": "2023-10-31"})
    return session


def run_baseline_timed(bench, items):
    """Read the list, then each item by item_id, and write the ones that differ - one request
    (or two) per item."""
    url = bench.kibana.url
    session = api_session(bench)
    bench.kibana.clear_log()
    started = time.perf_counter()
    session.get(url + LISTS,
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
    figures.update(seconds=elapsed, cpu=None, result="")
    return figures


def run_sequential_create_timed(bench, count):
    """The first create one request after the other: the list, then each item (with item_ids
    of their own: item_ids are unique in a namespace); the list is deleted afterwards."""
    url = bench.kibana.url
    session = api_session(bench)
    bench.kibana.clear_log()
    started = time.perf_counter()
    session.post(url + LISTS, json=dict(LIST_ARGS, list_id=SEQUENTIAL_LIST_ID,
                                        namespace_type="single")).raise_for_status()
    for item in declared_items(count, prefix="sequential"):
        session.post(url + ITEMS, json=dict(item, list_id=SEQUENTIAL_LIST_ID, type="simple",
                                            description="", namespace_type="single"),
                     ).raise_for_status()
    elapsed = time.perf_counter() - started
    figures = summarize(bench.kibana.requests())
    figures.update(seconds=elapsed, cpu=None, result="")
    session.delete(url + LISTS, params={"list_id": SEQUENTIAL_LIST_ID,
                                        "namespace_type": "single"}).raise_for_status()
    return figures


def delete_list(bench):
    bench.kibana.api("DELETE", LISTS, params={"list_id": LIST_ID, "namespace_type": "single"})


def renamed(items, *indexes):
    items = copy.deepcopy(items)
    for index in indexes:
        items[index]["name"] += " (renamed)"
    return items


def median_figures(samples):
    """One row's figures over the rounds: medians of the times, the counts of the last run."""
    figures = dict(samples[-1])
    for key in ("seconds", "cpu"):
        values = [s[key] for s in samples if s[key] is not None]
        figures[key] = statistics.median(values) if values else None
    return figures


def write_inputs(bench, items):
    bench.write(ITEMS_FILE, items)
    bench.write(ITEMS_VARS_FILE, {"bench_items": items})
    plugins = os.path.join(bench.workdir, "action_plugins")
    os.makedirs(plugins, exist_ok=True)
    with open(os.path.join(plugins, NOOP_ACTION + ".py"), "w", encoding="utf-8") as out:
        out.write(NOOP_ACTION_SOURCE)


def measure(bench, args):
    """[(run, tool, items from, figures)] in print order."""
    base = declared_items(args.items)
    one_changed = renamed(base, args.items // 2)
    write_inputs(bench, base)
    create = bench.write("list-create.yml", play(list_task(base)))
    from_file = bench.write("list-file.yml", play(list_task(base, "file")))
    playbooks = [
        # (run, tool, feed, path, execution)
        ("unchanged", "action path", "task", create, "action"),
        ("unchanged", "module path", "task", create, "module"),
        ("unchanged", "action path", "vars_files",
         bench.write("list-vars-files.yml", feed_play(list_task(base, "vars_files"), "vars_files")),
         "action"),
        ("unchanged", "action path", "file", from_file, "action"),
        ("unchanged", "module path", "file", from_file, "module"),
        # the module path renames the item back: one item changed on each run
        ("one item changed", "action path", "task",
         bench.write("list-one-changed.yml", play(list_task(one_changed))), "action"),
        ("one item changed", "module path", "task", create, "module"),
        ("(no request)", "do-nothing action plugin", "task",
         bench.write("noop-task.yml", play(noop_task("task", base))), "action"),
        ("(no request)", "do-nothing action plugin", "file",
         bench.write("noop-file.yml", play(noop_task("file", base))), "action"),
        ("(no request)", "debug task holding the items", "task",
         bench.write("items-debug.yml", play(controller_only(base))), "action"),
    ]
    samples = {}
    for _round in range(args.rounds):
        delete_list(bench)
        samples.setdefault(("first create", "action path", "task"), []).append(
            run_playbook_timed(bench, create))
        for run, tool, feed, path, execution in playbooks:
            samples.setdefault((run, tool, feed), []).append(
                run_playbook_timed(bench, path, execution))
    rows = [key + (median_figures(found),) for key, found in samples.items()]
    if args.per_item_baselines:
        tool = "one request per item (Python)"
        rows.insert(1, ("first create", tool, "", run_sequential_create_timed(bench, args.items)))
        rows.append(("unchanged", tool, "", run_baseline_timed(bench, base)))
        rows.append(("one item changed", tool, "",
                     run_baseline_timed(bench, renamed(base, args.items // 3))))
    return rows


def report(args, rtt, load, rows):
    print("exception_list: a list of %d items through ansible-playbook (ansible-core %s), %g ms "
          "injected latency per request (round trip %.1f ms), %d round(s); load average %s"
          % (args.items, ANSIBLE_VERSION, args.latency_ms, rtt, args.rounds,
             " -> ".join("%.1f" % value for value in load)))
    print()
    print(table(("run", "tool", "items", "wall time", "CPU time", "requests", "reads", "writes",
                 "result"), [
        (run, tool, FEEDS.get(feed, ""), "%.2f s" % f["seconds"],
         "%.2f s" % f["cpu"] if f["cpu"] is not None else "", f["requests"], f["reads"],
         f["writes"], f["result"]) for run, tool, feed, f in rows]))
    print()
    figures = dict(((run, tool, feed), f) for run, tool, feed, f in rows)

    create = figures[("first create", "action path", "task")]
    sequential = figures.get(("first create", "one request per item (Python)", ""))
    if sequential:
        print("first create: %d requests in %.1f s (item writes 8 at a time); one after the other "
              "(Python): %.1f s; the action path takes %.2fx that time"
              % (create["requests"], create["seconds"], sequential["seconds"],
                 create["seconds"] / sequential["seconds"]))
    else:
        floor = create["requests"] * rtt / 1000.0
        print("first create: %d requests in %.1f s; one after the other they take at least %.1f s "
              "(requests x round trip): %.1fx" % (create["requests"], create["seconds"], floor,
                                                  floor / create["seconds"]))

    unchanged = figures[("unchanged", "action path", "task")]
    pages = int(math.ceil(args.items / float(ITEMS_PAGE_SIZE)))
    print("expected, unchanged run: 1 list read + ceil(%d/%d) = %d item page read(s), no write: "
          "%s (sent %d reads, %d writes)"
          % (args.items, ITEMS_PAGE_SIZE, pages,
             "holds" if (unchanged["reads"], unchanged["writes"]) == (1 + pages, 0) else "DOES NOT HOLD",
             unchanged["reads"], unchanged["writes"]))
    one = figures[("one item changed", "action path", "task")]
    print("expected, one item changed: exactly one write more: %s (sent %d writes)"
          % ("holds" if one["writes"] == unchanged["writes"] + 1 else "DOES NOT HOLD", one["writes"]))

    # what is ours: each run less the do-nothing action plugin given the same arguments
    for feed in ("task", "file"):
        noop = figures[("(no request)", "do-nothing action plugin", feed)]
        for tool in ("action path", "module path"):
            run = figures[("unchanged", tool, feed)]
            print("unchanged, %s, items %s: %.2f s CPU, of which ansible-playbook with any action "
                  "%.2f s and the module %.2f s"
                  % (tool, FEEDS[feed], run["cpu"], noop["cpu"], run["cpu"] - noop["cpu"]))
    module = figures[("unchanged", "module path", "task")]
    for feed in ("task", "vars_files", "file"):
        run = figures[("unchanged", "action path", feed)]
        print("unchanged, action path, items %s: %.2fx the wall time and %.2fx the CPU time of "
              "the module path with the items written in the task"
              % (FEEDS[feed], run["seconds"] / module["seconds"], run["cpu"] / module["cpu"]))
    for run_name in ("unchanged", "one item changed"):
        baseline = figures.get((run_name, "one request per item (Python)", ""))
        if baseline is None:
            continue
        for tool in ("action path", "module path"):
            print("%s, %s: %.2fx the time of one request per item"
                  % (run_name, tool, figures[(run_name, tool, "task")]["seconds"] / baseline["seconds"]))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_exception_list",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="items in the list (%(default)s)")
    parser.add_argument("--latency-ms", type=float, default=20, help="injected latency per "
                        "request (%(default)s ms)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each playbook, "
                        "alternating; medians are printed (%(default)s)")
    parser.add_argument("--no-per-item-baselines", dest="per_item_baselines",
                        action="store_false", help="skip the one-request-per-item Python runs "
                        "(minutes at 20 ms latency)")
    args = parser.parse_args(argv)

    bench = Bench()
    load = [os.getloadavg()[0]]
    try:
        bench.kibana.config(latency_ms=args.latency_ms)
        rtt = bench.round_trip_ms()
        rows = measure(bench, args)
    finally:
        bench.close()
    load.append(os.getloadavg()[0])
    report(args, rtt, load, rows)


if __name__ == "__main__":
    main()
