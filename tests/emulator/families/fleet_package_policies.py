"""Fleet package policies (integration policies): /api/fleet/package_policies in the simplified
format, following tests/emulator/contract/fleet-package-policies.md.

Package policies live in the agent policies family's store (one truth: an agent policy's
`package_policies`, the osquery pack family's osquery_manager check and this API all read it).
Kibana paths cited are under x-pack/platform/plugins/shared/fleet/."""

import copy
import re

from ..app import Family, new_id, now_iso
from ..errors import KibanaError, bad_request
from ..schema import UNDEFINED, AnyOf, Field, Literal, check_object, type_name
from . import fleet_catalogue as catalogue
from .fleet_agent_policies import _check_namespace, check_query

NAME_TAKEN = ("An integration policy with the name {name} already exists. Please rename it or "
              "choose a different name.")


def _simplified_vars(value):
    """server/types/models/package_policy.ts SimplifiedVarsSchema: each value a boolean, string,
    number, string[], number[], a secret reference {id, isSecretRef} or null."""
    if not isinstance(value, dict):
        return f"expected value of type [object] but got [{type_name(value)}]"
    for key, item in value.items():
        ok = item is None or isinstance(item, (bool, str, int, float))
        if isinstance(item, list):
            ok = all(isinstance(i, str) for i in item) or all(
                isinstance(i, (int, float)) and not isinstance(i, bool) for i in item)
        if isinstance(item, dict):
            ok = set(item) == {"id", "isSecretRef"} and isinstance(item["id"], str) and \
                isinstance(item["isSecretRef"], bool)
        if not ok:
            return f"[{key}]: types that failed validation"  # [unverified] oneOf wording
    return None


VARS = Field("object", strict=False, validate=_simplified_vars)
STREAM = Field("object", fields={"enabled": Field("boolean"), "vars": VARS})
INPUT = Field("object", fields={
    "enabled": Field("boolean"), "vars": VARS,
    "streams": Field("object", strict=False,
                     validate=lambda v: _each(v, STREAM, "streams"))})


def _each(record, field, where):
    for key, value in record.items():
        field.check(value, f"request body.inputs.{where}.{key}")
    return None


def _inputs(value):
    if not isinstance(value, dict):
        return f"expected value of type [object] but got [{type_name(value)}]"
    for key, item in value.items():
        INPUT.check(item, f"request body.inputs.{key}")
    return None


def _namespace(value):
    """PackagePolicyNamespaceSchema: maxLength 100 (JavaScript string length), then
    isValidNamespace(value, allowBlank = true)."""
    length = len(value.encode("utf-16-le")) // 2
    if length > 100:
        return f"value has length [{length}] but it must have a maximum length of [100]."
    return _check_namespace(value) if value else None


# server/types/models/package_policy.ts VALIDATE_DATASTREAMS_PERMISSION_REGEX (its alternation
# is unanchored past `logs`, as in Kibana) and validateAdditionalDatastreamsPermissions
PERMISSION = re.compile(r"^(logs)|(metrics)|(traces)|(synthetics)|(profiles)-(.*)$")


def _permissions(value):
    for item in value:
        if not PERMISSION.search(item):
            return (f"{item} is not a valid datastream permissions, it should match "
                    "logs|metrics|traces|synthetics|profiles)-*")
    return None


# SimplifiedCreatePackagePolicyRequestBodySchema (server/types/models/package_policy.ts)
BODY_FIELDS = {
    "id": Field("string"),
    "name": Field("string", required=True),
    "description": Field("string"),
    "namespace": Field("string", validate=_namespace),
    "output_id": Field("string", nullable=True),
    "vars": VARS,
    "inputs": Field("any", validate=_inputs),
    "supports_agentless": Field("boolean", nullable=True),
    "additional_datastreams_permissions": AnyOf(
        Literal(None), Field("array", items=Field("string"), validate=_permissions),
        nullable=False),
    "policy_id": Field("string", nullable=True),
    "policy_ids": Field("array", items=Field("string")),
    "force": Field("boolean"),
    "package": Field("object", required=True, fields={
        "name": Field("string", required=True), "version": Field("string", required=True),
        "title": Field("string"), "requires_root": Field("boolean"),
        "experimental_data_stream_features": Field("array")}),
}
FORMAT_QUERY = {"format": Field("string", choices=["simplified", "legacy"])}
LIST_QUERY = {"page": Field("number"), "perPage": Field("number"), "sortField": Field("string"),
              "sortOrder": Field("string", choices=["desc", "asc"]),
              "showUpgradeable": Field("boolean"), "kuery": Field("string"),
              "format": Field("string", choices=["simplified", "legacy"]),
              "withAgentCount": Field("boolean")}
DELETE_ONE_QUERY = {"force": Field("boolean")}
BULK_DELETE_FIELDS = {"packagePolicyIds": Field("array", required=True, items=Field("string")),
                      "force": Field("boolean")}
KQL_TERM = re.compile(r'^\s*(?:fleet|ingest)-package-policies\.([a-z_.]+)\s*:\s*(?:"([^"]*)"|(\S+))\s*$')


def input_id(input_):
    """common/services/simplified_package_policy_helper.ts generateInputId"""
    return f"{input_['policy_template']}-{input_['type']}" if input_.get("policy_template") \
        else input_["type"]


def default_value(spec):
    if "default" in spec:
        return copy.deepcopy(spec["default"])
    return [] if spec.get("multi") else None


def vars_record(specs):
    """A var spec list as the full format's {name: {type, value}}."""
    return {s["name"]: {"type": s["type"], "value": default_value(s)} for s in specs or []}


def package_to_package_policy(info):
    """common/services/package_to_package_policy.ts: every input of every policy template with
    its data streams' streams, vars at their defaults. A stream is enabled unless its manifest
    says `enabled: false`; an input is enabled when one of its streams is (or it has none)
    [unverified: the exact rule for inputs]."""
    inputs = []
    for template in info["policy_templates"]:
        for spec in template["inputs"]:
            streams = []
            for data_stream in info["data_streams"]:
                for stream in data_stream["streams"]:
                    if stream["input"] != spec["type"]:
                        continue
                    streams.append({
                        "enabled": stream.get("enabled", True),
                        "data_stream": {"type": data_stream["type"],
                                        "dataset": data_stream["dataset"]},
                        "vars": vars_record(stream.get("vars"))})
            inputs.append({"type": spec["type"], "policy_template": template["name"],
                           "enabled": any(s["enabled"] for s in streams) if streams else True,
                           "vars": vars_record(spec.get("vars")) if spec.get("vars") else None,
                           "streams": streams})
    return {"inputs": inputs, "vars": vars_record(info.get("vars")) if info.get("vars") else None}


def assign_vars(given, record, context):
    """simplified_package_policy_helper.ts assignVariables"""
    for key, value in given.items():
        if not record or key not in record:
            raise bad_request(f"Variable {context}:{key} not found")
        record[key]["value"] = value


def apply_simplified(built, body):
    """simplifiedPackagePolicytoNewPackagePolicy: the user's inputs over the defaults; the error
    texts are the helper's."""
    if body.get("vars"):
        assign_vars(body["vars"], built["vars"], "")
    by_id = {input_id(i): i for i in built["inputs"]}
    for key, value in (body.get("inputs") or {}).items():
        target = by_id.get(key)
        if target is None:
            raise bad_request(f"Input not found: {key}")
        target["enabled"] = value.get("enabled") is not False
        if value.get("vars"):
            assign_vars(value["vars"], target["vars"], key)
        streams = {s["data_stream"]["dataset"]: s for s in target["streams"]}
        for stream_key, stream_value in (value.get("streams") or {}).items():
            stream = streams.get(stream_key)
            if stream is None:
                raise bad_request(f"Stream not found {key}: {stream_key}")
            stream["enabled"] = stream_value.get("enabled") is not False
            if stream_value.get("vars"):
                assign_vars(stream_value["vars"], stream["vars"], f"{key} {stream_key}")


def _js_string(value):
    """JavaScript's String(value) for the JSON scalars a var holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _js_integer(value):
    """Number.isInteger(Number(value))."""
    if isinstance(value, bool):
        return True
    try:
        number = float(value.strip() or 0) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return False
    return number == int(number)


def _var_problem(spec, value):
    """validatePackagePolicyConfig [src common/services/validate_package_policy.ts], for the var
    types of the catalogue: no type check for text (a number is accepted: the Terraform
    provider's tcp tests send listen_port 8080 to a text var [tf internal/fleet/
    integration_policy/testdata/TestAccResourceIntegrationPolicy]), only its quote rule; bool
    by String(value); integer by Number(value). Falsy values skip the type checks, as there.
    A required var is checked as before (an empty string too [unverified])."""
    title = spec.get("title") or spec["name"]
    empty = value is None or value == "" or value == []
    if empty:
        return f"{title} is required" if spec.get("required") else None
    if isinstance(value, dict) and value.get("isSecretRef"):
        return None
    kind = spec["type"]
    parsed = value.strip() if isinstance(value, str) else value
    quote = ("Strings starting with special YAML characters like * or & need to be enclosed "
             "in double quotes.")
    if spec.get("multi"):
        if not isinstance(parsed, list):
            return f"Invalid format for {title}: expected array"
        if kind == "text" and any(isinstance(v, str) and v[:1] in ("*", "&") for v in parsed):
            return quote
        if kind == "integer" and not all(_js_integer(v) for v in parsed):
            return "Invalid integer"
        return None
    if kind == "text" and isinstance(parsed, str) and parsed[:1] in ("*", "&"):
        return quote
    if kind == "bool" and parsed and _js_string(parsed) not in ("true", "false"):
        return "Boolean values must be either true or false"
    if kind == "integer" and parsed and not isinstance(parsed, list) and not _js_integer(parsed):
        return "Invalid integer"
    return None


def validate(built, info):
    """validatePackagePolicyOrThrow (services/package_policy.ts): 400 `Package policy is
    invalid: <key>: <messages as JSON>` joined by newlines."""
    specs = {"": {s["name"]: s for s in info.get("vars") or []}}
    for template in info["policy_templates"]:
        for spec in template["inputs"]:
            key = f"{template['name']}-{spec['type']}"
            specs[key] = {s["name"]: s for s in spec.get("vars") or []}
    stream_specs = {}
    for data_stream in info["data_streams"]:
        for stream in data_stream["streams"]:
            stream_specs[(stream["input"], data_stream["dataset"])] = {
                s["name"]: s for s in stream.get("vars") or []}
    problems = []

    def check(record, spec_map, prefix):
        for name, entry in (record or {}).items():
            problem = _var_problem(spec_map.get(name, {"name": name, "type": "text"}),
                                   entry.get("value"))
            if problem:
                problems.append(f'{prefix}vars.{name}: ["{problem}"]')

    check(built.get("vars"), specs[""], "")
    for input_ in built["inputs"]:
        if not input_["enabled"]:
            continue
        key = input_id(input_)
        check(input_.get("vars"), specs.get(key, {}), f"inputs.{key}.")
        for stream in input_["streams"]:
            if stream["enabled"]:
                dataset = stream["data_stream"]["dataset"]
                check(stream.get("vars"), stream_specs.get((input_["type"], dataset), {}),
                      f"inputs.{key}.streams.{dataset}.")
    if problems:
        raise bad_request("Package policy is invalid: " + "\n".join(problems))


def secret_specs(info):
    """(input id or "", dataset or None, var name) of every secret var of the package."""
    out = set()
    for spec in info.get("vars") or []:
        if spec.get("secret"):
            out.add(("", None, spec["name"]))
    for template in info["policy_templates"]:
        for spec in template["inputs"]:
            for var in spec.get("vars") or []:
                if var.get("secret"):
                    out.add((f"{template['name']}-{spec['type']}", None, var["name"]))
    for data_stream in info["data_streams"]:
        for stream in data_stream["streams"]:
            for var in stream.get("vars") or []:
                if var.get("secret"):
                    for template in info["policy_templates"]:
                        out.add((f"{template['name']}-{stream['input']}", data_stream["dataset"],
                                 var["name"]))
    return out


def simplify(package_policy):
    """packagePolicyToSimplifiedPackagePolicy: inputs keyed by id, streams by dataset, vars as
    plain values; absent vars are left out."""
    out = copy.deepcopy(package_policy)
    inputs = {}
    for input_ in package_policy["inputs"]:
        entry = {"enabled": input_["enabled"]}
        if input_.get("vars"):
            entry["vars"] = {k: copy.deepcopy(v.get("value")) for k, v in input_["vars"].items()}
        entry["streams"] = {}
        for stream in input_["streams"]:
            stream_entry = {"enabled": stream["enabled"]}
            if stream.get("vars"):
                stream_entry["vars"] = {k: copy.deepcopy(v.get("value"))
                                        for k, v in stream["vars"].items()}
            entry["streams"][stream["data_stream"]["dataset"]] = stream_entry
        inputs[input_id(input_)] = entry
    out["inputs"] = inputs
    if package_policy.get("vars"):
        out["vars"] = {k: copy.deepcopy(v.get("value")) for k, v in package_policy["vars"].items()}
    return out


class FleetPackagePolicies(Family):
    name = "fleet_package_policies"

    def routes(self):
        base = "/api/fleet/package_policies"
        return [
            ("GET", base, "list_package_policies"),
            ("POST", base, "create"),
            ("POST", f"{base}/delete", "bulk_delete"),
            ("GET", f"{base}/<package_policy_id>", "get"),
            ("PUT", f"{base}/<package_policy_id>", "update"),
            ("DELETE", f"{base}/<package_policy_id>", "delete"),
        ]

    def emulator_routes(self):
        return [("GET", "/fleet/secrets/<secret_id>", "get_secret")]

    # ------------------------------------------------------------------ state

    @property
    def fleet(self):
        return self.emulator.family("fleet_agent_policies")

    @property
    def epm(self):
        return self.emulator.family("fleet_epm")

    @property
    def store(self):
        return self.fleet.package_policies

    @property
    def secrets(self):
        """secret id -> value (Fleet keeps them in the .fleet-secrets index)"""
        return self.emulator.store("fleet_secrets")

    def reset(self):
        self.secrets.clear()

    def _space_aware(self):
        return self.fleet._space_aware()  # pylint: disable=protected-access

    def _visible(self, package_policy, space):
        if not self._space_aware():
            return True
        return space in (package_policy.get("spaceIds") or ["default"])

    def _find(self, space, package_policy_id):
        found = self.store.get(package_policy_id)
        if found is None or not self._visible(found, space):
            # handlers.ts getOnePackagePolicyHandler [unverified: the exact message]
            raise KibanaError(404, f"Package policy {package_policy_id} not found")
        return found

    def _render(self, package_policy, simplified):
        return simplify(package_policy) if simplified else copy.deepcopy(package_policy)

    # ------------------------------------------------------------------ building

    def _policy_ids(self, body, space):
        ids = body.get("policy_ids")
        if ids is None:
            ids = [body["policy_id"]] if body.get("policy_id") else []
        ids = list(dict.fromkeys(ids))
        for policy_id in ids:
            if self.fleet.get_policy(space, policy_id) is None:
                raise self.fleet._not_found(policy_id)  # pylint: disable=protected-access
        return ids

    def _check_name(self, name, space, exclude=None):
        for other in self.store.values():
            if other["id"] != exclude and other["name"] == name and (
                    not self._space_aware() or space in (other.get("spaceIds") or ["default"])):
                raise KibanaError(409, NAME_TAKEN.format(name=name))

    def _store_secrets(self, built, info, previous_refs):
        """Plain values of secret vars go to the secrets store and become references; given
        references must be known ones."""
        refs = []
        secret = secret_specs(info)

        def handle(record, where):
            for name, entry in (record or {}).items():
                if (where[0], where[1], name) not in secret or entry.get("value") is None:
                    continue
                value = entry["value"]
                if isinstance(value, dict):
                    if value.get("id") not in self.secrets:
                        raise bad_request(f"Secret reference {value.get('id')} not found")
                    refs.append(value["id"])
                    continue
                secret_id = new_id()
                self.secrets[secret_id] = value
                entry["value"] = {"isSecretRef": True, "id": secret_id}
                refs.append(secret_id)

        handle(built.get("vars"), ("", None))
        for input_ in built["inputs"]:
            handle(input_.get("vars"), (input_id(input_), None))
            for stream in input_["streams"]:
                handle(stream.get("vars"), (input_id(input_), stream["data_stream"]["dataset"]))
        # secrets no longer referenced are deleted [unverified: Fleet deletes them after update]
        for old in previous_refs:
            if old not in refs:
                self.secrets.pop(old, None)
        return [{"id": r} for r in refs]

    def _build(self, call, body, existing=None):
        package = body["package"]
        name, version = package["name"], package["version"]
        info = catalogue.manifest(name, version)
        if info is None:
            # services/epm/registry/index.ts fetchInfo: PackageNotFoundError -> 404
            raise KibanaError(404, f"{name}@{version} not found")
        built = package_to_package_policy(info)
        apply_simplified(built, body)
        validate(built, info)
        previous = [r["id"] for r in (existing or {}).get("secret_references", [])]
        references = self._store_secrets(built, info, previous)
        return built, info, references

    # ------------------------------------------------------------------ routes

    def list_package_policies(self, call):
        query = check_query(call, LIST_QUERY)
        matches = [p for p in self.store.values() if self._visible(p, call.space)]
        if query.get("kuery"):
            matches = [p for p in matches if self._kuery(query["kuery"])(p)]
        matches.sort(key=lambda p: p["updated_at"], reverse=query.get("sortOrder") != "asc")
        page, per_page = int(query.get("page", 1)), int(query.get("perPage", 20))
        window = matches[(page - 1) * per_page:page * per_page]
        simplified = query.get("format") == "simplified"
        return {"items": [self._render(p, simplified) for p in window], "total": len(matches),
                "page": page, "perPage": per_page}

    @staticmethod
    def _kuery(text):
        """A conjunction of `<type>.<field>:value` terms (name, package.name, policy_ids):
        enough KQL for clients; anything else is refused [src routes/utils/filter_utils.ts
        validateKuery refuses unknown fields; the emulator refuses more than Fleet does]."""
        terms = []
        for part in re.split(r"\s+and\s+", text, flags=re.I):
            match = KQL_TERM.match(part)
            fields = ("name", "package.name", "policy_ids", "policy_id")
            if not match or match.group(1) not in fields:
                raise bad_request(f"[request query.kuery]: KQLSyntaxError: {text}")
            terms.append((match.group(1), match.group(2) if match.group(2) is not None
                          else match.group(3)))

        def keep(package_policy):
            for field, value in terms:
                if field == "package.name":
                    actual = [package_policy["package"]["name"]]
                elif field in ("policy_ids", "policy_id"):
                    actual = package_policy["policy_ids"]
                else:
                    actual = [package_policy[field]]
                if value not in actual:
                    return False
            return True
        return keep

    def get(self, call):
        query = check_query(call, FORMAT_QUERY)
        found = self._find(call.space, call.args["package_policy_id"])
        return {"item": self._render(found, query.get("format") == "simplified")}

    def create(self, call):
        query = check_query(call, FORMAT_QUERY)
        body = self._body(call)
        body["name"] = body["name"].strip()  # services/package_policy.ts create trims the name
        policy_ids = self._policy_ids(body, call.space)
        self._check_name(body["name"], call.space)
        package_policy_id = body.get("id") or new_id()
        if package_policy_id in self.store:
            raise KibanaError(409, f"Saved object [{self._so_type()}/{package_policy_id}] "
                                   "conflict")
        for policy_id in policy_ids:
            # services/package_policy.ts validateIsNotHostedPolicy (default message)
            if self.fleet.get_policy(call.space, policy_id).get("is_managed") and \
                    not body.get("force"):
                raise bad_request(f"Cannot update integrations of hosted agent policy {policy_id}")
        built, info, references = self._build(call, body)
        self._check_limited(info, policy_ids)
        stamp = now_iso()
        package_policy = {
            "id": package_policy_id, "version": "WzEsMV0=", "name": body["name"],
            "description": body.get("description", ""),
            "package": {"name": info["name"], "title": info["title"], "version": info["version"]},
            "enabled": True, "policy_ids": policy_ids, "output_id": body.get("output_id"),
            "inputs": built["inputs"], "revision": 1, "is_managed": False,
            "secret_references": references, "supports_agentless": False,
            "created_at": stamp, "created_by": call.user, "updated_at": stamp,
            "updated_by": call.user,
        }
        if policy_ids:
            # without agent policies, policy_id is undefined (create.ts "should work with no
            # policy ids"); an update then answers null
            package_policy["policy_id"] = policy_ids[0]
        if "namespace" in body:
            package_policy["namespace"] = body["namespace"]
        if built["vars"] is not None:
            package_policy["vars"] = built["vars"]
        if body.get("additional_datastreams_permissions") is not None:
            package_policy["additional_datastreams_permissions"] = \
                body["additional_datastreams_permissions"]
        if self._space_aware():
            package_policy["spaceIds"] = [call.space]
        self.epm.ensure_installed(info["name"], info["version"], call.user)
        self.store[package_policy_id] = package_policy
        for policy_id in policy_ids:
            self.fleet.bump_revision(policy_id, call.user)
        return {"item": self._render(package_policy, query.get("format") == "simplified")}

    def update(self, call):
        query = check_query(call, FORMAT_QUERY)
        existing = self._find(call.space, call.args["package_policy_id"])
        body = self._body(call, existing)
        body["name"] = body["name"].strip()  # services/package_policy.ts update trims the name
        policy_ids = self._policy_ids(body, call.space)
        self._check_name(body["name"], call.space, exclude=existing["id"])
        built, info, references = self._build(call, body, existing)
        before = list(existing["policy_ids"])
        existing.update({
            "name": body["name"], "description": body.get("description", ""),
            "package": {"name": info["name"], "title": info["title"], "version": info["version"]},
            "policy_id": policy_ids[0] if policy_ids else None, "policy_ids": policy_ids,
            "inputs": built["inputs"], "secret_references": references,
            "revision": existing["revision"] + 1, "updated_at": now_iso(),
            "updated_by": call.user,
            "version": f"WzE{existing['revision'] + 1},MV0=",
        })
        if "namespace" in body:
            existing["namespace"] = body["namespace"]
        if built["vars"] is not None:
            existing["vars"] = built["vars"]
        if "additional_datastreams_permissions" in body:
            existing["additional_datastreams_permissions"] = \
                body["additional_datastreams_permissions"]
        self.epm.ensure_installed(info["name"], info["version"], call.user)
        # every update bumps the package policy and its agent policies, whatever it changed
        # (services/package_policy.ts update -> agentPolicyService.bumpRevision)
        for policy_id in dict.fromkeys(before + policy_ids):
            self.fleet.bump_revision(policy_id, call.user)
        return {"item": self._render(existing, query.get("format") == "simplified")}

    def delete(self, call):
        query = check_query(call, DELETE_ONE_QUERY)
        package_policy_id = call.args["package_policy_id"]
        found = self.store.get(package_policy_id)
        if found is None or not self._visible(found, call.space):
            # routes/package_policy/handlers.ts deleteOnePackagePolicyHandler ignores the
            # service's 404 "to allow that call to be idempotent"
            return {"id": package_policy_id}
        self._deletable(found, query.get("force"), call.space)
        self.remove(found, call.user)
        return {"id": found["id"]}

    def bulk_delete(self, call):
        body = check_object(call.body, BULK_DELETE_FIELDS)
        out = []
        for package_policy_id in body["packagePolicyIds"]:
            try:
                found = self.store.get(package_policy_id)
                if found is None or not self._visible(found, call.space):
                    raise KibanaError(404, f"Saved object [{self._so_type()}/"
                                           f"{package_policy_id}] not found")
                self._deletable(found, body.get("force"), call.space)
            except KibanaError as err:
                out.append({"id": package_policy_id, "success": False, "statusCode": err.status,
                            "body": {"message": err.message}})
                continue
            self.remove(found, call.user)
            # services/package_policy.ts delete: the keys of a deleted entry
            out.append({"id": found["id"], "name": found["name"], "success": True,
                        "package": dict(found["package"]),
                        "policy_id": found.get("policy_id"), "policy_ids": found["policy_ids"]})
        return out

    # ------------------------------------------------------------------ helpers

    def _deletable(self, package_policy, force, space):
        # services/package_policy.ts delete(): a managed package policy, or one on a hosted
        # agent policy, only goes with force (both errors -> 400)
        if package_policy.get("is_managed") and not force:
            raise bad_request(f"Cannot delete package policy {package_policy['id']}")
        for policy_id in package_policy["policy_ids"]:
            if (self.fleet.get_policy(space, policy_id) or {}).get("is_managed") and not force:
                raise bad_request("Cannot remove integrations of hosted agent policy")

    def _check_limited(self, info, policy_ids):
        """services/package_policy.ts create: a package with a policy template that is not
        `multiple` (isPackageLimited) goes once on an agent policy."""
        if not any(t.get("multiple") is False for t in info["policy_templates"]):
            return
        for policy_id in policy_ids:
            if any(p["package"]["name"] == info["name"] and policy_id in p["policy_ids"]
                   for p in self.store.values()):
                raise bad_request(f"Unable to create integration policy. Integration "
                                  f"'{info['name']}' already exists on this agent policy.")

    def remove(self, package_policy, user):
        """Delete a package policy: its secrets go, its agent policies get a new revision."""
        self.store.pop(package_policy["id"], None)
        for reference in package_policy.get("secret_references") or []:
            self.secrets.pop(reference["id"], None)
        for policy_id in package_policy["policy_ids"]:
            self.fleet.bump_revision(policy_id, user)

    def _so_type(self):
        return "fleet-package-policies" if self._space_aware() else "ingest-package-policies"

    @staticmethod
    def _body(call, existing=None):
        if existing is not None and isinstance(call.body, dict) and \
                not isinstance(call.body.get("inputs"), dict):
            # routes/package_policy/handlers.ts updatePackagePolicyHandler: a body without
            # simplified inputs is a complete request; what it leaves out comes from the stored
            # policy (here through its simplified form)
            stored = simplify(existing)
            merged = {key: stored[key] for key in ("name", "description", "namespace", "vars",
                                                   "inputs", "policy_ids", "output_id",
                                                   "additional_datastreams_permissions")
                      if stored.get(key) is not None}
            merged["package"] = {"name": existing["package"]["name"],
                                 "version": existing["package"]["version"]}
            if "policy_id" in call.body and "policy_ids" not in call.body:
                merged.pop("policy_ids", None)
            merged.update(call.body)
            call.body = merged
        if isinstance((call.body or {}).get("inputs"), list):
            # the legacy (array) format: not served by the emulator
            raise bad_request("[request body.inputs]: the emulator serves the simplified format "
                              "(inputs as an object) only")
        body = check_object(call.body, BODY_FIELDS)
        if body.get("inputs") is UNDEFINED:
            body.pop("inputs")
        return body

    # ------------------------------------------------------------------ /_emulator/

    def get_secret(self, call):
        secret_id = call.args["secret_id"]
        if secret_id not in self.secrets:
            raise KibanaError(404, "Not Found")
        return {"id": secret_id, "value": self.secrets[secret_id]}
