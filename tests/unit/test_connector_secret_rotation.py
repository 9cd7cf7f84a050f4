"""Connector secret rotation the Ansible way (docs/examples/connector-secret-rotation.yml): the
task that rotates the secret notifies a handler with secrets_update=always; other runs are ok."""

import os

import pytest

from tests.harness import REPO
from tests.unit.test_collection import playbook

PLAYBOOK = REPO / "docs" / "examples" / "connector-secret-rotation.yml"


def run(kibana, secret_file, new_password=None, monkeypatch=None):
    monkeypatch.setenv("WEBHOOK_PASSWORD_FILE", str(secret_file))
    if new_password:
        monkeypatch.setenv("NEW_WEBHOOK_PASSWORD", new_password)
    else:
        monkeypatch.delenv("NEW_WEBHOOK_PASSWORD", raising=False)
    return playbook(kibana.url, PLAYBOOK)


@pytest.mark.slow
def test_secrets_are_pushed_only_when_rotated(kibana, tmp_path, monkeypatch):
    secret_file = tmp_path / "webhook-password"
    secret_file.write_text("first-s3cret")
    os.chmod(secret_file, 0o600)

    first = run(kibana, secret_file, monkeypatch=monkeypatch)
    assert first["failed"] == 0 and first["changed"] == 1, first["output"]
    connector = [c for c in kibana.api("GET", "/api/actions/connectors").json()
                 if c["name"] == "rotation-webhook"][0]
    secrets = "/connectors/%s/secrets" % connector["id"]
    assert kibana.control("GET", secrets)["password"] == "first-s3cret"

    kibana.clear_log()
    steady = run(kibana, secret_file, monkeypatch=monkeypatch)
    assert steady["failed"] == 0 and steady["changed"] == 0, steady["output"]
    assert kibana.writes() == []

    kibana.clear_log()
    rotated = run(kibana, secret_file, new_password="second-s3cret", monkeypatch=monkeypatch)
    assert rotated["failed"] == 0 and rotated["changed"] == 2, rotated["output"]  # file, handler
    assert [w["method"] for w in kibana.writes()] == ["PUT"]
    assert kibana.control("GET", secrets)["password"] == "second-s3cret"
    for text in ("first-s3cret", "second-s3cret"):
        assert text not in first["output"] + steady["output"] + rotated["output"]

    kibana.clear_log()
    again = run(kibana, secret_file, new_password="second-s3cret", monkeypatch=monkeypatch)
    assert again["failed"] == 0 and again["changed"] == 0, again["output"]
    assert kibana.writes() == []
