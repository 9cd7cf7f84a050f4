"""Fleet EPM packages: the emulator against Kibana's API integration tests
x-pack/platform/test/fleet_api_integration/apis/epm/{get,list,install_update,delete}.ts (GET,
LIST, INSTALL_UPDATE, DELETE) and the route handlers
x-pack/platform/plugins/shared/fleet/server/routes/epm/handlers.ts (HANDLERS). Rows EP1-EP10 of
tests/emulator/FIDELITY.md.

Kibana's tests use packages of their docker registry (`apache`, `multiple_versions` 0.1.0,
0.2.0, 0.3.0, ...); the replays use the emulator catalogue's `system` (1.60.0, 1.64.1, 1.68.0,
the latest) the same way."""

PACKAGES = "/api/fleet/epm/packages"
OLDEST, MIDDLE, LATEST = "1.60.0", "1.64.1", "1.68.0"


def install(kibana, version, body=None):
    return kibana.api("POST", "%s/system/%s" % (PACKAGES, version), body)


def test_get_answers_the_version_with_its_download_path(kibana):
    # EP1 GET "returns package info from the registry if it was installed from the registry":
    # the item has a `download` property
    install(kibana, LATEST, {"force": True})
    resp = kibana.api("GET", "%s/system/%s" % (PACKAGES, LATEST))
    assert resp.status_code == 200, resp.text
    item = resp.json()["item"]
    assert item["name"] == "system" and item["version"] == LATEST
    assert item["download"] == "/epr/system/system-%s.zip" % LATEST


def test_get_of_an_unknown_package_or_a_bad_version(kibana):
    # EP2 GET "returns a 404 for a package that do not exists"
    assert kibana.api("GET", PACKAGES + "/notexists/99.99.99").status_code == 404
    # EP3 GET "returns a 400 for a package key without a proper semver version"; HANDLERS
    # getInfoHandler: FleetError('Package version is not a valid semver')
    resp = kibana.api("GET", PACKAGES + "/endpoint/0.1.0.1.2.3")
    assert resp.status_code == 400
    assert resp.json()["message"] == "Package version is not a valid semver"


def test_get_without_a_version(kibana):
    # EP4 GET "returns package info in item field when calling without version"
    install(kibana, LATEST, {"force": True})
    resp = kibana.api("GET", PACKAGES + "/system")
    assert resp.status_code == 200 and resp.json()["item"]["name"] == "system"


def test_get_query_flags(kibana):
    # EP5 GET "returns package info from the archive if ?full=true / ?full=false",
    # "ignoreUnverified=true&prerelease=true": the query flags are accepted
    for query in ({"full": "true"}, {"full": "false"},
                  {"ignoreUnverified": "true", "prerelease": "true"}):
        resp = kibana.api("GET", "%s/system/%s" % (PACKAGES, LATEST), params=query)
        assert resp.status_code == 200, resp.text


def test_list_and_package_policy_counts(kibana):
    # EP6 LIST "lists all packages from the registry" and "Allow to retrieve package policies
    # count": packagePoliciesInfo.count on every item, 1 for the package with a policy
    resp = kibana.api("GET", PACKAGES)
    assert resp.status_code == 200 and resp.json()["items"]
    kibana.api("POST", "/api/fleet/package_policies", {
        "name": "test-log", "description": "test", "policy_ids": [], "inputs": {
            "logs-logfile": {"streams": {"log.log": {"vars": {"paths": ["/tmp/x.log"]}}}}},
        "package": {"name": "log", "version": "2.4.0"}})
    items = kibana.api("GET", PACKAGES, params={"withPackagePoliciesCount": "true"}).json()["items"]
    for item in items:
        assert item["packagePoliciesInfo"]["count"] == (1 if item["name"] == "log" else 0)


def test_install_of_an_unknown_package_is_404(kibana):
    # EP7 INSTALL_UPDATE "should return 404 if package does not exist"
    assert kibana.api("POST", PACKAGES + "/nonexistent/0.1.0").status_code == 404
    assert kibana.api("GET", PACKAGES + "/nonexistent").status_code == 404


def test_out_of_date_versions(kibana):
    # EP8 INSTALL_UPDATE: an out-of-date install 400, with force 200, its reinstall 200
    # without force, an update to a version still out of date 400, with force 200, the latest
    # 200
    assert install(kibana, OLDEST).status_code == 400
    assert kibana.api("GET", PACKAGES + "/system").json()["item"]["status"] == "not_installed"
    assert install(kibana, OLDEST, {"force": True}).status_code == 200
    assert install(kibana, OLDEST).status_code == 200
    resp = install(kibana, MIDDLE)
    assert resp.status_code == 400
    assert resp.json()["message"] == ("system-%s is out-of-date and cannot be installed or "
                                      "updated" % MIDDLE)
    assert install(kibana, MIDDLE, {"force": True}).status_code == 200
    assert install(kibana, LATEST).status_code == 200
    assert install(kibana, LATEST).status_code == 200


def test_uninstall_a_required_package(kibana):
    # EP9 DELETE "should return 200 if trying to uninstall a required package"
    kibana.api("POST", PACKAGES + "/elastic_agent/2.3.0", {"force": True})
    resp = kibana.api("DELETE", PACKAGES + "/elastic_agent/2.3.0")
    assert resp.status_code == 200, resp.text
    assert isinstance(resp.json()["items"], list)
