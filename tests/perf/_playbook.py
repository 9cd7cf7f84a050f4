"""Benchmark plumbing: an emulator in a thread of this process, and ansible-playbook runs against
it (a new process each, as a user runs them), timed from the outside."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from tests.harness import EmulatorAPI, collections_path, put_collection_on_path

put_collection_on_path()

from tests.emulator.app import PASSWORD, USERNAME  # noqa: E402  (after the path setup)
from tests.emulator.server import EmulatorServer  # noqa: E402

EXECUTIONS = {"action": "auto", "module": "module"}


class Bench(object):
    """An emulator and a scratch directory for playbooks."""

    def __init__(self):
        self.server = EmulatorServer().start()
        self.kibana = EmulatorAPI(self.server.url, self.server.emulator)
        self.kibana.reset()
        self.workdir = tempfile.mkdtemp(prefix="stackops-kibana-bench-")

    def close(self):
        self.kibana.config(latency_ms=0)
        self.server.stop()

    def write(self, name, plays):
        path = os.path.join(self.workdir, name)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(plays, out, indent=1)  # JSON is YAML
        return path

    def playbook(self, path, execution="action", extra_vars=None):
        """Run it; return (seconds, stdout). Fails loudly when the playbook fails."""
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(),
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="0",
                   ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0")
        for name in ("KIBANA_URL", "KIBANA_USERNAME", "KIBANA_PASSWORD", "KIBANA_API_KEY",
                     "STACKOPS_KIBANA_EXECUTION"):
            env.pop(name, None)
        variables = {"kibana_url": self.kibana.url, "kibana_username": USERNAME,
                     "kibana_password": PASSWORD,
                     "stackops_kibana_execution": EXECUTIONS[execution]}
        variables.update(extra_vars or {})
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                   "-e", json.dumps(variables), path]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=self.workdir, capture_output=True, text=True,
                              check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit("%s failed:\n%s%s" % (path, done.stdout[-3000:], done.stderr[-3000:]))
        return elapsed, done.stdout

    def round_trip_ms(self, samples=30):
        """The emulator's round trip for one authenticated GET (latency included), median."""
        times = []
        for _sample in range(samples):
            started = time.perf_counter()
            self.kibana.api("GET", "/api/status").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)


def connection_defaults():
    return {"group/stackops.kibana.kibana": {
        "kibana_url": "{{ kibana_url }}", "username": "{{ kibana_username }}",
        "password": "{{ kibana_password }}"}}


def uri_defaults():
    return {"ansible.builtin.uri": {
        "url_username": "{{ kibana_username }}", "url_password": "{{ kibana_password }}",
        "force_basic_auth": True, "headers": {"kbn-xsrf": "bench"},
        "body_format": "json", "return_content": True}}


def play(tasks, uri=False):
    return [{"name": "bench", "hosts": "localhost", "gather_facts": False,
             "module_defaults": uri_defaults() if uri else connection_defaults(),
             "tasks": tasks}]


def table(header, rows):
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    line = "| " + " | ".join("%%-%ds" % w for w in widths) + " |"
    out = [line % tuple(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line % tuple(row) for row in rows)
    return "\n".join(out)
