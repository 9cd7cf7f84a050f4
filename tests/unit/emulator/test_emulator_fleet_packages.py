"""The emulator's Fleet EPM and package policy families (tests/emulator/contract/
fleet-epm-packages.md, fleet-package-policies.md), over HTTP.

Kibana paths cited are under x-pack/platform/plugins/shared/fleet/; package manifests are
elastic/integrations packages/<name>/ (endpoint: elastic/endpoint-package package/endpoint/)."""

import pytest

PACKAGES = "/api/fleet/epm/packages"
POLICIES = "/api/fleet/package_policies"
AGENT_POLICIES = "/api/fleet/agent_policies"


def ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def error(resp, status):
    assert resp.status_code == status, resp.text
    return resp.json()["message"]


def agent_policy(kibana, name="p1", space=None):
    return ok(kibana.api("POST", AGENT_POLICIES, {"name": name, "namespace": "default"},
                         space=space))["item"]["id"]


def revision(kibana, policy_id, space=None):
    return ok(kibana.api("GET", "%s/%s" % (AGENT_POLICIES, policy_id), space=space))["item"][
        "revision"]


def create(kibana, policy_ids, space=None, name="sys-1", package="system", version="1.68.0",
           **fields):
    body = {"name": name, "policy_ids": policy_ids,
            "package": {"name": package, "version": version}}
    body.update(fields)
    return kibana.api("POST", POLICIES, body, params={"format": "simplified"}, space=space)


# --------------------------------------------------------------------------- EPM


def test_package_info_not_installed_then_installed(kibana):
    # server/types/rest_spec/epm.ts GetInfoResponseSchema {item: PackageInfo}
    item = ok(kibana.api("GET", PACKAGES + "/osquery_manager"))["item"]
    assert item["status"] == "not_installed" and "installationInfo" not in item
    assert item["version"] == item["latestVersion"] == "1.18.0"
    # InstallPackageResponseSchema {items, _meta: {install_source, name}}
    answer = ok(kibana.api("POST", PACKAGES + "/osquery_manager"))
    assert answer["_meta"] == {"install_source": "registry", "name": "osquery_manager"}
    item = ok(kibana.api("GET", PACKAGES + "/osquery_manager"))["item"]
    assert item["status"] == "installed"
    assert item["installationInfo"]["version"] == "1.18.0"
    assert item["installationInfo"]["install_status"] == "installed"


def test_catalogue_packages_carry_their_manifests(kibana):
    # packages/osquery_manager/manifest.yml: template osquery_manager, input osquery
    osquery = ok(kibana.api("GET", PACKAGES + "/osquery_manager/1.18.0"))["item"]
    assert osquery["policy_templates"][0]["inputs"][0]["type"] == "osquery"
    # packages/system/manifest.yml: httpjson password/token are secret
    system = ok(kibana.api("GET", PACKAGES + "/system/1.68.0"))["item"]
    httpjson = [i for i in system["policy_templates"][0]["inputs"] if i["type"] == "httpjson"][0]
    assert {v["name"] for v in httpjson["vars"] if v.get("secret")} == {"password", "token"}
    # packages/log/data_stream/log/manifest.yml: paths required, dataset default generic
    log = ok(kibana.api("GET", PACKAGES + "/log/2.4.0"))["item"]
    stream_vars = {v["name"]: v for v in log["data_streams"][0]["streams"][0]["vars"]}
    assert stream_vars["paths"]["required"] and stream_vars["paths"]["multi"]
    assert stream_vars["data_stream.dataset"]["default"] == "generic"
    # package/endpoint/manifest.yml (endpoint-package): one input, no streams
    endpoint = ok(kibana.api("GET", PACKAGES + "/endpoint"))["item"]
    assert endpoint["policy_templates"][0]["inputs"] == [{"type": "endpoint",
                                                          "title": "Elastic Defend"}]


def test_unknown_package_and_version(kibana):
    # services/epm/registry/index.ts fetchFindLatestPackageOrThrow / fetchInfo
    assert error(kibana.api("GET", PACKAGES + "/nope"), 404) == \
        "[nope] package not found in registry"
    assert error(kibana.api("GET", PACKAGES + "/system/9.9.9"), 404) == "system@9.9.9 not found"
    assert error(kibana.api("POST", PACKAGES + "/nope"), 404) == \
        "[nope] package not found in registry"


def test_out_of_date_version_needs_force(kibana):
    # services/epm/packages/install.ts PackageOutdatedError unless force
    message = error(kibana.api("POST", PACKAGES + "/system/1.60.0"), 400)
    assert message == "system-1.60.0 is out-of-date and cannot be installed or updated"
    ok(kibana.api("POST", PACKAGES + "/system/1.60.0", {"force": True}))
    assert ok(kibana.api("GET", PACKAGES + "/system"))["item"]["installationInfo"][
        "version"] == "1.60.0"


def test_install_body_is_validated(kibana):
    # rest_spec/epm.ts InstallPackageFromRegistryRequestSchema body {force, ignore_constraints}
    message = error(kibana.api("POST", PACKAGES + "/system", {"bogus": 1}), 400)
    assert message == "[request body.bogus]: definition for this key is missing"


def test_unreachable_registry(kibana):
    """An air-gapped Kibana: no latest version without a bundled package (404), the registry's
    connection error where it is needed (502, errors/handlers.ts RegistryConnectionError)."""
    kibana.control("POST", "/fleet/registry", {"reachable": False})
    assert error(kibana.api("POST", PACKAGES + "/osquery_manager"), 404) == \
        "[osquery_manager] package not found in registry"
    message = error(kibana.api("GET", PACKAGES + "/osquery_manager/1.18.0"), 502)
    assert message.startswith("Error connecting to package registry: request to "
                              "https://epr.elastic.co/package/osquery_manager/1.18.0/ failed")
    assert error(kibana.api("GET", PACKAGES), 502).startswith("Error connecting to package registry")
    # bundled packages install (registry/index.ts falls back on the bundled package)
    answer = ok(kibana.api("POST", PACKAGES + "/endpoint"))
    assert answer["_meta"]["install_source"] == "bundled"


def test_remove(kibana):
    # services/epm/packages/remove.ts
    assert error(kibana.api("DELETE", PACKAGES + "/log/2.4.0"), 400) == "log is not installed"
    ok(kibana.api("POST", PACKAGES + "/log"))
    pid = agent_policy(kibana)
    ok(create(kibana, [pid], package="log", version="2.4.0", name="logs",
              inputs={"logs-logfile": {"streams": {"log.log": {"vars": {"paths": ["/x"]}}}}}))
    kibana.control("POST", "/fleet/agent_policies/%s/agents" % pid, {"count": 2})
    message = error(kibana.api("DELETE", PACKAGES + "/log/2.4.0"), 400)
    assert message == "Unable to remove package with existing package policy(s) in use by agent(s)"
    # without agents the package policies go with the package
    kibana.control("POST", "/fleet/agent_policies/%s/agents" % pid, {"count": 0})
    ok(kibana.api("DELETE", PACKAGES + "/log/2.4.0"))
    assert ok(kibana.api("GET", POLICIES))["total"] == 0


# --------------------------------------------------------------------------- package policies


def test_create_fills_every_default(kibana):
    # common/services/simplified_package_policy_helper.ts + package_to_package_policy.ts
    pid = agent_policy(kibana)
    item = ok(create(kibana, [pid]))["item"]
    inputs = item["inputs"]
    assert set(inputs) == {"system-logfile", "system-winlog", "system-system/metrics",
                           "system-httpjson"}
    assert inputs["system-logfile"]["streams"]["system.auth"]["vars"]["ignore_older"] == "72h"
    assert inputs["system-system/metrics"]["streams"]["system.cpu"]["vars"]["period"] == "10s"
    # the httpjson stream is disabled in its manifest, so is its input
    assert inputs["system-httpjson"]["enabled"] is False
    assert item["package"] == {"name": "system", "title": "System", "version": "1.68.0"}
    assert item["revision"] == 1 and item["policy_ids"] == [pid]


def test_legacy_format_answer(kibana):
    pid = agent_policy(kibana)
    item_id = ok(create(kibana, [pid]))["item"]["id"]
    legacy = ok(kibana.api("GET", "%s/%s" % (POLICIES, item_id)))["item"]
    assert isinstance(legacy["inputs"], list)
    logfile = [i for i in legacy["inputs"] if i["type"] == "logfile"][0]
    assert logfile["policy_template"] == "system"
    assert logfile["streams"][0]["vars"]["paths"]["type"] == "text"


@pytest.mark.parametrize("inputs, message", [
    # simplified_package_policy_helper.ts, word for word
    ({"system-nope": {}}, "Input not found: system-nope"),
    ({"system-logfile": {"streams": {"system.nope": {}}}},
     "Stream not found system-logfile: system.nope"),
    ({"system-logfile": {"vars": {"x": 1}}}, "Variable system-logfile:x not found"),
    ({"system-logfile": {"streams": {"system.auth": {"vars": {"nope": 1}}}}},
     "Variable system-logfile system.auth:nope not found"),
])
def test_simplified_errors(kibana, inputs, message):
    pid = agent_policy(kibana)
    assert error(create(kibana, [pid], inputs=inputs), 400) == message


def test_wrong_type_and_missing_required_vars(kibana):
    # services/package_policy.ts validatePackagePolicyOrThrow: "Package policy is invalid: ..."
    pid = agent_policy(kibana)
    message = error(create(kibana, [pid], inputs={"system-logfile": {"streams": {
        "system.auth": {"vars": {"paths": "/var/log/auth.log"}}}}}), 400)
    assert message.startswith("Package policy is invalid: ")
    assert "inputs.system-logfile.streams.system.auth.vars.paths" in message
    message = error(create(kibana, [pid], name="log-1", package="log", version="2.4.0"), 400)
    assert 'inputs.logs-logfile.streams.log.log.vars.paths: ["Log file path is required"]' in message


@pytest.mark.parametrize("stream_vars, problem", [
    # text vars have no type check, only the quote rule; the Terraform provider's tcp tests
    # send listen_port 8080 (a number) to a text var [tf internal/fleet/integration_policy/
    # testdata/TestAccResourceIntegrationPolicy/create]
    ({"listen_port": 8080}, None),
    ({"listen_address": "*:8080"}, "Strings starting with special YAML characters like * or & "
                                   "need to be enclosed in double quotes."),
    ({"tags": "forwarded"}, "Invalid format for Tags: expected array"),
    ({"keep_null": "yes"}, "Boolean values must be either true or false"),
    ({"keep_null": "true"}, None),
])
def test_var_type_checks_follow_validate_package_policy_config(kibana, stream_vars, problem):
    """src common/services/validate_package_policy.ts validatePackagePolicyConfig."""
    ok(kibana.api("POST", PACKAGES + "/tcp/1.16.0", {"force": True}))
    pid = agent_policy(kibana)
    answer = create(kibana, [pid], package="tcp", version="1.16.0", name="tcp-1",
                    inputs={"tcp-tcp": {"streams": {"tcp.generic": {"vars": stream_vars}}}})
    if problem is None:
        ok(answer)
    else:
        assert '["%s"]' % problem in error(answer, 400)


def test_unknown_package_version(kibana):
    pid = agent_policy(kibana)
    assert error(create(kibana, [pid], version="0.0.1"), 404) == "system@0.0.1 not found"


def test_name_unique_per_space(kibana):
    # services/package_policy.ts requireUniqueName (409)
    pid = agent_policy(kibana)
    ok(create(kibana, [pid]))
    message = error(create(kibana, [pid]), 409)
    assert message == ("An integration policy with the name sys-1 already exists. Please "
                       "rename it or choose a different name.")
    # another space may use the name (9.1+ space-aware Fleet); 8.x Fleet keeps its policies in
    # space-agnostic saved-object types (kibana-api/fleet-agent-policies.md): one name for all
    other = agent_policy(kibana, "p2", space="ops")
    if kibana.at_least("9.1"):
        ok(create(kibana, [other], space="ops"))
    else:
        assert error(create(kibana, [other], space="ops"), 409) == message


def test_revisions_bump_on_add_change_remove(kibana):
    # services/package_policy.ts create/update/delete -> agentPolicyService.bumpRevision
    pid = agent_policy(kibana)
    assert revision(kibana, pid) == 1
    item = ok(create(kibana, [pid]))["item"]
    assert revision(kibana, pid) == 2
    body = {"name": "sys-1", "policy_ids": [pid], "package": {"name": "system",
                                                              "version": "1.68.0"}}
    updated = ok(kibana.api("PUT", "%s/%s" % (POLICIES, item["id"]), body,
                            params={"format": "simplified"}))["item"]
    # even an update that changes nothing is a new revision
    assert updated["revision"] == 2 and revision(kibana, pid) == 3
    ok(kibana.api("DELETE", "%s/%s" % (POLICIES, item["id"])))
    assert revision(kibana, pid) == 4
    # and the agent policy lists it while it exists
    full = ok(kibana.api("GET", "%s/%s" % (AGENT_POLICIES, pid)))["item"]
    assert full["package_policies"] == []


def test_update_rebuilds_from_defaults(kibana):
    """A simplified PUT is turned into a whole policy from the package's defaults: inputs it
    leaves out are back at their defaults (simplifiedPackagePolicytoNewPackagePolicy). A PUT
    is simplified only when it has inputs (routes/package_policy/handlers.ts
    updatePackagePolicyHandler `body.inputs && isSimplified...`): `{}` is enough."""
    pid = agent_policy(kibana)
    item = ok(create(kibana, [pid], inputs={"system-winlog": {"enabled": False}}))["item"]
    assert item["inputs"]["system-winlog"]["enabled"] is False
    body = {"name": "sys-1", "policy_ids": [pid], "inputs": {},
            "package": {"name": "system", "version": "1.68.0"}}
    updated = ok(kibana.api("PUT", "%s/%s" % (POLICIES, item["id"]), body,
                            params={"format": "simplified"}))["item"]
    assert updated["inputs"]["system-winlog"]["enabled"] is True


def test_secret_vars_become_references(kibana):
    # server/types/models/package_policy.ts SimplifiedVarsSchema {id, isSecretRef}
    pid = agent_policy(kibana)
    item = ok(create(kibana, [pid], inputs={"system-httpjson": {
        "enabled": True, "vars": {"password": "hunter2"}}}))["item"]
    ref = item["inputs"]["system-httpjson"]["vars"]["password"]
    assert ref["isSecretRef"] is True and "hunter2" not in str(item)
    assert item["secret_references"] == [{"id": ref["id"]}]
    assert kibana.control("GET", "/fleet/secrets/" + ref["id"])["value"] == "hunter2"
    # deleting the policy deletes its secrets
    ok(kibana.api("DELETE", "%s/%s" % (POLICIES, item["id"])))
    assert kibana.session.get(kibana.url + "/_emulator/fleet/secrets/" + ref["id"]).status_code == 404


def test_unknown_agent_policy_and_space_isolation(kibana):
    resp = create(kibana, ["missing"])
    assert resp.status_code == 404
    pid = agent_policy(kibana)
    item = ok(create(kibana, [pid]))["item"]
    if kibana.at_least("9.1"):
        assert kibana.api("GET", "%s/%s" % (POLICIES, item["id"]), space="ops").status_code == 404
        assert ok(kibana.api("GET", POLICIES, space="ops"))["total"] == 0
    else:  # 8.x: space-agnostic, the same policy under every /s/ prefix
        assert ok(kibana.api("GET", "%s/%s" % (POLICIES, item["id"]), space="ops"))["item"][
            "id"] == item["id"]
        assert ok(kibana.api("GET", POLICIES, space="ops"))["total"] == 1


def test_list_with_kuery_and_bulk_delete(kibana):
    pid = agent_policy(kibana)
    first = ok(create(kibana, [pid]))["item"]
    ok(kibana.api("POST", PACKAGES + "/osquery_manager"))
    ok(create(kibana, [pid], name="osq", package="osquery_manager", version="1.18.0"))
    found = ok(kibana.api("GET", POLICIES, params={
        "kuery": "ingest-package-policies.package.name:osquery_manager"}))
    assert [p["name"] for p in found["items"]] == ["osq"]
    # rest_spec/package_policy.ts DeletePackagePoliciesResponseBodySchema
    answer = ok(kibana.api("POST", POLICIES + "/delete",
                           {"packagePolicyIds": [first["id"], "missing"]}))
    assert answer[0]["success"] is True and answer[0]["package"]["name"] == "system"
    assert answer[1]["success"] is False and answer[1]["statusCode"] == 404


def test_managed_package_policy_is_deleted_with_force_only(kibana):
    # server/services/package_policy.ts delete(): "if (packagePolicy.is_managed &&
    # !options?.force) throw new PackagePolicyRestrictionRelatedError(`Cannot delete package
    # policy ${id}`)" (a 400 through fleetErrorToResponseOptions), for one and bulk deletes
    kibana.control("POST", "/fleet/agent_policies", {
        "id": "hosted", "name": "Hosted", "namespace": "default",
        "package_policies": [{"package": "system", "name": "managed-system", "is_managed": True}]})
    managed = [p for p in ok(kibana.api("GET", POLICIES))["items"]
               if p["name"] == "managed-system"][0]
    assert managed["is_managed"] is True
    message = error(kibana.api("DELETE", "%s/%s" % (POLICIES, managed["id"])), 400)
    assert message == "Cannot delete package policy %s" % managed["id"]
    answer = ok(kibana.api("POST", POLICIES + "/delete", {"packagePolicyIds": [managed["id"]]}))
    assert answer[0]["success"] is False and answer[0]["statusCode"] == 400
    ok(kibana.api("GET", "%s/%s" % (POLICIES, managed["id"])))
    ok(kibana.api("DELETE", "%s/%s" % (POLICIES, managed["id"]), params={"force": "true"}))
    error(kibana.api("GET", "%s/%s" % (POLICIES, managed["id"])), 404)


def test_osquery_pack_needs_an_osquery_manager_package_policy(kibana):
    """The osquery pack family checks the package policies this family serves."""
    pid = agent_policy(kibana)
    pack = {"name": "pack-1", "policy_ids": [pid],
            "queries": {"q": {"query": "SELECT 1;", "interval": 60}}}
    assert kibana.api("POST", "/api/osquery/packs", pack).status_code == 400
    ok(kibana.api("POST", PACKAGES + "/osquery_manager"))
    ok(create(kibana, [pid], name="osq", package="osquery_manager", version="1.18.0"))
    assert kibana.api("POST", "/api/osquery/packs", pack).status_code == 200


def test_agent_policy_lists_its_package_policies_in_the_simplified_format(kibana):
    # server/types/rest_spec/agent_policy.ts GetOneAgentPolicyRequestSchema query format
    pid = agent_policy(kibana)
    ok(create(kibana, [pid]))
    item = ok(kibana.api("GET", "%s/%s" % (AGENT_POLICIES, pid),
                         params={"format": "simplified"}))["item"]
    inputs = item["package_policies"][0]["inputs"]
    assert inputs["system-logfile"]["streams"]["system.auth"]["vars"]["ignore_older"] == "72h"
