"""The collection's metadata and the example playbooks, end to end through ansible-playbook."""

import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.emulator.app import API_KEY
from tests.harness import REPO, collections_path

MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def test_action_group_lists_every_module():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["kibana"]) == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_version_added(module):
    text = (REPO / "plugins" / "modules" / (module + ".py")).read_text()
    assert re.search(r"^version_added: \d+\.\d+\.\d+$", text, re.M), module


def test_galaxy_metadata():
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    assert (galaxy["namespace"], galaxy["name"], galaxy["version"]) == ("stackops", "kibana", "1.0.0")
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert {".venv", "tests/output", "changelogs/.plugin-cache.yaml", ".pytest_cache",
            "**/__pycache__"} <= set(galaxy["build_ignore"])


def test_runtime_requires_ansible():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"].startswith(">=")


def test_no_sanity_ignore_files():
    assert not list((REPO / "tests").glob("sanity/ignore-*.txt"))


def test_readme_starts_with_the_setup_and_test_commands_and_ci_runs_the_test_command():
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["./scripts/demo", "./scripts/test"]
    assert readme.index("```bash") < readme.index("\n## ")
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^exec scripts/test\s*$", ci, re.M)


def test_connection_doc_fragment_matches_the_argument_spec():
    from ansible_collections.stackops.kibana.plugins.doc_fragments.connection import ModuleDocFragment
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import (
        CONNECTION_ARGSPEC, SPACE_ARGSPEC)
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    documented.update(yaml.safe_load(ModuleDocFragment.SPACE)["options"])
    spec = dict(CONNECTION_ARGSPEC, **SPACE_ARGSPEC)
    assert sorted(documented) == sorted(spec) == sorted([
        "kibana_url", "username", "password", "api_key", "bearer_token", "space_id",
        "validate_certs", "ca_path", "client_cert", "client_key", "request_timeout"])
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("default") == option.get("default"), name
        for variable in option.get("fallback", (None, []))[1]:
            assert "E(%s)" % variable in " ".join(documented[name]["description"]), (name, variable)


@pytest.mark.slow
def test_changelog_fragments_lint():
    bindir = os.path.dirname(sys.executable)
    if not os.path.exists(os.path.join(bindir, "antsibull-changelog")):
        # The ansible-core matrix venvs have no antsibull-changelog; their sanity changelog
        # test lints the fragments instead.
        pytest.skip("antsibull-changelog is not installed beside this Python")
    done = subprocess.run([os.path.join(bindir, "antsibull-changelog"), "lint"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def playbook(url, playbook_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), KIBANA_URL=url,
               KIBANA_API_KEY=API_KEY, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0")
    env.pop("KIBANA_USERNAME", None)
    env.pop("KIBANA_PASSWORD", None)
    bindir = os.path.dirname(sys.executable)
    done = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", "localhost,", "-c",
                           "local", str(playbook_path)], env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    recap = re.search(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)",
                      done.stdout, re.M)
    assert recap, done.stdout + done.stderr
    return {"ok": int(recap[1]), "changed": int(recap[2]), "failed": int(recap[4]),
            "output": done.stdout}


@pytest.mark.slow
def test_demo_playbooks_change_then_stay_ok(kibana):
    """What ./scripts/demo shows: the first run changes, the second is all ok, no write. The
    playbook provisions everything itself: its space, the Osquery Manager integration on an
    agent policy, and packs scheduled on that policy by name."""
    assert kibana.api("GET", "/api/spaces/space/security").status_code == 404
    first = playbook(kibana.url, REPO / "docs" / "examples" / "site.yml")
    assert first["failed"] == 0 and first["changed"] > 0, first["output"]
    assert kibana.api("GET", "/api/spaces/space/security").json()["solution"] == "security"
    hosts = kibana.api("GET", "/api/fleet/agent_policies", space="security",
                       params={"kuery": 'ingest-agent-policies.name:"Security hosts"'}).json()
    policy_id = hosts["items"][0]["id"]
    # (Fleet of Kibana 8.x lists the other spaces' integration policies too)
    integrations = kibana.api("GET", "/api/fleet/package_policies", space="security").json()
    assert [(p["package"]["name"], p["policy_ids"]) for p in integrations["items"]
            if policy_id in p["policy_ids"]] == [("osquery_manager", [policy_id])]
    packs = kibana.api("GET", "/api/osquery/packs", space="security").json()["data"]
    ports = [p for p in packs if p["name"] == "ports-and-users"][0]
    assert ports["policy_ids"] == [policy_id]
    kibana.clear_log()
    second = playbook(kibana.url, REPO / "docs" / "examples" / "site.yml")
    assert second["failed"] == 0 and second["changed"] == 0, second["output"]
    assert kibana.writes() == []
    assert "demo-webhook-s3cret" not in first["output"] + second["output"]


def test_collections_path_is_private_to_this_checkout():
    """Tests import this checkout's code only: the collections path links to this repo."""
    import pathlib
    link = pathlib.Path(collections_path()) / "ansible_collections" / "stackops" / "kibana"
    assert link.resolve() == REPO
