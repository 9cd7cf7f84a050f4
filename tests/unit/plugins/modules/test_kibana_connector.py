"""kibana_connector and kibana_connector_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import uuid

import pytest

from tests.harness import environ, run_module

WEBHOOK_PASSWORD = "hunter2-" + uuid.uuid4().hex
WEBHOOK = {"name": "ops-webhook", "connector_type_id": ".webhook",
           "config": {"url": "https://hooks.example.com/kibana"},
           "secrets": {"user": "kibana-bot", "password": WEBHOOK_PASSWORD}}
CASES_WEBHOOK_CONFIG = {
    "createIncidentJson": "{}", "createIncidentResponseKey": "key",
    "createIncidentUrl": "https://cases.example.com/", "getIncidentUrl": "https://cases.example.com/",
    "getIncidentResponseExternalTitleKey": "title", "updateIncidentJson": "{}",
    "updateIncidentUrl": "https://cases.example.com/", "viewIncidentUrl": "https://cases.example.com/"}


def to_uuid_filter(name):
    """ansible.builtin.to_uuid: uuid5 in Ansible's namespace (UUID_NAMESPACE_ANSIBLE in
    ansible/plugins/filter/core.py). Importing the filter here would set up Ansible's display,
    which changes how in-process module warnings are reported."""
    return str(uuid.uuid5(uuid.UUID("361E6D51-FAEC-444A-9079-341386DA8E2E"), name))


def assert_no_secret(result, *secrets):
    text = json.dumps(result)
    for secret in secrets or (WEBHOOK_PASSWORD,):
        assert secret not in text


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    task = dict(WEBHOOK, space_id=space)
    prefix = "" if space == "default" else "/s/ops"

    # create, predicted in check mode first
    checked = run("kibana_connector", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["connector"]["config"] == {"url": "https://hooks.example.com/kibana",
                                              "method": "post", "hasAuth": True}
    assert checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["secrets"] == {"user": "********", "password": "********"}
    created = run("kibana_connector", diff=True, **task)
    assert created["changed"]
    connector_id = created["connector"]["id"]
    writes = kibana.writes()
    # a client-made id (uuid5 of space and name): a repeated create gets 409, never a second one
    assert [(w["method"], w["path"]) for w in writes] == [
        ("POST", prefix + "/api/actions/connector/" + connector_id)]
    assert writes[0]["body"]["secrets"]["password"] == WEBHOOK_PASSWORD
    assert created["connector"]["config"]["method"] == "post"  # Kibana's default, returned
    assert_no_secret(checked)
    assert_no_secret(created)

    # the same again: nothing to do, in check mode and for real, and one read
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("kibana_connector", check_mode=check_mode, diff=True, **task)
        assert not again["changed"]
        assert again["diff"] == {"before": {}, "after": {}}
        assert kibana.writes() == []
        assert len(kibana.requests()) == 1

    # update: check mode predicts, the real run sends one PUT carrying the secrets again
    update = dict(task, config={"url": "https://hooks.example.com/v2"})
    kibana.clear_log()
    predicted = run("kibana_connector", check_mode=True, diff=True, **update)
    assert predicted["changed"] and kibana.writes() == []
    assert predicted["connector"]["config"]["url"] == "https://hooks.example.com/v2"
    assert predicted["diff"]["before"] == {"config": {"url": "https://hooks.example.com/kibana"}}
    assert predicted["diff"]["after"]["config"] == {"url": "https://hooks.example.com/v2"}
    updated = run("kibana_connector", diff=True, **update)
    assert updated["changed"] and updated["operations"] == ["update"]
    assert updated["diff"] == predicted["diff"]
    puts = kibana.writes()
    assert [(w["method"], w["path"]) for w in puts] == [
        ("PUT", "%s/api/actions/connector/%s" % (prefix, connector_id))]
    assert puts[0]["body"]["config"] == {"url": "https://hooks.example.com/v2", "method": "post",
                                         "hasAuth": True}
    stored = kibana.control("GET", "/connectors/%s/secrets" % connector_id)
    assert stored["password"] == WEBHOOK_PASSWORD
    assert_no_secret(updated)
    assert_no_secret(predicted)

    # absent: check mode, real, and again
    kibana.clear_log()
    gone = run("kibana_connector", check_mode=True, diff=True, state="absent", **update)
    assert gone["changed"] and kibana.writes() == []
    assert gone["diff"]["after"] == {} and gone["diff"]["before"]["id"] == connector_id
    assert run("kibana_connector", state="absent", **update)["changed"]
    assert [w["method"] for w in kibana.writes()] == ["DELETE"]
    assert kibana.api("GET", "/api/actions/connector/" + connector_id, space=space).status_code == 404
    kibana.clear_log()
    assert not run("kibana_connector", state="absent", **update)["changed"]
    assert not run("kibana_connector", check_mode=True, state="absent", **update)["changed"]
    assert kibana.writes() == []


def test_spaces_are_isolated(kibana, run):
    in_ops = run("kibana_connector", space_id="ops", **WEBHOOK)["connector"]
    # every request of the task went through the space's path
    assert {r["path"].startswith("/s/ops/api/actions/") for r in kibana.requests()} == {True}
    assert [(w["method"], w["path"]) for w in kibana.writes()] == [
        ("POST", "/s/ops/api/actions/connector/" + in_ops["id"])]
    default_names = [c["name"] for c in kibana.api("GET", "/api/actions/connectors").json()]
    assert "ops-webhook" not in default_names
    # the same name in the default space is another connector
    kibana.clear_log()
    created = run("kibana_connector", **WEBHOOK)
    assert created["changed"] and created["connector"]["id"] != in_ops["id"]
    assert [(w["method"], w["path"]) for w in kibana.writes()] == [
        ("POST", "/api/actions/connector/" + created["connector"]["id"])]
    names = [c["name"] for c in kibana.api("GET", "/api/actions/connectors", space="ops").json()]
    assert names.count("ops-webhook") == 1


@pytest.mark.parametrize("connector", [
    {"connector_type_id": ".webhook", "config": {"url": "https://h.example.com"},
     "secrets": {"user": "bot-user", "password": WEBHOOK_PASSWORD}},
    {"connector_type_id": ".index", "config": {"index": "alert-history"}},
    {"connector_type_id": ".server-log"},
    {"connector_type_id": ".email", "config": {"from": "kibana@example.com", "host": "smtp.example.com",
                                               "port": 587},
     "secrets": {"user": "mailer", "password": WEBHOOK_PASSWORD}},
    {"connector_type_id": ".slack_api", "config": {"allowedChannels": [{"id": "C0OPS",
                                                                        "name": "#ops"}]},
     "secrets": {"token": "xoxb-" + uuid.uuid4().hex}},
], ids=lambda c: c["connector_type_id"])
def test_type_defaults_never_cause_a_change(kibana, run, connector):
    """Trap 4: Kibana fills per-type config defaults; twice in a row must be unchanged."""
    task = dict(connector, name="defaults-" + connector["connector_type_id"])
    first = run("kibana_connector", **task)
    assert first["changed"] and not first.failed
    kibana.clear_log()
    second = run("kibana_connector", diff=True, **task)
    assert not second["changed"], second["diff"]
    assert kibana.writes() == []


def test_type_default_set_explicitly_is_also_unchanged(kibana, run):
    task = dict(WEBHOOK, config={"url": "https://h.example.com", "method": "post", "headers": None})
    run("kibana_connector", **task)
    kibana.clear_log()
    assert not run("kibana_connector", **task)["changed"]
    assert kibana.writes() == []


def test_secrets_update_always_sends_and_reports_changed(kibana, run):
    run("kibana_connector", **WEBHOOK)
    rotated = dict(WEBHOOK, secrets={"user": "kibana-bot", "password": "rotated-" + WEBHOOK_PASSWORD},
                   secrets_update="always")
    kibana.clear_log()
    checked = run("kibana_connector", check_mode=True, **rotated)
    assert checked["changed"] and kibana.writes() == []
    result = run("kibana_connector", diff=True, **rotated)
    assert result["changed"]
    assert [w["method"] for w in kibana.writes()] == ["PUT"]
    stored = kibana.control("GET", "/connectors/%s/secrets" % result["connector"]["id"])
    assert stored["password"] == "rotated-" + WEBHOOK_PASSWORD
    assert_no_secret(result, WEBHOOK_PASSWORD)


def test_secrets_on_create_are_not_resent_but_missing_secrets_are(kibana, run):
    created = run("kibana_connector", **WEBHOOK)
    changed_secret = dict(WEBHOOK, secrets={"user": "kibana-bot", "password": "other-secret-value"})
    kibana.clear_log()
    assert not run("kibana_connector", **changed_secret)["changed"]
    assert kibana.writes() == []
    # as after a saved-object import: Kibana reports the secrets missing
    kibana.control("POST", "/connectors/%s/missing_secrets" % created["connector"]["id"])
    result = run("kibana_connector", **changed_secret)
    assert result["changed"] and not result["connector"]["is_missing_secrets"]
    stored = kibana.control("GET", "/connectors/%s/secrets" % created["connector"]["id"])
    assert stored["password"] == "other-secret-value"


def test_update_without_secrets_warns(kibana, run):
    created = run("kibana_connector", **WEBHOOK)
    connector_id = created["connector"]["id"]
    kibana.clear_log()
    result = run("kibana_connector", id=connector_id, config={"url": "https://other.example.com"})
    assert result["changed"]
    assert any("without secrets" in w for w in result.get("warnings", []))
    # what was sent: one PUT, no secrets to resend; Kibana's PUT overwrites them with {}
    puts = kibana.writes()
    assert [(w["method"], w["path"]) for w in puts] == [("PUT", "/api/actions/connector/" + connector_id)]
    assert puts[0]["body"]["config"]["url"] == "https://other.example.com"
    assert puts[0]["body"].get("secrets") in (None, {})
    assert kibana.control("GET", "/connectors/%s/secrets" % connector_id) == {}


def test_caller_chosen_id(kibana, run):
    connector_id = str(uuid.uuid4())
    task = dict(WEBHOOK, id=connector_id)
    assert run("kibana_connector", **task)["connector"]["id"] == connector_id
    assert [w["path"] for w in kibana.writes()] == ["/api/actions/connector/" + connector_id]
    kibana.clear_log()
    # found by id: a rename is an update, with one read before it
    renamed = run("kibana_connector", **dict(task, name="renamed-webhook"))
    assert renamed["changed"] and renamed["connector"]["name"] == "renamed-webhook"
    assert [r["method"] for r in kibana.requests()] == ["GET", "PUT", "GET"]


@pytest.mark.parametrize("version", ["8.15.0", "9.3.2", "9.4.0"])
def test_an_id_pinned_with_the_to_uuid_filter_works_on_every_version(kibana, run, version):
    # The documented way to pin an id: a v5 UUID from ansible.builtin.to_uuid (lowercase), which
    # fits Kibana's UUID rule before 9.4 and the slug rule from 9.4.
    kibana.config(kibana_version=version)
    connector_id = to_uuid_filter("ops-webhook")
    task = dict(WEBHOOK, id=connector_id)
    assert run("kibana_connector", **task)["connector"]["id"] == connector_id
    kibana.clear_log()
    again = run("kibana_connector", **task)
    assert not again["changed"] and kibana.writes() == []


def test_a_slug_id_before_9_4_reports_kibanas_message(kibana, run):
    kibana.config(kibana_version="9.3.2")
    result = run("kibana_connector", **dict(WEBHOOK, id="ops-webhook"))
    assert result.failed and result["status"] == 400
    assert "unless the ID is a UUID" in result["msg"]
    kibana.config(kibana_version="9.4.0")
    assert run("kibana_connector", **dict(WEBHOOK, id="ops-webhook"))["connector"]["id"] == \
        "ops-webhook"


def test_ambiguous_name_fails_with_the_ids(kibana, run):
    ids = [kibana.api("POST", "/api/actions/connector",
                      {"name": "twin", "connector_type_id": ".server-log"}).json()["id"]
           for _twin in range(2)]
    kibana.clear_log()
    result = run("kibana_connector", name="twin", connector_type_id=".server-log")
    assert result.failed
    assert "2 connectors match name='twin'" in result["msg"]
    for connector_id in ids:
        assert connector_id in result["msg"]
    assert kibana.writes() == []


def test_type_change_fails_unless_recreate(kibana, run):
    connector_id = str(uuid.uuid4())
    run("kibana_connector", id=connector_id, name="history", connector_type_id=".server-log")
    kibana.clear_log()
    task = dict(id=connector_id, name="history", connector_type_id=".index",
                config={"index": "alert-history"})
    failed = run("kibana_connector", **task)
    assert failed.failed and "connector_type_id" in failed["msg"] and "recreate" in failed["msg"]
    assert kibana.writes() == []
    checked = run("kibana_connector", check_mode=True, recreate=True, **task)
    assert checked["changed"] and kibana.writes() == []
    recreated = run("kibana_connector", recreate=True, **task)
    assert recreated["changed"] and recreated["connector"]["connector_type_id"] == ".index"
    assert recreated["connector"]["id"] == connector_id
    assert [w["method"] for w in kibana.writes()] == ["DELETE", "POST"]


def test_create_without_type_fails_naming_the_option(kibana, run):
    result = run("kibana_connector", name="new-one")
    assert result.failed and "connector_type_id is required" in result["msg"]
    assert kibana.writes() == []


@pytest.mark.parametrize("task,action", [
    ({"id": "my-slack1", "name": "renamed"}, "updated"),
    ({"id": "my-slack1", "state": "absent"}, "deleted"),
    ({"name": "Slack #xyz", "config": {"x": 1}}, "updated"),
])
def test_preconfigured_and_system_connectors_are_refused(kibana, run, task, action):
    result = run("kibana_connector", **task)
    assert result.failed
    assert "does not allow it to be %s" % action in result["msg"]
    assert kibana.writes() == []


def test_system_connectors_are_invisible_to_the_public_api(kibana, run):
    # Kibana answers 404 for a system connector (spaces_only/tests/actions/get.ts), so the
    # module sees nothing there: absent is a no-op, creating one is Kibana's 400.
    gone = run("kibana_connector", id="system-connector-.cases", state="absent")
    assert not gone.failed and not gone["changed"] and kibana.writes() == []
    task = dict(id="system-connector-.cases", name="x", connector_type_id=".cases")
    kibana.config(kibana_version="9.4.0")
    made = run("kibana_connector", **task)
    assert made.failed and made["status"] == 400  # 9.4: the id is no slug (it has a dot)
    assert "Connector ID must contain only lowercase letters" in made["msg"]
    kibana.config(kibana_version="9.3.2")
    made = run("kibana_connector", **task)
    assert made.failed and made["status"] == 400
    assert "already exists in a preconfigured action" in made["msg"]


def test_preconfigured_connector_unchanged_is_ok(kibana, run):
    result = run("kibana_connector", id="my-slack1", name="Slack #xyz")
    assert not result.failed and not result["changed"]
    assert result["connector"]["is_preconfigured"] is True
    assert kibana.writes() == []


# ------------------------------------------------------------------ errors


def test_kibana_400_reports_method_path_status_and_message(kibana, run):
    result = run("kibana_connector", name="bad-index", connector_type_id=".index", config={})
    assert result.failed
    assert re.match(r"^POST /api/actions/connector/[0-9a-f-]{36} returned HTTP 400: ", result["msg"])
    # Kibana's own words, whichever the version (action type before 9.3, connector type after)
    assert re.search(r"error validating (action|connector) type config: .*index", result["msg"],
                     re.S)
    assert result["status"] == 400 and result["method"] == "POST"
    assert "Traceback" not in json.dumps(result)


@pytest.mark.parametrize("options,paths", [
    ({"name": "  "}, "name must not be empty"),
    ({"config": {"index": "logs", "executionTimeField": " "}}, "config.executionTimeField"),
    ({"config": {"index": "logs", "extra": {"deep": ["ok", ""]}}}, "config.extra.deep[1]"),
    ({"secrets": {"token": "\t"}}, "secrets.token"),
])
def test_blank_strings_fail_alike_in_check_mode_before_any_request(kibana, run, options, paths):
    """Kibana refuses a blank string in the name, config or secrets (validateEmptyStrings,
    actions/common/validate_empty_strings.ts): check mode fails as the real run does, for a
    create and for an update, and nothing is requested."""
    body = dict({"name": "blank", "connector_type_id": ".index", "config": {"index": "logs"}},
                **options)
    resp = kibana.api("POST", "/api/actions/connector", body)  # the refusal the guard stands for
    assert resp.status_code == 400 and "value '' is not valid" in resp.json()["message"]
    existing = run("kibana_connector", name="blank", connector_type_id=".index",
                   config={"index": "logs"})
    assert not existing.failed, existing["msg"]
    for name in ("blank", "new-one"):  # update, create
        task = dict({"name": name, "connector_type_id": ".index", "config": {"index": "logs"}},
                    **options)
        kibana.clear_log()
        checked = run("kibana_connector", check_mode=True, **task)
        done = run("kibana_connector", **task)
        assert checked.failed and done.failed and done["msg"] == checked["msg"]
        assert paths in done["msg"]
        assert kibana.requests() == []


def test_409_on_an_id_used_in_another_space(kibana, run):
    connector_id = str(uuid.uuid4())
    run("kibana_connector", id=connector_id, name="one", connector_type_id=".server-log")
    result = run("kibana_connector", id=connector_id, name="one", connector_type_id=".server-log",
                 space_id="ops")
    assert result.failed and result["status"] == 409
    assert "Saved object [action/%s] conflict" % connector_id in result["msg"]


def test_404_for_a_space_that_does_not_exist(kibana, run):
    result = run("kibana_connector", name="x", connector_type_id=".server-log", space_id="nowhere")
    assert result.failed and result["status"] == 404
    assert "/s/nowhere/api/actions/connectors" in result["msg"]


def test_401_with_kibanas_message_and_no_password_in_output(kibana, conn):
    args = dict(conn, password="wrong-password-" + WEBHOOK_PASSWORD, name="x",
                connector_type_id=".server-log")
    result = run_module("kibana_connector", args)
    assert result.failed and result["status"] == 401
    assert "unable to authenticate user" in result["msg"]
    assert WEBHOOK_PASSWORD not in json.dumps(result)


@pytest.mark.parametrize("options,words", [
    ({"name": "x", "secrets_update": "sometimes"}, "secrets_update"),
    ({"connector_type_id": ".index"}, "one of the following is required: id, name"),
    ({"name": "x", "config": "not-a-dict"}, "config"),
    ({"name": "x", "state": "gone"}, "state"),
    ({"name": "x", "kibana_url": "kibana.example.com"}, "kibana_url must start with http"),
    ({"name": "x", "api_key": "an-api-key-value"}, "several authentication methods"),
    ({"name": "x", "username": None, "password": None}, "no credentials"),
    ({"name": "x", "request_timeout": "soon"}, "request_timeout"),
])
def test_bad_input_is_rejected_before_any_request(kibana, conn, options, words):
    args = dict(conn)
    args.update(options)
    args = {k: v for k, v in args.items() if v is not None}
    result = run_module("kibana_connector", args)
    assert result.failed and words in result["msg"]
    assert kibana.requests() == []


def test_connection_from_environment_variables(kibana):
    from tests.emulator.app import API_KEY, BEARER_TOKEN
    for variables in ({"KIBANA_ENDPOINT": kibana.url, "KIBANA_API_KEY": API_KEY},
                      {"KIBANA_URL": kibana.url, "KIBANA_BEARER_TOKEN": BEARER_TOKEN},
                      {"KIBANA_URL": kibana.url, "KIBANA_USERNAME": "elastic",
                       "KIBANA_PASSWORD": "changeme"}):
        with environ(**variables):
            result = run_module("kibana_connector",
                                {"name": "env-made", "connector_type_id": ".server-log"})
        assert not result.failed, result
    assert len([c for c in kibana.api("GET", "/api/actions/connectors").json()
                if c["name"] == "env-made"]) == 1


# ------------------------------------------------------------------ info


def test_info_by_id_name_type_and_all(kibana, run):
    hook = run("kibana_connector", **WEBHOOK)["connector"]
    run("kibana_connector", name="history", connector_type_id=".index", config={"index": "h"})
    run("kibana_connector", name="elsewhere", connector_type_id=".index", config={"index": "h"},
        space_id="ops")
    kibana.clear_log()
    by_id = run("kibana_connector_info", id=hook["id"])
    assert [c["name"] for c in by_id["connectors"]] == ["ops-webhook"] and not by_id["changed"]
    assert run("kibana_connector_info", id=str(uuid.uuid4()))["connectors"] == []
    assert [c["id"] for c in run("kibana_connector_info", name="ops-webhook")["connectors"]] == [hook["id"]]
    indexes = run("kibana_connector_info", connector_type_id=".index")["connectors"]
    assert [c["name"] for c in indexes] == ["history"]
    everything = run("kibana_connector_info")
    assert {"ops-webhook", "history", "Slack #xyz"} <= {c["name"] for c in everything["connectors"]}
    assert "elsewhere" not in {c["name"] for c in everything["connectors"]}
    in_ops = run("kibana_connector_info", space_id="ops")["connectors"]
    assert "elsewhere" in {c["name"] for c in in_ops}
    assert kibana.writes() == []
    for result in (by_id, everything):
        assert_no_secret(result)
        assert all("secrets" not in c for c in result["connectors"])


# ------------------------------------------------------------------ traps (../shared/traps.md)


def test_adopted_connector_with_extra_config_is_a_no_op(kibana, run):
    """Trap 1: a connector made elsewhere (the UI) with keys the task does not set is left
    alone; a later change keeps those keys."""
    made = kibana.api("POST", "/api/actions/connector", {
        "name": "ui-made", "connector_type_id": ".index",
        "config": {"index": "ui", "refresh": True, "executionTimeField": "@timestamp"}}).json()
    kibana.clear_log()
    result = run("kibana_connector", name="ui-made", config={"index": "ui"})
    assert not result["changed"] and kibana.writes() == []
    run("kibana_connector", name="ui-made", config={"index": "ui-2"})
    assert kibana.writes()[0]["body"]["config"] == {"index": "ui-2", "refresh": True,
                                                    "executionTimeField": "@timestamp"}
    assert kibana.writes()[0]["path"] == "/api/actions/connector/" + made["id"]


def test_false_is_a_value_not_unset(kibana, run):
    """Trap 2: refresh=false is compared and sent, not dropped."""
    run("kibana_connector", name="falsy", connector_type_id=".index",
        config={"index": "f", "refresh": True})
    kibana.clear_log()
    result = run("kibana_connector", name="falsy", config={"index": "f", "refresh": False})
    assert result["changed"] and result["connector"]["config"]["refresh"] is False
    assert kibana.writes()[0]["body"]["config"]["refresh"] is False
    kibana.clear_log()
    assert not run("kibana_connector", name="falsy", config={"refresh": False})["changed"]
    assert kibana.writes() == []


@pytest.mark.parametrize("kind, config, removed, kept", [
    # Kibana puts its default back for a removed key that has one (cases_webhook/schema.ts)
    (".cases-webhook", dict(CASES_WEBHOOK_CONFIG, createIncidentMethod="put"),
     "createIncidentMethod", "post"),
    # and stores nothing (null) for one without (es_index.ts executionTimeField)
    (".index", {"index": "f", "executionTimeField": "ts"}, "executionTimeField", None),
])
def test_a_config_key_set_to_none_is_removed_once(kibana, run, kind, config, removed, kept):
    """A key set to None is removed by one update, then ok: the update used to keep the stored
    value (a write on every run that changed nothing, reported as changed), and a key Kibana
    refills with its default compared unequal to None for ever (the Terraform provider's
    TestAccResourceKibanaConnectorCasesWebhook null_headers step drops createIncidentMethod)."""
    secrets = {"user": "cases-bot", "password": WEBHOOK_PASSWORD} if kind == ".cases-webhook" else {}
    task = dict(name="removal", connector_type_id=kind, secrets=secrets)
    run("kibana_connector", config=config, **task)
    kibana.clear_log()
    removal = dict(task, config=dict(config, **{removed: None}))
    result = run("kibana_connector", **removal)
    assert result["changed"] and not result.get("warnings"), result.get("warnings")
    assert removed not in kibana.writes()[0]["body"]["config"]
    assert result["connector"]["config"].get(removed) == kept
    kibana.clear_log()
    assert not run("kibana_connector", **removal)["changed"]
    assert kibana.writes() == []


def test_an_update_kibana_did_not_keep_is_reported(kibana, run):
    """Trap 5: Kibana answers 200 but keeps the old value: warn instead of a silent success."""
    run("kibana_connector", name="sticky", connector_type_id=".index", config={"index": "a"})
    kibana.fault(method="PUT", path="/api/actions/connector/", status=200,
                 body={"id": "sticky", "name": "sticky"})  # a connector, but the old one kept
    result = run("kibana_connector", name="sticky", config={"index": "b"})
    assert result["changed"]
    assert any("still differs at: config.index" in w for w in result["warnings"])


def test_a_connector_without_secrets_is_created_with_an_empty_secrets_object(kibana, run):
    """Trap 6: Kibana rejects secrets: null; an object is always sent."""
    run("kibana_connector", name="no-secrets", connector_type_id=".server-log")
    assert kibana.writes()[0]["body"]["secrets"] == {}


def test_secrets_never_leak_through_kibanas_error_message(kibana, run):
    """Kibana may quote a rejected value; neither the module nor the engine repeats it."""
    from ansible_collections.stackops.kibana.plugins.module_utils._client import (
        KibanaClient, authorization_header)
    from ansible_collections.stackops.kibana.plugins.module_utils._connectors import ConnectorResource
    from ansible_collections.stackops.kibana.plugins.module_utils._engine import ensure
    from ansible_collections.stackops.kibana.plugins.module_utils._errors import KibanaApiError
    message = ("error validating action type secrets: host in %s is not allowed, password %s"
               % ("https://hooks.example.com/" + WEBHOOK_PASSWORD, WEBHOOK_PASSWORD))
    kibana.fault(method="POST", path="/api/actions/connector", status=400, count=2,
                 body={"statusCode": 400, "error": "Bad Request", "message": message})
    result = run("kibana_connector", **WEBHOOK)
    assert result.failed and "error validating action type secrets" in result["msg"]
    assert_no_secret(result)
    # the engine alone (as in a future action plugin, without AnsibleModule's no_log filter)
    params = dict(WEBHOOK, id=None, secrets_update="on_create", recreate=False)
    client = KibanaClient(kibana.url, authorization_header("elastic", "changeme"))
    with pytest.raises(KibanaApiError) as err:
        ensure(ConnectorResource(client, params), "present", diff_mode=True)
    assert "error validating action type secrets" in str(err.value)
    assert WEBHOOK_PASSWORD not in str(err.value) and WEBHOOK_PASSWORD not in json.dumps(err.value.details)


def test_secret_options_are_no_log():
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import CONNECTION_ARGSPEC
    from ansible_collections.stackops.kibana.plugins.module_utils._connectors import CONNECTOR_OPTIONS
    spec = dict(CONNECTION_ARGSPEC, **CONNECTOR_OPTIONS)
    assert sorted(k for k, v in spec.items() if v.get("no_log")) == [
        "api_key", "bearer_token", "password", "secrets"]
    fallbacks = {k: v["fallback"][1] for k, v in CONNECTION_ARGSPEC.items() if "fallback" in v}
    assert fallbacks == {"kibana_url": ["KIBANA_ENDPOINT", "KIBANA_URL"],
                         "password": ["KIBANA_PASSWORD"]}
    # the authentication methods fall back as a whole (auth_from_environment)
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import AUTH_ENVIRONMENT
    assert AUTH_ENVIRONMENT == {"username": "KIBANA_USERNAME", "api_key": "KIBANA_API_KEY",
                                "bearer_token": "KIBANA_BEARER_TOKEN"}


def test_a_method_set_in_the_task_wins_over_the_environment(kibana, conn):
    from tests.emulator.app import API_KEY
    task = {"kibana_url": kibana.url, "name": "task-wins", "connector_type_id": ".server-log"}
    # basic credentials in the environment, an API key in the task: the task's key is used
    with environ(KIBANA_USERNAME="someone-else", KIBANA_PASSWORD="not-the-password"):
        result = run_module("kibana_connector", dict(task, api_key=API_KEY))
    assert not result.failed, result
    assert [w["method"] for w in kibana.writes()] == ["POST"]
    # two methods in the environment and none in the task: which one is meant is unclear
    kibana.clear_log()
    with environ(KIBANA_USERNAME="elastic", KIBANA_PASSWORD="changeme", KIBANA_API_KEY=API_KEY):
        result = run_module("kibana_connector", task)
    assert result.failed and "several authentication methods given (username, api_key)" in result["msg"]
    assert kibana.requests() == []


def test_a_secret_from_the_environment_never_reaches_the_output(kibana):
    secret_key = "environment-api-key-that-kibana-refuses-0123456789"
    with environ(KIBANA_URL=kibana.url, KIBANA_API_KEY=secret_key):
        result = run_module("kibana_connector", {"name": "x", "connector_type_id": ".server-log"})
    assert result.failed and result["status"] == 401
    assert secret_key not in json.dumps(result)


def test_an_unexpected_error_is_a_message_not_a_traceback(kibana, conn, monkeypatch):
    from ansible_collections.stackops.kibana.plugins.module_utils import _connectors

    def broken(*args, **kwargs):
        raise KeyError("connector_type_id")
    monkeypatch.setattr(_connectors.ConnectorResource, "read", broken)
    result = run_module("kibana_connector", dict(conn, id="some-id", name="x"))
    assert result.failed
    assert result["msg"] == "unexpected error (KeyError): 'connector_type_id'"
    assert "Traceback" not in result["msg"]
