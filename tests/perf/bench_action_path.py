"""Benchmark: the action path (the engine in the controller process) against the module path,
`ansible.builtin.uri` and `ansible.builtin.debug`, through ansible-playbook against the emulator
with injected latency. Prints figures side by side; asserts nothing.

    python -m tests.perf.bench_action_path [--latency-ms 20] [--loop 100] [--rounds 1]

1. Per task: a task looping --loop times over one unchanged connector (our module on the
   action path and on the module path), a `uri` GET of it, a `debug`; per-iteration cost =
   (T(loop) - T(1 iteration)) / (loop - 1), the median over rounds.
2. The second (unchanged) run of a 100-object playbook (40 connectors, 30 rules, 10 agent
   policies, 10 osquery packs, 10 exception lists): our modules on both paths, the naive `uri`
   playbook (one find per object, then a create skipped by `when:`) and the batched one (one
   list GET per type, then looped creates skipped by `when:`).
Targets (issue 12): per unchanged object on the action path <= 2x the round trip + 30 ms and
<= 0.1x the module path; the 100-object run <= 0.2x the naive uri playbook and faster than the
batched one; 1 request per unchanged object."""

import argparse
import statistics

from tests.perf._playbook import Bench, play, table

COUNTS = {"connector": 40, "rule": 30, "policy": 10, "pack": 10, "list": 10}

ESQL_PARAMS = {"searchType": "esqlQuery", "esqlQuery": {"esql": "FROM logs | LIMIT 10"},
               "size": 0, "threshold": [0], "thresholdComparator": ">",
               "timeField": "@timestamp", "timeWindowSize": 1, "timeWindowUnit": "d"}
PACK_QUERIES = {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600}}


def names(kind):
    return ["bench-%s-%02d" % (kind, n) for n in range(COUNTS[kind])]


# ------------------------------------------------------------------ 1. per task


def loop_playbooks(bench, connector_id, loop):
    """{tool: (path for `loop` iterations, path for 1)}."""
    def tasks(count):
        item = {"loop": list(range(count))}
        return {
            "module": [dict(item, **{"stackops.kibana.kibana_connector": {
                "name": "bench-loop", "connector_type_id": ".server-log"}})],
            "uri": [dict(item, **{"ansible.builtin.uri": {
                "url": "{{ kibana_url }}/api/actions/connector/%s" % connector_id}})],
            "debug": [dict(item, **{"ansible.builtin.debug": {"msg": "{{ item }}"}})],
        }
    many, one = tasks(loop), tasks(1)
    paths = {}
    for tool in ("module", "uri", "debug"):
        paths[tool] = (bench.write("loop-%s-%d.yml" % (tool, loop), play(many[tool], uri=tool == "uri")),
                       bench.write("loop-%s-1.yml" % tool, play(one[tool], uri=tool == "uri")))
    return paths


def per_task(bench, loop, rounds):
    kibana = bench.kibana
    created = kibana.api("POST", "/api/actions/connector",
                         {"name": "bench-loop", "connector_type_id": ".server-log", "config": {}})
    created.raise_for_status()
    paths = loop_playbooks(bench, created.json()["id"], loop)
    runs = [("action path", "module", "action"), ("module path", "module", "module"),
            ("ansible.builtin.uri", "uri", "action"), ("ansible.builtin.debug", "debug", "action")]
    figures = dict((run[0], []) for run in runs)
    requests = {}
    for _round in range(rounds):  # alternating rounds: load hits every tool alike
        for name, tool, execution in runs:
            many, one = paths[tool]
            kibana.clear_log()
            t_many = bench.playbook(many, execution)[0]
            requests[name] = len(kibana.requests())
            t_one = bench.playbook(one, execution)[0]
            figures[name].append((t_many - t_one) * 1000 / (loop - 1))
    return dict((name, statistics.median(values)) for name, values in figures.items()), requests


# ------------------------------------------------------------------ 2. the 100-object playbook


def module_tasks():
    return [
        {"name": "connectors", "loop": names("connector"), "stackops.kibana.kibana_connector": {
            "name": "{{ item }}", "connector_type_id": ".server-log"}},
        {"name": "rules", "loop": names("rule"), "stackops.kibana.kibana_rule": {
            "name": "{{ item }}", "rule_type_id": ".es-query", "consumer": "stackAlerts",
            "schedule": "1d", "params": ESQL_PARAMS}},
        {"name": "agent policies", "loop": names("policy"), "stackops.kibana.fleet_agent_policy": {
            "name": "{{ item }}", "namespace": "default"}},
        {"name": "osquery packs", "loop": names("pack"), "stackops.kibana.osquery_pack": {
            "name": "{{ item }}", "queries": PACK_QUERIES}},
        {"name": "exception lists", "loop": names("list"), "stackops.kibana.exception_list": {
            "list_id": "{{ item }}", "name": "{{ item }}", "description": "bench",
            "type": "detection"}},
    ]


# each type: (find of one object by name, its list GET, the create, the names a list answer holds)
URI_TYPES = [
    ("connector", "/api/actions/connectors", "/api/actions/connectors",
     "/api/actions/connector", {"name": "{{ item }}", "connector_type_id": ".server-log",
                                "config": {}},
     "json | map(attribute='name')"),
    ("rule", "/api/alerting/rules/_find?search_fields=name&search=%22{{ item }}%22",
     "/api/alerting/rules/_find?per_page=100", "/api/alerting/rule",
     {"name": "{{ item }}", "rule_type_id": ".es-query", "consumer": "stackAlerts",
      "schedule": {"interval": "1d"}, "params": ESQL_PARAMS},
     "json.data | map(attribute='name')"),
    ("policy", "/api/fleet/agent_policies?kuery=ingest-agent-policies.name:%22{{ item }}%22",
     "/api/fleet/agent_policies?perPage=100", "/api/fleet/agent_policies",
     {"name": "{{ item }}", "namespace": "default"}, "json['items'] | map(attribute='name')"),
    ("pack", "/api/osquery/packs?pageSize=100", "/api/osquery/packs?pageSize=100",
     "/api/osquery/packs", {"name": "{{ item }}", "queries": PACK_QUERIES},
     "json.data | map(attribute='name')"),
    ("list", "/api/exception_lists/_find?per_page=100&filter=exception-list.attributes.list_id:"
     "%22{{ item }}%22", "/api/exception_lists/_find?per_page=100", "/api/exception_lists",
     {"list_id": "{{ item }}", "name": "{{ item }}", "description": "bench",
      "type": "detection"}, "json.data | map(attribute='name')"),
]


def uri_tasks(batched):
    tasks = []
    for kind, find, listing, create, body, held in URI_TYPES:
        if batched:
            tasks.append({"name": "list %ss" % kind, "register": "found_" + kind,
                          "ansible.builtin.uri": {"url": "{{ kibana_url }}" + listing}})
            exists = "item in (found_%s.%s)" % (kind, held)
        else:
            tasks.append({"name": "find each %s" % kind, "loop": names(kind),
                          "register": "found_" + kind,
                          "ansible.builtin.uri": {"url": "{{ kibana_url }}" + find}})
            exists = "item in (found_%s.results[index].%s)" % (kind, held)
        create_task = {"name": "create missing %ss" % kind, "loop": names(kind),
                       "when": "not (%s)" % exists,
                       "ansible.builtin.uri": {"url": "{{ kibana_url }}" + create,
                                               "method": "POST", "body": body}}
        if not batched:
            create_task["loop_control"] = {"index_var": "index"}
        tasks.append(create_task)
    return tasks


def hundred_objects(bench, rounds):
    kibana = bench.kibana
    ours = bench.write("objects-modules.yml", play(module_tasks()))
    naive = bench.write("objects-uri-naive.yml", play(uri_tasks(False), uri=True))
    batched = bench.write("objects-uri-batched.yml", play(uri_tasks(True), uri=True))
    bench.playbook(ours, "action")  # the first run creates them all
    runs = [("action path", ours, "action"), ("module path", ours, "module"),
            ("uri, naive", naive, "action"), ("uri, batched", batched, "action")]
    figures = dict((run[0], []) for run in runs)
    requests = {}
    for _round in range(rounds):
        for name, path, execution in runs:
            kibana.clear_log()
            seconds = bench.playbook(path, execution)[0]
            log = kibana.requests()
            writes = [r for r in log if r["method"] not in ("GET", "HEAD")]
            if writes:
                raise SystemExit("%s wrote on an unchanged run: %s" % (name, writes[:3]))
            requests[name] = len(log)
            figures[name].append(seconds)
    return dict((name, statistics.median(values)) for name, values in figures.items()), requests


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_action_path",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=20, help="injected latency per "
                        "request (%(default)s ms)")
    parser.add_argument("--loop", type=int, default=100, help="iterations per loop (%(default)s)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds; medians "
                        "are printed (%(default)s)")
    args = parser.parse_args(argv)
    bench = Bench()
    try:
        bench.kibana.config(latency_ms=args.latency_ms)
        rtt = bench.round_trip_ms()
        tasks, task_requests = per_task(bench, args.loop, args.rounds)
        objects, object_requests = hundred_objects(bench, args.rounds)
    finally:
        bench.close()

    objects_total = sum(COUNTS.values())
    print("Emulator round trip (%g ms injected latency): %.1f ms" % (args.latency_ms, rtt))
    print()
    print("1. One unchanged object per task, %d-iteration loops (ms per iteration)" % args.loop)
    print(table(("tool", "ms per task", "x action path", "requests per iteration"), [
        (name, "%.1f" % ms, "%.1f" % (ms / tasks["action path"]),
         "%.2f" % (task_requests[name] / float(args.loop)))
        for name, ms in tasks.items()]))
    print()
    print("2. Second (unchanged) run of the %d-object playbook (%s)" % (
        objects_total, ", ".join("%d %ss" % (n, k) for k, n in COUNTS.items())))
    print(table(("playbook", "seconds", "ratio to naive uri", "ratio to batched uri",
                 "requests", "requests per object"), [
        (name, "%.2f" % s, "%.2f" % (s / objects["uri, naive"]),
         "%.2f" % (s / objects["uri, batched"]), object_requests[name],
         "%.2f" % (object_requests[name] / float(objects_total)))
        for name, s in objects.items()]))
    print()
    action = tasks["action path"]
    checks = [
        ("action path per object <= 2 x round trip + 30 ms (%.1f <= %.1f)"
         % (action, 2 * rtt + 30), action <= 2 * rtt + 30),
        ("action path per object <= 0.1 x module path (%.3f)" % (action / tasks["module path"]),
         action <= 0.1 * tasks["module path"]),
        ("100 objects: action path <= 0.2 x naive uri (%.3f)"
         % (objects["action path"] / objects["uri, naive"]),
         objects["action path"] <= 0.2 * objects["uri, naive"]),
        ("100 objects: action path faster than batched uri (%.2f s < %.2f s)"
         % (objects["action path"], objects["uri, batched"]),
         objects["action path"] < objects["uri, batched"]),
        ("1 request per unchanged object in the loop (%.2f)"
         % (task_requests["action path"] / float(args.loop)),
         task_requests["action path"] == args.loop),
    ]
    print("Targets (issue 12):")
    for text, held in checks:
        print("  %s: %s" % (text, "holds" if held else "DOES NOT HOLD"))


if __name__ == "__main__":
    main()
