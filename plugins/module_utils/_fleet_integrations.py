# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet integrations (EPM packages, /api/fleet/epm/packages): the family's resource spec and
its quirks (tests/emulator/contract/fleet-epm-packages.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource, Step
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaApiError,
    ResourceError,
)

PACKAGES_PATH = "/api/fleet/epm/packages"
PACKAGE_POLICIES_PATH = "/api/fleet/package_policies"
# Package names in the registry: lower case letters, digits and underscores (package-spec's
# `name` pattern); versions are semver. Both go into the request path, so nothing else passes.
PACKAGE_NAME = re.compile(r"^[a-z0-9_]+\Z")
VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\Z")
LATEST = "latest"
REGISTRY_UNREACHABLE = "Error connecting to package registry"
AIR_GAPPED_HINT = (
    "Fleet cannot reach the Elastic Package Registry (an air-gapped Kibana?). Point "
    "xpack.fleet.registryUrl at a registry it can reach (a self-hosted one), or upload the "
    "package; without a registry Fleet only installs the packages bundled with Kibana.")

INTEGRATION_OPTIONS = dict(
    name=dict(type="str", required=True),
    version=dict(type="str"),
    force=dict(type="bool", default=False),
    prerelease=dict(type="bool", default=False),
    ignore_constraints=dict(type="bool", default=False),
    ignore_mapping_update_errors=dict(type="bool", default=False),
    skip_data_stream_rollover=dict(type="bool", default=False),
    remove_policies=dict(type="bool", default=False),
)

# The install route's query flags [src fleet server/types/rest_spec/epm.ts
# InstallPackageFromRegistryRequestSchema], by option: passed on when set, never compared.
INSTALL_QUERY_FLAGS = (("prerelease", "prerelease"),
                       ("ignore_mapping_update_errors", "ignoreMappingUpdateErrors"),
                       ("skip_data_stream_rollover", "skipDataStreamRollover"))

INTEGRATION_INFO_OPTIONS = dict(
    name=dict(type="str"),
    installed_only=dict(type="bool", default=True),
)


def package_name_problem(name, option="name"):
    if not isinstance(name, str) or not PACKAGE_NAME.match(name):
        return ("%s %r is not a package name: lower case letters, digits and '_' only (for "
                "example system, osquery_manager)" % (option, name))
    return None


def version_problem(version, option="version"):
    if version is not None and not VERSION.match(version):
        return "%s %r is not a package version such as 1.18.0" % (option, version)
    return None


def version_key(version):
    """Semver precedence for release versions; a pre-release sorts before its release."""
    core, _sep, pre = (version or "0.0.0").split("+")[0].partition("-")
    parts = [int(p) if p.isdigit() else 0 for p in core.split(".")[:3]]
    return tuple(parts) + ((1,) if not pre else (0, pre))


def registry_failure(err, name, version=None):
    """Kibana's answer about a package the registry was needed for, made clear: an unreachable
    registry (502), or a package Fleet could not find (404, also what an air-gapped Fleet
    answers for the latest version of a package it does not bundle)."""
    wanted = "%s %s" % (name, version) if version else name
    if err.status == 502 or REGISTRY_UNREACHABLE in (err.kibana_message or ""):
        return ResourceError("Fleet could not reach its package registry for %s: %s %s"
                             % (wanted, AIR_GAPPED_HINT, err.kibana_message))
    if err.status == 404 and isinstance(err.body, dict):
        return ResourceError(
            "Fleet has no package %s (%s). Check the name and version; if Fleet cannot reach "
            "the Elastic Package Registry (air-gapped), it knows only the packages bundled with "
            "Kibana." % (wanted, err.kibana_message))
    return err


def package_info(client, name, version=None, prerelease=False):
    """GET the package's info (the installed version, else the latest, prereleases included
    with `prerelease`; or that version), or None when Fleet knows no such package."""
    path = "%s/%s" % (PACKAGES_PATH, name) + ("/%s" % version if version else "")
    try:
        # Kibana's 404 (JSON): no such package; an HTML or empty 404 is a failure
        body = client.get(path, params={"prerelease": "true"} if prerelease else None,
                          absent_ok=True, expect=dict, keys=("item",))
    except KibanaApiError as err:
        raise registry_failure(err, name, version)
    if body is None:
        return None
    item = body.get("item") if isinstance(body, dict) else None
    if not isinstance(item, dict) or item.get("name") != name:
        raise ResourceError("Kibana's answer to GET %s is not a package: %r" % (path, body))
    return item


def installed_version(item):
    """The installed version from a package info, or None."""
    installation = item.get("installationInfo") or {}
    if item.get("status") == "installed":
        return installation.get("version") or item.get("version")
    return None


def integration_view(item):
    installation = item.get("installationInfo") or {}
    return {
        "name": item.get("name"),
        "title": item.get("title"),
        "version": installed_version(item),
        "status": item.get("status"),
        "latest_version": item.get("latestVersion"),
        "install_source": installation.get("install_source"),
    }


class IntegrationResource(Resource):
    name = "integration"
    title = "integration"
    id_option = "name"
    natural_key = ()
    server_owned = ("status", "latest_version", "install_source", "title")
    retry_lost_create = True

    info = None  # the package info read by lookup()
    current = None

    def validate(self):
        problem = package_name_problem(self.params["name"]) or (
            None if self.params.get("version") == LATEST else version_problem(
                self.params.get("version")))
        if problem:
            raise ResourceError(problem)

    def read(self, object_id):
        self.info = package_info(self.client, object_id, prerelease=self.params["prerelease"])
        if self.info is None:
            return None
        view = integration_view(self.info)
        return view if view["version"] else None

    def target_version(self, current):
        """The version to hold: the one asked for; `latest`, or none when nothing is
        installed, means the latest Fleet knows."""
        wanted = self.params.get("version")
        if wanted and wanted != LATEST:
            return wanted
        if wanted is None and current is not None:
            return current["version"]
        latest = (self.info or {}).get("latestVersion")
        if latest is None and self.params["state"] == "present":
            raise ResourceError(
                "Fleet knows no %s package%s. Check the name; %s" % (
                    self.params["name"], "" if self.info is None else " version to install",
                    AIR_GAPPED_HINT))
        return latest

    def desired(self):
        version = self.target_version(self.current)
        if version != (self.current or {}).get("version"):
            self._check_outdated(version)
        return {"name": self.params["name"], "version": version}

    def lookup(self):
        self.current = self.read(self.params["name"])
        return self.current

    def plan(self, current, desired):
        if current["version"] == desired["version"]:
            return []
        return [Step("upgrade" if version_key(desired["version"]) > version_key(
            current["version"]) else "downgrade", lambda: self._install(desired["version"]))]

    def _check_outdated(self, version):
        """Fleet refuses a version older than the latest unless forced (PackageOutdatedError):
        said before any write, in check mode too."""
        latest = (self.info or {}).get("latestVersion")
        if latest and version_key(version) < version_key(latest) and not self.params["force"]:
            raise ResourceError(
                "version %s of %s is older than the latest (%s): Fleet refuses to install an "
                "out-of-date version unless force=true" % (version, self.params["name"], latest))

    def _install(self, version):
        path = "%s/%s/%s" % (PACKAGES_PATH, self.params["name"], version)
        try:
            body = {"force": bool(self.params["force"])}
            if self.params["ignore_constraints"]:
                body["ignore_constraints"] = True
            flags = dict((name, "true") for option, name in INSTALL_QUERY_FLAGS
                         if self.params[option])
            answer = self.client.post(path, body, params=flags or None, expect=dict,
                                      keys=("items",))
        except KibanaApiError as err:
            raise registry_failure(err, self.params["name"], version)
        if not isinstance(answer, dict) or not isinstance(answer.get("items"), list):
            raise ResourceError("Kibana's answer to POST %s is not an installation: %r"
                                % (path, answer))
        return answer

    def create(self, desired):
        self._install(desired["version"])
        return self.read(self.params["name"]) or self.predict(None, desired)

    def predict(self, current, desired):
        predicted = dict(current or {}, name=desired["name"], version=desired["version"],
                         status="installed")
        predicted.setdefault("title", (self.info or {}).get("title"))
        predicted.setdefault("latest_version", (self.info or {}).get("latestVersion"))
        return predicted

    def guard(self, current, action):
        if action != "delete":
            return
        # Every space's policies count, but the client sees its space's only: the package's
        # policies elsewhere are Fleet's to refuse or delete.
        using = [p for p in self.client.pages(PACKAGE_POLICIES_PATH, page_param="page",
                                              size_param="perPage", size=100, items_key="items")
                 if isinstance(p, dict) and (p.get("package") or {}).get("name")
                 == self.params["name"]]
        if using and not self.params["remove_policies"]:
            raise ResourceError(
                "%d integration policies use %s (%s): Fleet would delete them with the package. "
                "Remove them first (fleet_integration_policy state=absent), or set "
                "remove_policies=true. Nothing was changed." % (
                    len(using), self.params["name"],
                    ", ".join(sorted("%s (id %s)" % (p.get("name"), p.get("id"))
                                     for p in using))))

    def delete(self, current):
        path = "%s/%s/%s" % (PACKAGES_PATH, current["name"], current["version"])
        # 200 {items: [asset reference]} (DeletePackageResponseSchema, fleet-epm-packages.md)
        self.client.delete(path, params={"force": "true"} if self.params["remove_policies"]
                           else None, expect=dict, keys=("items",))


def integration_info(client, params):
    """fleet_integration_info: one package (installed or not), or the installed ones (all
    Fleet knows with installed_only=false)."""
    if params.get("name"):
        problem = package_name_problem(params["name"])
        if problem:
            raise ResourceError(problem)
        item = package_info(client, params["name"])
        items = [item] if item is not None else []
    else:
        try:
            body = client.get(PACKAGES_PATH, expect=dict, keys=("items",))
        except KibanaApiError as err:
            raise registry_failure(err, "the package list")
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ResourceError("Kibana's answer to GET %s is not a package list: %r"
                                % (PACKAGES_PATH, body))
    views = [integration_view(i) for i in items if isinstance(i, dict)]
    if params.get("installed_only"):
        views = [v for v in views if v["version"]]
    return {"integrations": views}
