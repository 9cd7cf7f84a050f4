"""The patterns the guide documents, run as a user would run them: ansible-playbook --check."""

import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.harness import collections_path

RULE = {
    "name": "cpu-high", "rule_type_id": ".index-threshold", "consumer": "alerts",
    "schedule": "1m",
    "params": {"index": ["metrics-*"], "timeField": "@timestamp", "aggType": "count",
               "groupBy": "all", "timeWindowSize": 5, "timeWindowUnit": "m",
               "thresholdComparator": ">", "threshold": [1000]},
}
CONNECTOR_ID = "0c6f2a8e-7d3b-4d1e-9f57-3b2a1c0d9e84"


def run_playbook(tmp_path, kibana, tasks, *extra):
    play = [{"name": "guide pattern", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/stackops.kibana.kibana": {
                 "kibana_url": kibana.url, "username": "elastic", "password": "changeme"}},
             "tasks": tasks}]
    inventory = {"all": {"hosts": {"localhost": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR="1")
    for name in ("ANSIBLE_PYTHON_INTERPRETER", "KIBANA_URL", "KIBANA_API_KEY", "KIBANA_USERNAME",
                 "KIBANA_PASSWORD", "KIBANA_BEARER_TOKEN"):
        env.pop(name, None)
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                           "-i", str(tmp_path / "inventory.yml"), str(tmp_path / "play.yml")]
                          + list(extra), env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    recap = re.search(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+"
                      r"failed=(\d+)\s+skipped=(\d+)", done.stdout, re.M)
    assert recap, done.stdout + done.stderr
    return {"changed": int(recap[2]), "failed": int(recap[3]), "skipped": int(recap[4]),
            "output": done.stdout}


def connector(**extra):
    task = {"name": "ops-log", "connector_type_id": ".server-log"}
    task.update(extra)
    return {"name": "connector", "stackops.kibana.kibana_connector": task, "register": "ops_log"}


def rule(action_target, **extra):
    action = dict(action_target, group="threshold met", params={"message": "CPU high"},
                  frequency={"summary": False, "notify_when": "onActionGroupChange"})
    task = {"name": "rule", "stackops.kibana.kibana_rule": dict(RULE, actions=[action])}
    task.update(extra)
    return task


@pytest.mark.slow
def test_check_mode_fails_on_a_connector_by_name_that_an_earlier_task_creates(tmp_path, kibana):
    result = run_playbook(tmp_path, kibana, [connector(), rule({"connector_name": "ops-log"})],
                          "--check")
    assert result["failed"] == 1
    assert "no connector named 'ops-log'" in result["output"]


@pytest.mark.slow
def test_check_mode_pattern_a_fixed_connector_id(tmp_path, kibana):
    tasks = [connector(id=CONNECTOR_ID), rule({"id": CONNECTOR_ID})]
    checked = run_playbook(tmp_path, kibana, tasks, "--check")
    assert (checked["failed"], checked["changed"]) == (0, 2), checked["output"]
    assert kibana.writes() == []
    real = run_playbook(tmp_path, kibana, tasks)
    assert (real["failed"], real["changed"]) == (0, 2), real["output"]


@pytest.mark.slow
def test_check_mode_pattern_skip_while_the_connector_changes(tmp_path, kibana):
    guarded = rule({"connector_name": "ops-log"},
                   when="not (ansible_check_mode and ops_log is changed)")
    checked = run_playbook(tmp_path, kibana, [connector(), guarded], "--check")
    assert (checked["failed"], checked["changed"], checked["skipped"]) == (0, 1, 1), \
        checked["output"]
    assert kibana.writes() == []
    real = run_playbook(tmp_path, kibana, [connector(), guarded])
    assert (real["failed"], real["changed"]) == (0, 2), real["output"]
    # Once the connector exists, check mode runs the rule task too (and predicts no change).
    again = run_playbook(tmp_path, kibana, [connector(), guarded], "--check")
    assert (again["failed"], again["changed"], again["skipped"]) == (0, 0, 0), again["output"]
