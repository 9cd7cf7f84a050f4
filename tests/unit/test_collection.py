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
    assert (galaxy["namespace"], galaxy["name"]) == ("stackops", "kibana")
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert {".venv", "tests/output", "changelogs/.plugin-cache.yaml"} <= set(galaxy["build_ignore"])


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
    """What ./scripts/demo shows: the first run changes, the second is all ok, no write."""
    kibana.create_space("security")
    first = playbook(kibana.url, REPO / "docs" / "examples" / "site.yml")
    assert first["failed"] == 0 and first["changed"] > 0, first["output"]
    kibana.clear_log()
    second = playbook(kibana.url, REPO / "docs" / "examples" / "site.yml")
    assert second["failed"] == 0 and second["changed"] == 0, second["output"]
    assert kibana.writes() == []
    assert "demo-webhook-s3cret" not in first["output"] + second["output"]
