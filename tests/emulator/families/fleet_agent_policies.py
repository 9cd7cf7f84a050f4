"""Fleet agent policies, per kibana-api/fleet-agent-policies.md (checked against Fleet's
server source where the notes leave room: agent_policy.ts service, agent_policy handlers,
rest_spec/agent_policy.ts and models/agent_policy.ts request schemas).

Version modes: before 9.1 policies are space-agnostic (the saved-object type
`ingest-agent-policies`, visible under every /s/ prefix, no `space_ids`); from 9.1 Fleet's
space awareness stores them per space (`fleet-agent-policies`, `space_ids`, the request's space
must be one of them, "*" means every space)."""

import base64
import copy
import fnmatch
import re

from ..app import USERNAME, Family, new_id, now_iso
from ..errors import (KibanaError, bad_request, not_found, saved_object_conflict,
                      saved_object_not_found)
from ..schema import UNDEFINED, Field, check_object, type_name

TWO_WEEKS = 1209600
SCHEMA_VERSION = "1.1.1"  # FLEET_AGENT_POLICIES_SCHEMA_VERSION
SPACE_AWARE_SINCE = (9, 1)
EMPTY_ID_REJECTED_SINCE = (9, 3)
STRICT_KQL_SINCE = (9, 0)  # fleet-agent-policies.md: the opt-in flag of 8.x is gone in 9.x  # tf issue #3923: `"id": ""` fails on 9.3.x
ALL_SPACES = "*"
DEFAULT_OUTPUT = {"id": "fleet-default-output", "name": "default"}
INVALID_NAMESPACE_CHARACTERS = re.compile(r'[*\\/?"<>|\s,#:-]+')
DELETE_WITH_AGENTS = ("Cannot delete an agent policy that is assigned to any active or inactive "
                      "agents")
PER_PAGE_LIMIT = ("perPage should be less or equal to 100 when fetching full policies or agent "
                  "count.")

# Packages the emulator can attach (title, version); others get their name as title.
PACKAGES = {
    "system": ("System", "1.68.0"),
    "osquery_manager": ("Osquery Manager", "1.18.0"),
    "fleet_server": ("Fleet Server", "1.6.0"),
    "endpoint": ("Elastic Defend", "9.1.0"),
    "elastic_agent": ("Elastic Agent", "2.3.0"),
}
DEFEND_PACKAGE = "endpoint"  # tamper protection only sticks with Elastic Defend attached

# Fields KQL may filter on: AGENT_POLICY_MAPPINGS (plus two booleans added since); `description`
# is the only text field, the others are keyword/boolean/number/date.
KQL_FIELDS = {
    "agent_features.name", "agent_features.enabled", "data_output_id", "description",
    "download_source_id", "fleet_server_host_id", "inactivity_timeout", "is_default",
    "is_default_fleet_server", "is_managed", "is_preconfigured", "is_protected",
    "monitoring_enabled", "monitoring_output_id", "name", "namespace", "revision",
    "schema_version", "status", "unenroll_timeout", "updated_at", "updated_by", "overrides",
    "supports_agentless", "keep_monitoring_alive",
}
KQL_TYPES = ("ingest-agent-policies", "fleet-agent-policies")


# --------------------------------------------------------------------------- validation


class OneOfLiterals(Field):
    """config-schema's schema.oneOf([schema.literal(a), ...]) with its union error wording."""

    def __init__(self, values, **kwargs):
        super().__init__("any", **kwargs)
        self.values = list(values)

    def check(self, value, where):
        if value is UNDEFINED or value is None:
            return super().check(value, where)
        if any(value == v and type(value) is type(v) for v in self.values):
            return value
        lines = "\n".join(f"- [{where}.{i}]: expected value to equal [{v}]"
                          for i, v in enumerate(self.values))
        raise bad_request(f"[{where}]: types that failed validation:\n{lines}")


def _min_length(value, minimum=1):
    if len(value) < minimum:
        return f"value has length [{len(value)}] but it must have a minimum length of [{minimum}]."
    return None


def _check_name(value):
    return _min_length(value) or ("Invalid empty string" if not value.strip() else None)


def _check_namespace(value):
    """isValidNamespace(): Fleet's index-name rules for the data-stream namespace."""
    if _min_length(value):
        return _min_length(value)
    if not value.strip():
        return "Namespace is required"
    if value != value.lower():
        return "Namespace must be lowercase"
    if INVALID_NAMESPACE_CHARACTERS.search(value):
        return "Namespace contains invalid characters"
    if len(value.encode()) > 100:
        return "Namespace cannot be more than 100 bytes"
    return None


MEMORY = re.compile(r"^\d+(Mi|Gi)$")
CPU = re.compile(r"^(\d+m|\d+(\.\d+)?)$")


SEMVER = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def check_required_versions(name, required_versions):
    """validateRequiredVersions() (server/services/agent_policies/
    required_versions.ts): unique, semver, percentages summing to at most 100; an
    AgentPolicyInvalidError is a 400."""
    if not required_versions:
        return
    versions = [v["version"] for v in required_versions]
    prefix = f'Policy "{name}" failed validation: '
    if len(set(versions)) != len(versions):
        raise bad_request(prefix + "duplicate versions not allowed in required_versions")
    for version in versions:
        if not SEMVER.match(version):
            raise bad_request(prefix + f"invalid semver version {version} in required_versions")
    if sum(v["percentage"] for v in required_versions) > 100:
        raise bad_request(prefix + "sum of required_versions percentages cannot exceed 100")


def _pattern(regex, message):
    return lambda value: None if regex.match(value) else message


def _range(minimum=None, maximum=None, integer=False):
    def check(value):
        if minimum is not None and value < minimum:
            return f"Value must be equal to or greater than [{minimum}]."
        if maximum is not None and value > maximum:
            return f"Value must be equal to or lower than [{maximum}]."
        if integer and value != int(value):
            return f"{value} is not a valid integer"
        return None
    return check


def _max_size(limit, then=None):
    def check(value):
        if len(value) > limit:
            return f"array size is [{len(value)}], but cannot be greater than [{limit}]"
        return then(value) if then else None
    return check


def _string_or_number(value):
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return None
    return f"expected value of type [string] or [number] but got [{type_name(value)}]"


def _check_tags(tags):
    """validateGlobalDataTagInput(): unique names without whitespace."""
    seen, duplicates, with_spaces = set(), [], []
    for tag in tags:
        if re.search(r"\s", tag["name"]):
            with_spaces.append(f"'{tag['name']}'")
        if tag["name"].strip() in seen:
            duplicates.append(f"'{tag['name'].strip()}'")
        seen.add(tag["name"].strip())
    errors = []
    if duplicates:
        errors.append(f"Found duplicate tag names: [{', '.join(duplicates)}], duplicate tag names "
                      "are not allowed.")
    if with_spaces:
        errors.append(f"Found tag names with spaces: [{', '.join(with_spaces)}], tag names with "
                      "spaces are not allowed.")
    return " ".join(errors) or None


def _check_overrides(value):
    if any(re.match(r"^inputs(\.)?", key) for key in value):
        return "inputs overrides is not allowed"
    return None


def policy_fields(version, update=False):
    """NewAgentPolicySchema (+ force, + bumpRevision on PUT), in the schema's key order.

    The notes give a default for keep_monitoring_alive/supports_agentless and monitoring_http's
    host/port; in the source they sit inside schema.maybe(), so they are applied at create time
    (see `_create_attributes`) rather than here, where a PUT would reset them."""
    fields = {"id": Field("string")}
    if version >= SPACE_AWARE_SINCE:
        fields["space_ids"] = Field("array", items=Field("string"), validate=_max_size(100))
    fields.update({
        "name": Field("string", required=True, validate=_check_name),
        "namespace": Field("string", required=True, validate=_check_namespace),
        "description": Field("string"),
        "is_managed": Field("boolean"),
        "has_fleet_server": Field("boolean"),
        "is_default": Field("boolean"),
        "is_default_fleet_server": Field("boolean"),
        "unenroll_timeout": Field("number", validate=_range(0, integer=True)),
        # The one real schema default: a PUT without it resets the timeout to two weeks.
        "inactivity_timeout": Field("number", default=TWO_WEEKS, validate=_range(0, integer=True)),
        "monitoring_enabled": Field("array", items=OneOfLiterals(["logs", "metrics", "traces"]),
                                    validate=_max_size(3)),
        "keep_monitoring_alive": Field("boolean", nullable=True),
        "data_output_id": Field("string", nullable=True),
        "monitoring_output_id": Field("string", nullable=True),
        "download_source_id": Field("string", nullable=True),
        "fleet_server_host_id": Field("string", nullable=True),
        "agent_features": Field("array", validate=_max_size(100), items=Field("object", fields={
            "name": Field("string", required=True), "enabled": Field("boolean", required=True)})),
        "is_protected": Field("boolean"),
        "overrides": Field("object", nullable=True, validate=_check_overrides),
        # The settings keys come from a generated schema (agent_logging_*, agent_limits_*, ...);
        # not spelled out here, so any key is accepted.
        "advanced_settings": Field("object"),
        "supports_agentless": Field("boolean", nullable=True),
        "global_data_tags": Field("array", validate=_max_size(10, _check_tags), items=Field(
            "object", fields={"name": Field("string", required=True),
                              "value": Field("any", required=True, validate=_string_or_number)})),
        # models/agent_policy.ts: resources.requests memory /^\d+(Mi|Gi)$/, cpu
        # /^(\d+m|\d+(\.\d+)?)$/; cloud_connectors from the notes (newer source)
        "agentless": Field("object", fields={
            "resources": Field("object", fields={"requests": Field("object", fields={
                "memory": Field("string", validate=_pattern(MEMORY, "Invalid memory format")),
                "cpu": Field("string", validate=_pattern(CPU, "Invalid CPU format"))})}),
            "cloud_connectors": Field("object", fields={
                "enabled": Field("boolean"),
                "target_csp": OneOfLiterals(["aws", "azure", "gcp"])}),
        }),
        "monitoring_pprof_enabled": Field("boolean"),
        # schema.maybe(boolean) in models/agent_policy.ts: enabled is optional
        "monitoring_http": Field("object", fields={
            "enabled": Field("boolean"),
            "host": Field("string"),
            "port": Field("number", validate=_range(0, 65353)),  # sic, 65353 in the source
            "buffer": Field("object", fields={"enabled": Field("boolean", default=False)}),
        }),
        "monitoring_diagnostics": Field("object", fields={
            "limit": Field("object", fields={"interval": Field("string"), "burst": Field("number")}),
            "uploader": Field("object", fields={"max_retries": Field("number"),
                                                "init_dur": Field("string"),
                                                "max_dur": Field("string")}),
        }),
    })
    if version >= SPACE_AWARE_SINCE:
        fields["required_versions"] = Field(
            "array", nullable=True, validate=_max_size(100), items=Field("object", fields={
                "version": Field("string", required=True),
                "percentage": Field("number", required=True, validate=_range(0, 100))}))
    fields["has_agent_version_conditions"] = Field("boolean")
    fields["force"] = Field("boolean")
    if update:
        fields["bumpRevision"] = Field("boolean")
    return fields


FORMAT = OneOfLiterals(["simplified", "legacy"])
LIST_QUERY = {
    "page": Field("number"),
    "perPage": Field("number"),
    "sortField": Field("string"),
    "sortOrder": OneOfLiterals(["desc", "asc"]),
    "showUpgradeable": Field("boolean"),
    "kuery": Field("string"),
    "noAgentCount": Field("boolean"),
    "withAgentCount": Field("boolean"),
    "full": Field("boolean"),
    "format": FORMAT,
}
FORMAT_QUERY = {"format": FORMAT}
CREATE_QUERY = {"sys_monitoring": Field("boolean")}
COPY_FIELDS = {"name": Field("string", required=True, validate=_min_length),
               "description": Field("string")}
DELETE_FIELDS = {"agentPolicyId": Field("string", required=True), "force": Field("boolean")}
BULK_GET_FIELDS = {
    "ids": Field("array", required=True, items=Field("string"),
                 validate=lambda ids: None if ids else
                 "array size is [0], but cannot be smaller than [1]"),
    "ignoreMissing": Field("boolean"),
    "full": Field("boolean"),
}
OUTPUTS_FIELDS = {"ids": Field("array", required=True, items=Field("string"))}


def check_query(call, fields):
    """config-schema on the query string: values arrive as strings and are coerced to the
    declared number/boolean; unknown parameters are rejected like unknown body keys."""
    query = {}
    for key, values in call.query.lists():
        value = values[0] if len(values) == 1 else values
        field = fields.get(key)
        if field is not None and isinstance(value, str):
            if field.kind == "number":
                try:
                    value = int(value)
                except ValueError:
                    try:
                        value = float(value)
                    except ValueError:
                        pass
            elif field.kind == "boolean" and value in ("true", "false"):
                value = value == "true"
        query[key] = value
    return check_object(query, fields, where="request query")


# --------------------------------------------------------------------------- kuery


class KqlError(Exception):
    """The kuery is not KQL this emulator (or the saved-object filter) accepts."""


KQL_TOKEN = re.compile(r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<op><=|>=|[():<>])|'
                       r'(?P<word>(?:[^\s():<>"\\]|\\.)+))')


def _kql_tokens(text):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = KQL_TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise KqlError(text)
        pos = match.end()
        if match.group("quoted") is not None:
            raw = match.group("quoted")[1:-1]
            tokens.append(("quoted", re.sub(r"\\(.)", r"\1", raw)))
        elif match.group("op") is not None:
            tokens.append(("op", match.group("op")))
        else:
            tokens.append(("word", re.sub(r"\\(.)", r"\1", match.group("word"))))
    return tokens


class _KqlParser:
    """or := and ("or" and)* ; and := not ("and" not)* ; not := "not" not | primary ;
    primary := "(" or ")" | word (":"|"<"...) value | value. Field values may be a
    parenthesised or/and list: name:(a or b)."""

    def __init__(self, text):
        self.tokens = _kql_tokens(text)
        self.pos = 0

    def parse(self):
        node = self._or()
        if self.pos != len(self.tokens):
            raise KqlError("trailing input")
        return node

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def _keyword(self, word):
        kind, value = self._peek()
        if kind == "word" and value.lower() == word:
            self.pos += 1
            return True
        return False

    def _or(self, value_mode=False):
        nodes = [self._and(value_mode)]
        while self._keyword("or"):
            nodes.append(self._and(value_mode))
        return nodes[0] if len(nodes) == 1 else ("or", nodes)

    def _and(self, value_mode):
        nodes = [self._not(value_mode)]
        while self._keyword("and"):
            nodes.append(self._not(value_mode))
        return nodes[0] if len(nodes) == 1 else ("and", nodes)

    def _not(self, value_mode):
        if self._keyword("not"):
            return ("not", self._not(value_mode))
        return self._primary(value_mode)

    def _primary(self, value_mode):
        kind, value = self._peek()
        if kind == "op" and value == "(":
            self.pos += 1
            node = self._or(value_mode)
            if self._peek() != ("op", ")"):
                raise KqlError("unbalanced parenthesis")
            self.pos += 1
            return node
        if kind not in ("word", "quoted"):
            raise KqlError("expected a value")
        self.pos += 1
        following = self._peek()
        if not value_mode and kind == "word" and following[0] == "op" and following[1] in (
                ":", "<", ">", "<=", ">="):
            self.pos += 1
            operator = following[1]
            if operator == ":" and self._peek() == ("op", "("):
                self.pos += 1
                values = self._or(value_mode=True)
                if self._peek() != ("op", ")"):
                    raise KqlError("unbalanced parenthesis")
                self.pos += 1
            else:
                value_kind, text = self._peek()
                if value_kind not in ("word", "quoted"):
                    raise KqlError("expected a value")
                self.pos += 1
                values = ("value", text, value_kind == "quoted")
            return ("field", value, operator, values)
        return ("value", value, kind == "quoted")


class KqlUnknownField(KqlError):
    """A field clause on an attribute the saved-object type does not have."""


def _kql_field(name):
    """`ingest-agent-policies.name` / `fleet-agent-policies.attributes.name` / a bare `name`
    -> `name` (a bare attribute is accepted: agent_policy.ts API test "should return 200 even if
    the passed kuery does not have prefix ingest-agent-policies"); anything else is unknown."""
    for so_type in KQL_TYPES:
        for prefix in (f"{so_type}.attributes.", f"{so_type}."):
            if name.startswith(prefix) and name[len(prefix):] in KQL_FIELDS:
                return name[len(prefix):]
    if name in KQL_FIELDS:
        return name
    raise KqlUnknownField(name)


def _kql_check(node):
    """The SO filter accepts only field clauses on known attributes (no free text)."""
    if node[0] in ("or", "and"):
        for child in node[1]:
            _kql_check(child)
    elif node[0] == "not":
        _kql_check(node[1])
    elif node[0] == "field":
        _kql_field(node[1])
    else:
        raise KqlError("free text")


def _attribute_values(policy, field):
    value = policy
    for part in field.split("."):
        if isinstance(value, list):
            value = [v.get(part) for v in value if isinstance(v, dict)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return []
    values = value if isinstance(value, list) else [value]
    return [v for v in values if v is not None]


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _value_matches(field, actual, text, quoted):
    if field == "description":  # a text field: analysed words, case-insensitive
        words = re.findall(r"\w+", str(actual).lower())
        if quoted:
            return " ".join(re.findall(r"\w+", text.lower())) in " ".join(words)
        return any(fnmatch.fnmatchcase(w, part) for part in re.findall(r"[\w*]+", text.lower())
                   for w in words)
    actual = _as_text(actual)
    if not quoted and "*" in text:
        return fnmatch.fnmatchcase(actual, text)
    try:
        return float(actual) == float(text)
    except ValueError:
        return actual == text


def _compare(actual, operator, text):
    try:
        left, right = float(actual), float(text)
    except (TypeError, ValueError):
        left, right = _as_text(actual), text
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[operator]


def _kql_eval(node, policy, field=None):
    kind = node[0]
    if kind == "or":
        return any(_kql_eval(n, policy, field) for n in node[1])
    if kind == "and":
        return all(_kql_eval(n, policy, field) for n in node[1])
    if kind == "not":
        return not _kql_eval(node[1], policy, field)
    if kind == "field":
        name, operator, values = _kql_field(node[1]), node[2], node[3]
        actual = _attribute_values(policy, name)
        if operator != ":":
            return any(_compare(a, operator, values[1]) for a in actual)
        if values == ("value", "*", False):
            return bool(actual)
        return _kql_eval(values, policy, name)
    # a value under a field (field:(a or b)), never free text here (_kql_check refused it)
    return any(_value_matches(field, a, node[1], node[2]) for a in _attribute_values(policy, field))


def _search_terms(text):
    return [q or w for q, w in re.findall(r'"([^"]*)"|(\S+)', text)]


def _plain_search(policy, text):
    """Fleet's fallback when the kuery is not usable KQL: a saved-object `search`
    (simple_query_string, OR of the terms) over every attribute - keyword attributes match
    whole values only, the description matches words."""
    terms = [t.strip("+-|()") for t in _search_terms(text)]
    strings = [_as_text(v) for k, v in policy.items() if k != "description"
               and isinstance(v, (str, bool, int, float))]
    words = re.findall(r"\w+", str(policy.get("description") or "").lower())
    for term in filter(None, terms):
        if term.endswith("*"):
            if any(s.startswith(term[:-1]) for s in strings) or any(
                    w.startswith(term[:-1].lower()) for w in words):
                return True
        elif term in strings or term.lower() in words or (
                " " in term and term.lower() in " ".join(words)):
            return True
    return False


def kuery_filter(text, strict=False):
    """A predicate over policy attributes for `kuery`, KQL first, plain search as fallback.

    strict (9.x, where Fleet's enableStrictKQLValidation flag is gone): malformed KQL and a
    field the saved-object type does not have are a 400 (agent_policy.ts API tests "... should
    return 400 if passed kuery is not correct" / "... is invalid"; the wording is
    [unverified]); free text still goes to the plain search."""
    try:
        node = _KqlParser(text).parse()
    except KqlError as err:
        if strict:
            raise bad_request(f"KQLSyntaxError: {err}")
        return lambda policy: _plain_search(policy, text)
    try:
        _kql_check(node)
    except KqlUnknownField as err:
        if strict:
            raise bad_request(f"This key '{err}' does not exist in {KQL_TYPES[0]} saved object "
                              "index patterns")
        return lambda policy: _plain_search(policy, text)
    except KqlError:
        return lambda policy: _plain_search(policy, text)
    return lambda policy: _kql_eval(node, policy)


# --------------------------------------------------------------------------- the family


class FleetAgentPolicies(Family):
    name = "fleet_agent_policies"

    def routes(self):
        base = "/api/fleet/agent_policies"
        return [
            ("GET", base, "list_policies"),
            ("POST", base, "create"),
            ("POST", f"{base}/delete", "delete"),
            ("POST", f"{base}/_bulk_get", "bulk_get"),
            ("POST", f"{base}/outputs", "list_outputs"),
            ("GET", f"{base}/<policy_id>", "get"),
            ("PUT", f"{base}/<policy_id>", "update"),
            ("POST", f"{base}/<policy_id>/copy", "copy"),
            ("GET", f"{base}/<policy_id>/outputs", "get_outputs"),
        ]

    def emulator_routes(self):
        return [
            ("POST", "/fleet/agent_policies", "seed_policy"),
            ("POST", "/fleet/agent_policies/<policy_id>/agents", "set_agents"),
            ("POST", "/fleet/agent_policies/<policy_id>/package_policies", "attach_package"),
        ]

    # ------------------------------------------------------------------ state

    @property
    def data(self):
        """{"policies": id -> entry, "package_policies": id -> package policy, "seq": n}.
        An entry: {"attributes" (as stored, incl. id), "space_ids", "agents", "seq"}."""
        data = self.emulator.store("fleet_agent_policies")
        data.setdefault("policies", {})
        data.setdefault("package_policies", {})
        data.setdefault("seq", 0)
        return data

    @property
    def policies(self):
        return self.data["policies"]

    @property
    def package_policies(self):
        return self.data["package_policies"]

    def reset(self):
        self.data["policies"].clear()
        self.data["package_policies"].clear()
        self.data["seq"] = 0

    def forget_space(self, space):
        """A deleted space takes its policies along (9.x); 8.x policies are space-agnostic."""
        if not self._space_aware():
            return
        for policy_id, entry in list(self.policies.items()):
            if space in entry["space_ids"]:
                entry["space_ids"].remove(space)
                if not entry["space_ids"]:
                    self._remove(policy_id)

    # ------------------------------------------------------------------ helpers

    def _version(self):
        return self.emulator.version_tuple()

    def _space_aware(self):
        return self._version() >= SPACE_AWARE_SINCE

    def _so_type(self):
        return "fleet-agent-policies" if self._space_aware() else "ingest-agent-policies"

    def _not_found(self, policy_id):
        # Newer Fleet rethrows the saved-object error; older handlers said "Agent policy not
        # found". Clients must key on the status only.
        return saved_object_not_found(self._so_type(), policy_id)

    def _next_seq(self):
        self.data["seq"] += 1
        return self.data["seq"]

    def _visible(self, entry, space):
        if not self._space_aware():
            return True
        return space in entry["space_ids"] or ALL_SPACES in entry["space_ids"]

    def _find(self, space, policy_id):
        entry = self.policies.get(policy_id)
        if entry is None or not self._visible(entry, space):
            raise self._not_found(policy_id)
        return entry

    def _touch(self, entry, user, bump=True):
        """A saved-object write: new version, updated_at/by and (normally) revision + 1."""
        attributes = entry["attributes"]
        if bump:
            attributes["revision"] += 1
        attributes["updated_at"] = now_iso()
        attributes["updated_by"] = user
        entry["seq"] = self._next_seq()

    def _packages_of(self, policy_id):
        return [p for p in self.package_policies.values() if policy_id in p["policy_ids"]]

    def _render(self, entry, package_policies="ids", agents=True, simplified=False):
        """The policy as the API returns it.

        package_policies: "ids" (lists, create) or "full" (single GET, full=true, PUT, copy).
        agents: True reports the enrolled-agent counts (GET, _bulk_get, withAgentCount); "zero"
        says 0 (the list without withAgentCount); False leaves them out (create, copy and PUT
        answers: agent_policy.ts API test, exact PUT and copy answers)."""
        item = copy.deepcopy(entry["attributes"])
        item["version"] = base64.b64encode(f"[{entry['seq']},1]".encode()).decode()
        if self._space_aware():
            item["space_ids"] = list(entry["space_ids"])
        packages = self._packages_of(item["id"])
        if package_policies == "full":
            item["package_policies"] = [self._render_package(p, simplified) for p in packages]
        else:
            item["package_policies"] = [p["id"] for p in packages]
        if agents == "zero":
            item["agents"] = 0
        elif agents:
            item["agents"] = entry["agents"]
            item["unprivileged_agents"] = 0
            item["fips_agents"] = 0
        return item

    @staticmethod
    def _render_package(package_policy, simplified=False):
        if simplified:
            # format=simplified: the package policies family's format (inputs by id, vars as
            # values); imported here, that family imports this one
            from .fleet_package_policies import simplify
            return simplify(package_policy)
        return copy.deepcopy(package_policy)

    def _names_taken(self, name, spaces, exclude_id=None):
        """Ids of other policies named `name` in any of `spaces` (9.x) or anywhere (8.x).
        The name search is exact (name is a keyword field)."""
        out = []
        for policy_id, entry in self.policies.items():
            if policy_id == exclude_id or entry["attributes"]["name"] != name:
                continue
            if self._space_aware() and ALL_SPACES not in spaces and ALL_SPACES not in entry[
                    "space_ids"] and not set(spaces) & set(entry["space_ids"]):
                continue
            out.append(policy_id)
        return out

    def _require_unique_name(self, name, spaces, policy_id=None):
        taken = self._names_taken(name, spaces, exclude_id=policy_id)
        if not taken:
            return
        if len(taken) == 1:
            clause = f"Agent Policy '{taken[0]}' already exists"
        else:
            clause = f"Agent Policies '{','.join(taken)}' already exist"
        raise KibanaError(409, f"{clause} with name '{name}'")

    def _check_spaces(self, spaces, message):
        """Spaces the caller may write to: the existing ones and "*" (elastic is superuser)."""
        for space in spaces:
            if space != ALL_SPACES and space not in self.emulator.spaces:
                raise bad_request(message.format(space=space))

    def _new_package_policy(self, policy_entry, package, name=None, user=USERNAME, inputs=None):
        title, version = PACKAGES.get(package, (package, "1.0.0"))
        if name is None:
            # incrementPackageName(): "<package>-<n>", the first n not yet used.
            used = {p["name"] for p in self.package_policies.values()}
            number = 1
            while f"{package}-{number}" in used:
                number += 1
            name = f"{package}-{number}"
        stamp = now_iso()
        policy = policy_entry["attributes"]
        package_policy = {
            "id": new_id(), "version": "WzEsMV0=", "name": name, "namespace": policy["namespace"],
            "description": "", "package": {"name": package, "title": title, "version": version},
            "enabled": True, "policy_id": policy["id"], "policy_ids": [policy["id"]],
            "inputs": inputs if inputs is not None else [], "revision": 1, "is_managed": False,
            "created_at": stamp, "created_by": user, "updated_at": stamp, "updated_by": user,
        }
        if self._space_aware():
            package_policy["spaceIds"] = list(policy_entry["space_ids"])
        self.package_policies[package_policy["id"]] = package_policy
        return package_policy

    def _remove(self, policy_id):
        """Delete a policy and the package policies only it used; shared ones lose the id."""
        del self.policies[policy_id]
        for package_policy_id, package_policy in list(self.package_policies.items()):
            if policy_id not in package_policy["policy_ids"]:
                continue
            package_policy["policy_ids"].remove(policy_id)
            if not package_policy["policy_ids"]:
                del self.package_policies[package_policy_id]
            else:
                package_policy["policy_id"] = package_policy["policy_ids"][0]

    def _create_attributes(self, body, policy_id, user):
        """The stored attributes of a new policy: the body plus the server fields of
        agentPolicyService.create() and the defaults the notes list."""
        attributes = {"id": policy_id}
        attributes.update({k: v for k, v in body.items()
                           if k not in ("id", "space_ids", "has_fleet_server", "force")})
        # Kibana's PUT answer holds exactly what was stored (agent_policy.ts API test "PUT ...
        # should work with valid values"): no keep_monitoring_alive/supports_agentless unless
        # given (their defaultValue sits inside schema.maybe()).
        attributes.setdefault("description", "")
        if "monitoring_http" in attributes:
            attributes["monitoring_http"].setdefault("host", "localhost")
            attributes["monitoring_http"].setdefault("port", 6791)
        attributes.update({
            "status": "active",
            "is_managed": body.get("is_managed", False),
            "revision": 1,
            "updated_at": now_iso(),
            "updated_by": user,
            "schema_version": SCHEMA_VERSION,
            # Tamper protection cannot be switched on at creation: it needs Elastic Defend.
            "is_protected": False,
        })
        return attributes

    # ------------------------------------------------------------------ routes

    def list_policies(self, call):
        query = check_query(call, LIST_QUERY)
        per_page = query.get("perPage", 20)
        wants_counts = query.get("withAgentCount") is True or query.get("noAgentCount") is False
        if per_page and per_page > 100 and (query.get("full") or wants_counts):
            raise bad_request(f"[request query]: {PER_PAGE_LIMIT}")
        page = query.get("page", 1)
        matches = [e for e in self.policies.values() if self._visible(e, call.space)]
        if query.get("kuery"):
            keep = kuery_filter(query["kuery"], strict=self._version() >= STRICT_KQL_SINCE)
            matches = [e for e in matches if keep(e["attributes"])]
        matches = self._sorted(matches, query.get("sortField", "updated_at"),
                               query.get("sortOrder", "desc"))
        start = max(int(page) - 1, 0) * max(int(per_page), 0)
        window = matches[start:start + max(int(per_page), 0)]
        full = bool(query.get("full"))
        items = [self._render(e, package_policies="full" if full else "ids",
                              agents=True if wants_counts else "zero",
                              simplified=full and query.get("format") == "simplified")
                 for e in window]
        return {"items": items, "total": len(matches), "page": page, "perPage": per_page}

    @staticmethod
    def _sorted(entries, field, order):
        """Saved-object find sort; ties broken by write order, missing values last."""
        present = [e for e in entries if e["attributes"].get(field) is not None]
        missing = [e for e in entries if e["attributes"].get(field) is None]

        def key(entry):
            value = entry["attributes"][field]
            if isinstance(value, (list, dict)):
                value = str(value)
            rank = 0 if isinstance(value, (bool, int, float)) else 1
            return (rank, value, entry["seq"])

        present.sort(key=key, reverse=(order == "desc"))
        return present + missing

    def create(self, call):
        query = check_query(call, CREATE_QUERY)
        version = self._version()
        body = check_object(call.body, policy_fields(version))
        user = call.user
        spaces = [call.space]
        if body.get("space_ids"):
            # sic "No enough": the create handler's wording (the update path says "Not enough").
            self._check_spaces(body["space_ids"],
                               "No enough permissions to create policies in space {space}")
            spaces = list(dict.fromkeys(body["space_ids"]))
        check_required_versions(body["name"], body.get("required_versions"))
        policy_id = body.get("id")
        if policy_id == "" and version >= EMPTY_ID_REJECTED_SINCE:
            # [unverified wording] tf issue #3923 only quotes "id is not valid".
            raise bad_request("[request body.id]: id is not valid")
        if not policy_id and body.get("has_fleet_server"):
            # The first Fleet Server policy of a space gets the well-known id and becomes the
            # default one (createAgentPolicyWithPackages).
            default_id = ("fleet-server-policy" if call.space == "default"
                          else f"{call.space}-fleet-server-policy")
            if default_id not in self.policies:
                policy_id = default_id
                body["is_default_fleet_server"] = True
        policy_id = policy_id or new_id()  # "" on older versions is treated as "no id"
        self._require_unique_name(body["name"], spaces)
        if policy_id in self.policies:
            # One id namespace across spaces (multiple-isolated saved objects).
            raise saved_object_conflict(self._so_type(), policy_id)
        entry = {"attributes": self._create_attributes(body, policy_id, user),
                 "space_ids": spaces, "agents": 0, "seq": self._next_seq()}
        self.policies[policy_id] = entry
        # Package policies created along with the policy do not bump its revision.
        if body.get("has_fleet_server"):
            self._new_package_policy(entry, "fleet_server", user=user)
        if query.get("sys_monitoring"):
            self._new_package_policy(entry, "system", user=user)
        return {"item": self._render(entry, agents=False)}

    def get(self, call):
        query = check_query(call, FORMAT_QUERY)
        entry = self._find(call.space, call.args["policy_id"])
        return {"item": self._render(entry, package_policies="full",
                                     simplified=query.get("format") == "simplified")}

    def bulk_get(self, call):
        query = check_query(call, FORMAT_QUERY)
        body = check_object(call.body, BULK_GET_FIELDS)
        full = bool(body.get("full"))
        items = []
        for policy_id in body["ids"]:
            entry = self.policies.get(policy_id)
            if entry is None or not self._visible(entry, call.space):
                if body.get("ignoreMissing"):
                    continue
                raise not_found(f"Agent policy {policy_id} not found")
            items.append(self._render(entry, package_policies="full" if full else "ids",
                                      simplified=full and query.get("format") == "simplified"))
        return {"items": items}

    def update(self, call):
        query = check_query(call, FORMAT_QUERY)
        policy_id = call.args["policy_id"]
        validated = check_object(call.body, policy_fields(self._version(), update=True))
        # Fleet iterates the given attributes in request order (managed-policy check below).
        order = [k for k in (call.body or {}) if k in validated]
        data = {k: validated[k] for k in order + [k for k in validated if k not in order]}
        force = data.pop("force", False)
        bump = data.pop("bumpRevision", True)
        # The path id is authoritative; a body id is accepted by the schema and ignored
        # [unverified what Kibana does with a different one].
        data.pop("id", None)
        user = call.user
        spaces = [call.space]

        new_spaces = data.get("space_ids")
        if new_spaces:
            # updateAgentPolicySpaces() runs first, on the policy as seen from the request space.
            entry = self._find(call.space, policy_id)
            current = entry["space_ids"]
            if entry["attributes"].get("is_managed") and not force:
                raise bad_request(f"Cannot update hosted agent policy {policy_id} space ")
            if sorted(current) != sorted(new_spaces):
                self._check_spaces([s for s in new_spaces if s not in current],
                                   "Not enough permissions to create policies in space {space}")
                self._check_spaces([s for s in current if s not in new_spaces],
                                   "Not enough permissions to remove policies from space {space}")
            spaces = list(dict.fromkeys(new_spaces))

        self._require_unique_name(data["name"], spaces, policy_id=policy_id)
        entry = self._find(call.space, policy_id)
        check_required_versions(data["name"], data.get("required_versions"))
        attributes = entry["attributes"]
        if data.get("is_protected") and not self._has_package_entry(policy_id, DEFEND_PACKAGE):
            data["is_protected"] = False  # forced off without Elastic Defend
        if attributes.get("is_managed") and not force:
            current = self._render(entry)
            for key, value in data.items():
                if key != "namespace" and current.get(key) != value:
                    raise bad_request(
                        f"Cannot update {key} in Fleet because the agent policy is managed by an "
                        "external orchestration solution, such as Elastic Cloud, Kubernetes, etc. "
                        "Please make changes using your orchestration solution.")
        if attributes.get("status") == "inactive":
            raise bad_request(f"Agent policy {policy_id} cannot be updated because it is inactive")

        if new_spaces:
            entry["space_ids"] = spaces
            for package_policy in self._packages_of(policy_id):
                if "spaceIds" in package_policy:
                    package_policy["spaceIds"] = list(spaces)
        data.pop("space_ids", None)  # saved-object namespaces, not an attribute
        # A partial update: keys not sent keep their stored value (send null to clear an id).
        attributes.update(data)
        self._touch(entry, user, bump=bump)
        return {"item": self._render(entry, package_policies="full", agents=False,
                                     simplified=query.get("format") == "simplified")}

    def copy(self, call):
        query = check_query(call, FORMAT_QUERY)
        body = check_object(call.body, COPY_FIELDS)
        source = self._find(call.space, call.args["policy_id"])
        user = call.user
        # agentPolicyService.copy() carries these settings over; everything else is new.
        carried = ["namespace", "monitoring_enabled", "inactivity_timeout", "unenroll_timeout",
                   "agent_features", "overrides", "data_output_id", "monitoring_output_id",
                   "download_source_id", "fleet_server_host_id", "supports_agentless",
                   "global_data_tags", "agentless", "monitoring_pprof_enabled", "monitoring_http",
                   "monitoring_diagnostics"]
        new_body = {k: copy.deepcopy(source["attributes"][k]) for k in carried
                    if k in source["attributes"]}
        new_body.update(body)
        # the copy answer carries supports_agentless: false (agent_policy.ts API test "copy
        # should work with valid values", an exact answer)
        new_body.setdefault("supports_agentless", False)
        self._require_unique_name(body["name"], [call.space])
        policy_id = new_id()
        entry = {"attributes": self._create_attributes(new_body, policy_id, user),
                 "space_ids": [call.space], "agents": 0, "seq": self._next_seq()}
        self.policies[policy_id] = entry
        used_names = {p["name"] for p in self.package_policies.values()}
        for package_policy in self._packages_of(source["attributes"]["id"]):
            if len(package_policy["policy_ids"]) > 1:
                # Shared (reusable) integration policies are linked, not copied.
                package_policy["policy_ids"].append(policy_id)
                continue
            name = f"{package_policy['name']} (copy)"
            number = 2
            while name in used_names:
                name = f"{package_policy['name']} (copy {number})"
                number += 1
            used_names.add(name)
            self._new_package_policy(entry, package_policy["package"]["name"], name=name,
                                     user=user, inputs=copy.deepcopy(package_policy["inputs"]))
        if source["attributes"].get("is_protected"):
            entry["attributes"]["is_protected"] = True
        # The service bumps the copy's revision once more after adding its package policies;
        # it tests `package_policies || is_protected`, and the (possibly empty) list is truthy.
        self._touch(entry, user)
        return {"item": self._render(entry, package_policies="full", agents=False,
                                     simplified=query.get("format") == "simplified")}

    def delete(self, call):
        body = check_object(call.body, DELETE_FIELDS)
        policy_id = body["agentPolicyId"]
        entry = self._find(call.space, policy_id)
        attributes = entry["attributes"]
        force = body.get("force", False)
        if attributes.get("is_managed") and not force:
            raise bad_request(f"Cannot delete hosted agent policy {policy_id}")
        # Agentless policies are exempt: Fleet unenrolls their agents itself. `force` does not
        # bypass this check.
        if entry["agents"] > 0 and not attributes.get("supports_agentless"):
            raise bad_request(DELETE_WITH_AGENTS)
        # A preconfigured (kibana.yml) policy can be deleted: Fleet records the deletion so that
        # the next setup does not recreate it. Only managed (hosted) ones are refused.
        self._remove(policy_id)
        return {"id": policy_id, "name": attributes["name"]}

    def _outputs_of(self, entry):
        attributes = entry["attributes"]

        def output(output_id):
            return {"id": output_id, "name": output_id} if output_id else dict(DEFAULT_OUTPUT)

        data_output = output(attributes.get("data_output_id"))
        return {
            "agentPolicyId": attributes["id"],
            "monitoring": {"output": output(attributes.get("monitoring_output_id"))},
            "data": {"output": data_output, "integrations": [
                {"pkgName": p["package"]["name"], "integrationPolicyName": p["name"],
                 "id": data_output["id"], "name": data_output["name"]}
                for p in self._packages_of(attributes["id"])]},
        }

    def get_outputs(self, call):
        return {"item": self._outputs_of(self._find(call.space, call.args["policy_id"]))}

    def list_outputs(self, call):
        body = check_object(call.body, OUTPUTS_FIELDS)
        entries = [self.policies.get(i) for i in body["ids"]]
        return {"items": [self._outputs_of(e) for e in entries
                          if e is not None and self._visible(e, call.space)]}

    # ------------------------------------------------------------------ hooks for other families

    def get_policy(self, space, policy_id):
        """The policy as GET would return it from `space`, or None if not visible there."""
        entry = self.policies.get(policy_id)
        if entry is None or not self._visible(entry, space):
            return None
        return self._render(entry, package_policies="full")

    def _has_package_entry(self, policy_id, package_name):
        return any(p["package"]["name"] == package_name for p in self._packages_of(policy_id))

    def has_package(self, policy_id, package_name):
        """Whether an integration of that package is attached to the policy."""
        return policy_id in self.policies and self._has_package_entry(policy_id, package_name)

    def bump_revision(self, policy_id, user="system"):
        """A package policy of this agent policy changed (e.g. an osquery pack was written into
        it): Fleet bumps the agent policy's revision. Returns False for an unknown id."""
        entry = self.policies.get(policy_id)
        if entry is None:
            return False
        self._touch(entry, user)
        return True

    # ------------------------------------------------------------------ /_emulator/

    def set_agents(self, call):
        """Body {"count": N}: the number of agents enrolled in the policy."""
        entry = self.policies.get(call.args["policy_id"])
        if entry is None:
            raise self._not_found(call.args["policy_id"])
        count = (call.body or {}).get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise bad_request("count must be a non-negative integer")
        entry["agents"] = count
        return {"id": call.args["policy_id"], "agents": count}

    def attach_package(self, call):
        """Body {"package": "osquery_manager", "name"?}: add an integration (package policy) to
        the policy, as POST /api/fleet/package_policies would; that bumps the revision."""
        entry = self.policies.get(call.args["policy_id"])
        if entry is None:
            raise self._not_found(call.args["policy_id"])
        body = call.body or {}
        package = body.get("package")
        if not isinstance(package, str) or not package:
            raise bad_request("package (a package name) is required")
        name = body.get("name")
        if name is not None and any(p["name"] == name for p in self.package_policies.values()):
            raise KibanaError(409, f"An integration policy with the name {name} already exists. "
                                   "Please rename it or choose a different name.")
        package_policy = self._new_package_policy(entry, package, name=name)
        self._touch(entry, "elastic")
        return copy.deepcopy(package_policy)

    def seed_policy(self, call):
        """Body: a whole policy as stored (e.g. is_managed or is_preconfigured true), plus
        "space" (default "default"); "agents" and "package_policies" (package names or
        {"package": name, "name"?, "is_managed"?}) are honoured too. Server fields not given are filled in."""
        body = copy.deepcopy(call.body or {})
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise bad_request("a seeded policy needs a name")
        space = body.pop("space", "default")
        if space not in self.emulator.spaces:
            raise bad_request(f"unknown space {space}")
        agents = body.pop("agents", 0)
        if not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
            raise bad_request("agents must be a non-negative integer")
        packages = body.pop("package_policies", [])
        space_ids = body.pop("space_ids", None) or [space]
        for key in ("version", "unprivileged_agents", "fips_agents"):
            body.pop(key, None)
        policy_id = body.get("id") or new_id()
        if policy_id in self.policies:
            raise saved_object_conflict(self._so_type(), policy_id)
        preconfigured = bool(body.get("is_preconfigured"))
        attributes = {
            "id": policy_id, "namespace": "default", "description": "", "status": "active",
            "is_managed": False, "is_preconfigured": False, "is_protected": False,
            "inactivity_timeout": TWO_WEEKS, "keep_monitoring_alive": False,
            "supports_agentless": False, "revision": 1, "updated_at": now_iso(),
            # Fleet's own setup writes preconfigured policies without a user.
            "updated_by": "system" if preconfigured else USERNAME,
            "schema_version": SCHEMA_VERSION,
        }
        attributes.update(body)
        attributes["id"] = policy_id
        entry = {"attributes": attributes, "space_ids": list(space_ids), "agents": agents,
                 "seq": self._next_seq()}
        self.policies[policy_id] = entry
        for package in packages:
            if isinstance(package, str):
                self._new_package_policy(entry, package, user="system")
                continue
            package_name = package.get("package") if isinstance(package, dict) else None
            if isinstance(package_name, dict):
                package_name = package_name.get("name")
            if not isinstance(package_name, str):
                raise bad_request("package_policies: package names or {\"package\": name}")
            seeded = self._new_package_policy(entry, package_name, name=package.get("name"),
                                              user="system")
            seeded["is_managed"] = bool(package.get("is_managed"))
        return {"item": self._render(entry, package_policies="full")}
