"""fleet_integration and fleet_integration_info against the emulator over HTTP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

PACKAGES = "/api/fleet/epm/packages"


def installed(kibana, name):
    item = kibana.api("GET", "%s/%s" % (PACKAGES, name)).json()["item"]
    return item["installationInfo"]["version"] if item["status"] == "installed" else None


def writes(kibana):
    return [(w["method"], w["path"]) for w in kibana.writes()]


@pytest.mark.parametrize("space", ["default", "ops"])
def test_life_cycle_with_check_and_diff_at_each_step(kibana, run, space):
    prefix = "" if space == "default" else "/s/ops"
    task = dict(name="log", space_id=space)
    # install the latest, predicted first
    checked = run("fleet_integration", check_mode=True, diff=True, **task)
    assert checked["changed"] and kibana.writes() == []
    assert checked["integration"]["version"] == "2.4.0"
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["version"] == "2.4.0"
    created = run("fleet_integration", diff=True, **task)
    assert created["changed"] and created["integration"]["version"] == "2.4.0"
    assert created["diff"] == checked["diff"]
    assert writes(kibana) == [("POST", prefix + PACKAGES + "/log/2.4.0")]
    assert installed(kibana, "log") == "2.4.0"

    # the same again, and with the version pinned or `latest`: one read, no write
    for again in (task, dict(task, version="2.4.0"), dict(task, version="latest")):
        for check_mode in (True, False):
            kibana.clear_log()
            result = run("fleet_integration", check_mode=check_mode, diff=True, **again)
            assert not result["changed"] and result["diff"] == {"before": {}, "after": {}}
            assert kibana.writes() == [] and len(kibana.requests()) == 1

    # the version: a downgrade needs force (refused before any write, in check mode too)
    older = dict(task, version="2.3.2")
    for check_mode in (True, False):
        refused = run("fleet_integration", check_mode=check_mode, **older)
        assert refused.failed and "older than the latest (2.4.0)" in refused["msg"]
        assert "force=true" in refused["msg"]
    assert kibana.writes() == []
    kibana.clear_log()
    predicted = run("fleet_integration", check_mode=True, diff=True, force=True, **older)
    assert predicted["changed"] and predicted["operations"] == ["downgrade"]
    assert kibana.writes() == []
    down = run("fleet_integration", diff=True, force=True, **older)
    assert down["changed"] and down["diff"] == predicted["diff"]
    assert down["diff"] == {"before": {"version": "2.4.0"}, "after": {"version": "2.3.2"}}
    assert writes(kibana) == [("POST", prefix + PACKAGES + "/log/2.3.2")]
    assert kibana.writes()[0]["body"] == {"force": True}
    assert installed(kibana, "log") == "2.3.2"
    # without a version an installed package stays; `latest` upgrades it
    kibana.clear_log()
    assert not run("fleet_integration", **task)["changed"] and kibana.writes() == []
    up = run("fleet_integration", version="latest", **task)
    assert up["changed"] and up["operations"] == ["upgrade"]
    assert installed(kibana, "log") == "2.4.0"

    # absent: check mode, real, again
    kibana.clear_log()
    gone = run("fleet_integration", check_mode=True, diff=True, state="absent", **task)
    assert gone["changed"] and kibana.writes() == [] and gone["diff"]["after"] == {}
    assert run("fleet_integration", state="absent", **task)["changed"]
    assert writes(kibana) == [("DELETE", prefix + PACKAGES + "/log/2.4.0")]
    assert installed(kibana, "log") is None
    kibana.clear_log()
    for check_mode in (True, False):
        assert not run("fleet_integration", check_mode=check_mode, state="absent", **task)["changed"]
    assert kibana.writes() == []


def test_install_at_a_version(kibana, run):
    result = run("fleet_integration", name="system", version="1.68.0")
    assert result["changed"] and result["integration"]["version"] == "1.68.0"
    assert result["integration"]["latest_version"] == "1.68.0"


def test_install_flags_are_passed_on_and_never_compared(kibana, run):
    """The Terraform provider's TestAccResourceIntegrationWithAllParameters (prerelease,
    ignore_constraints, ignore_mapping_update_errors, skip_data_stream_rollover): Fleet's
    install route takes them [src server/types/rest_spec/epm.ts
    InstallPackageFromRegistryRequestSchema]; they go with each install or upgrade, and a run
    with nothing to install sends nothing, whatever they say."""
    flags = dict(prerelease=True, ignore_constraints=True, ignore_mapping_update_errors=True,
                 skip_data_stream_rollover=True)
    result = run("fleet_integration", name="log", version="2.3.2", force=True, **flags)
    assert result["changed"] and not result.failed, result.get("msg")
    install = [w for w in kibana.writes() if w["method"] == "POST"][-1]
    assert install["body"] == {"force": True, "ignore_constraints": True}
    assert install["query"] == {"prerelease": "true", "ignoreMappingUpdateErrors": "true",
                                "skipDataStreamRollover": "true"}
    reads = [r for r in kibana.requests() if r["method"] == "GET"]
    assert all(r["query"] == {"prerelease": "true"} for r in reads), reads
    kibana.clear_log()
    again = run("fleet_integration", name="log", version="2.3.2", force=True)
    assert not again["changed"] and kibana.writes() == []
    kibana.clear_log()
    upgrade = run("fleet_integration", name="log", version="2.4.0")
    assert upgrade["changed"]
    plain = [w for w in kibana.writes() if w["method"] == "POST"][-1]
    assert plain["body"] == {"force": False} and plain["query"] == {}


@pytest.mark.parametrize("options, option", [
    ({"name": "System"}, "name"),
    ({"name": "../agent_policies"}, "name"),
    ({"name": "log\n"}, "name"),
    ({"name": "log", "version": "1.0"}, "version"),
    ({"name": "log", "version": "1.0.0/../x"}, "version"),
])
def test_bad_input_is_refused_before_any_request(kibana, run, options, option):
    result = run("fleet_integration", **options)
    assert result.failed and option in result["msg"]
    assert kibana.requests() == []


def test_unknown_package_or_version(kibana, run):
    unknown = run("fleet_integration", name="no_such_package")
    assert unknown.failed and "no_such_package" in unknown["msg"]
    assert kibana.writes() == []
    no_version = run("fleet_integration", name="log", version="9.9.9")
    assert no_version.failed and "log@9.9.9 not found" in no_version["msg"]


def test_air_gapped_fleet_is_reported_clearly(kibana, run):
    kibana.control("POST", "/fleet/registry", {"reachable": False})
    # the latest version of a package Kibana does not bundle: Fleet has none (404)
    latest = run("fleet_integration", name="osquery_manager")
    assert latest.failed and "air-gapped" in latest["msg"] and "registryUrl" in latest["msg"]
    # a given version: the install looks the latest up too, and finds none (404)
    pinned = run("fleet_integration", name="osquery_manager", version="1.18.0")
    assert pinned.failed and "air-gapped" in pinned["msg"]
    assert "package not found in registry" in pinned["msg"]
    assert writes(kibana) == [("POST", PACKAGES + "/osquery_manager/1.18.0")]
    # a bundled package still installs
    assert run("fleet_integration", name="endpoint")["integration"]["version"] == "9.1.0"
    # and an installed package stays ok
    kibana.clear_log()
    assert not run("fleet_integration", name="endpoint")["changed"]
    info = run("fleet_integration_info", name="endpoint")
    assert info["integrations"][0]["version"] == "9.1.0"
    # the package list needs the registry: Fleet's 502
    listing = run("fleet_integration_info", installed_only=False)
    assert listing.failed and "could not reach its package registry" in listing["msg"]
    assert "Error connecting to package registry" in listing["msg"]
    assert "Traceback" not in listing["msg"]


def test_removing_a_package_that_policies_use(kibana, run):
    run("fleet_integration", name="osquery_manager")
    run("fleet_agent_policy", name="hosts", namespace="default")
    run("fleet_integration_policy", name="osq", package="osquery_manager", agent_policies=["hosts"])
    kibana.clear_log()
    for check_mode in (True, False):
        refused = run("fleet_integration", check_mode=check_mode, name="osquery_manager",
                      state="absent")
        assert refused.failed and "osq" in refused["msg"] and "remove_policies" in refused["msg"]
    assert kibana.writes() == []
    removed = run("fleet_integration", name="osquery_manager", state="absent", remove_policies=True)
    assert removed["changed"]
    assert kibana.api("GET", "/api/fleet/package_policies").json()["total"] == 0


def test_info(kibana, run):
    run("fleet_integration", name="log")
    found = run("fleet_integration_info")["integrations"]
    assert [i["name"] for i in found] == ["log"]
    every = run("fleet_integration_info", installed_only=False)["integrations"]
    assert {"system", "osquery_manager", "endpoint", "log"} <= {i["name"] for i in every}
    one = run("fleet_integration_info", name="system", installed_only=False)["integrations"]
    assert one[0]["status"] == "not_installed" and one[0]["version"] is None
    assert run("fleet_integration_info", name="nope")["integrations"] == []


@pytest.mark.parametrize("body", [{}, {"item": "system"}, [], {"item": {"name": "other"}}])
def test_odd_answers_are_clear_failures(kibana, run, body):
    kibana.fault(method="GET", path="^/api/fleet/epm/packages/system$", status=200, body=body)
    result = run("fleet_integration", name="system")
    assert result.failed and "Traceback" not in result["msg"]
    assert kibana.writes() == []
