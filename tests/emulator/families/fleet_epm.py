"""Fleet's package manager (EPM): /api/fleet/epm/packages, following
tests/emulator/contract/fleet-epm-packages.md. The registry behind it is fleet_catalogue.py;
the test control POST /_emulator/fleet/registry {"reachable": false} makes it unreachable, as
for an air-gapped Kibana without a local registry.

Kibana paths cited are under x-pack/platform/plugins/shared/fleet/server/."""

import copy
import re

from ..app import Family, now_iso
from ..errors import KibanaError, bad_request
from ..schema import Field, check_object
from . import fleet_catalogue as catalogue
from .fleet_agent_policies import check_query

REGISTRY_URL = "https://epr.elastic.co"
# services/epm/registry/requests.ts: a system error after the retries
CONNECTION_ERROR = ("Error connecting to package registry: request to {url} failed, reason: "
                    "getaddrinfo ENOTFOUND epr.elastic.co")
INSTALL_BODY = {"force": Field("boolean", default=False),
                "ignore_constraints": Field("boolean", default=False)}
INSTALL_QUERY = {"prerelease": Field("boolean"), "ignoreMappingUpdateErrors": Field("boolean"),
                 "skipDataStreamRollover": Field("boolean"),
                 "skipDependencyCheck": Field("boolean")}
INFO_QUERY = {"ignoreUnverified": Field("boolean"), "prerelease": Field("boolean"),
              "full": Field("boolean"), "withMetadata": Field("boolean")}
LIST_QUERY = {"category": Field("string"), "prerelease": Field("boolean"),
              "excludeInstallStatus": Field("boolean"),
              "withPackagePoliciesCount": Field("boolean")}
DELETE_QUERY = {"force": Field("boolean")}
# semver's valid() (routes/epm/handlers.ts getInfoHandler refuses anything else)
SEMVER = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")


def registry_unreachable(path):
    # errors/handlers.ts: RegistryConnectionError -> 502 Bad Gateway
    return KibanaError(502, CONNECTION_ERROR.format(url=REGISTRY_URL + path))


class FleetEpm(Family):
    name = "fleet_epm"

    def routes(self):
        base = "/api/fleet/epm/packages"
        return [
            ("GET", base, "list_packages"),
            ("GET", f"{base}/<name>", "get_latest"),
            ("GET", f"{base}/<name>/<version>", "get_version"),
            ("POST", f"{base}/<name>", "install_latest"),
            ("POST", f"{base}/<name>/<version>", "install_version"),
            ("DELETE", f"{base}/<name>", "remove_latest"),
            ("DELETE", f"{base}/<name>/<version>", "remove_version"),
        ]

    def emulator_routes(self):
        return [("POST", "/fleet/registry", "set_registry")]

    # ------------------------------------------------------------------ state

    @property
    def data(self):
        """{"installed": name -> installation, "reachable": bool}"""
        data = self.emulator.store("fleet_epm")
        data.setdefault("installed", {})
        data.setdefault("reachable", True)
        return data

    def reset(self):
        self.data["installed"].clear()
        self.data["reachable"] = True

    def _package_policies(self):
        fleet = self.emulator.family("fleet_agent_policies")
        return list(fleet.package_policies.values()) if fleet else []

    def installed_version(self, name):
        """The installed version: an explicit installation, or the version a package policy
        uses (Fleet installs a package when a package policy of it is created, whatever made
        it: services/package_policy.ts create ensures the package is installed)."""
        installation = self.data["installed"].get(name)
        if installation is not None:
            return installation["version"]
        used = [p["package"]["version"] for p in self._package_policies()
                if p.get("package", {}).get("name") == name]
        return max(used, key=catalogue.version_key) if used else None

    def ensure_installed(self, name, version, user="elastic"):
        """For package policy creation: install when not installed (no-op otherwise)."""
        if name not in self.data["installed"]:
            self._record(name, version, "registry", user)

    def _record(self, name, version, source, user):
        stamp = now_iso()
        previous = self.data["installed"].get(name)
        self.data["installed"][name] = {
            "name": name, "version": version, "install_status": "installed",
            "install_source": source, "type": "epm-packages",
            "created_at": previous["created_at"] if previous else stamp, "updated_at": stamp,
            "installed_kibana": [], "installed_es": [
                {"id": f"logs-{name}@package", "type": "component_template"}],
            "verification_status": "verified", "verification_key_id": "d27d666cd88e42b4",
            "previous_version": previous["version"] if previous else None,
            "installed_kibana_space_id": "default",
        }

    def _reachable(self):
        return self.data["reachable"]

    # ------------------------------------------------------------------ views

    def _info(self, name, version):
        """PackageInfo of that version with the install status of the package (GET info)."""
        info = catalogue.manifest(name, version)
        installed = self.installed_version(name)
        info["status"] = "installed" if installed else "not_installed"
        if installed:
            installation = copy.deepcopy(self.data["installed"].get(name)) or {
                "name": name, "version": installed, "install_status": "installed",
                "install_source": "registry", "type": "epm-packages", "installed_kibana": [],
                "installed_es": [], "verification_status": "verified"}
            info["installationInfo"] = installation
        if self._reachable() or catalogue.bundled(name):
            info["latestVersion"] = catalogue.latest(name)
        info["assets"] = {}
        # the registry's package info carries its archive's path (apis/epm/get.ts expects a
        # `download` property; the /epr/<name>/<name>-<version>.zip form is the registry's)
        info["download"] = f"/epr/{name}/{name}-{version}.zip"
        info["keepPoliciesUpToDate"] = False
        return info

    def _latest_or_404(self, name):
        """registry/index.ts fetchFindLatestPackageOrThrow: an unreachable registry falls back
        on the bundled package, else there is no latest package: 404."""
        if name in catalogue.CATALOGUE and (self._reachable() or catalogue.bundled(name)):
            return catalogue.latest(name)
        raise KibanaError(404, f"[{name}] package not found in registry")

    def _version_or_404(self, name, version):
        """registry/index.ts fetchInfo: a 404 from the registry -> `<name>@<version> not found`;
        a connection error is rethrown (502) unless that exact version is bundled."""
        if not self._reachable() and not (catalogue.bundled(name)
                                          and version == catalogue.latest(name)):
            if self.installed_version(name) == version:
                return version  # installed packages are read from their saved object
            raise registry_unreachable(f"/package/{name}/{version}/")
        if catalogue.manifest(name, version) is None:
            raise KibanaError(404, f"{name}@{version} not found")
        return version

    # ------------------------------------------------------------------ routes

    def list_packages(self, call):
        query = check_query(call, LIST_QUERY)
        if not self._reachable():
            # registry fetchList fails with the connection error [unverified: the handler may
            # instead list installed and bundled packages only]
            raise registry_unreachable("/search")
        items = []
        for name in sorted(catalogue.CATALOGUE):
            info = self._info(name, catalogue.latest(name))
            item = {k: info[k] for k in ("name", "title", "version", "description", "type",
                                         "categories", "status", "latestVersion", "release")
                    if k in info}
            item["id"] = name
            if "installationInfo" in info:
                item["installationInfo"] = info["installationInfo"]
            if query.get("withPackagePoliciesCount"):
                # apis/epm/list.ts "Allow to retrieve package policies count"
                item["packagePoliciesInfo"] = {"count": sum(
                    1 for p in self._package_policies() if p["package"]["name"] == name)}
            items.append(item)
        return {"items": items}

    def get_latest(self, call):
        check_query(call, INFO_QUERY)
        name = call.args["name"]
        installed = self.installed_version(name)
        # GET without a version: the installed package when there is one, else the latest
        version = installed or self._latest_or_404(name)
        return {"item": self._info(name, version)}

    def get_version(self, call):
        check_query(call, INFO_QUERY)
        name, version = call.args["name"], call.args["version"]
        if not SEMVER.match(version):
            # routes/epm/handlers.ts getInfoHandler: FleetError -> 400
            raise bad_request("Package version is not a valid semver")
        return {"item": self._info(name, self._version_or_404(name, version))}

    def install_latest(self, call):
        return self._install(call, call.args["name"], None)

    def install_version(self, call):
        return self._install(call, call.args["name"], call.args["version"])

    def _install(self, call, name, version):
        query = check_query(call, INSTALL_QUERY)
        body = check_object(call.body if call.body is not None else {}, INSTALL_BODY)
        latest = self._latest_or_404(name)
        version = self._version_or_404(name, version or latest)
        if latest is not None and catalogue.version_key(version) < catalogue.version_key(latest):
            previous = (self.data["installed"].get(name) or {}).get("previous_version")
            if not body["force"] and version not in (previous, self.installed_version(name)):
                # services/epm/packages/install.ts: PackageOutdatedError (400) unless force or
                # a reinstall/rollback (apis/epm/install_update.ts "should return 200 if trying
                # to reinstall an out-of-date package")
                raise bad_request(f"{name}-{version} is out-of-date and cannot be installed or "
                                  "updated")
        del query
        if self.installed_version(name) != version or body["force"]:
            self._record(name, version, "bundled" if not self._reachable() else "registry",
                         call.user)
        installation = self.data["installed"][name]
        return {"items": installation["installed_kibana"] + installation["installed_es"],
                "_meta": {"install_source": installation["install_source"], "name": name}}

    def remove_latest(self, call):
        return self._remove(call, call.args["name"])

    def remove_version(self, call):
        return self._remove(call, call.args["name"])

    def _remove(self, call, name):
        query = check_query(call, DELETE_QUERY)
        if self.installed_version(name) is None:
            raise bad_request(f"{name} is not installed")
        fleet = self.emulator.family("fleet_agent_policies")
        used = [p for p in self._package_policies() if p["package"]["name"] == name]
        if used:
            # services/epm/packages/remove.ts: package policies are deleted along when no agent
            # uses them (or with force), else 400
            in_use = any(fleet.policies.get(policy_id, {}).get("agents", 0)
                         for p in used for policy_id in p["policy_ids"])
            if in_use and not query.get("force"):
                raise bad_request("Unable to remove package with existing package policy(s) in "
                                  "use by agent(s)")
            for package_policy in used:
                self.emulator.family("fleet_package_policies").remove(package_policy, call.user)
        installation = self.data["installed"].pop(name, None) or {"installed_kibana": [],
                                                                  "installed_es": []}
        return {"items": installation["installed_kibana"] + installation["installed_es"]}

    # ------------------------------------------------------------------ /_emulator/

    def set_registry(self, call):
        """Body {"reachable": bool}: whether Kibana can reach the package registry."""
        body = call.body or {}
        if not isinstance(body.get("reachable"), bool):
            raise bad_request("reachable (a boolean) is required")
        self.data["reachable"] = body["reachable"]
        return {"reachable": self.data["reachable"]}
