"""Benchmark: the set modules against looped single-object tasks and against a `uri` playbook
that reads each type once, through ansible-playbook against the emulator with latency.
Prints figures side by side; asserts nothing.

    python -m tests.perf.bench_sets [--latency-ms 20] [--runs 3]

The mix: 40 connectors, 30 rules (each with an action naming a connector), 10 agent policies,
10 osquery packs (each naming an agent policy) and 10 exception lists (2 items each).
"Unchanged" runs apply the mix to a Kibana that already holds it. The startup of
ansible-playbook itself (an empty play) is printed too, and subtracted in the "tasks" column."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from tests.emulator.app import API_KEY
from tests.harness import EmulatorAPI, collections_path, put_collection_on_path

put_collection_on_path()

from tests.emulator.server import EmulatorServer  # noqa: E402  (after the path setup)

RULE_PARAMS = {"index": ["metrics-*"], "timeField": "@timestamp", "thresholdComparator": ">",
               "threshold": [90], "timeWindowSize": 5, "timeWindowUnit": "m"}
SETS = [("connectors", "kibana_connectors"), ("agent_policies", "fleet_agent_policies"),
        ("rules", "kibana_rules"), ("packs", "osquery_packs"), ("lists", "exception_lists")]
SINGLE_TASKS = {
    "connectors": ("kibana_connector", ("name", "connector_type_id", "config")),
    "agent_policies": ("fleet_agent_policy", ("id", "name", "namespace", "description")),
    "rules": ("kibana_rule", ("name", "rule_type_id", "consumer", "schedule", "params", "tags",
                              "actions")),
    "packs": ("osquery_pack", ("name", "description", "enabled", "policies", "queries")),
    "lists": ("exception_list", ("list_id", "name", "type", "description", "items")),
}
READS = ["/api/actions/connectors", "/api/fleet/agent_policies?perPage=100",
         "/api/alerting/rules/_find?per_page=100", "/api/osquery/packs?pageSize=100",
         "/api/exception_lists/_find?namespace_type=single&per_page=100"]


def mix():
    connectors = [{"name": "conn-%02d" % n, "connector_type_id": ".index",
                   "config": {"index": "alerts-%02d" % n}} if n % 2 else
                  {"name": "conn-%02d" % n, "connector_type_id": ".server-log", "config": {}}
                  for n in range(40)]
    policies = [{"id": "policy-%02d" % n, "name": "Policy %02d" % n, "namespace": "default",
                 "description": "bench policy %d" % n} for n in range(10)]
    rules = [{"name": "rule-%02d" % n, "rule_type_id": ".index-threshold", "consumer": "alerts",
              "schedule": "1m", "params": RULE_PARAMS, "tags": ["bench"],
              "actions": [{"connector_name": "conn-%02d" % (n % 40), "group": "threshold met",
                           "params": {"message": "rule %d fired" % n},
                           "frequency": {"summary": False,
                                         "notify_when": "onActionGroupChange"}}]}
             for n in range(30)]
    packs = [{"name": "pack-%02d" % n, "description": "bench pack", "enabled": True,
              "policies": ["Policy %02d" % n],
              "queries": {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600}}}
             for n in range(10)]
    lists = [{"list_id": "list-%02d" % n, "name": "List %02d" % n, "type": "detection",
              "description": "bench list",
              "items": [{"item_id": "list-%02d-item-%d" % (n, i), "name": "Item %d" % i,
                         "entries": [{"type": "match", "field": "host.name",
                                      "value": "host-%d-%d" % (n, i), "operator": "included"}]}
                        for i in range(2)]} for n in range(10)]
    return {"connectors": connectors, "agent_policies": policies, "rules": rules,
            "packs": packs, "lists": lists}


def playbooks(directory, url):
    head = ("- name: %s\n  hosts: localhost\n  gather_facts: false\n"
            "  vars_files: [mix.json]\n  tasks:\n")
    written = {"empty": head % "empty" + "    - name: Nothing\n      ansible.builtin.debug: {msg: ok}\n"}
    text = head % "set form"
    for key, module in SETS:
        text += ("    - name: %s\n      stackops.kibana.%s:\n        config: \"{{ %s }}\"\n"
                 % (key, module, key))
    written["set"] = text
    text = head % "looped single-object tasks"
    for key, (module, options) in SINGLE_TASKS.items():
        text += "    - name: %s\n      stackops.kibana.%s:\n" % (key, module)
        for option in options:
            text += "        %s: \"{{ item['%s'] }}\"\n" % (option, option)
        text += "      loop: \"{{ %s }}\"\n      loop_control: {label: \"{{ item.name }}\"}\n" % key
    written["looped"] = text
    text = head % "uri, each type read once"
    for path in READS:
        text += ("    - name: GET %s\n      ansible.builtin.uri:\n        url: \"%s%s\"\n"
                 "        headers: {Authorization: \"ApiKey %s\"}\n" % (path, url, path, API_KEY))
    written["uri"] = text
    for name, body in written.items():
        with open(os.path.join(directory, name + ".yml"), "w") as handle:
            handle.write(body)
    with open(os.path.join(directory, "mix.json"), "w") as handle:
        json.dump(mix(), handle)


def play(directory, name, url):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), KIBANA_URL=url,
               KIBANA_API_KEY=API_KEY, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_FORKS="5")
    env.pop("KIBANA_USERNAME", None)
    env.pop("KIBANA_PASSWORD", None)
    bindir = os.path.dirname(sys.executable)
    started = time.perf_counter()
    done = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", "localhost,", "-c",
                           "local", os.path.join(directory, name + ".yml")], env=env,
                          capture_output=True, text=True, timeout=1800, check=False, cwd=directory)
    elapsed = time.perf_counter() - started
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", done.stdout)
    if not recap or recap.group(3) != "0":
        raise SystemExit("%s failed:\n%s%s" % (name, done.stdout[-3000:], done.stderr[-2000:]))
    return elapsed, int(recap.group(2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="unchanged runs (best is shown)")
    args = parser.parse_args()

    server = EmulatorServer().start()
    kibana = EmulatorAPI(server.url, server.emulator)
    try:
        kibana.reset()
        directory = tempfile.mkdtemp(prefix="bench-sets-")
        playbooks(directory, server.url)
        # the packs' agent policies need the Osquery Manager integration
        for policy in mix()["agent_policies"]:
            kibana.api("POST", "/api/fleet/agent_policies", dict(policy, description="seed"))
            kibana.control("POST", "/fleet/agent_policies/%s/package_policies" % policy["id"],
                           {"package": "osquery_manager"})
        kibana.config(latency_ms=args.latency_ms)
        startup = min(play(directory, "empty", server.url)[0] for _run in range(args.runs))
        rows = []

        def measure(label, name, runs):
            best = None
            for _run in range(runs):
                kibana.clear_log()
                elapsed, changed = play(directory, name, server.url)
                log = kibana.requests()
                writes = sum(1 for r in log if r["method"] != "GET")
                if best is None or elapsed < best[0]:
                    best = (elapsed, changed, len(log), writes)
            rows.append((label,) + best)
            return best

        measure("set form, first run (creates)", "set", 1)
        set_best = measure("set form, unchanged", "set", args.runs)
        measure("looped single-object tasks, unchanged", "looped", max(1, args.runs - 2))
        uri_best = measure("uri playbook reading each type once", "uri", args.runs)
    finally:
        server.stop()

    print("100 objects (40 connectors, 30 rules, 10 agent policies, 10 packs, 10 lists), "
          "latency %d ms per request; ansible-playbook startup (empty play) %.2f s"
          % (args.latency_ms, startup))
    print("%-42s %8s %8s %8s %9s %7s" % ("playbook", "wall s", "tasks s", "changed", "requests",
                                         "writes"))
    for label, elapsed, changed, requests, writes in rows:
        print("%-42s %8.2f %8.2f %8d %9d %7d" % (label, elapsed, elapsed - startup, changed,
                                                 requests, writes))
    print("set form unchanged / uri playbook: %.2f (wall), %.2f (tasks); targets: <= 1.5 s, "
          "<= 0.5" % (set_best[0] / uri_best[0],
                      (set_best[0] - startup) / max(uri_best[0] - startup, 1e-9)))


if __name__ == "__main__":
    main()
