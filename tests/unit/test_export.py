"""docs/examples/export.yml: gather every family of a space into a playbook, run that playbook
against an empty Kibana, gather again: the same objects."""

import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.emulator.app import API_KEY
from tests.harness import REPO, collections_path, connection, run_module

EXPORT = REPO / "docs" / "examples" / "export.yml"
CONNECTOR_ID = "5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61"
# strings a playbook must carry unchanged: Jinja, YAML syntax, quotes and backslashes, line
# breaks of every kind YAML knows, characters YAML refuses unescaped, astral characters
HOSTILE = ("{{ lookup('env', 'HOME') }} {% if true %}x{% endif %} {# c #} !unsafe 'q' \"dq\" "
           "\\ \\n: - [a] {b} #c &d *e |f >g %h @i `j\nline 2\r\n\tend \u2028\u2029\x85 "
           "\x7f\x9f\ufeff \U0001F600 \u00e9\u4e2d ")
RULE_PARAMS = {"index": ["metrics-*"], "timeField": "@timestamp", "thresholdComparator": ">",
               "threshold": [90], "timeWindowSize": 5, "timeWindowUnit": "m"}


def ansible_playbook(url, path, *extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), KIBANA_URL=url,
               KIBANA_API_KEY=API_KEY, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0")
    env.pop("KIBANA_USERNAME", None)
    env.pop("KIBANA_PASSWORD", None)
    bindir = os.path.dirname(sys.executable)
    done = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", "localhost,", "-c",
                           "local", str(path)] + list(extra), env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    recap = re.search(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+"
                      r"failed=(\d+)", done.stdout, re.M)
    assert recap, done.stdout + done.stderr
    assert int(recap[4]) == 0, done.stdout + done.stderr
    return {"changed": int(recap[2]), "output": done.stdout}


def seed_space(kibana):
    """A space with objects of every family, some made outside the playbook."""
    def run(module, **options):
        args = dict(connection(kibana.url), space_id="ops")
        args.update(options)
        args = dict((k, v) for k, v in args.items() if v is not None)
        result = run_module(module, args)
        assert not result.failed, result.get("msg")
    run("kibana_space", space_id=None, id="ops", name="Operations", color="#00BFB3",
        disabled_features=["dev_tools"])
    run("kibana_connectors", config=[
        {"id": CONNECTOR_ID, "name": "ops-webhook", "connector_type_id": ".webhook",
         "config": {"url": "https://hooks.example.com/a"}, "secrets": {"user": "u", "password": "p"}},
        {"name": "server-log", "connector_type_id": ".server-log"}])
    run("fleet_agent_policies", config=[
        {"id": "linux", "name": "Linux servers", "namespace": "prod", "monitoring": ["logs"]}])
    run("kibana_rules", config=[
        {"name": "cpu-high", "rule_type_id": ".index-threshold", "consumer": "alerts",
         "schedule": "1m", "tags": ["managed"], "params": RULE_PARAMS,
         "actions": [{"connector_name": "ops-webhook", "group": "threshold met",
                      "params": {"body": "{{context.group}} is over {{params.threshold}}"},
                      "frequency": {"summary": False, "notify_when": "onActionGroupChange"}}]}])
    # a pack on an agent policy: that needs the Osquery Manager integration on the policy
    run("fleet_integration", name="osquery_manager")
    run("fleet_integration_policies", config=[
        {"name": "osquery-linux", "package": "osquery_manager", "agent_policy_ids": ["linux"]}])
    run("osquery_packs", config=[
        {"name": "uptime", "enabled": True, "policies": ["Linux servers"],
         "queries": {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600,
                                "ecs_mapping": {"host.uptime": {"field": "total_seconds"}}}}}])
    run("exception_lists", config=[
        {"list_id": "trusted", "name": "Trusted hosts", "type": "detection", "tags": ["managed"],
         "items": [{"item_id": "build-1", "name": "Build 1", "comments": ["a build host"],
                    "description": HOSTILE,
                    "entries": [{"type": "match", "field": "host.name", "value": "build-1",
                                 "operator": "included"}]}]}])


class ExportLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """Reads the written playbook: `!unsafe` only ever on a string (ansible-core 2.16 loses
    the nested data of a `!unsafe` mapping)."""


ExportLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def exported(path):
    [play] = yaml.load(path.read_text(encoding="utf-8"), Loader=ExportLoader)  # nosec
    return play["vars"]["kibana_export"]


@pytest.mark.slow
def test_export_recreates_the_space_in_an_empty_kibana(kibana, tmp_path):
    seed_space(kibana)
    first = tmp_path / "ops-site.yml"
    ansible_playbook(kibana.url, EXPORT, "-e", "space=ops", "-e", "out=%s" % first)
    data = exported(first)
    assert [c["name"] for c in data["connectors"]] == ["ops-webhook", "server-log"]
    assert "p" not in [c.get("secrets") for c in data["connectors"]]
    assert data["rules"][0]["actions"][0]["params"]["body"].startswith("{{context.group}}")
    assert data["osquery_packs"][0]["queries"]["uptime"]["interval"] == 3600
    assert data["osquery_packs"][0]["policy_ids"] == ["linux"]
    assert "osquery_manager" in data["integrations"]
    assert [(p["name"], p["agent_policy_ids"]) for p in data["integration_policies"]] == [
        ("osquery-linux", ["linux"])]
    assert data["exception_lists"][0]["items"][0]["comments"] == ["a build host"]
    assert data["exception_lists"][0]["items"][0]["description"] == HOSTILE

    # an empty Kibana: the written playbook recreates the space and its objects
    kibana.reset()
    applied = ansible_playbook(kibana.url, first)
    # the space, connectors, agent policies, integrations, integration policies, rules,
    # packs, exception lists
    assert applied["changed"] == 8
    pack = kibana.api("GET", "/api/osquery/packs", space="ops").json()["data"][0]
    assert pack["policy_ids"] == ["linux"]
    rule = kibana.api("GET", "/api/alerting/rules/_find", space="ops").json()["data"][0]
    assert rule["actions"][0]["params"]["body"] == "{{context.group}} is over {{params.threshold}}"
    [item] = kibana.api("GET", "/api/exception_lists/items/_find", space="ops",
                        params={"list_id": "trusted"}).json()["data"]
    assert item["description"] == HOSTILE
    second = tmp_path / "again.yml"
    ansible_playbook(kibana.url, EXPORT, "-e", "space=ops", "-e", "out=%s" % second)
    assert exported(second) == data
    # and running it again changes nothing
    kibana.clear_log()
    assert ansible_playbook(kibana.url, first)["changed"] == 0
    assert kibana.writes() == []
