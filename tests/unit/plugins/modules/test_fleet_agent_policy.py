"""fleet_agent_policy and fleet_agent_policy_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.stackops.kibana.plugins.module_utils import _fleet_agent_policies as family

POLICIES = "/api/fleet/agent_policies"
TWO_WEEKS = 1209600
READ_ONLY = {"revision", "status", "updated_at", "updated_by", "agents", "package_policies",
             "is_preconfigured", "version", "schema_version", "unprivileged_agents", "fips_agents",
             "id"}
# Elasticsearch's own wording for a create conflict: "already exists" here is not a name clash.
CONCURRENT_WRITE = {"statusCode": 409, "error": "Conflict",
                    "message": "version conflict, document already exists (current version [3])"}


@pytest.fixture(autouse=True)
def pauses(monkeypatch):
    """The 409 backoff waits, recorded instead of slept."""
    waited = []
    monkeypatch.setattr(family, "pause", waited.append)
    return waited


def stored(kibana, policy_id, space=None):
    resp = kibana.api("GET", "%s/%s" % (POLICIES, policy_id), space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()["item"]


def exists(kibana, policy_id, space=None):
    return kibana.api("GET", "%s/%s" % (POLICIES, policy_id), space=space).status_code == 200


def create(kibana, space=None, params=None, **fields):
    """A policy made directly through the API (the request log is cleared after it)."""
    body = {"namespace": "default"}
    body.update(fields)
    resp = kibana.api("POST", POLICIES, body, params=params, space=space)
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    return resp.json()["item"]


def seed(kibana, **policy):
    return kibana.control("POST", "/fleet/agent_policies", policy)["item"]


def enroll(kibana, policy_id, count):
    kibana.control("POST", "/fleet/agent_policies/%s/agents" % policy_id, {"count": count})


def attach(kibana, policy_id, package):
    kibana.control("POST", "/fleet/agent_policies/%s/package_policies" % policy_id,
                   {"package": package})


def sent(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


# ------------------------------------------------------------------ life cycle


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    task = dict(name="Linux servers", namespace="prod", description="Every Linux server",
                monitoring=["logs", "metrics"], inactivity_timeout="90m", space_id=space)
    prefix = "" if space == "default" else "/s/ops"

    # create, predicted in check mode first
    checked = run("fleet_agent_policy", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["agent_policy"]["inactivity_timeout"] == 5400
    assert checked["agent_policy"]["monitoring_enabled"] == ["logs", "metrics"]
    assert checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["namespace"] == "prod"
    created = run("fleet_agent_policy", diff=True, **task)
    assert created["changed"] and not created.failed
    policy_id = created["agent_policy"]["id"]
    writes = kibana.writes()
    assert [(w["method"], w["path"]) for w in writes] == [("POST", prefix + POLICIES)]
    assert writes[0]["body"] == {"id": policy_id, "name": "Linux servers", "namespace": "prod",
                                 "description": "Every Linux server",
                                 "monitoring_enabled": ["logs", "metrics"],
                                 "inactivity_timeout": 5400}
    assert created["diff"]["after"]["description"] == "Every Linux server"
    assert stored(kibana, policy_id, space)["revision"] == 1

    # the same again: nothing to do, in check mode and for real, one read, no new revision
    for check_mode in (True, False):
        kibana.clear_log()
        again = run("fleet_agent_policy", check_mode=check_mode, diff=True, **task)
        assert not again["changed"]
        assert again["diff"] == {"before": {}, "after": {}}
        assert kibana.writes() == []
        assert len(kibana.requests()) == 1
        assert "agents_reached" not in again
    assert stored(kibana, policy_id, space)["revision"] == 1

    # update: check mode predicts, the real run sends one PUT with name, namespace and the
    # current timeout (an omitted one would reset to two weeks)
    update = dict(task, description="Linux servers in production")
    kibana.clear_log()
    predicted = run("fleet_agent_policy", check_mode=True, diff=True, **update)
    assert predicted["changed"] and kibana.writes() == []
    assert predicted["diff"] == {"before": {"description": "Every Linux server"},
                                 "after": {"description": "Linux servers in production"}}
    assert predicted["agent_policy"]["revision"] == 2
    assert predicted["agents_reached"] == 0
    updated = run("fleet_agent_policy", diff=True, **update)
    assert updated["changed"] and updated["operations"] == ["update"]
    assert updated["diff"] == predicted["diff"]
    puts = kibana.writes()
    assert [(w["method"], w["path"]) for w in puts] == [
        ("PUT", "%s%s/%s" % (prefix, POLICIES, policy_id))]
    assert puts[0]["body"] == {"name": "Linux servers", "namespace": "prod",
                               "inactivity_timeout": 5400,
                               "description": "Linux servers in production"}
    after = stored(kibana, policy_id, space)
    assert (after["revision"], after["inactivity_timeout"]) == (2, 5400)
    assert updated["agent_policy"]["revision"] == 2

    # absent: check mode, real, and again
    kibana.clear_log()
    gone = run("fleet_agent_policy", check_mode=True, diff=True, state="absent", **update)
    assert gone["changed"] and kibana.writes() == []
    assert gone["diff"]["after"] == {} and gone["diff"]["before"]["id"] == policy_id
    assert gone["agents_reached"] == 0
    assert run("fleet_agent_policy", state="absent", **update)["changed"]
    writes = kibana.writes()
    assert [(w["method"], w["path"]) for w in writes] == [("POST", prefix + POLICIES + "/delete")]
    assert writes[0]["body"] == {"agentPolicyId": policy_id}
    assert not exists(kibana, policy_id, space)
    kibana.clear_log()
    assert not run("fleet_agent_policy", state="absent", **update)["changed"]
    assert not run("fleet_agent_policy", check_mode=True, state="absent", **update)["changed"]
    assert kibana.writes() == []


EVERY_OPTION = dict(
    name="Everything", namespace="prod", description="All the options",
    monitoring=["metrics", "logs"], data_output_id="es-out", monitoring_output_id="monitoring-out",
    fleet_server_host_id="fleet-host", download_source_id="artifacts", inactivity_timeout="2w",
    unenroll_timeout="30d", is_protected=False, host_name_format="fqdn",
    global_data_tags=[{"name": "team", "value": "platform"}, {"name": "tier", "value": 1}],
    advanced_settings={"agent_logging_level": "debug", "agent_limits_go_max_procs": 2},
    monitoring_http={"enabled": True, "port": 6792, "buffer": {"enabled": True}},
    monitoring_diagnostics={"limit": {"interval": "1m", "burst": 3},
                            "uploader": {"max_retries": 5, "init_dur": "1s", "max_dur": "10m"}},
    required_versions=[{"version": "9.1.0", "percentage": 50}],
    supports_agentless=False, keep_monitoring_alive=True,
    overrides={"agent": {"download": {"timeout": "2h"}}}, sys_monitoring=True,
    space_ids=["default", "ops"],
)


def every_option(kibana):
    """EVERY_OPTION the emulated Kibana knows: space_ids and required_versions are 9.1
    (test_9_1_options_are_refused_before_any_write_on_8x)."""
    if kibana.at_least("9.1"):
        return dict(EVERY_OPTION)
    return dict((k, v) for k, v in EVERY_OPTION.items()
                if k not in ("space_ids", "required_versions"))


def test_second_run_of_every_option_sends_nothing(kibana, run):
    options = every_option(kibana)
    created = run("fleet_agent_policy", **options)
    assert created["changed"] and not created.failed, created
    policy_id = created["agent_policy"]["id"]
    body = kibana.writes()[0]
    assert body["query"] == {"sys_monitoring": "true"}
    assert body["body"]["unenroll_timeout"] == 2592000
    assert body["body"]["agent_features"] == [{"name": "fqdn", "enabled": True}]
    if kibana.at_least("9.1"):
        assert body["body"]["required_versions"] == [{"version": "9.1.0", "percentage": 50}]
    assert "is_protected" not in body["body"] and "sys_monitoring" not in body["body"]
    revision = stored(kibana, policy_id)["revision"]

    kibana.clear_log()
    again = run("fleet_agent_policy", diff=True, **options)
    assert not again["changed"], again["diff"]
    assert kibana.writes() == [] and len(kibana.requests()) == 1
    assert stored(kibana, policy_id)["revision"] == revision
    assert stored(kibana, policy_id, "ops")["id"] == policy_id

    # one changed nested key: the PUT carries no read-only field and keeps the other keys
    kibana.clear_log()
    changed = run("fleet_agent_policy", **dict(options, monitoring_http={"enabled": True,
                                                                         "port": 6793}))
    assert changed["changed"]
    (put,) = kibana.writes()
    assert not READ_ONLY & set(put["body"])
    assert put["body"] == {"name": "Everything", "namespace": "prod",
                           "inactivity_timeout": TWO_WEEKS,
                           "monitoring_http": {"enabled": True, "host": "localhost", "port": 6793,
                                               "buffer": {"enabled": True}}}


def test_options_of_the_9_4_schema_round_trip_and_stay_idempotent(kibana, run):
    # models/agent_policy.ts (AgentPolicyBaseSchema): monitoring_pprof_enabled, agent_features,
    # agentless.resources.requests and an optional monitoring_http.enabled; Terraform's
    # advanced_monitoring_options.http_monitoring_endpoint.pprof_enabled maps to the first.
    task = dict(name="Profiled", namespace="default", monitoring_pprof_enabled=True,
                monitoring_http={"port": 6795},
                agent_features=[{"name": "fqdn", "enabled": True},
                                {"name": "beta", "enabled": False}],
                agentless={"resources": {"requests": {"memory": "512Mi", "cpu": "500m"}}})
    created = run("fleet_agent_policy", **task)
    assert created["changed"] and not created.failed, created.get("msg")
    [post] = kibana.writes()
    assert post["body"]["monitoring_pprof_enabled"] is True
    assert post["body"]["agentless"] == task["agentless"]
    assert post["body"]["monitoring_http"] == {"port": 6795}
    policy = stored(kibana, created["agent_policy"]["id"])
    assert policy["monitoring_pprof_enabled"] is True
    assert sorted(f["name"] for f in policy["agent_features"]) == ["beta", "fqdn"]
    assert policy["agentless"] == task["agentless"]
    kibana.clear_log()
    reordered = dict(task, agent_features=list(reversed(task["agent_features"])))
    for check_mode in (True, False):
        again = run("fleet_agent_policy", check_mode=check_mode, **reordered)
        assert not again["changed"] and kibana.writes() == []
    # one flag off: the PUT carries it and the complete feature set
    changed = run("fleet_agent_policy", diff=True, **dict(
        task, monitoring_pprof_enabled=False, agent_features=[{"name": "fqdn", "enabled": True}]))
    assert changed["changed"]
    [put] = kibana.writes()
    assert put["body"]["monitoring_pprof_enabled"] is False
    assert put["body"]["agent_features"] == [{"name": "fqdn", "enabled": True}]
    assert stored(kibana, created["agent_policy"]["id"])["agent_features"] == \
        [{"name": "fqdn", "enabled": True}]


@pytest.mark.parametrize("timeout", ["2w", "14d", 1209600, "1209600", "336h"])
def test_two_weeks_given_any_way_is_kibanas_default(kibana, run, timeout):
    run("fleet_agent_policy", name="defaults", namespace="default")
    kibana.clear_log()
    result = run("fleet_agent_policy", name="defaults", namespace="default",
                 inactivity_timeout=timeout)
    assert not result["changed"] and kibana.writes() == []
    assert result["agent_policy"]["inactivity_timeout"] == TWO_WEEKS


def test_durations_are_sent_in_seconds(kibana, run):
    run("fleet_agent_policy", name="timeouts", namespace="default", inactivity_timeout="1h30m",
        unenroll_timeout=600)
    assert kibana.writes()[0]["body"]["inactivity_timeout"] == 5400
    assert kibana.writes()[0]["body"]["unenroll_timeout"] == 600
    kibana.clear_log()
    result = run("fleet_agent_policy", name="timeouts", inactivity_timeout="1w")
    assert result["changed"]
    assert kibana.writes()[0]["body"]["inactivity_timeout"] == 604800


def test_clearing_an_output_sends_null_and_omitting_it_keeps_it(kibana, run):
    task = dict(name="outputs", namespace="default", data_output_id="es-out")
    policy_id = run("fleet_agent_policy", **task)["agent_policy"]["id"]
    kibana.clear_log()
    assert not run("fleet_agent_policy", name="outputs", description="")["changed"]
    assert kibana.writes() == []
    cleared = run("fleet_agent_policy", diff=True, name="outputs", data_output_id="")
    assert cleared["changed"]
    (put,) = kibana.writes()
    assert "data_output_id" in put["body"] and put["body"]["data_output_id"] is None
    assert stored(kibana, policy_id).get("data_output_id") is None
    assert cleared["diff"]["before"] == {"data_output_id": "es-out"}
    kibana.clear_log()
    assert not run("fleet_agent_policy", name="outputs", data_output_id="")["changed"]
    assert kibana.writes() == []


def test_host_name_format_keeps_the_other_agent_features(kibana, run):
    policy = create(kibana, name="features",
                    agent_features=[{"name": "some_feature", "enabled": True}])
    assert not run("fleet_agent_policy", name="features", host_name_format="hostname")["changed"]
    assert kibana.writes() == []
    fqdn = run("fleet_agent_policy", name="features", host_name_format="fqdn")
    assert fqdn["changed"]
    assert kibana.writes()[0]["body"]["agent_features"] == [
        {"name": "some_feature", "enabled": True}, {"name": "fqdn", "enabled": True}]
    kibana.clear_log()
    assert not run("fleet_agent_policy", name="features", host_name_format="fqdn")["changed"]
    assert run("fleet_agent_policy", name="features", host_name_format="hostname")["changed"]
    assert stored(kibana, policy["id"])["agent_features"] == [
        {"name": "some_feature", "enabled": True}, {"name": "fqdn", "enabled": False}]
    kibana.clear_log()
    assert not run("fleet_agent_policy", name="features", host_name_format="hostname")["changed"]
    assert kibana.writes() == []


def test_lists_compare_in_any_order(kibana, run):
    task = dict(name="orders", namespace="default", monitoring=["logs", "metrics"],
                global_data_tags=[{"name": "a", "value": "1"}, {"name": "b", "value": 2}])
    run("fleet_agent_policy", **task)
    kibana.clear_log()
    reordered = dict(task, monitoring=["metrics", "logs"],
                     global_data_tags=[{"name": "b", "value": 2}, {"name": "a", "value": "1"}])
    assert not run("fleet_agent_policy", **reordered)["changed"]
    assert kibana.writes() == []
    # a tag value of another type is a change ("1" is not 1)
    assert run("fleet_agent_policy", **dict(task, global_data_tags=[
        {"name": "a", "value": 1}, {"name": "b", "value": 2}]))["changed"]


def test_caller_chosen_id_and_rename(kibana, run):
    created = run("fleet_agent_policy", id="linux-servers", name="Linux", namespace="default")
    assert created["agent_policy"]["id"] == "linux-servers"
    assert kibana.writes()[0]["body"]["id"] == "linux-servers"
    kibana.clear_log()
    renamed = run("fleet_agent_policy", id="linux-servers", name="Linux servers")
    assert renamed["changed"] and renamed["agent_policy"]["name"] == "Linux servers"
    # a rename reads once more: is the new name free (Fleet refuses a taken one with 409)?
    assert [r["method"] for r in kibana.requests()] == ["GET", "GET", "PUT", "GET"]


def test_create_needs_name_and_namespace(kibana, run):
    result = run("fleet_agent_policy", id="nowhere-yet", name="x")
    assert result.failed and "namespace is required to create the agent policy" in result["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ traps 7 and 8


def test_changes_are_updates_never_a_delete_and_recreate(kibana, run):
    """Trap 7: a new id would strand the enrolled agents."""
    policy = create(kibana, id="fleet-hosts", name="hosts")
    enroll(kibana, "fleet-hosts", 5)
    result = run("fleet_agent_policy", id="fleet-hosts", name="renamed hosts", namespace="other",
                 monitoring=[], inactivity_timeout="1d", host_name_format="fqdn")
    assert result["changed"] and result["agent_policy"]["id"] == policy["id"]
    assert sent(kibana) == [("PUT", POLICIES + "/fleet-hosts")]
    assert stored(kibana, "fleet-hosts")["agents"] == 5


def test_sys_monitoring_is_create_only_and_never_recreates(kibana, run):
    create(kibana, name="bare")
    kibana.clear_log()
    result = run("fleet_agent_policy", name="bare", namespace="default", sys_monitoring=True)
    assert result.failed and "sys_monitoring cannot be changed" in result["msg"]
    assert "never deleted and recreated" in result["msg"]
    assert kibana.writes() == []
    run("fleet_agent_policy", name="monitored", namespace="default", sys_monitoring=True)
    kibana.clear_log()
    assert not run("fleet_agent_policy", name="monitored", sys_monitoring=True)["changed"]
    assert run("fleet_agent_policy", name="monitored", sys_monitoring=False).failed
    assert kibana.writes() == []


def test_no_op_runs_leave_the_revision_and_report_the_agents_reached(kibana, run):
    """Trap 8: each revision is pushed to every enrolled agent."""
    policy = create(kibana, name="busy", description="d")
    enroll(kibana, policy["id"], 7)
    for _run in range(3):
        assert not run("fleet_agent_policy", name="busy", namespace="default",
                       description="d")["changed"]
    assert kibana.writes() == [] and stored(kibana, policy["id"])["revision"] == 1
    preview = run("fleet_agent_policy", check_mode=True, diff=True, name="busy",
                  description="new")
    assert preview["changed"] and preview["agents_reached"] == 7
    assert kibana.writes() == []
    # the count is part of the diff: without diff mode it is not reported
    assert "agents_reached" not in run("fleet_agent_policy", check_mode=True, name="busy",
                                       description="new")
    # found by id: the count comes from the read as well
    kibana.clear_log()
    by_id = run("fleet_agent_policy", diff=True, id=policy["id"], description="new")
    assert by_id["agents_reached"] == 7
    assert [r["method"] for r in kibana.requests()] == ["GET", "PUT", "GET"]


def test_agents_reached_asks_withagentcount_when_the_read_has_no_count(kibana, run):
    policy = create(kibana, id="uncounted", name="uncounted")
    enroll(kibana, "uncounted", 2)
    item = stored(kibana, "uncounted")
    for key in ("agents", "unprivileged_agents", "fips_agents"):
        item.pop(key)
    kibana.clear_log()
    # as from a Kibana (or a user without agent privileges) whose GET leaves the count out
    kibana.fault(method="GET", path=POLICIES + "/uncounted$", status=200, body={"item": item})
    result = run("fleet_agent_policy", check_mode=True, diff=True, id=policy["id"],
                 description="new")
    assert result["agents_reached"] == 2
    counted = kibana.requests()[-1]
    assert counted["path"] == POLICIES and counted["query"]["withAgentCount"] == "true"
    assert counted["query"]["kuery"] == 'ingest-agent-policies.name:"uncounted"'


# ------------------------------------------------------------------ trap 9: spaces


@pytest.mark.kibana_min("9.1")  # space awareness; 8.x: test_8x_policies_are_seen_from_every_space
def test_spaces_are_isolated(kibana, run):
    in_ops = run("fleet_agent_policy", space_id="ops", name="same name", namespace="default")
    assert [r["path"] for r in kibana.requests()][0] == "/s/ops" + POLICIES
    in_default = run("fleet_agent_policy", name="same name", namespace="default")
    assert in_default["changed"]
    assert in_default["agent_policy"]["id"] != in_ops["agent_policy"]["id"]
    kibana.clear_log()
    assert not run("fleet_agent_policy", space_id="ops", name="same name")["changed"]
    assert kibana.requests()[0]["path"] == "/s/ops" + POLICIES


@pytest.mark.kibana_min("9.1")
def test_space_ids_share_and_unshare_a_policy(kibana, run):
    task = dict(name="shared", namespace="default", space_ids=["default", "ops"])
    policy_id = run("fleet_agent_policy", **task)["agent_policy"]["id"]
    assert kibana.writes()[0]["body"]["space_ids"] == ["default", "ops"]
    assert exists(kibana, policy_id, "ops")
    kibana.clear_log()
    assert not run("fleet_agent_policy", **dict(task, space_ids=["ops", "default"]))["changed"]
    unshared = run("fleet_agent_policy", diff=True, **dict(task, space_ids=["default"]))
    assert unshared["changed"]
    assert kibana.writes()[0]["body"]["space_ids"] == ["default"]
    assert not exists(kibana, policy_id, "ops")


@pytest.mark.kibana_below("9.1")
def test_8x_policies_are_seen_from_every_space(kibana, run):
    """8.x agent policies are space-agnostic (kibana-api/fleet-agent-policies.md): a policy made
    in one space is the same policy in every other, names are unique across them."""
    made = run("fleet_agent_policy", space_id="ops", name="same name", namespace="default")
    assert made["changed"] and "space_ids" not in made["agent_policy"]
    kibana.clear_log()
    seen = run("fleet_agent_policy", name="same name", namespace="default")
    assert not seen["changed"] and seen["agent_policy"]["id"] == made["agent_policy"]["id"]
    assert kibana.writes() == []
    by_id = run("fleet_agent_policy", id=made["agent_policy"]["id"], name="same name",
                description="seen from default")
    assert by_id["changed"] and kibana.writes()[0]["path"] == "%s/%s" % (
        POLICIES, made["agent_policy"]["id"])


@pytest.mark.parametrize("check_mode", [False, True])
def test_9_1_options_are_refused_before_any_write_on_8x(kibana, run, check_mode):
    """space_ids and required_versions are 9.1 (the Terraform provider refuses them below
    MinVersionSpaceIDs/MinVersionRequiredVersions = 9.1.0); 8.19 answers a 400 for either."""
    kibana.config(kibana_version="8.19.0")
    kibana.clear_log()
    result = run("fleet_agent_policy", check_mode=check_mode, name="shared", namespace="default",
                 space_ids=["default", "ops"])
    assert result.failed and result["msg"].startswith(
        "space_ids needs Kibana 9.1.0 or later (Fleet space awareness")
    assert "the target Kibana is 8.19.0: leave space_ids out of the task" in result["msg"]
    assert kibana.writes() == []
    policy_id = create(kibana, name="plain")["id"]
    kibana.clear_log()
    result = run("fleet_agent_policy", check_mode=check_mode, name="plain",
                 required_versions=[{"version": "8.19.0", "percentage": 10}])
    assert result.failed and result["msg"].startswith(
        "required_versions needs Kibana 9.1.0 or later (automatic agent upgrades)")
    assert kibana.writes() == []
    # what changes nothing needs no version: no refusal, no read of /api/status
    kibana.clear_log()
    same = run("fleet_agent_policy", check_mode=check_mode, name="plain", required_versions=[])
    assert not same.failed and not same["changed"], same.get("msg")
    assert [r["path"] for r in kibana.requests()] == [POLICIES]
    assert stored(kibana, policy_id)["revision"] == 1


def test_space_ids_missing_from_kibanas_answer_is_unchanged(kibana, run):
    kibana.config(kibana_version="8.19.0")
    policy_id = run("fleet_agent_policy", name="agnostic", namespace="default")[
        "agent_policy"]["id"]
    assert "space_ids" not in stored(kibana, policy_id)
    kibana.clear_log()
    result = run("fleet_agent_policy", name="agnostic", namespace="default",
                 space_ids=["default"])
    assert not result["changed"] and kibana.writes() == []
    # 8.x policies are visible from every space
    assert not run("fleet_agent_policy", space_id="ops", name="agnostic")["changed"]


# ------------------------------------------------------------------ copy_from


def test_copy_from_by_name_then_converge(kibana, run):
    source = run("fleet_agent_policy", name="source", namespace="prod", inactivity_timeout="90m",
                 monitoring=["logs"], sys_monitoring=True)["agent_policy"]
    task = dict(name="copy", copy_from="source", namespace="staging", description="a copy")
    kibana.clear_log()
    checked = run("fleet_agent_policy", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["agent_policy"]["namespace"] == "staging"
    assert checked["agent_policy"]["inactivity_timeout"] == 5400
    assert checked["agent_policy"]["monitoring_enabled"] == ["logs"]
    copied = run("fleet_agent_policy", **task)
    assert copied["changed"]
    writes = kibana.writes()
    assert [(w["method"], w["path"]) for w in writes] == [
        ("POST", "%s/%s/copy" % (POLICIES, source["id"])),
        ("PUT", "%s/%s" % (POLICIES, copied["agent_policy"]["id"]))]
    assert writes[0]["body"] == {"name": "copy", "description": "a copy"}
    assert writes[1]["body"] == {"name": "copy", "namespace": "staging",
                                 "inactivity_timeout": 5400}
    result = stored(kibana, copied["agent_policy"]["id"])
    assert (result["namespace"], result["inactivity_timeout"]) == ("staging", 5400)
    assert [p["name"] for p in result["package_policies"]] == ["system-1 (copy)"]
    kibana.clear_log()
    again = run("fleet_agent_policy", **task)
    assert not again["changed"] and kibana.writes() == []
    assert len(kibana.requests()) == 1


def test_copy_from_by_id_with_nothing_to_converge(kibana, run):
    source = create(kibana, id="golden", name="golden image", inactivity_timeout=600)
    copied = run("fleet_agent_policy", name="from id", copy_from="golden")
    assert copied["changed"]
    assert sent(kibana) == [("POST", "%s/%s/copy" % (POLICIES, source["id"]))]
    assert copied["agent_policy"]["inactivity_timeout"] == 600


def test_copy_from_a_name_with_a_slash_is_looked_up_by_name(kibana, run):
    source = create(kibana, name="prod/eu", inactivity_timeout=600)
    copied = run("fleet_agent_policy", name="staging/eu", copy_from="prod/eu")
    assert copied["changed"] and copied["agent_policy"]["inactivity_timeout"] == 600
    assert sent(kibana) == [("POST", "%s/%s/copy" % (POLICIES, source["id"]))]
    assert not any(r["path"].startswith(POLICIES + "/prod") for r in kibana.requests())


def test_copy_from_an_unknown_policy_fails_before_any_write(kibana, run):
    result = run("fleet_agent_policy", name="orphan", copy_from="no such policy")
    assert result.failed and "copy_from 'no such policy'" in result["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ tamper protection


def test_is_protected_is_sent_once_elastic_defend_is_attached(kibana, run):
    task = dict(name="protected", namespace="default", is_protected=True)
    created = run("fleet_agent_policy", **task)
    policy_id = created["agent_policy"]["id"]
    assert sent(kibana) == [("POST", POLICIES)]
    assert "is_protected" not in kibana.writes()[0]["body"]
    assert any("Elastic Defend" in w for w in created["warnings"])
    kibana.clear_log()
    waiting = run("fleet_agent_policy", **task)
    assert not waiting["changed"] and kibana.writes() == []
    assert any("Elastic Defend" in w for w in waiting["warnings"])
    assert stored(kibana, policy_id)["revision"] == 1

    attach(kibana, policy_id, "endpoint")
    kibana.clear_log()
    protected = run("fleet_agent_policy", **task)
    assert protected["changed"] and protected["agent_policy"]["is_protected"] is True
    assert kibana.writes()[0]["body"]["is_protected"] is True
    assert "warnings" not in protected
    kibana.clear_log()
    assert not run("fleet_agent_policy", **task)["changed"]
    assert kibana.writes() == []


def test_is_protected_on_a_new_policy_sends_no_ignored_put(kibana, run):
    """Fleet forces is_protected off on create and on a PUT without Elastic Defend (and the PUT
    still bumps the revision): a new policy, even one created with sys_monitoring (whose create
    answer lists its integrations by id only), gets a warning and no PUT."""
    task = dict(name="monitored and protected", namespace="default", sys_monitoring=True,
                is_protected=True)
    checked = run("fleet_agent_policy", check_mode=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["agent_policy"]["is_protected"] is False
    assert any("Elastic Defend" in w for w in checked["warnings"])
    created = run("fleet_agent_policy", **task)
    assert created["changed"] and sent(kibana) == [("POST", POLICIES)]
    assert any("Elastic Defend" in w for w in created["warnings"])
    assert stored(kibana, created["agent_policy"]["id"])["revision"] == 1


def test_is_protected_is_applied_right_after_a_copy_that_brings_elastic_defend(kibana, run):
    source = create(kibana, name="defended")
    attach(kibana, source["id"], "endpoint")
    kibana.clear_log()
    result = run("fleet_agent_policy", name="defended copy", copy_from="defended",
                 is_protected=True)
    assert result["changed"] and result["agent_policy"]["is_protected"] is True
    writes = kibana.writes()
    assert [w["method"] for w in writes] == ["POST", "PUT"]
    assert writes[1]["body"]["is_protected"] is True


# ------------------------------------------------------------------ delete


def test_delete_refused_while_agents_are_enrolled(kibana, run):
    policy = create(kibana, name="enrolled")
    enroll(kibana, policy["id"], 3)
    # issue 9 finding 9: check mode fails where the run must fail, with the same message
    checked = run("fleet_agent_policy", check_mode=True, diff=True, name="enrolled",
                  state="absent")
    failed = run("fleet_agent_policy", name="enrolled", state="absent")
    for result in (checked, failed):
        assert result.failed and "has 3 enrolled agents" in result["msg"]
        assert ("Cannot delete an agent policy that is assigned to any active or inactive agents"
                in result["msg"])
    assert checked["msg"] == failed["msg"]
    assert kibana.writes() == []
    assert exists(kibana, policy["id"])
    enroll(kibana, policy["id"], 0)
    assert run("fleet_agent_policy", name="enrolled", state="absent")["changed"]
    assert not exists(kibana, policy["id"])


def test_force_is_sent_with_the_delete(kibana, run):
    create(kibana, name="forced")
    assert run("fleet_agent_policy", name="forced", state="absent", force=True)["changed"]
    assert kibana.writes()[-1]["body"]["force"] is True


# ------------------------------------------------------------------ managed and preconfigured


@pytest.mark.parametrize("flag,words", [("is_managed", "is managed"),
                                        ("is_preconfigured", "is preconfigured")])
def test_managed_and_preconfigured_policies_are_refused(kibana, run, flag, words):
    seed(kibana, **{"id": "fixed", "name": "Fixed", flag: True})
    kibana.clear_log()
    assert not run("fleet_agent_policy", id="fixed", name="Fixed")["changed"]
    updated = run("fleet_agent_policy", id="fixed", description="edited")
    assert updated.failed and words in updated["msg"] and "does not update" in updated["msg"]
    deleted = run("fleet_agent_policy", id="fixed", state="absent")
    assert deleted.failed and words in deleted["msg"] and "force=true" in deleted["msg"]
    checked = run("fleet_agent_policy", id="fixed", state="absent", check_mode=True)
    assert checked.failed
    assert kibana.writes() == []
    # the explicit opt-in deletes it, with Fleet's force flag
    assert run("fleet_agent_policy", id="fixed", state="absent", force=True)["changed"]
    assert kibana.writes()[0]["body"] == {"agentPolicyId": "fixed", "force": True}
    assert not exists(kibana, "fixed")


def test_force_does_not_allow_updating_a_managed_policy(kibana, run):
    seed(kibana, id="hosted", name="Hosted", is_managed=True)
    result = run("fleet_agent_policy", id="hosted", description="edited", force=True)
    assert result.failed and "is managed" in result["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ 409


def test_concurrent_write_409_is_retried_within_the_bound(kibana, run, pauses):
    policy = create(kibana, name="contended")
    kibana.clear_log()
    kibana.fault(method="PUT", path=POLICIES + "/", status=409, count=2, body=CONCURRENT_WRITE)
    result = run("fleet_agent_policy", name="contended", description="written")
    assert result["changed"] and not result.failed
    assert sent(kibana) == [("PUT", "%s/%s" % (POLICIES, policy["id"]))] * 3
    assert pauses == [0.5, 1.0]
    assert stored(kibana, policy["id"])["description"] == "written"


def test_concurrent_create_409_is_retried_and_makes_one_policy(kibana, run, pauses):
    kibana.fault(method="POST", path=POLICIES + "$", status=409, count=1, body=CONCURRENT_WRITE)
    result = run("fleet_agent_policy", name="raced", namespace="default")
    assert result["changed"] and pauses == [0.5]
    assert sent(kibana) == [("POST", POLICIES)] * 2
    names = [p["name"] for p in kibana.api("GET", POLICIES).json()["items"]]
    assert names.count("raced") == 1


def test_409_retries_are_bounded(kibana, run, pauses):
    policy = create(kibana, name="stuck")
    kibana.clear_log()
    kibana.fault(method="PUT", path=POLICIES + "/", status=409, count=20, body=CONCURRENT_WRITE)
    result = run("fleet_agent_policy", name="stuck", description="never")
    assert result.failed and result["status"] == 409
    assert "version conflict" in result["msg"] and "after 5 retries" in result["msg"]
    assert len(kibana.writes()) == 6
    assert pauses == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert stored(kibana, policy["id"])["revision"] == 1


def test_duplicate_name_409_is_not_retried(kibana, run, pauses):
    first = create(kibana, name="first")
    create(kibana, id="second", name="second")
    kibana.clear_log()
    # the name check before the write misses "first" (made meanwhile, as far as it can tell):
    # Kibana's 409 for the name is reported at once, never retried as a concurrent write
    kibana.fault(method="GET", path="^%s$" % POLICIES, status=200, count=1,
                 body={"items": [], "total": 0, "page": 1, "perPage": 100})
    renamed = run("fleet_agent_policy", id="second", name="first")
    assert renamed.failed and renamed["status"] == 409
    assert ("Agent Policy '%s' already exists with name 'first'" % first["id"]) in renamed["msg"]
    assert renamed["msg"].startswith("PUT /api/fleet/agent_policies/second returned HTTP 409")
    assert len(kibana.writes()) == 1 and pauses == []
    kibana.clear_log()
    kibana.fault(method="GET", path="^%s$" % POLICIES, status=200, count=1,
                 body={"items": [], "total": 0, "page": 1, "perPage": 100})
    duplicate = run("fleet_agent_policy", id="third", name="first", namespace="default")
    assert duplicate.failed and "already exists with name 'first'" in duplicate["msg"]
    assert sent(kibana) == [("POST", POLICIES)] and pauses == []


@pytest.mark.kibana_min("9.1")  # 8.x: one id space (test_8x_policies_are_seen_from_every_space)
def test_an_id_taken_in_another_space_is_not_retried(kibana, run, pauses):
    create(kibana, space="ops", id="taken", name="in ops")
    result = run("fleet_agent_policy", id="taken", name="in default", namespace="default")
    assert result.failed and result["status"] == 409
    assert "Saved object [fleet-agent-policies/taken] conflict" in result["msg"]
    assert sent(kibana) == [("POST", POLICIES)] and pauses == []


def test_a_real_backoff_pause_is_short(kibana, run, monkeypatch):
    """Without the recorder: one retry really waits, and only half a second."""
    monkeypatch.setattr(family, "pause", family.time.sleep)
    create(kibana, name="slow")
    kibana.fault(method="PUT", path=POLICIES + "/", status=409, count=1, body=CONCURRENT_WRITE)
    start = family.time.time()
    assert run("fleet_agent_policy", name="slow", description="x")["changed"]
    assert 0.5 <= family.time.time() - start < 5


# ------------------------------------------------------------------ identity and errors


def test_ambiguous_name_fails_with_the_ids(kibana, run):
    # Fleet keeps names unique; seeded twins stand for a race or an import.
    for twin in ("twin-a", "twin-b"):
        seed(kibana, id=twin, name="twin")
    result = run("fleet_agent_policy", name="twin", namespace="default")
    assert result.failed and "twin-a" in result["msg"] and "twin-b" in result["msg"]
    assert "set id to choose one" in result["msg"]
    assert kibana.writes() == []


def test_404_for_a_space_that_does_not_exist(kibana, run):
    result = run("fleet_agent_policy", name="x", namespace="default", space_id="nowhere")
    assert result.failed and result["status"] == 404
    assert "/s/nowhere/api/fleet/agent_policies" in result["msg"]
    assert "Traceback" not in json.dumps(result)


@pytest.mark.parametrize("options,words", [
    ({"namespace": "prod-eu"}, "namespace 'prod-eu' must not contain spaces, '-'"),
    ({"namespace": "prod eu"}, "namespace 'prod eu' must not contain spaces"),
    ({"namespace": "Prod"}, "namespace 'Prod' must be lowercase"),
    ({"namespace": " "}, "namespace ' ' must not be empty"),
    ({"name": "   "}, "name must not be empty"),
    ({"global_data_tags": [{"name": "team", "value": "a"}, {"name": "team", "value": "b"}]},
     "duplicate tag names: 'team'"),
    ({"global_data_tags": [{"name": "my team", "value": "a"}]},
     "tag names must not contain spaces: 'my team'"),
    ({"global_data_tags": [{"name": "t%d" % n, "value": n} for n in range(11)]},
     "at most 10 tags"),
    ({"global_data_tags": [{"name": "flag", "value": True}]}, "must be a string or a number"),
    ({"global_data_tags": [{"name": "team"}]}, "value"),
    ({"inactivity_timeout": "2 weeks"}, "inactivity_timeout must be a whole number of seconds"),
    ({"inactivity_timeout": "1.5h"}, "inactivity_timeout must be a whole number of seconds"),
    ({"inactivity_timeout": float("nan")}, "inactivity_timeout must be a whole number of seconds"),
    ({"unenroll_timeout": float("inf")}, "unenroll_timeout must be a whole number of seconds"),
    ({"global_data_tags": [{"name": "ratio", "value": float("nan")}]},
     "must be a string or a number"),
    ({"id": "a/b"}, "id 'a/b' is not a valid agent policy id"),
    ({"id": "x" * 256}, "is not a valid agent policy id"),
    ({"id": "../other"}, "is not a valid agent policy id"),
    ({"unenroll_timeout": -1}, "unenroll_timeout must not be negative"),
    ({"unenroll_timeout": True}, "unenroll_timeout must be a number of seconds"),
    ({"overrides": {"inputs": {}}}, "input overrides are not allowed"),
    ({"space_ids": ["ops"]}, "must include space_id 'default'"),
    ({"space_ids": []}, "space_ids must list at least one space"),
    ({"monitoring": ["logs", "audit"]}, "monitoring"),
    ({"host_name_format": "short"}, "host_name_format"),
    ({"agent_features": [{"name": "fqdn", "enabled": True}], "host_name_format": "fqdn"},
     "mutually exclusive: agent_features|host_name_format"),
    ({"agent_features": [{"name": "a", "enabled": True}, {"name": "a", "enabled": False}]},
     "agent_features: each feature needs a name, listed once"),
    ({"agent_features": [{"name": "a"}]}, "enabled"),
    ({"agentless": {"resources": {"requests": {"memory": "1G"}}}},
     "agentless.resources.requests.memory '1G' is not a valid memory request"),
    ({"agentless": {"resources": {"requests": {"cpu": "1.5m"}}}},
     "agentless.resources.requests.cpu '1.5m' is not a valid CPU request"),
    ({"agentless": {"cloud_connectors": {"target_csp": "ibm"}}}, "target_csp"),
    ({"monitoring_pprof_enabled": "sometimes"}, "monitoring_pprof_enabled"),
    ({"monitoring_http": {"enabled": True, "port": 70000}}, "monitoring_http.port must be"),
    ({"required_versions": [{"version": "9.1.0", "percentage": 120}]}, "between 0 and 100"),
    ({"required_versions": [{"version": "9.1.0", "percentage": 10},
                            {"version": "9.1.0", "percentage": 20}]}, "listed once"),
    ({"required_versions": [{"version": "9.1.0", "percentage": 50},
                            {"version": "9.2.0", "percentage": 60}]}, "add up to more than 100"),
    ({"required_versions": [{"version": "9.1", "percentage": 50}]}, "'9.1' is not a semver"),
    ({"id": "x", "copy_from": "y"}, "mutually exclusive: id|copy_from"),
    ({"copy_from": "y", "sys_monitoring": True}, "mutually exclusive: copy_from|sys_monitoring"),
    ({"name": None, "namespace": "default"}, "one of the following is required: id, name"),
    ({"state": "gone"}, "state"),
])
def test_bad_input_is_rejected_before_any_request(kibana, conn, options, words):
    from tests.harness import run_module
    args = dict(conn, name="valid name", namespace="default")
    args.update(options)
    args = {k: v for k, v in args.items() if v is not None}
    result = run_module("fleet_agent_policy", args)
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


# ------------------------------------------------------------------ info


def test_info_by_id_name_kuery_and_all(kibana, run):
    linux = run("fleet_agent_policy", name="Linux hosts", namespace="default",
                sys_monitoring=True)["agent_policy"]
    run("fleet_agent_policy", name="Windows", namespace="prod", description="All Windows servers")
    run("fleet_agent_policy", name="elsewhere", namespace="default", space_id="ops")
    enroll(kibana, linux["id"], 4)
    kibana.clear_log()

    by_id = run("fleet_agent_policy_info", id=linux["id"])
    assert not by_id["changed"] and [p["name"] for p in by_id["agent_policies"]] == ["Linux hosts"]
    assert by_id["agent_policies"][0]["agents"] == 4
    assert by_id["agent_policies"][0]["package_policies"][0]["package"]["name"] == "system"
    assert run("fleet_agent_policy_info", id="unknown")["agent_policies"] == []

    by_name = run("fleet_agent_policy_info", name="Linux hosts")["agent_policies"]
    assert [p["id"] for p in by_name] == [linux["id"]]
    assert run("fleet_agent_policy_info", name="Linux")["agent_policies"] == []

    prod = run("fleet_agent_policy_info", kuery="ingest-agent-policies.namespace:prod")
    assert [p["name"] for p in prod["agent_policies"]] == ["Windows"] and prod["total"] == 1
    both = run("fleet_agent_policy_info", name="Windows",
               kuery="ingest-agent-policies.namespace:default")
    assert both["agent_policies"] == []

    everything = run("fleet_agent_policy_info", with_agent_count=True, full=True)
    # 8.x policies are space-agnostic: the one made in `ops` is listed in every space
    agnostic = set() if kibana.at_least("9.1") else {"elsewhere"}
    assert {p["name"] for p in everything["agent_policies"]} == {"Linux hosts", "Windows"} | agnostic
    counted = [p for p in everything["agent_policies"] if p["name"] == "Linux hosts"][0]
    assert counted["agents"] == 4 and isinstance(counted["package_policies"][0], dict)
    query = [r for r in kibana.requests() if r["path"] != "/api/status"][-1]["query"]
    assert query["withAgentCount"] == "true" and query["full"] == "true"
    in_ops = run("fleet_agent_policy_info", space_id="ops")["agent_policies"]
    if kibana.at_least("9.1"):
        assert [p["name"] for p in in_ops] == ["elsewhere"]
    else:
        assert {p["name"] for p in in_ops} == {"elsewhere", "Linux hosts", "Windows"}
    assert kibana.writes() == []


def test_info_paging(kibana, run):
    for number in range(5):
        create(kibana, name="policy-%d" % number)
    kibana.clear_log()
    every = run("fleet_agent_policy_info", per_page=2)
    assert len(every["agent_policies"]) == 5 and every["total"] == 5
    pages = [r["query"] for r in kibana.requests() if r["path"] != "/api/status"]
    assert [q["page"] for q in pages] == ["1", "2", "3"] and {q["perPage"] for q in pages} == {"2"}
    second = run("fleet_agent_policy_info", page=2, perPage=2)
    assert len(second["agent_policies"]) == 2 and second["total"] == 5
    last = run("fleet_agent_policy_info", page=3, per_page=2)
    assert [p["name"] for p in last["agent_policies"]] == ["policy-0"]  # newest first


@pytest.mark.parametrize("options,words", [
    ({"per_page": 500, "full": True},
     "per_page must be between 1 and 100 (Fleet's limit with with_agent_count or full)"),
    ({"per_page": 0}, "per_page must be between 1 and 10000, got 0"),
    ({"page": 0}, "page must be between 1 and 10000, got 0"),
    ({"id": "x", "name": "y"}, "mutually exclusive"),
])
def test_info_bad_input_is_rejected_before_any_request(kibana, run, options, words):
    result = run("fleet_agent_policy_info", **options)
    assert result.failed and words in result["msg"]
    assert kibana.requests() == []
