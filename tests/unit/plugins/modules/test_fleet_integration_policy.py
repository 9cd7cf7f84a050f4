"""fleet_integration_policy and fleet_integration_policy_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import uuid

import pytest

POLICIES = "/api/fleet/package_policies"
SPLUNK_PASSWORD = "splunk-" + uuid.uuid4().hex


def writes(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


def revision(kibana, policy_id, space=None):
    return kibana.api("GET", "/api/fleet/agent_policies/" + policy_id, space=space).json()["item"][
        "revision"]


def setup_fleet(kibana, run, space="default"):
    """The system package installed at 1.64.1 and two agent policies in the space."""
    run("fleet_integration", space_id=space, name="system", version="1.64.1", force=True)
    first = run("fleet_agent_policy", space_id=space, name="linux-%s" % space, namespace="default")
    second = run("fleet_agent_policy", space_id=space, name="edge-%s" % space, namespace="default")
    kibana.clear_log()
    return first["agent_policy"]["id"], second["agent_policy"]["id"]


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    prefix = "" if space == "default" else "/s/ops"
    linux, edge = setup_fleet(kibana, run, space)
    task = dict(space_id=space, name="system-hosts", package="system",
                agent_policies=["linux-%s" % space], namespace="prod",
                description="System logs and metrics",
                inputs={"system-logfile": {"streams": {"system.auth": {
                    "vars": {"paths": ["/var/log/auth.log"]}}}},
                    "system-winlog": {"enabled": False}})

    # create: predicted, then one POST; the package version is the installed one
    checked = run("fleet_integration_policy", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["integration_policy"]["package"]["version"] == "1.64.1"
    created = run("fleet_integration_policy", diff=True, **task)
    assert created["changed"]
    assert writes(kibana) == [("POST", prefix + POLICIES)]
    body = kibana.writes()[0]["body"]
    assert body["package"] == {"name": "system", "version": "1.64.1"}
    assert body["policy_ids"] == [linux]
    policy = created["integration_policy"]
    # Fleet filled the defaults the user did not set
    streams = policy["inputs"]["system-logfile"]["streams"]
    assert streams["system.auth"]["vars"] == {"ignore_older": "72h", "paths": ["/var/log/auth.log"]}
    assert streams["system.syslog"]["vars"]["paths"][0] == "/var/log/messages*"
    assert policy["inputs"]["system-winlog"]["enabled"] is False
    assert revision(kibana, linux, space) == 2

    # the same again: no write, in both modes (two reads: the policy and the installed version)
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("fleet_integration_policy", check_mode=check_mode, diff=True, **task)
        assert not again["changed"] and again["diff"] == {"before": {}, "after": {}}
        assert kibana.writes() == [] and len(kibana.requests()) <= 4
    assert revision(kibana, linux, space) == 2
    # pinned to the installed version: the same, with fewer reads
    kibana.clear_log()
    assert not run("fleet_integration_policy", package_version="1.64.1", **task)["changed"]
    assert kibana.writes() == []

    # each kind of field: a stream var, an input's enabled, a plain field, the agent policies
    for change, check in [
            ({"inputs": {"system-logfile": {"streams": {"system.auth": {
                "vars": {"paths": ["/var/log/secure"]}}}}}},
             lambda p: p["inputs"]["system-logfile"]["streams"]["system.auth"]["vars"]["paths"]
             == ["/var/log/secure"]),
            ({"inputs": {"system-winlog": {"enabled": True}}},
             lambda p: p["inputs"]["system-winlog"]["enabled"] is True),
            ({"description": "Changed"}, lambda p: p["description"] == "Changed"),
            ({"agent_policies": ["linux-%s" % space, "edge-%s" % space]},
             lambda p: sorted(p["policy_ids"]) == sorted([linux, edge])),
    ]:
        task = dict(task, **change)
        kibana.clear_log()
        predicted = run("fleet_integration_policy", check_mode=True, diff=True, **task)
        assert predicted["changed"] and kibana.writes() == []
        updated = run("fleet_integration_policy", diff=True, **task)
        assert updated["changed"] and updated["operations"] == ["update"]
        assert updated["diff"]["after"] == predicted["diff"]["after"]
        assert writes(kibana) == [("PUT", "%s%s/%s" % (prefix, POLICIES, policy["id"]))]
        put = kibana.writes()[0]["body"]
        # the update carries every input (Fleet rebuilds the policy from the defaults)
        assert set(put["inputs"]) == set(policy["inputs"])
        assert check(updated["integration_policy"])
        # earlier changes are kept
        assert updated["integration_policy"]["namespace"] == "prod"
        kibana.clear_log()
        assert not run("fleet_integration_policy", **task)["changed"] and kibana.writes() == []
    assert revision(kibana, edge, space) == 2

    # the installed package is upgraded: the policy follows on the next run
    run("fleet_integration", space_id=space, name="system", version="latest")
    kibana.clear_log()
    upgraded = run("fleet_integration_policy", diff=True, **task)
    assert upgraded["changed"] and upgraded["integration_policy"]["package"]["version"] == "1.68.0"
    assert upgraded["diff"]["after"]["package"] == {"version": "1.68.0"}

    # absent: check mode, real, again
    kibana.clear_log()
    gone = run("fleet_integration_policy", check_mode=True, diff=True, state="absent", **task)
    assert gone["changed"] and kibana.writes() == [] and gone["diff"]["after"] == {}
    before = revision(kibana, linux, space)
    assert run("fleet_integration_policy", state="absent", **task)["changed"]
    assert writes(kibana) == [("DELETE", "%s%s/%s" % (prefix, POLICIES, policy["id"]))]
    assert revision(kibana, linux, space) == before + 1
    kibana.clear_log()
    for check_mode in (True, False):
        assert not run("fleet_integration_policy", check_mode=check_mode, state="absent",
                       **task)["changed"]
    assert kibana.writes() == []


def test_secret_vars_are_sent_on_create_and_never_compared(kibana, run):
    linux, _edge = setup_fleet(kibana, run)
    task = dict(name="splunk", package="system", agent_policy_ids=[linux],
                inputs={"system-httpjson": {"enabled": True,
                                            "vars": {"url": "https://splunk.example.com:8089"}}},
                secrets={"inputs": {"system-httpjson": {"vars": {"password": SPLUNK_PASSWORD}}}})
    checked = run("fleet_integration_policy", check_mode=True, diff=True, **task)
    created = run("fleet_integration_policy", diff=True, **task)
    assert created["changed"]
    for result in (checked, created):
        assert SPLUNK_PASSWORD not in json.dumps(result)
    assert created["diff"]["after"]["secrets"] == {"inputs": "********"}
    sent = kibana.writes()[0]["body"]["inputs"]["system-httpjson"]["vars"]
    assert sent["password"] == SPLUNK_PASSWORD and sent["url"] == "https://splunk.example.com:8089"
    ref = created["integration_policy"]["inputs"]["system-httpjson"]["vars"]["password"]
    assert ref["isSecretRef"] is True
    assert kibana.control("GET", "/fleet/secrets/" + ref["id"])["value"] == SPLUNK_PASSWORD

    # unchanged: the secret is not compared and not re-sent
    kibana.clear_log()
    assert not run("fleet_integration_policy", **task)["changed"] and kibana.writes() == []
    # another change: the stored reference goes back, the secret stays
    updated = run("fleet_integration_policy", **dict(task, description="x"))
    assert updated["changed"]
    put = kibana.writes()[0]["body"]["inputs"]["system-httpjson"]["vars"]["password"]
    assert put == ref
    assert kibana.control("GET", "/fleet/secrets/" + ref["id"])["value"] == SPLUNK_PASSWORD
    # rotation: always sends it, and reports a change
    kibana.clear_log()
    rotated = dict(task, description="x", secrets_update="always",
                   secrets={"inputs": {"system-httpjson": {"vars": {"password": "new-" + SPLUNK_PASSWORD}}}})
    result = run("fleet_integration_policy", **rotated)
    assert result["changed"] and "new-" + SPLUNK_PASSWORD not in json.dumps(result)
    new_ref = result["integration_policy"]["inputs"]["system-httpjson"]["vars"]["password"]
    assert kibana.control("GET", "/fleet/secrets/" + new_ref["id"])["value"] == "new-" + SPLUNK_PASSWORD

    # a secret var given in the clear is refused before any write
    kibana.clear_log()
    plain = dict(task, inputs={"system-httpjson": {"vars": {"token": "t0ken"}}}, secrets=None)
    refused = run("fleet_integration_policy", **plain)
    assert refused.failed and "inputs.system-httpjson.vars.token" in refused["msg"]
    assert "secrets" in refused["msg"] and kibana.writes() == []


def test_fleet_refusals_reach_the_user(kibana, run):
    linux, _edge = setup_fleet(kibana, run)
    base = dict(package="system", agent_policy_ids=[linux])
    wrong_type = run("fleet_integration_policy", name="bad-type", inputs={
        "system-logfile": {"streams": {"system.auth": {"vars": {"paths": "/var/log/x"}}}}}, **base)
    assert wrong_type.failed and "Package policy is invalid" in wrong_type["msg"]
    assert "paths" in wrong_type["msg"]
    unknown = run("fleet_integration_policy", name="bad-input", inputs={"system-nope": {}}, **base)
    assert unknown.failed and "Input not found: system-nope" in unknown["msg"]
    no_var = run("fleet_integration_policy", name="bad-var", inputs={
        "system-logfile": {"vars": {"nope": 1}}}, **base)
    assert no_var.failed and "nope" in no_var["msg"]
    version = run("fleet_integration_policy", name="bad-version", package_version="0.0.1", **base)
    assert version.failed and "0.0.1" in version["msg"]
    not_installed = run("fleet_integration_policy", name="osq", package="osquery_manager",
                        agent_policy_ids=[linux])
    assert not_installed.failed and "fleet_integration" in not_installed["msg"]
    # names are unique per space: found by name, so a second task of the same name updates
    run("fleet_integration_policy", name="dup", **base)
    again = run("fleet_integration_policy", name="dup", description="same one", **base)
    assert again["changed"] and again["operations"] == ["update"]
    assert kibana.api("GET", POLICIES).json()["total"] == 1


def test_name_is_unique_per_space_in_fleet(kibana):
    """Fleet's 409 for a second package policy of the same name in the space."""
    pid = kibana.api("POST", "/api/fleet/agent_policies", {"name": "p", "namespace": "default"}
                     ).json()["item"]["id"]
    body = {"name": "same", "policy_ids": [pid], "package": {"name": "log", "version": "2.4.0"},
            "inputs": {"logs-logfile": {"streams": {"log.log": {"vars": {"paths": ["/x"]}}}}}}
    assert kibana.api("POST", POLICIES, body).status_code == 200
    resp = kibana.api("POST", POLICIES, body)
    assert resp.status_code == 409 and "already exists" in resp.json()["message"]


@pytest.mark.parametrize("options, option", [
    ({"id": "../../agent_policies/x"}, "id"),
    ({"package": "System"}, "package"),
    ({"package_version": "latest"}, "package_version"),
    ({"namespace": "Prod-1"}, "namespace"),
    ({"agent_policies": [""]}, "agent_policies"),
    ({"inputs": {"system-logfile": {"enabeld": True}}}, "inputs.system-logfile"),
    ({"inputs": {"system-logfile": {"enabled": "yes"}}}, "inputs.system-logfile.enabled"),
    ({"inputs": {"system-logfile": {"streams": {"system.auth": {"vars": {"paths": {"a": 1}}}}}}},
     "inputs.system-logfile.streams.system.auth.vars.paths"),
    ({"vars": {"x": [1, "a"]}}, "vars.x"),
    ({"secrets": {"password": "x"}}, "secrets"),
    ({"inputs": {"system-httpjson": {"vars": {"password": "a"}}},
      "secrets": {"inputs": {"system-httpjson": {"vars": {"password": "b"}}}}},
     "inputs.system-httpjson.vars.password"),
])
def test_bad_input_is_refused_before_any_request(kibana, run, options, option):
    task = dict(name="x", package="system")
    task.update(options)
    result = run("fleet_integration_policy", **task)
    assert result.failed and option in result["msg"]
    assert kibana.requests() == []


def test_unknown_agent_policy_name_fails_before_any_write(kibana, run):
    setup_fleet(kibana, run)
    result = run("fleet_integration_policy", name="x", package="system", agent_policies=["nope"])
    assert result.failed and "agent_policies" in result["msg"] and "nope" in result["msg"]
    assert kibana.writes() == []


def test_osquery_pack_on_a_policy_given_osquery_manager_by_the_module(kibana, run):
    """The osquery pack family accepts the agent policy once the integration is attached."""
    run("fleet_integration", name="osquery_manager")
    run("fleet_agent_policy", name="servers", namespace="default")
    pack = dict(name="uptime", queries={"uptime": {"query": "SELECT * FROM uptime;"}},
                policies=["servers"])
    refused = run("osquery_pack", **pack)
    assert refused.failed and "Osquery Manager" in refused["msg"]
    run("fleet_integration_policy", name="osquery-servers", package="osquery_manager",
        agent_policies=["servers"])
    created = run("osquery_pack", **pack)
    assert created["changed"] and len(created["pack"]["policy_ids"]) == 1


def test_info(kibana, run):
    linux, edge = setup_fleet(kibana, run)
    run("fleet_integration_policy", name="a", package="system", agent_policy_ids=[linux])
    run("fleet_integration_policy", name="b", package="system", agent_policy_ids=[edge])
    every = run("fleet_integration_policy_info")["integration_policies"]
    assert sorted(p["name"] for p in every) == ["a", "b"]
    assert [p["name"] for p in run("fleet_integration_policy_info", agent_policy_id=edge)[
        "integration_policies"]] == ["b"]
    one = run("fleet_integration_policy_info", name="a")["integration_policies"]
    assert one[0]["inputs"]["system-logfile"]["enabled"] is True
    by_id = run("fleet_integration_policy_info", id=one[0]["id"])["integration_policies"]
    assert by_id == one
    assert run("fleet_integration_policy_info", id="nope")["integration_policies"] == []
    assert run("fleet_integration_policy_info", package="log")["integration_policies"] == []


@pytest.mark.parametrize("body", [{}, {"item": []}, {"item": {"id": "x", "inputs": []}}])
def test_odd_answers_are_clear_failures(kibana, run, body):
    linux, _edge = setup_fleet(kibana, run)
    created = run("fleet_integration_policy", name="a", package="system", agent_policy_ids=[linux])
    kibana.clear_log()
    kibana.fault(method="GET", path="^/api/fleet/package_policies/", status=200, body=body)
    result = run("fleet_integration_policy", id=created["integration_policy"]["id"],
                 description="changed")
    assert result.failed and "Traceback" not in result["msg"]
    assert kibana.writes() == []


def test_a_name_fleet_would_trim_is_refused(kibana, run):
    """Fleet stores package policy names trimmed (apis/package_policy/create.ts "should trim
    whitespace from policy name"): such a name would never be found again, and the second run
    would hit the 409 of the name now taken."""
    linux, _edge = setup_fleet(kibana, run)
    result = run("fleet_integration_policy", name="  spaced  ", package="system",
                 agent_policy_ids=[linux])
    assert result.failed and "name" in result["msg"] and "whitespace" in result["msg"]
    assert kibana.requests() == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_hosted_agent_policies_are_refused_as_fleet_refuses_them(kibana, run, check_mode):
    """Fleet refuses to add an integration to a hosted (is_managed) agent policy, or to remove
    one from it, without force (apis/package_policy/create.ts "can only add to hosted agent
    policies using the force parameter", delete.ts "should fail on hosted agent policies"):
    check mode fails as the real run does, and nothing is written."""
    linux, _edge = setup_fleet(kibana, run)
    hosted = kibana.api("POST", "/api/fleet/agent_policies", {
        "name": "hosted", "namespace": "default", "is_managed": True}).json()["item"]["id"]
    kibana.clear_log()
    added = run("fleet_integration_policy", check_mode=check_mode, name="sys", package="system",
                agent_policy_ids=[hosted])
    assert added.failed and "hosted" in added["msg"] and hosted in added["msg"]
    assert "agent_policy_ids" in added["msg"] and kibana.writes() == []
    # an integration policy that was on a regular policy made hosted afterwards
    run("fleet_integration_policy", name="sys", package="system", agent_policy_ids=[linux])
    kibana.api("PUT", "/api/fleet/agent_policies/%s" % linux,
               {"name": "linux-default", "namespace": "default", "is_managed": True})
    kibana.clear_log()
    removed = run("fleet_integration_policy", check_mode=check_mode, name="sys", state="absent")
    assert removed.failed and "Cannot remove integrations of hosted agent policy" in removed["msg"]
    assert kibana.writes() == []
