# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet integration policies (package policies, /api/fleet/package_policies) in Fleet's
simplified format: the family's resource spec and its quirks
(tests/emulator/contract/fleet-package-policies.md).

Quirks handled here: Fleet fills every var with its default, so only what the user set is
compared; an update is a whole policy rebuilt from the package's defaults, so it carries every
current input and var; secret vars come back as references and are never compared; every
update gives each agent policy a new revision, so none is sent that changes nothing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import math
import numbers
import re

from ansible_collections.stackops.kibana.plugins.module_utils._engine import (
    Resource,
    Step,
    only_named,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import ResourceError
from ansible_collections.stackops.kibana.plugins.module_utils._fleet_agent_policies import (
    find_by_name as find_agent_policies,
    get_policy as get_agent_policy,
    list_policies,
    namespace_problem,
)
from ansible_collections.stackops.kibana.plugins.module_utils._paths import join
from ansible_collections.stackops.kibana.plugins.module_utils._fleet_integrations import (
    installed_version,
    package_info,
    package_name_problem,
    version_problem,
)

PACKAGE_POLICIES_PATH = "/api/fleet/package_policies"
SIMPLIFIED = {"format": "simplified"}
# A caller-chosen id goes into the request path: no separators, no dot segments.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*\Z")
INPUT_KEYS = ("enabled", "vars", "streams")
STREAM_KEYS = ("enabled", "vars")

INTEGRATION_POLICY_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    package=dict(type="str"),
    package_version=dict(type="str"),
    agent_policy_ids=dict(type="list", elements="str"),
    agent_policies=dict(type="list", elements="str"),
    namespace=dict(type="str"),
    description=dict(type="str"),
    vars=dict(type="dict"),
    inputs=dict(type="dict"),
    secrets=dict(type="dict", no_log=True),
    secrets_update=dict(type="str", default="on_create", choices=["on_create", "always"]),
)

INTEGRATION_POLICY_MODULE_KWARGS = dict(
    required_one_of=[("id", "name")],
    mutually_exclusive=[("agent_policy_ids", "agent_policies")],
)

INTEGRATION_POLICY_INFO_OPTIONS = dict(
    id=dict(type="str"),
    name=dict(type="str"),
    package=dict(type="str"),
    agent_policy_id=dict(type="str"),
)


# ---------------------------------------------------------------- input shape


def _var_value_problem(value, where):
    """Fleet's SimplifiedVarsSchema: a boolean, string, number, list of strings or of
    numbers, or null."""
    if value is None or isinstance(value, (bool, str)):
        return None
    if isinstance(value, numbers.Number) and math.isfinite(value):
        return None
    if isinstance(value, list) and (all(isinstance(v, str) for v in value) or all(
            isinstance(v, numbers.Number) and not isinstance(v, bool) for v in value)):
        return None
    return ("%s must be a string, number, boolean, a list of strings or of numbers, or null"
            % where)


def _vars_problems(record, where):
    if record is None:
        return []
    if not isinstance(record, dict):
        return ["%s must be a dict of var names to values" % where]
    return [p for name, value in record.items()
            for p in [_var_value_problem(value, "%s.%s" % (where, name))] if p]


def _keys_problem(entry, allowed, where):
    if not isinstance(entry, dict):
        return "%s must be a dict with %s" % (where, ", ".join(allowed))
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        return "%s: unknown key(s) %s (allowed: %s)" % (
            where, ", ".join(unknown), ", ".join(allowed))
    if entry.get("enabled") is not None and not isinstance(entry["enabled"], bool):
        return "%s.enabled must be a boolean" % where
    return None


def inputs_problems(inputs, option="inputs", values=True):
    """The simplified inputs shape: {"<template>-<type>": {enabled, vars, streams:
    {"<package>.<dataset>": {enabled, vars}}}}. With values=False (secrets) only vars."""
    problems = []
    for input_id, entry in (inputs or {}).items():
        where = "%s.%s" % (option, input_id)
        allowed = INPUT_KEYS if values else ("vars", "streams")
        problem = _keys_problem(entry, allowed, where)
        if problem:
            problems.append(problem)
            continue
        problems.extend(_vars_problems(entry.get("vars"), where + ".vars"))
        streams = entry.get("streams")
        if streams is not None and not isinstance(streams, dict):
            problems.append("%s.streams must be a dict keyed by data stream (package.dataset)"
                            % where)
            continue
        for dataset, stream in (streams or {}).items():
            swhere = "%s.streams.%s" % (where, dataset)
            problem = _keys_problem(stream, STREAM_KEYS if values else ("vars",), swhere)
            if problem:
                problems.append(problem)
                continue
            problems.extend(_vars_problems(stream.get("vars"), swhere + ".vars"))
    return problems


def var_paths(vars_record, inputs, prefix=""):
    """Every (input id or None, dataset or None, var name) set in this shape."""
    out = set((None, None, name) for name in (vars_record or {}))
    for input_id, entry in (inputs or {}).items():
        for name in (entry or {}).get("vars") or {}:
            out.add((input_id, None, name))
        for dataset, stream in ((entry or {}).get("streams") or {}).items():
            for name in (stream or {}).get("vars") or {}:
                out.add((input_id, dataset, name))
    return out


def path_name(path):
    input_id, dataset, name = path
    if input_id is None:
        return "vars.%s" % name
    if dataset is None:
        return "inputs.%s.vars.%s" % (input_id, name)
    return "inputs.%s.streams.%s.vars.%s" % (input_id, dataset, name)


def var_at(policy, path):
    """The value of a var in a simplified policy (KeyError when absent)."""
    input_id, dataset, name = path
    if input_id is None:
        return (policy.get("vars") or {})[name]
    entry = (policy.get("inputs") or {})[input_id]
    if dataset is not None:
        entry = (entry.get("streams") or {})[dataset]
    return (entry.get("vars") or {})[name]


def is_secret_ref(value):
    return isinstance(value, dict) and value.get("isSecretRef") is True


def secret_paths_of(info):
    """The secret vars of a package (its manifest's `secret: true`), as var paths."""
    out = set()
    for spec in info.get("vars") or []:
        if spec.get("secret"):
            out.add((None, None, spec.get("name")))
    templates = info.get("policy_templates") or []
    for template in templates:
        for spec in template.get("inputs") or []:
            for var in spec.get("vars") or []:
                if var.get("secret"):
                    out.add(("%s-%s" % (template.get("name"), spec.get("type")), None,
                             var.get("name")))
    for data_stream in info.get("data_streams") or []:
        for stream in data_stream.get("streams") or []:
            for var in stream.get("vars") or []:
                if var.get("secret"):
                    for template in templates:
                        out.add(("%s-%s" % (template.get("name"), stream.get("input")),
                                 data_stream.get("dataset"), var.get("name")))
    return out


def merge_simplified(current, desired):
    """current ⊕ desired for vars and inputs, where an explicit null in desired clears a var."""
    merged = copy.deepcopy(current) if isinstance(current, dict) else {}
    for key, value in (desired or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_simplified(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def check_policy_answer(answer, what):
    item = answer.get("item") if isinstance(answer, dict) else None
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or \
            not isinstance(item.get("inputs", {}), dict):
        raise ResourceError("Kibana's answer to %s is not an integration policy in the "
                            "simplified format: %r" % (what, answer))
    return item


def list_package_policies(client):
    return [p for p in client.pages(PACKAGE_POLICIES_PATH, params=SIMPLIFIED, page_param="page",
                                    size_param="perPage", size=100, items_key="items")
            if isinstance(p, dict)]


def policy_view(policy):
    """An integration policy as users see it: secrets are references, never values."""
    view = dict((k, copy.deepcopy(policy.get(k))) for k in (
        "id", "name", "namespace", "description", "policy_ids", "package", "vars", "inputs",
        "revision", "enabled", "output_id", "updated_at", "updated_by") if k in policy)
    return view


# ---------------------------------------------------------------- the resource


class IntegrationPolicyResource(Resource):
    name = "integration_policy"
    title = "integration policy"
    plural = "integration policies"
    natural_key = ("name",)
    required_for_create = ("name", "package")
    server_owned = ("revision", "updated_at", "updated_by", "enabled", "output_id")
    unordered = ("policy_ids",)
    # Fleet refuses a second integration policy of the same name (409 "An integration policy
    # with the name ... already exists"), on create and on rename
    taken_key_refused = True

    current = None
    _info = None
    _policy_ids = None

    def __init__(self, client, params):
        super(IntegrationPolicyResource, self).__init__(client, params)
        if client is not None:
            client.add_secrets(s for s in _leaves(params.get("secrets")) if isinstance(s, str))

    # ------------------------------------------------------------ validate

    def validate(self):
        params = self.params
        problems = []
        if params.get("id") is not None and not ID_PATTERN.match(params["id"]):
            problems.append("id %r is not a usable integration policy id (letters, digits, "
                            "'_', '-', '.', ':'; no '/' or '..')" % params["id"])
        if params.get("id") is not None and ".." in params["id"]:
            problems.append("id must not contain '..'")
        if params.get("name") is not None and not params["name"].strip():
            problems.append("name must not be empty or blank")
        elif params.get("name") is not None and params["name"] != params["name"].strip():
            # Fleet stores the name trimmed (services/package_policy.ts create and update): a
            # name with surrounding whitespace would never be found again by name
            problems.append("name %r starts or ends with whitespace, which Fleet trims: give "
                            "the name without it" % params["name"])
        if params.get("package") is not None:
            problems.append(package_name_problem(params["package"], "package"))
        problems.append(version_problem(params.get("package_version"), "package_version"))
        if params.get("namespace") is not None:
            problem = namespace_problem(params["namespace"])
            if problem:
                problems.append("namespace %r %s" % (params["namespace"], problem))
        for option in ("agent_policy_ids", "agent_policies"):
            if any(not v or not v.strip() for v in params.get(option) or []):
                problems.append("%s must not hold empty values" % option)
        problems.extend(_vars_problems(params.get("vars"), "vars"))
        if params.get("inputs") is not None:
            problems.extend(inputs_problems(params["inputs"]))
        problems.extend(self._secrets_problems())
        problems = [p for p in problems if p]
        if problems:
            raise ResourceError("; ".join(problems))

    def _secrets_problems(self):
        secrets = self.params.get("secrets")
        if secrets is None:
            return []
        if set(secrets) - {"vars", "inputs"}:
            return ["secrets: only the keys vars and inputs are allowed (the shape of the vars "
                    "and inputs options)"]
        problems = []
        for name, value in (secrets.get("vars") or {}).items():
            if not isinstance(value, (str, numbers.Number)) or isinstance(value, bool):
                problems.append("secrets.vars.%s must be a string" % name)
        problems.extend(inputs_problems(secrets.get("inputs"), "secrets.inputs", values=False))
        if problems:
            return problems
        both = var_paths(self.params.get("vars"), self.params.get("inputs")) & \
            var_paths(secrets.get("vars"), secrets.get("inputs"))
        return ["%s is set in secrets and in %s too: give a secret var in secrets only"
                % (path_name(p), "vars" if p[0] is None else "inputs")
                for p in sorted(both, key=str)]

    # ------------------------------------------------------------ read

    def read(self, object_id):
        # Kibana's 404 (JSON) is "no such policy"; an HTML or empty 404 is a failure
        answer = self.client.get(join(PACKAGE_POLICIES_PATH, ("id", object_id)),
                                 params=SIMPLIFIED, absent_ok=True, expect=dict,
                                 keys=("item",))
        return None if answer is None else check_policy_answer(
            answer, "GET %s/%s" % (PACKAGE_POLICIES_PATH, object_id))

    def find(self):
        return [p for p in list_package_policies(self.client) if p.get("name") == self.params["name"]]

    def lookup(self):
        self.current = super(IntegrationPolicyResource, self).lookup()
        return self.current

    # ------------------------------------------------------------ the set form

    @classmethod
    def list_all(cls, client):
        return list_package_policies(client)

    def to_config(self, obj):
        """Secret vars are references in Fleet's answers: never gathered (left out), nor unset
        vars; the package version is not pinned (the installed one is used)."""
        config = {"id": obj["id"], "name": obj.get("name"),
                  "package": (obj.get("package") or {}).get("name"),
                  "agent_policy_ids": list(obj.get("policy_ids") or [])}
        for key in ("namespace", "description"):
            if obj.get(key):
                config[key] = obj[key]
        for key in ("vars", "inputs"):
            if obj.get(key):
                config[key] = _without_secret_refs(obj[key])
        return config

    def _hosted_agent_policies(self, policy_ids):
        """The ids among `policy_ids` of hosted agent policies (is_managed), which Fleet does not
        let integrations be added to or removed from without force (services/package_policy.ts
        validateIsNotHostedPolicy); the module never sends force. One read per agent policy and
        task."""
        hosted = []
        for policy_id in policy_ids or []:
            policy = self.cached("agent_policy:%s" % policy_id,
                                 lambda policy_id=policy_id: get_agent_policy(self.client,
                                                                              policy_id))
            if policy and policy.get("is_managed"):
                hosted.append(policy_id)
        return hosted

    def _refuse_adding_to_hosted(self, policy_ids):
        hosted = self._hosted_agent_policies(policy_ids)
        if hosted:
            raise ResourceError(
                "%s: the agent policy %s is hosted (is_managed): Fleet does not add "
                "integrations to it (\"Cannot update integrations of hosted agent policy %s\")"
                % ("agent_policies" if self.params.get("agent_policies") is not None
                   else "agent_policy_ids", hosted[0], hosted[0]))

    def guard(self, current, action):
        super(IntegrationPolicyResource, self).guard(current, action)
        if action == "delete":
            hosted = self._hosted_agent_policies(current.get("policy_ids"))
            if hosted:
                raise ResourceError(
                    "integration policy %s (%s) is on the hosted agent policy %s (is_managed): "
                    "Fleet does not remove integrations of a hosted agent policy (\"Cannot "
                    "remove integrations of hosted agent policy\")"
                    % (current.get("id"), current.get("name"), hosted[0]))

    def read_only_reason(self, current):
        # Fleet refuses to delete a managed package policy without force
        # (services/package_policy.ts delete: "Cannot delete package policy <id>"): overridden
        # keeps it, gathered lists it apart.
        if current.get("is_managed"):
            return "managed (is_managed=true: Fleet or its hosting service owns it)"
        return None

    def replace(self, current):
        """Unset options back to Fleet's defaults: no description. Vars and inputs keep what
        an element leaves unset (their defaults are the package's)."""
        if self.params.get("description") is None and (current or {}).get("description"):
            self.params["description"] = ""

    # ------------------------------------------------------------ desired

    def package_name(self):
        name = self.params.get("package") or ((self.current or {}).get("package") or {}).get("name")
        if self.current is not None and self.params.get("package") and \
                self.params["package"] != self.current["package"]["name"]:
            raise ResourceError(
                "package cannot be changed on an existing integration policy (id %s holds %s): "
                "remove it and create another"
                % (self.current["id"], self.current["package"]["name"]))
        return name

    def package_info(self, version=None):
        """The package's info from Fleet: the installed version's (else the latest's), or
        that version's; each read once per task."""
        if self._info is None:
            self._info = {}
        if version not in self._info:
            name = self.package_name()
            found = package_info(self.client, name, version)
            if found is None:
                raise ResourceError("package: Fleet knows no package %s%s" % (
                    name, " %s" % version if version else ""))
            self._info[version] = found
        return self._info[version]

    def target_version(self):
        """The pinned version, else the installed one (a package not installed must be
        installed first, with fleet_integration)."""
        if self.params.get("package_version"):
            return self.params["package_version"]
        info = self.package_info()
        version = installed_version(info)
        if version is None:
            raise ResourceError(
                "package: %s is not installed in Fleet: install it first with "
                "stackops.kibana.fleet_integration, or pin package_version" % info["name"])
        return version

    def resolve_policy_ids(self):
        if self._policy_ids is not None:
            return self._policy_ids
        ids = self.params.get("agent_policy_ids")
        if self.params.get("agent_policies") is not None:
            space = self.params.get("space_id") or "default"
            ids = []
            for name in self.params["agent_policies"]:
                policy = only_named(
                    self._agent_policies_named(name),
                    "agent_policies", "agent policy", "agent policies", name, space,
                    "use agent_policy_ids")
                ids.append(policy["id"])
        self._policy_ids = list(dict.fromkeys(ids)) if ids is not None else None
        return self._policy_ids

    def _agent_policies_named(self, name):
        if self.shared is None:
            return find_agent_policies(self.client, name, with_agent_count=False, full=False)
        # a set task reads every agent policy once, for the names of all its elements
        policies = self.cached("agent_policies", lambda: list_policies(self.client))
        return [p for p in policies if p.get("name") == name]

    def desired(self):
        params = self.params
        desired = {}
        for key in ("name", "namespace", "description"):
            if params.get(key) is not None:
                desired[key] = params[key]
        name = self.package_name()
        if name is not None:
            desired["package"] = {"name": name, "version": self.target_version()}
        policy_ids = self.resolve_policy_ids()
        if policy_ids is not None:
            desired["policy_ids"] = policy_ids
        if params.get("vars") is not None:
            desired["vars"] = copy.deepcopy(params["vars"])
        if params.get("inputs") is not None:
            desired["inputs"] = copy.deepcopy(params["inputs"])
        self._refuse_plain_secrets(desired)
        return desired

    def _refuse_plain_secrets(self, desired):
        """A secret var given in vars/inputs would be logged and compared in clear."""
        given = var_paths(desired.get("vars"), desired.get("inputs"))
        if not given:
            return
        secret = given & secret_paths_of(self.package_info(self.params.get("package_version")))
        if self.current is not None:
            secret.update(p for p in given if _has(self.current, p)
                          and is_secret_ref(var_at(self.current, p)))
        if secret:
            raise ResourceError(
                "%s %s secret in this package: give %s in the secrets option (no_log, never "
                "compared) instead" % (", ".join(path_name(p) for p in sorted(secret, key=str)),
                                       "is a" if len(secret) == 1 else "are",
                                       "it" if len(secret) == 1 else "them"))

    # ------------------------------------------------------------ compare and plan

    def comparable(self, current):
        view = copy.deepcopy(current)
        view.setdefault("policy_ids", [])
        return view

    def _secrets_due(self, current):
        if not self.params.get("secrets"):
            return False
        return current is None or self.params["secrets_update"] == "always"

    def sent_secrets(self, current, desired):
        return ["secrets"] if self.params.get("secrets") and (
            current is None or self._secrets_due(current)) else []

    def plan(self, current, desired):
        changed = self.changes(current, desired)
        if changed or self._secrets_due(current):
            return [Step("update", lambda: self.update(current, desired))]
        return []

    def body(self, base, desired, send_secrets):
        """The simplified body of a create or an update: Fleet rebuilds the whole policy from
        the package's defaults, so every current input and var goes along."""
        body = {"name": desired.get("name", base.get("name")),
                "package": desired.get("package") or base.get("package"),
                "policy_ids": desired.get("policy_ids", base.get("policy_ids") or [])}
        body["package"] = {"name": body["package"]["name"],
                           "version": body["package"]["version"]}
        for key in ("namespace", "description"):
            value = desired.get(key, base.get(key))
            if value is not None:
                body[key] = value
        if base.get("output_id") is not None:
            body["output_id"] = base["output_id"]
        variables = merge_simplified(base.get("vars"), desired.get("vars"))
        inputs = merge_simplified(base.get("inputs"), desired.get("inputs"))
        secrets = self.params.get("secrets") or {}
        if send_secrets:
            variables = merge_simplified(variables, secrets.get("vars"))
            inputs = merge_simplified(inputs, secrets.get("inputs"))
        if variables:
            body["vars"] = variables
        if inputs:
            body["inputs"] = inputs
        return body

    def create(self, desired):
        body = self.body({}, desired, send_secrets=True)
        self._refuse_adding_to_hosted(body["policy_ids"])
        if self.params.get("id"):
            body["id"] = self.params["id"]
        if body["policy_ids"] == [] and self.params.get("agent_policy_ids") is None and \
                self.params.get("agent_policies") is None:
            self.warnings.append("the integration policy is attached to no agent policy: set "
                                 "agent_policy_ids or agent_policies so that agents run it")
        return check_policy_answer(self.client.post(PACKAGE_POLICIES_PATH, body,
                                                    params=SIMPLIFIED, expect=dict,
                                                    keys=("item",)),
                                   "POST %s" % PACKAGE_POLICIES_PATH)

    def update(self, current, desired):
        body = self.body(current, desired, send_secrets=self._secrets_due(current))
        path = join(PACKAGE_POLICIES_PATH, ("id", current["id"]))
        return check_policy_answer(self.client.put(path, body, params=SIMPLIFIED, expect=dict,
                                                   keys=("item",)),
                                   "PUT %s" % path)

    def delete(self, current):
        self.client.delete(join(PACKAGE_POLICIES_PATH, ("id", current["id"])), expect=dict,
                           keys=("id",))  # 200 {id} (fleet-package-policies.md)

    def predict(self, current, desired):
        if current is not None:
            return merge_simplified(current, self.body(current, desired, send_secrets=False))
        predicted = self.body({}, desired, send_secrets=False)
        self._refuse_adding_to_hosted(predicted["policy_ids"])
        predicted["id"] = self.params.get("id")
        # Fleet fills the package's defaults: not known without its manifest here
        predicted.setdefault("inputs", {})
        return predicted

    def output(self, obj):
        return policy_view(obj)


def _without_secret_refs(value):
    """Vars as gathered: no secret reference, and no unset (null) var, which a secret var
    left unset is (declaring it would be refused: secrets go in the secrets option)."""
    if isinstance(value, dict):
        return dict((k, _without_secret_refs(v)) for k, v in value.items()
                    if v is not None and not is_secret_ref(v))
    return copy.deepcopy(value)


def _has(policy, path):
    try:
        var_at(policy, path)
    except (KeyError, TypeError, AttributeError):
        return False
    return True


def _leaves(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in _leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in _leaves(v)]
    return [value] if value not in (None, "") else []


def integration_policy_info(client, params):
    """fleet_integration_policy_info: one by id, or those of the space (by name, package or
    agent policy)."""
    if params.get("id"):
        if not ID_PATTERN.match(params["id"]) or ".." in params["id"]:
            raise ResourceError("id %r is not a usable integration policy id" % params["id"])
        found = client.get(join(PACKAGE_POLICIES_PATH, ("id", params["id"])), params=SIMPLIFIED,
                           absent_ok=True, expect=dict, keys=("item",))
        policies = [check_policy_answer(found, "GET integration policy")] if found else []
    else:
        policies = list_package_policies(client)
    if params.get("name") is not None:
        policies = [p for p in policies if p.get("name") == params["name"]]
    if params.get("package") is not None:
        policies = [p for p in policies if (p.get("package") or {}).get("name") == params["package"]]
    if params.get("agent_policy_id") is not None:
        policies = [p for p in policies if params["agent_policy_id"] in (p.get("policy_ids") or [])]
    return {"integration_policies": [policy_view(p) for p in policies]}
