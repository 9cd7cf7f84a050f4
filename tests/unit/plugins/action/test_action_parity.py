"""The action plugins against the modules, through ansible-playbook: every example playbook,
every integration scenario and parity.yml run once on the action path (the default on the
controller) and once on the module path (stackops_kibana_execution=module), against a fresh
emulator each time; every task result must be the same apart from timings and the ids Kibana
generates, and no secret may reach the -vvv output of either."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from tests.emulator.app import API_KEY, PASSWORD
from tests.harness import REPO, collections_path

HERE = pathlib.Path(__file__).resolve().parent
TARGETS = REPO / "tests" / "integration" / "targets"
SCENARIOS = sorted(p.parent.parent.name for p in TARGETS.glob("*/tasks/main.yml")
                   if not (p.parent.parent / "aliases").read_text().count("hidden"))
TIMINGS = {"start", "end", "delta", "duration"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?")
SECRET_KEYS = re.compile(r"password|secret|token|api_?key", re.I)


class PlaybookLoader(yaml.SafeLoader):
    """Reads playbooks, `!unsafe` and `!vault` values as plain strings."""


for _tag in ("!unsafe", "!vault"):
    PlaybookLoader.add_constructor(_tag, lambda loader, node: loader.construct_scalar(node))


def run_playbook(kibana, workdir, playbook, execution, extra_vars=None, env=None, args=()):
    """ansible-playbook -vvv; returns (rc, stdout, the recorded task results)."""
    record = workdir / ("results-%s.jsonl" % execution)
    if record.exists():
        record.unlink()
    run_env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(),
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback"),
                   ANSIBLE_CALLBACKS_ENABLED="record_results", RECORD_RESULTS_PATH=str(record),
                   ANSIBLE_RETRY_FILES_ENABLED="0")
    for name in ("KIBANA_URL", "KIBANA_ENDPOINT", "KIBANA_USERNAME", "KIBANA_PASSWORD",
                 "KIBANA_API_KEY", "KIBANA_BEARER_TOKEN", "STACKOPS_KIBANA_EXECUTION"):
        run_env.pop(name, None)
    run_env.update(env or {})
    variables = {"kibana_url": kibana.url, "kibana_password": PASSWORD,
                 "kibana_api_key": API_KEY, "stackops_kibana_execution": execution}
    variables.update(extra_vars or {})
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv",
               "-e", json.dumps(variables), str(playbook)] + list(args)
    done = subprocess.run(command, env=run_env, cwd=str(workdir), capture_output=True,
                          text=True, timeout=900, check=False)
    lines = record.read_text().splitlines() if record.exists() else []
    return done.returncode, done.stdout + done.stderr, [json.loads(line) for line in lines]


def normalized(records):
    """Results with timings dropped and generated ids/timestamps numbered in order of
    appearance (the two runs create their objects anew)."""
    seen = {}

    def replace(match):
        return seen.setdefault(match.group(0), "<generated %d>" % len(seen))

    def walk(value):
        if isinstance(value, dict):
            return {k: ("<version>" if k == "_version" else walk(v))
                    for k, v in value.items() if k not in TIMINGS}
        if isinstance(value, list):
            # exception items are written 8 at a time: the order Kibana lists them in (and
            # their saved-object versions) follows which write landed first
            if value and all(isinstance(v, dict) and "item_id" in v for v in value):
                value = sorted(value, key=lambda v: str(v["item_id"]))
            return [walk(v) for v in value]
        if isinstance(value, str):
            return TIMESTAMP.sub("<time>", UUID.sub(replace, value))
        return value
    return walk(records)


def secrets_in(*paths):
    """The secret values the playbooks hold (values under password/secret/token/key names;
    shorter ones, such as a user `integration`, also occur in paths and names)."""
    found = set()

    def walk(value, secret=False):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, secret or bool(SECRET_KEYS.search(str(k))))
        elif isinstance(value, list):
            for v in value:
                walk(v, secret)
        elif secret and isinstance(value, str) and len(value) >= 12 and "{{" not in value:
            found.add(value)
    for path in paths:
        walk(yaml.load(path.read_text(), Loader=PlaybookLoader))
    return found


def compare_paths(kibana, tmp_path, playbook, env=None, args=(), prepare=None):
    runs = {}
    for execution in ("auto", "module"):
        kibana.reset()
        kibana.create_space("ops")
        if prepare:
            prepare(kibana)
        runs[execution] = run_playbook(kibana, tmp_path, playbook, execution, env=env,
                                       args=args)
    (rc_action, out_action, action), (rc_module, out_module, module) = runs["auto"], runs["module"]
    assert action, out_action
    assert len(action) == len(module), (out_action, out_module)
    assert (rc_action, normalized(action)) == (rc_module, normalized(module))
    # the action path ran no module on the controller; the module path did
    assert "AnsiballZ_" not in out_action.replace("AnsiballZ_command", "")
    assert "AnsiballZ_" in out_module
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_integration_scenario_same_on_both_paths(kibana, tmp_path, scenario):
    playbook = tmp_path / "scenario.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": scenario, "hosts": "localhost", "gather_facts": False,
        # the scenarios' `always:` stops their emulator: here a harmless signal 0 to init
        "vars": {"emulator_pid": "-0 1"},
        "tasks": [{"name": "Scenario", "ansible.builtin.include_tasks":
                   str(TARGETS / scenario / "tasks" / "main.yml")}]}]))
    # whether the scenario passes is the integration step's business; here both paths must
    # give the same results (compare_paths), a failure included
    runs = compare_paths(kibana, tmp_path, playbook)
    secrets = secrets_in(TARGETS / scenario / "tasks" / "main.yml")
    for _rc, output, _records in runs.values():
        for secret in secrets:
            assert secret not in output


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["run", "check-diff"])
def test_example_playbooks_same_on_both_paths(kibana, tmp_path, mode):
    """docs/examples/site.yml with its connection from the controller's environment
    (KIBANA_URL, KIBANA_API_KEY fallbacks): a first run; or, on a Kibana where it ran once,
    a --check --diff run (the examples assert what they created, which check mode does not)."""
    examples = REPO / "docs" / "examples"
    env = {"KIBANA_URL": kibana.url, "KIBANA_API_KEY": API_KEY}

    def prepare(api):
        api.create_space("security")
        if mode == "check-diff":
            rc, output, _records = run_playbook(api, tmp_path, examples / "site.yml", "auto",
                                                env=env)
            assert rc == 0, output
            api.clear_log()

    args = ("--check", "--diff") if mode == "check-diff" else ()
    runs = compare_paths(kibana, tmp_path, examples / "site.yml", args=args, env=env,
                         prepare=prepare)
    if mode == "check-diff":
        assert kibana.writes() == []
    secrets = secrets_in(*examples.glob("*.yml")) | {API_KEY}
    assert secrets
    for rc, output, _records in runs.values():
        assert rc == 0, output
        assert not [s for s in secrets if s in output]


@pytest.mark.slow
def test_parity_playbook_same_on_both_paths(kibana, tmp_path):
    """Check and diff mode, failures (validation, Kibana's errors, authentication), module_defaults
    of the action group, the task's `environment:` (env var fallbacks) and no_log at -vvv."""
    runs = compare_paths(kibana, tmp_path, HERE / "parity.yml")
    rc, output, records = runs["auto"]
    assert rc == 0, output
    statuses = [(r["task"], r["status"]) for r in records]
    assert statuses.count(("An unknown option fails before any request", "failed")) == 1
    assert [r for r in records if r["task"] == "Create with diff"][0]["result"]["changed"]
    api_key = [r for r in records if r["task"].startswith("An API key")][0]["result"]
    assert api_key["connectors"] and API_KEY not in json.dumps(api_key)
    # values the task's `environment:` passes reach the -vvv output of the module path only
    # (Ansible shows the command that starts the module, environment included): the action
    # path starts none
    environment = {"parity-wrong-password", "parity-api-key-value", API_KEY}
    assert [s for s in environment if s in runs["module"][1]]
    assert not [s for s in environment if s in output]
    assert "KIBANA_PASSWORD=%s" % PASSWORD in runs["module"][1]
    assert "KIBANA_PASSWORD=%s" % PASSWORD not in output
    secrets = secrets_in(HERE / "parity.yml") - environment
    assert "parity-secret-value-1" in secrets
    for _rc, out, _records in runs.values():
        assert not [s for s in secrets if s in out]
