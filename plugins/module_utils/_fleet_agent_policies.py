# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet agent policies (/api/fleet/agent_policies): the family's resource spec and its quirks.

Fleet pushes every new revision of a policy to all of its enrolled agents, so this family never
sends a write that changes nothing, never deletes and recreates a policy, and sends PUTs that
carry only name, namespace, inactivity_timeout and the fields that differ."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import math
import re
import time

from ansible_collections.stackops.kibana.plugins.module_utils._arguments import (
    INT_MAX,
    RESULT_WINDOW,
    paging,
)
from ansible_collections.stackops.kibana.plugins.module_utils._client import kql_string
from ansible_collections.stackops.kibana.plugins.module_utils._compare import drop_none, overlay
from ansible_collections.stackops.kibana.plugins.module_utils._engine import Resource
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaApiError,
    ResourceError,
)
from ansible_collections.stackops.kibana.plugins.module_utils._paths import is_segment, join

# Python 3 only (module code targets 3.8+): the standard library's types, not
# ansible.module_utils.six, which ansible-core 2.21's sanity test refuses.
integer_types = (int,)
string_types = (str,)

POLICIES_PATH = "/api/fleet/agent_policies"
# The legacy saved-object type prefix: Fleet rewrites it to the 9.x type in kuery filters.
KUERY_PREFIX = "ingest-agent-policies"
TWO_WEEKS = 1209600
# Fleet's 409 on concurrent writes: retried like the Terraform provider does (5 times, doubling
# from 500 ms). A duplicate name is a 409 too, but a permanent one.
CONFLICT_RETRIES = 5
CONFLICT_BACKOFF = 0.5
# requireUniqueName(): "Agent Policy 'x' already exists with name 'n'" (or "Policies ... exist
# with name"), and for agentless policies "<name> already exist. Please rename ...".
DUPLICATE_NAME = re.compile(r"already exists? with name|already exist\. Please rename")
SYSTEM_PACKAGE = "system"
DEFEND_PACKAGE = "endpoint"
FQDN_FEATURE = "fqdn"
MAX_TAGS = 10
MONITORING_PORT_MAX = 65353  # sic: Fleet's schema limit
# Index-name rules for the data-stream namespace (Fleet's isValidNamespace()).
NAMESPACE_INVALID = re.compile(r'[*\\/?"<>|\s,#:-]')
DURATION_PART = re.compile(r"(\d+)([smhdw])")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A caller-chosen id is a path segment: the Terraform provider's rules (1 to 255 characters, no
# '/', no '..', none of the JavaScript prototype words), plus '?' and '#', which would end the path.
ID_MAX_LENGTH = 255
ID_INVALID = re.compile(r"[/?#]|\.\.|__proto__|constructor|prototype")

# Fields of Fleet's space awareness and automatic upgrades, both 9.1 (the Terraform provider's
# MinVersionSpaceIDs/MinVersionRequiredVersions): 8.x's strict schema refuses them with a 400
# ("definition for this key is missing"), and its policies are visible in every space.
SINCE_9_1 = {
    "space_ids": "Fleet space awareness; before it agent policies are not per space, every "
                 "space sees them",
    "required_versions": "automatic agent upgrades",
}
SPACE_AWARE_SINCE = (9, 1)

OUTPUT_ID_FIELDS = ("data_output_id", "monitoring_output_id", "fleet_server_host_id",
                    "download_source_id")
TIMEOUT_FIELDS = ("inactivity_timeout", "unenroll_timeout")
PLAIN_FIELDS = ("name", "namespace", "description", "is_protected", "supports_agentless",
                "keep_monitoring_alive", "advanced_settings", "overrides",
                "monitoring_pprof_enabled")
# Object fields whose stored keys the user did not set are kept: sent as stored ⊕ desired.
MERGED_OBJECT_FIELDS = ("advanced_settings", "overrides", "monitoring_http",
                        "monitoring_diagnostics", "agentless")
# models/agent_policy.ts: agentless.resources.requests
AGENTLESS_MEMORY = re.compile(r"^\d+(Mi|Gi)$")
SEMVER = re.compile(r"^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
AGENTLESS_CPU = re.compile(r"^(\d+m|\d+(\.\d+)?)$")

AGENT_POLICY_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    space_ids=dict(type="list", elements="str"),
    namespace=dict(type="str"),
    description=dict(type="str"),
    monitoring=dict(type="list", elements="str", choices=["logs", "metrics", "traces"]),
    data_output_id=dict(type="str"),
    monitoring_output_id=dict(type="str"),
    fleet_server_host_id=dict(type="str"),
    download_source_id=dict(type="str"),
    inactivity_timeout=dict(type="raw"),
    unenroll_timeout=dict(type="raw"),
    is_protected=dict(type="bool"),
    host_name_format=dict(type="str", choices=["hostname", "fqdn"]),
    global_data_tags=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        value=dict(type="raw", required=True),
    )),
    advanced_settings=dict(type="dict"),
    agent_features=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        enabled=dict(type="bool", required=True),
    )),
    agentless=dict(type="dict", options=dict(
        resources=dict(type="dict", options=dict(
            requests=dict(type="dict", options=dict(
                memory=dict(type="str"),
                cpu=dict(type="str"),
            )),
        )),
        cloud_connectors=dict(type="dict", options=dict(
            enabled=dict(type="bool"),
            target_csp=dict(type="str", choices=["aws", "azure", "gcp"]),
        )),
    )),
    monitoring_pprof_enabled=dict(type="bool"),
    monitoring_http=dict(type="dict", options=dict(
        enabled=dict(type="bool"),
        host=dict(type="str"),
        port=dict(type="int"),
        buffer=dict(type="dict", options=dict(enabled=dict(type="bool"))),
    )),
    monitoring_diagnostics=dict(type="dict", options=dict(
        limit=dict(type="dict", options=dict(
            interval=dict(type="str"),
            burst=dict(type="int"),
        )),
        uploader=dict(type="dict", options=dict(
            max_retries=dict(type="int"),
            init_dur=dict(type="str"),
            max_dur=dict(type="str"),
        )),
    )),
    required_versions=dict(type="list", elements="dict", options=dict(
        version=dict(type="str", required=True),
        percentage=dict(type="float", required=True),
    )),
    supports_agentless=dict(type="bool"),
    keep_monitoring_alive=dict(type="bool"),
    overrides=dict(type="dict"),
    sys_monitoring=dict(type="bool"),
    copy_from=dict(type="str"),
    force=dict(type="bool", default=False),
)

AGENT_POLICY_RANGES = {
    "monitoring_http.port": (0, MONITORING_PORT_MAX),
    "monitoring_diagnostics.limit.burst": (0, INT_MAX),
    "monitoring_diagnostics.uploader.max_retries": (0, INT_MAX),
    "required_versions[].percentage": (0, 100),
}

AGENT_POLICY_MODULE_KWARGS = dict(
    required_one_of=[("id", "name")],
    mutually_exclusive=[("id", "copy_from"), ("copy_from", "sys_monitoring"),
                        ("agent_features", "host_name_format")],
)

AGENT_POLICY_INFO_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    kuery=dict(type="str"),
    page=dict(type="int"),
    per_page=dict(type="int", default=100, aliases=["perPage"]),
    with_agent_count=dict(type="bool", default=False),
    full=dict(type="bool", default=False),
)

AGENT_POLICY_INFO_KWARGS = dict(
    mutually_exclusive=[("id", "name"), ("id", "kuery"), ("id", "page")],
)


def pause(seconds):
    """The wait between two attempts of a write Fleet refused with a concurrency 409."""
    time.sleep(seconds)


# ------------------------------------------------------------------ input


def duration_seconds(value, option):
    """'2w', '90m', '1h30m', 3600 or '3600' -> whole seconds (what Fleet stores)."""
    if isinstance(value, bool):
        raise ResourceError("%s must be a number of seconds or a duration such as 2w or 90m, "
                            "got %r" % (option, value))
    if isinstance(value, integer_types):
        if value < 0:
            raise ResourceError("%s must not be negative, got %r" % (option, value))
        return int(value)
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    text = value.strip().lower() if isinstance(value, string_types) else None
    if text and text.isdigit():
        return int(text)
    if text and DURATION_PART.sub("", text) == "":
        return sum(int(n) * DURATION_UNITS[unit] for n, unit in DURATION_PART.findall(text))
    raise ResourceError("%s must be a whole number of seconds or a duration made of <number>"
                        "<unit> parts with units s, m, h, d, w (for example 2w, 90m, 1h30m), "
                        "got %r" % (option, value))


def namespace_problem(namespace):
    """Why Fleet would refuse this data-stream namespace, or None."""
    if not namespace.strip():
        return "must not be empty"
    if namespace != namespace.lower():
        return "must be lowercase"
    if NAMESPACE_INVALID.search(namespace):
        return ("must not contain spaces, '-' or any of \\ / * ? \" < > | , # : "
                "(data stream naming rules)")
    if len(namespace.encode("utf-8")) > 100:
        return "must not be longer than 100 bytes"
    return None


def tag_problems(tags):
    """Fleet's global data tag rules: at most ten, unique names without whitespace, values
    that are strings or numbers."""
    problems = []
    if len(tags) > MAX_TAGS:
        problems.append("at most %d tags are allowed, got %d" % (MAX_TAGS, len(tags)))
    seen, duplicates, spaced = set(), [], []
    for tag in tags:
        name = tag.get("name") or ""
        if not name.strip():
            problems.append("tag names must not be empty")
        if re.search(r"\s", name):
            spaced.append(name)
        if name.strip() in seen and name.strip() not in duplicates:
            duplicates.append(name.strip())
        seen.add(name.strip())
        value = tag.get("value")
        if isinstance(value, bool) or not isinstance(value, string_types + integer_types + (float,)) \
                or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
            problems.append("the value of tag %r must be a string or a number, got %r"
                            % (name, value))
    if duplicates:
        problems.append("duplicate tag names: %s" % ", ".join(repr(n) for n in duplicates))
    if spaced:
        problems.append("tag names must not contain spaces: %s"
                        % ", ".join(repr(n) for n in spaced))
    return problems


def _number(value):
    """50.0 -> 50: whole floats are sent as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _unique(values):
    out = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


# ------------------------------------------------------------------ reading


def kuery_name(name):
    return "%s.name:%s" % (KUERY_PREFIX, kql_string(name))


def list_policies(client, kuery=None, with_agent_count=False, full=False, size=100):
    params = {}
    if kuery:
        params["kuery"] = kuery
    if with_agent_count:
        params["withAgentCount"] = "true"
    if full:
        params["full"] = "true"
    return list(client.pages(POLICIES_PATH, params=params, page_param="page",
                             size_param="perPage", size=size, items_key="items",
                             keys=("id", "name")))


def find_by_name(client, name, with_agent_count=True, full=True):
    """Policies with exactly this name in the client's space. Fleet falls back to a plain search
    when a kuery is not valid KQL, so the names are checked here as well."""
    return [p for p in list_policies(client, kuery_name(name), with_agent_count, full)
            if p.get("name") == name]


def get_policy(client, policy_id):
    body = client.get(join(POLICIES_PATH, ("id", policy_id)), absent_ok=True, expect=dict,
                      keys=("item",))
    return body.get("item") if body else None


def package_attached(policy, package):
    """True/False when the policy lists its integrations in full, None when it lists only ids."""
    packages = policy.get("package_policies") or []
    if any(not isinstance(p, dict) for p in packages):
        return None
    return any((p.get("package") or {}).get("name") == package for p in packages)


def host_name_format(policy):
    for feature in policy.get("agent_features") or []:
        if feature.get("name") == FQDN_FEATURE:
            return "fqdn" if feature.get("enabled") else "hostname"
    return "hostname"


def with_host_name_format(features, wanted):
    """The policy's agent features with the fqdn flag set for `wanted`, other features kept."""
    out = [dict(f) for f in features or [] if f.get("name") != FQDN_FEATURE]
    if wanted == "fqdn" or any(f.get("name") == FQDN_FEATURE for f in features or []):
        out.append({"name": FQDN_FEATURE, "enabled": wanted == "fqdn"})
    return out


class AgentPolicyResource(Resource):
    name = "agent_policy"
    title = "agent policy"
    plural = "agent policies"
    natural_key = ("name",)
    # sys_monitoring is a query parameter of the create call (it installs the system integration);
    # changing it later is refused by create_only_changes() below, never done by recreating.
    create_only = ("sys_monitoring",)
    server_owned = ("revision", "updated_at", "updated_by", "version", "schema_version", "agents",
                    "unprivileged_agents", "fips_agents", "package_policies", "status")
    unordered = ("monitoring_enabled", "global_data_tags", "required_versions", "space_ids",
                 "agent_features")
    # Fleet refuses a second policy of the same name (requireUniqueName): 409; and it takes a
    # caller-chosen id in the create body, which makes concurrent creates of one policy atomic
    unique_natural_key = True
    taken_key_refused = True  # a rename to a taken name: 409 as well
    caller_id = True
    ranges = AGENT_POLICY_RANGES
    #: `replaced` (set form): Fleet's defaults for what an entry leaves unset (no monitoring:
    #: an API create stores none; "" clears an output/host reference to Fleet's default)
    replace_defaults = {"description": "", "monitoring": [], "is_protected": False,
                        "host_name_format": "hostname", "inactivity_timeout": TWO_WEEKS,
                        "global_data_tags": [],
                        "data_output_id": "", "monitoring_output_id": "",
                        "fleet_server_host_id": "", "download_source_id": ""}

    def __init__(self, client, params):
        super(AgentPolicyResource, self).__init__(client, params)
        # A copy takes its namespace from the policy it copies.
        self.required_for_create = ("name",) if params.get("copy_from") else ("name", "namespace")
        self._source = None
        self._protection_warned = False
        #: enrolled agents of the policy being changed or deleted, when counted
        self.agents = None

    # ------------------------------------------------------------ input

    def validate(self):
        params = self.params
        policy_id = params.get("id")
        if policy_id and (len(policy_id) > ID_MAX_LENGTH or ID_INVALID.search(policy_id)):
            raise ResourceError("id %r is not a valid agent policy id: at most %d characters, "
                                "without '/', '?', '#', '..', '__proto__', 'constructor' or "
                                "'prototype'" % (policy_id, ID_MAX_LENGTH))
        if params.get("name") is not None and not params["name"].strip():
            raise ResourceError("name must not be empty or only whitespace")
        if params.get("namespace") is not None:
            problem = namespace_problem(params["namespace"])
            if problem:
                raise ResourceError("namespace %r %s" % (params["namespace"], problem))
        for option in TIMEOUT_FIELDS:
            if params.get(option) is not None:
                duration_seconds(params[option], option)
        if params.get("global_data_tags") is not None:
            problems = tag_problems(params["global_data_tags"])
            if problems:
                raise ResourceError("global_data_tags: %s" % "; ".join(problems))
        space_ids = params.get("space_ids")
        if space_ids is not None:
            space = params.get("space_id") or "default"
            if not space_ids or any(not s for s in space_ids):
                raise ResourceError("space_ids must list at least one space and no empty name")
            if space not in space_ids and "*" not in space_ids:
                raise ResourceError(
                    "space_ids %s must include space_id %r (the space the module works in), "
                    "otherwise the policy would leave the space it is looked up in"
                    % (space_ids, space))
        overrides = params.get("overrides") or {}
        inputs = [k for k in overrides if k.startswith("inputs")]
        if inputs:
            raise ResourceError("overrides: input overrides are not allowed by Fleet (%s); "
                                "configure inputs in the integration policy" % ", ".join(inputs))
        http = params.get("monitoring_http") or {}
        if http.get("port") is not None and not 0 <= http["port"] <= MONITORING_PORT_MAX:
            raise ResourceError("monitoring_http.port must be between 0 and %d, got %d"
                                % (MONITORING_PORT_MAX, http["port"]))
        versions = params.get("required_versions") or []
        for entry in versions:
            if not 0 <= entry["percentage"] <= 100:
                raise ResourceError("required_versions: percentage of %s must be between 0 and "
                                    "100, got %s" % (entry["version"], entry["percentage"]))
        listed = [entry["version"] for entry in versions]
        if len(set(listed)) != len(listed):
            raise ResourceError("required_versions: each version may be listed once, got %s"
                                % ", ".join(listed))
        # Fleet's validateRequiredVersions(): semver versions, percentages summing to <= 100
        invalid = [v for v in listed if not SEMVER.match(v)]
        if invalid:
            raise ResourceError("required_versions: %s is not a semver version such as 9.1.0"
                                % ", ".join(repr(v) for v in invalid))
        if sum(entry["percentage"] for entry in versions) > 100:
            raise ResourceError("required_versions: the percentages must not add up to more "
                                "than 100, got %s" % _number(sum(e["percentage"] for e in versions)))
        if params.get("copy_from") is not None and not params["copy_from"].strip():
            raise ResourceError("copy_from must name an agent policy (its id or name)")
        features = [f["name"] for f in params.get("agent_features") or []]
        if any(not name.strip() for name in features) or len(set(features)) != len(features):
            raise ResourceError("agent_features: each feature needs a name, listed once, got %s"
                                % ", ".join(repr(n) for n in features))
        requests = (((params.get("agentless") or {}).get("resources") or {})
                    .get("requests") or {})
        for key, pattern, example in (("memory", AGENTLESS_MEMORY, "512Mi or 2Gi"),
                                      ("cpu", AGENTLESS_CPU, "500m or 1.5")):
            if requests.get(key) is not None and not pattern.match(requests[key]):
                raise ResourceError("agentless.resources.requests.%s %r is not a valid %s "
                                    "request (for example %s)"
                                    % (key, requests[key], key.upper() if key == "cpu" else key,
                                       example))

    def desired(self):
        params = self.params
        desired = {}
        for key in PLAIN_FIELDS:
            if params.get(key) is not None:
                desired[key] = copy.deepcopy(params[key])
        # An empty string clears a reference: Fleet then uses its default (null in the body).
        for key in OUTPUT_ID_FIELDS:
            if params.get(key) is not None:
                desired[key] = params[key] or None
        for key in TIMEOUT_FIELDS:
            if params.get(key) is not None:
                desired[key] = duration_seconds(params[key], key)
        if params.get("space_ids") is not None:
            desired["space_ids"] = _unique(params["space_ids"])
        if params.get("monitoring") is not None:
            desired["monitoring_enabled"] = _unique(params["monitoring"])
        if params.get("host_name_format") is not None:
            desired["host_name_format"] = params["host_name_format"]
        if params.get("global_data_tags") is not None:
            desired["global_data_tags"] = [{"name": t["name"], "value": _number(t["value"])}
                                           for t in params["global_data_tags"]]
        for key in ("monitoring_http", "monitoring_diagnostics", "agentless"):
            if params.get(key) is not None:
                desired[key] = drop_none(params[key])
        if params.get("agent_features") is not None:
            desired["agent_features"] = [{"name": f["name"], "enabled": f["enabled"]}
                                         for f in params["agent_features"]]
        if params.get("required_versions") is not None:
            desired["required_versions"] = [
                {"version": v["version"], "percentage": _number(v["percentage"])}
                for v in params["required_versions"]]
        if params.get("sys_monitoring") is not None:
            desired["sys_monitoring"] = params["sys_monitoring"]
        return desired

    # ------------------------------------------------------------ reading

    def read(self, object_id):
        return get_policy(self.client, object_id)

    def find(self):
        return find_by_name(self.client, self.params["name"])

    @classmethod
    def list_all(cls, client):
        # as find() reads them: in full, with agent counts (deleting a policy with agents fails)
        return list_policies(client, with_agent_count=True, full=True)

    def to_config(self, obj):
        config = {"id": obj["id"], "name": obj.get("name"), "namespace": obj.get("namespace"),
                  "description": obj.get("description") or "",
                  "monitoring": list(obj.get("monitoring_enabled") or []),
                  "host_name_format": host_name_format(obj)}
        for key in OUTPUT_ID_FIELDS + TIMEOUT_FIELDS + (
                "is_protected", "keep_monitoring_alive", "supports_agentless",
                "advanced_settings", "overrides", "monitoring_http", "monitoring_diagnostics",
                "global_data_tags", "required_versions"):
            if obj.get(key) not in (None, [], {}):
                config[key] = copy.deepcopy(obj[key])
        space = self.params.get("space_id") or "default"
        if obj.get("space_ids") and list(obj["space_ids"]) != [space]:
            config["space_ids"] = list(obj["space_ids"])
        if package_attached(obj, SYSTEM_PACKAGE):
            config["sys_monitoring"] = True
        return config

    def comparable(self, current):
        view = dict(current)
        view["description"] = current.get("description") or ""
        for key in ("monitoring_enabled", "global_data_tags", "required_versions",
                    "agent_features"):
            view[key] = current.get(key) or []
        view["host_name_format"] = host_name_format(current)
        view["sys_monitoring"] = package_attached(current, SYSTEM_PACKAGE)
        if current.get("space_ids") is None and self.params.get("space_ids") is not None:
            # Some versions leave space_ids out of their answers (trap 9): absent is unchanged.
            view["space_ids"] = _unique(self.params["space_ids"])
        return view

    def plan(self, current, desired):
        self.require_9_1(set(re.split(r"[.\[]", path)[0] for path in self.changes(current, desired)))
        return super(AgentPolicyResource, self).plan(current, desired)

    def require_9_1(self, fields):
        """Refuse, before any write and in check mode too, to send a field the target's Fleet
        does not know yet (read once, only when such a field is about to be sent)."""
        fields = sorted(f for f in fields if f in SINCE_9_1)
        if not fields:
            return
        number, parsed = self.target_version()
        if parsed and parsed < SPACE_AWARE_SINCE:  # None: serverless; (): not known
            raise ResourceError(
                "%s needs Kibana 9.1.0 or later (%s), and the target Kibana is %s: leave %s out "
                "of the task. Nothing was changed."
                % (" and ".join(fields), "; ".join(SINCE_9_1[f] for f in fields), number,
                   " and ".join(fields)))

    def changes(self, current, desired):
        # sys_monitoring is never an update: create_only_changes() refuses a different value.
        found = [path for path in super(AgentPolicyResource, self).changes(current, desired)
                 if path != "sys_monitoring"]
        if "is_protected" in found and desired.get("is_protected") and \
                self.defend_attached(current) is False:
            # Fleet silently keeps tamper protection off without Elastic Defend; sending it anyway
            # would push a new revision to every agent on every run and change nothing.
            found.remove("is_protected")
            if not self._protection_warned:
                self._protection_warned = True
                self.warnings.append(
                    "is_protected=true is not sent for agent policy %s: Fleet keeps tamper "
                    "protection off until the Elastic Defend integration is attached to the "
                    "policy. Attach Elastic Defend, then run again."
                    % (current.get("id") or current.get("name")))
        return found

    def defend_attached(self, current):
        """Whether Elastic Defend is attached; a policy that lists its integrations by id only
        (a create's answer, e.g. with sys_monitoring) is read again in full to tell."""
        attached = package_attached(current, DEFEND_PACKAGE)
        if attached is None and current.get("id"):
            stored = get_policy(self.client, current["id"])
            attached = package_attached(stored, DEFEND_PACKAGE) if stored else None
        return attached

    def create_only_changes(self, current, desired):
        wanted = desired.get("sys_monitoring")
        attached = package_attached(current, SYSTEM_PACKAGE)
        if wanted is not None and attached is not None and wanted != attached:
            raise ResourceError(
                "sys_monitoring cannot be changed on an existing agent policy (id %s): Fleet "
                "installs the system integration only when it creates a policy, and this one "
                "%s it. Add or remove the system integration through Fleet's package policies, "
                "or leave sys_monitoring out of the task. The policy is never deleted and "
                "recreated, which would give it a new id and strand its %s enrolled agents."
                % (current.get("id"), "has" if attached else "does not have",
                   current.get("agents", "unknown number of")))
        return []

    # ------------------------------------------------------------ guard and agent counts

    def read_only_reason(self, current):
        if current.get("is_managed"):
            return "managed (a hosted policy, is_managed=true)"
        if current.get("is_preconfigured"):
            return "preconfigured (defined in kibana.yml, is_preconfigured=true)"
        return None

    def guard(self, current, action):
        # Fleet deletes these with force; the module's own refusal (not Kibana's) says so.
        reason = self.read_only_reason(current)
        if reason and not (action == "delete" and self.params.get("force")):
            hint = (" Set force=true to delete it anyway." if action == "delete" else
                    " Change it where it is defined (kibana.yml or the hosting service).")
            raise ResourceError("agent policy %s (%s) is %s: the module does not %s it.%s"
                                % (current.get("id"), current.get("name"), reason,
                                   "update" if action == "update" else "delete", hint))
        if action == "update" and not self.diff_mode:
            return
        # shown in diff mode; counted on delete as well, for Fleet's refusal
        agents = self.agents = self.agent_count(current)
        if self.diff_mode:
            self.extras["agents_reached"] = agents
        if action == "delete" and agents and not current.get("supports_agentless"):
            # Fleet refuses it (400 "Cannot delete an agent policy that is assigned to any
            # active or inactive agents", force or not): check mode fails as the run would
            raise ResourceError(
                "agent policy %s (%s) has %d enrolled agents: Fleet refuses to delete it until "
                "they are unenrolled or moved to another policy (Cannot delete an agent policy "
                "that is assigned to any active or inactive agents). Nothing was deleted."
                % (current.get("id"), current.get("name"), agents))

    def agent_count(self, current):
        """How many enrolled agents a write to this policy reaches (GET and the find both ask
        Fleet to count them; a list with withAgentCount when the answer had no count)."""
        if isinstance(current.get("agents"), integer_types):
            return current["agents"]
        for policy in find_by_name(self.client, current["name"], full=False):
            if policy.get("id") == current.get("id"):
                return policy.get("agents")
        return None

    # ------------------------------------------------------------ writes

    def write(self, method, path, body, params=None, keys=("item",)):
        """A Fleet write, retried with backoff while Fleet answers 409 for a concurrent write.
        A duplicate name is a 409 as well, but permanent: it fails at once."""
        delay = CONFLICT_BACKOFF
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return self.client.request(method, path, params=params, body=body, expect=dict,
                                           keys=keys)
            except KibanaApiError as err:
                if err.status != 409 or DUPLICATE_NAME.search(err.kibana_message) or \
                        self._id_taken(method, path, body, err):
                    raise
                if attempt == CONFLICT_RETRIES:
                    raise KibanaApiError(
                        err.method, err.path, err.status,
                        "%s (still conflicting after %d retries)"
                        % (err.kibana_message, CONFLICT_RETRIES), err.body)
                pause(delay)
                delay *= 2
        return None  # not reached

    @staticmethod
    def _id_taken(method, path, body, err):
        """A create's 409 naming the caller-chosen id: the id is used in another space (the
        lookup in this one found nothing); retrying cannot help."""
        policy_id = (body or {}).get("id") if method == "POST" and path == POLICIES_PATH else None
        return bool(policy_id) and policy_id in err.kibana_message

    def create(self, desired):
        self.require_9_1(k for k in SINCE_9_1 if desired.get(k) is not None)
        if self.params.get("copy_from"):
            source = self.copy_source()
            body = {"name": desired["name"]}
            if desired.get("description") is not None:
                body["description"] = desired["description"]
            created = self.write("POST", join(POLICIES_PATH, ("copy_from", source["id"]), "copy"),
                                 body)["item"]
            # The copy carries the source's settings; converge what the task sets differently.
            remaining = self.changes(created, desired)
        else:
            params = {"sys_monitoring": "true"} if desired.get("sys_monitoring") else None
            created = self.write("POST", POLICIES_PATH, self.create_body(desired), params)["item"]
            # Fleet sets is_protected=false on create: it can only be switched on afterwards.
            remaining = [p for p in self.changes(created, desired) if p == "is_protected"]
        if remaining:
            created = self.put(created, desired, remaining)
        return created

    def create_body(self, desired):
        body = dict((k, v) for k, v in desired.items() if v is not None and k not in (
            "host_name_format", "sys_monitoring", "is_protected"))
        body["id"] = self.create_id()
        if desired.get("host_name_format") == "fqdn":
            body["agent_features"] = with_host_name_format([], "fqdn")
        return body

    def copy_source(self):
        """The policy named by copy_from: its id first, else its name, in this space."""
        if self._source is None:
            wanted = self.params["copy_from"]
            # a name such as "prod/eu" cannot be an id: it would change the request path
            source = get_policy(self.client, wanted) \
                if is_segment(wanted) and not ID_INVALID.search(wanted) else None
            if source is None:
                matches = find_by_name(self.client, wanted, with_agent_count=False)
                if len(matches) > 1:
                    raise ResourceError("copy_from %r: %d agent policies have that name (ids: %s)"
                                        % (wanted, len(matches),
                                           ", ".join(sorted(m["id"] for m in matches))))
                source = matches[0] if matches else None
            if source is None:
                raise ResourceError("copy_from %r: no agent policy with that id or name in space "
                                    "%r" % (wanted, self.params.get("space_id") or "default"))
            self._source = source
        return self._source

    def update_body(self, current, desired, paths=None):
        """name, namespace and the current inactivity_timeout (Fleet resets an omitted timeout to
        two weeks), plus the fields that differ. Fields left out keep their stored value."""
        if paths is None:
            paths = self.changes(current, desired)
        body = {"name": desired.get("name") or current["name"],
                "namespace": desired.get("namespace") or current["namespace"]}
        timeout = desired.get("inactivity_timeout", current.get("inactivity_timeout"))
        if timeout is not None:
            body["inactivity_timeout"] = timeout
        for field in sorted(set(re.split(r"[.\[]", path)[0] for path in paths)):
            if field == "host_name_format":
                body["agent_features"] = with_host_name_format(current.get("agent_features"),
                                                               desired[field])
            elif field in MERGED_OBJECT_FIELDS:
                body[field] = overlay(drop_none(current.get(field) or {}), desired[field])
            elif field != "sys_monitoring":
                body[field] = desired[field]  # None clears an output or host reference
        return body

    def put(self, current, desired, paths=None):
        return self.write("PUT", join(POLICIES_PATH, ("id", current["id"])),
                          self.update_body(current, desired, paths))["item"]

    def update(self, current, desired):
        return self.put(current, desired)

    def delete(self, current):
        body = {"agentPolicyId": current["id"]}
        if self.params.get("force"):
            body["force"] = True
        try:
            self.write("POST", "%s/delete" % POLICIES_PATH, body, keys=("id",))
        except KibanaApiError as err:
            agents = self.agents
            if err.status == 400 and agents:
                raise KibanaApiError(
                    err.method, err.path, err.status,
                    "%s (agent policy %s has %d enrolled agents: unenroll them or move them to "
                    "another policy first)" % (err.kibana_message, current["id"], agents),
                    err.body)
            raise

    # ------------------------------------------------------------ check mode

    def predict(self, current, desired):
        if current is not None:
            predicted = copy.deepcopy(current)
            predicted.update(copy.deepcopy(self.update_body(current, desired)))
            predicted["revision"] = (current.get("revision") or 0) + 1
            return predicted
        self.require_9_1(k for k in SINCE_9_1 if desired.get(k) is not None)
        predicted = {"id": self.params.get("id"), "description": "", "status": "active",
                     "is_managed": False, "is_preconfigured": False, "is_protected": False,
                     "inactivity_timeout": TWO_WEEKS, "keep_monitoring_alive": False,
                     "supports_agentless": False, "revision": 1, "agents": 0,
                     "package_policies": []}
        if self.params.get("copy_from"):
            source = self.copy_source()
            for key in ("namespace", "monitoring_enabled", "inactivity_timeout",
                        "unenroll_timeout", "agent_features", "overrides", "data_output_id",
                        "monitoring_output_id", "download_source_id", "fleet_server_host_id",
                        "supports_agentless", "global_data_tags", "monitoring_http",
                        "monitoring_diagnostics", "is_protected", "agentless",
                        "monitoring_pprof_enabled"):
                if key in source:
                    predicted[key] = copy.deepcopy(source[key])
            predicted["package_policies"] = copy.deepcopy(source.get("package_policies") or [])
            predicted["revision"] = 2
            paths = self.changes(predicted, desired)
            if paths:
                predicted.update(self.update_body(predicted, desired, paths))
            predicted["name"] = desired["name"]
            if desired.get("description") is not None:
                predicted["description"] = desired["description"]
            return predicted
        predicted.update(self.create_body(desired))
        predicted["id"] = self.params.get("id")
        # warns, as the real run does, that a new policy cannot be protected yet (no Defend)
        self.changes(predicted, desired)
        return predicted


def agent_policy_info(client, params):
    """fleet_agent_policy_info: one policy by id, the policy with a name, the policies a kuery
    matches, or all of them; one page (page, per_page) or every page."""
    if params.get("id"):
        found = get_policy(client, params["id"])
        policies = [found] if found else []
        return {"agent_policies": policies, "total": len(policies)}
    # Fleet's GetAgentPoliciesRequestSchema (server/types/rest_spec/agent_policy.ts): "perPage
    # should be less or equal to 100 when fetching full policies or agent count."
    counted = params.get("with_agent_count") or params.get("full")
    page, per_page = paging(params, "per_page", max_size=100 if counted else RESULT_WINDOW,
                            why="Fleet's limit with with_agent_count or full" if counted else None)
    clauses = []
    if params.get("kuery"):
        clauses.append("(%s)" % params["kuery"] if params.get("name") else params["kuery"])
    if params.get("name") is not None:
        clauses.append(kuery_name(params["name"]))
    query = {}
    if clauses:
        query["kuery"] = " and ".join(clauses)
    if params.get("with_agent_count"):
        query["withAgentCount"] = "true"
    if params.get("full"):
        query["full"] = "true"
    if page is not None:
        policies, total = client.page(POLICIES_PATH, page, query, size_param="perPage",
                                      size=per_page, items_key="items", keys=("id", "name"))
    else:
        policies = list(client.pages(POLICIES_PATH, params=query, page_param="page",
                                     size_param="perPage", size=per_page, items_key="items",
                                     keys=("id", "name")))
        total = None
    if params.get("name") is not None:
        policies = [p for p in policies if p.get("name") == params["name"]]
    return {"agent_policies": policies,
            "total": len(policies) if total is None or params.get("name") is not None else total}
