"""The connector types and rule types a Kibana 9.4 stack registers out of the box, as data.

Connector types: the list Kibana's own test asserts
(x-pack/platform/test/alerting_api_integration/spaces_only/tests/actions/
check_registered_connector_types.ts; the types behind experimental flags there are on in that
test's config), registered in x-pack/platform/plugins/shared/stack_connectors/server/
connector_types/index.ts. Rule types: the list of
x-pack/platform/plugins/shared/alerting/server/integration_tests/alerts_as_data_fields checks
(`ruleTypeRegistry.getAllTypes()` of a default stack).

Each row says where its schema comes from in `evidence`: `src <path>` when the schema file was
read (`kcs/` = src/platform/packages/shared/kbn-connector-schemas/, `sc/` =
x-pack/platform/plugins/shared/stack_connectors/server/connector_types/), `notes` when
kibana-api/ states it, `unverified` for what was not read (FIDELITY.md lists which).

A connector type's config and secrets are validated in the dialect of the Kibana version:
before 9.3 @kbn/config-schema's (`error validating action type config: [index]: expected value
of type [string] but got [undefined]`, first failure only); from 9.3 zod's, prefixed `error
validating connector type config|secrets: ` (tests/emulator/zod.py says which zod when). A type's
own validators (URL checks, ServiceNow credentials) keep their texts in every version; the
cross-field connector validator is always `error validating action type connector: `
(actions/server/lib/validate_with_schema.ts).
"""

import re

from .. import zod
from ..schema import UNDEFINED, AnyOf, Field, Literal, array_size, check_root, one_of, text
from . import rule_params


def string(required=False, **kwargs):
    return Field("string", required=required, **kwargs)


def nullable_string(default=None):
    """schema.nullable(schema.string()) / z.string().nullable().default(null): absent -> null."""
    return Field("string", nullable=True, default=default)


def maybe_string():
    return Field("string")


def boolean(default=UNDEFINED):
    return Field("boolean", default=default)


def coerced_number():
    """z.coerce.number().optional(): "8" is stored as 8."""
    field = Field("number")
    field.coerce = True
    return field


def record_of_strings(**kwargs):
    """z.record(z.string(), z.string())."""
    field = Field("object", strict=False, **kwargs)
    field.values = Field("string", required=True)
    return field


def passthrough_object(**kwargs):
    """z.object({}).passthrough(): any keys, kept as sent."""
    return Field("object", strict=False, **kwargs)


def default_then_optional(field):
    """`.default(x).optional()`: zod v4 still fills the default in, v3 leaves the key out."""
    field.default_through_optional = True
    return field


HEADERS = Field("object", nullable=True, default=None, strict=False)


def zod_dialect(version):
    """Which zod words connector type errors: v4 from 9.4, v3 in 9.3, none (config-schema) before."""
    if version >= (9, 4):
        return zod.V4
    if version >= (9, 3):
        return zod.V3
    return None


class ConnectorTypeSpec:
    """A connector type: its config and secrets schemas (a dict of Field, an AnyOf of object
    Fields for a root union, or a callable taking the Kibana version tuple); its own validators
    run after the schema of the same part (`config_check(config)`, `secrets_check(secrets)`,
    then `connector_check(config, secrets)`, each returning a message or None); the version that
    introduced it; whether it is a system action type."""

    def __init__(self, type_id, name, license="gold", features=("alerting",), config=None,
                 secrets=None, config_check=None, secrets_check=None, connector_check=None,
                 since=(8, 0), system=False, evidence="unverified"):
        self.id = type_id
        self.name = name
        self.license = license
        self.features = list(features)
        self._config = config or {}
        self._secrets = secrets or {}
        self.config_check = config_check
        self.secrets_check = secrets_check
        self.connector_check = connector_check
        self.since = since
        self.system = system
        self.evidence = evidence

    def config_fields(self, version):
        return self._config(version) if callable(self._config) else self._config

    def secrets_fields(self, version):
        return self._secrets(version) if callable(self._secrets) else self._secrets

    def validate(self, config, secrets, version):
        """(config with defaults, secrets with defaults), or KibanaError 400 worded as the
        actions framework words it for that version."""
        from ..errors import bad_request
        dialect = zod_dialect(version)
        word = "connector type" if dialect else "action type"
        parts = {}
        for kind, value, fields, own_check in (
                ("config", config, self.config_fields(version), self.config_check),
                ("secrets", secrets, self.secrets_fields(version), self.secrets_check)):
            parsed, problem = schema_check(value, fields, dialect)
            if problem is None and own_check is not None:
                problem = own_check(parsed)
            if problem is not None:
                raise bad_request(f"error validating {word} {kind}: {problem}")
            parts[kind] = parsed
        if self.connector_check:
            problem = self.connector_check(parts["config"], parts["secrets"])
            if problem:
                raise bad_request(f"error validating action type connector: {problem}")
        return parts["config"], parts["secrets"]

    def describe(self):
        return {"id": self.id, "name": self.name, "enabled": True, "enabled_in_config": True,
                "enabled_in_license": True, "minimum_license_required": self.license,
                "supported_feature_ids": self.features, "is_system_action_type": self.system}


def schema_check(value, fields, dialect):
    """(parsed, None) or (None, the message after the `error validating ...: ` prefix)."""
    from ..errors import KibanaError
    if dialect is not None:
        if isinstance(fields, AnyOf):
            return zod.validate_union(value, fields.alternatives, dialect)
        return zod.validate(value, fields, dialect)
    if isinstance(fields, AnyOf):
        # schema.oneOf at the root: config-schema lists each failed alternative by index.
        failures = []
        for index, alternative in enumerate(fields.alternatives):
            try:
                return check_root(value, alternative.fields), None
            except KibanaError as err:
                failures.append("- [%d.%s" % (index, err.message[1:]))
        return None, "types that failed validation:\n" + "\n".join(failures)
    try:
        return check_root(value, fields), None
    except KibanaError as err:
        return None, err.message


# ----------------------------------------------------------------------------- shared pieces

def webhook_methods(version):
    # post|put before 9.3; 9.3 adds patch, get, delete (kibana PR #237270) [notes connectors.md].
    methods = ["post", "put"] + (["patch", "get", "delete"] if version >= (9, 3) else [])
    return one_of(*methods, default="post")


# common/auth/schema.ts (AuthConfiguration, SecretConfigurationSchema), shared by .webhook and
# .cases-webhook [src stack_connectors common/auth/schema.ts as used by cases_webhook/schema.ts].
def auth_config(auth_type_default=UNDEFINED):
    return {
        "hasAuth": boolean(default=True),
        "authType": Field("string", nullable=True, default=auth_type_default),
        "certType": Field("string", nullable=True),
        "ca": Field("string", nullable=True),
        "verificationMode": one_of("none", "certificate", "full"),
    }


AUTH_SECRETS = {
    "user": Field("string", nullable=True),
    "password": Field("string", nullable=True),
    "crt": Field("string", nullable=True),
    "key": Field("string", nullable=True),
    "pfx": Field("string", nullable=True),
    "secretHeaders": Field("object", nullable=True, strict=False),
}


def webhook_config(version):
    fields = {"url": string(required=True), "method": webhook_methods(version),
              "headers": HEADERS}
    fields.update(auth_config())
    # OAuth2 client credentials (9.x) [unverified exact release]
    fields.update({"accessTokenUrl": Field("string", nullable=True),
                   "clientId": Field("string", nullable=True),
                   "scope": Field("string", nullable=True),
                   "additionalFields": Field("string", nullable=True)})
    return fields


def webhook_secrets(version):
    return dict(AUTH_SECRETS, clientSecret=Field("string", nullable=True))


def slack_api_config(version):
    """A channel's id is required until 9.2 and optional from 9.3 (at most 25, then 500
    channels), never filled in: the `id: ""` the Terraform provider saw came from its own
    client struct [src stack_connectors/common/slack_api/schema.ts, both versions][tf
    internal/kibana/connectors/slack_api_acc_test.go: version table in its comment]."""
    newer = version >= (9, 3)
    channel = Field("object", fields={"id": text(required=not newer),
                                      "name": text(required=True)})
    return {"allowedChannels": Field("array", items=channel,
                                     validate=array_size(high=500 if newer else 25))}


def cases_webhook_config(version):
    # x-pack/platform/plugins/shared/stack_connectors/server/connector_types/cases_webhook/
    # schema.ts (ExternalIncidentServiceConfiguration) [src].
    fields = {
        "createIncidentUrl": string(required=True),
        "createIncidentMethod": one_of("post", "put", default="post"),
        "createIncidentJson": string(required=True),
        "createIncidentResponseKey": string(required=True),
        "getIncidentMethod": one_of("get", "post", default="get"),
        "getIncidentUrl": string(required=True),
        "getIncidentJson": nullable_string(),
        "getIncidentResponseExternalTitleKey": string(required=True),
        "viewIncidentUrl": string(required=True),
        "updateIncidentUrl": string(required=True),
        "updateIncidentMethod": one_of("post", "patch", "put", default="put"),
        "updateIncidentJson": string(required=True),
        "createCommentUrl": nullable_string(),
        "createCommentMethod": one_of("post", "put", "patch", default="put", nullable=True),
        "createCommentJson": nullable_string(),
        "headers": HEADERS,
    }
    # connectors.md hazard 2: authType comes back as webhook-authentication-basic [notes][tf].
    fields.update(auth_config(auth_type_default="webhook-authentication-basic"))
    return fields


def slack_check(secrets):
    # slack.ts validateSecrets: the URL must parse [src slack_webhook.ts via notes].
    url = secrets.get("webhookUrl", "")
    if "://" not in url or not url.split("://", 1)[1].split("/")[0]:
        return "error configuring slack action: unable to parse host name from webhookUrl"
    return None


# ServiceNow: kcs/servicenow/schemas/v1.ts (config and secrets) and
# sc/lib/servicenow/validators.ts with its translations.ts (config, secrets and connector
# validators; allowed hosts pass with the default `*`).
def servicenow_config_check(config):
    if config["isOAuth"]:
        for key in ("userIdentifierValue", "clientId", "jwtKeyId"):
            if config.get(key) is None:
                return f"{key} must be provided when isOAuth = true"
    return None


def servicenow_secrets_check(secrets):
    username, password = secrets.get("username"), secrets.get("password")
    client_secret, private_key = secrets.get("clientSecret"), secrets.get("privateKey")
    if not (username or password or client_secret or private_key):
        return "Either basic auth or OAuth credentials must be specified"
    if username or password:
        if not (username and password):
            return "username and password must both be specified"
    elif not (client_secret and private_key):
        return "clientSecret and privateKey must both be specified"
    return None


def servicenow_connector_check(config, secrets):
    if config["isOAuth"]:
        for key, where in (("userIdentifierValue", config), ("clientId", config),
                           ("jwtKeyId", config), ("clientSecret", secrets),
                           ("privateKey", secrets)):
            if where.get(key) is None:
                return f"{key} must be provided when isOAuth = true"
        if secrets.get("username") or secrets.get("password"):
            return "Username and password should not be provided with isOAuth = true"
        return None
    for key in ("username", "password"):
        if secrets.get(key) is None:
            return f"{key} must be provided when isOAuth = false"
    if any(secrets.get(k) for k in ("clientSecret", "privateKey")) or \
            any(config.get(k) for k in ("clientId", "userIdentifierValue", "jwtKeyId")):
        return ("clientId, clientSecret, userIdentifierValue, jwtKeyId and privateKey should "
                "not be provided with isOAuth = false")
    return None


def servicenow_config(table_api):
    fields = {"apiUrl": string(required=True), "isOAuth": boolean(default=False),
              "userIdentifierValue": nullable_string(), "clientId": nullable_string(),
              "jwtKeyId": nullable_string()}
    if table_api:
        fields["usesTableApi"] = boolean(default=True)
    return fields


SERVICENOW_SECRETS = {"password": nullable_string(), "username": nullable_string(),
                      "clientSecret": nullable_string(), "privateKey": nullable_string(),
                      "privateKeyPassword": nullable_string()}


def servicenow(type_id, name, table_api, features):
    return ConnectorTypeSpec(
        type_id, name, license="platinum", features=features,
        config=servicenow_config(table_api), secrets=SERVICENOW_SECRETS,
        config_check=servicenow_config_check, secrets_check=servicenow_secrets_check,
        connector_check=servicenow_connector_check,
        evidence="src kcs/servicenow/schemas/v1.ts, sc/lib/servicenow/validators.ts, "
                 "sc/servicenow_{itsm,sir,itom}/index.ts")


def url_problem(url):
    """assertURL (actions/server/sub_action_framework/helpers/validators.ts) over WHATWG
    `new URL()`: the text after `URL Error: `, or None."""
    match = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):(.*)$", url)
    if not match:
        return "Invalid URL"
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme in ("http", "https", "ws", "wss", "ftp") or rest.startswith("//"):
        authority = re.split(r"[/?#\\]", rest.lstrip("/\\"), 1)[0] if scheme != "file" else ""
        host = authority.rsplit("@", 1)[-1]
        host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
        if not host and scheme in ("http", "https", "ws", "wss", "ftp"):
            return "Invalid URL"
    else:
        host = ""
    if not host:
        return "URL must contain hostname"
    if scheme not in ("http", "https"):
        return "Invalid protocol"
    return None


def url_parses(url):
    """Whether WHATWG `new URL(url)` accepts the string (its error is `TypeError: Invalid URL`)."""
    return url_problem(url) != "Invalid URL"


def url_hostname(url):
    rest = url.split(":", 1)[1].lstrip("/\\")
    host = re.split(r"[/?#\\]", rest, 1)[0].rsplit("@", 1)[-1]
    return host if host.startswith("[") else host.split(":")[0].lower()


def teams_secrets_check(secrets):
    # sc/teams/index.ts validateConnectorTypeConfig (run on the secrets)
    if not url_parses(secrets["webhookUrl"]):
        return "error configuring teams action: unable to parse host name from webhookUrl"
    return None


TORQ_HOST = re.compile(r"^hooks\.(eu\.)?torq\.io$")  # sc common/torq/index.ts


def torq_config_check(config):
    # sc/torq/index.ts validateActionTypeConfig: the URL parses, then its host is Torq's
    url = config["webhookIntegrationUrl"]
    if not url_parses(url):
        return "error configuring send to Torq action: unable to parse url: TypeError: Invalid URL"
    host = url_hostname(url)
    if not TORQ_HOST.match(host) and host != "localhost":
        return ("error configuring send to Torq action: url must begin with "
                "https://hooks.torq.io or https://hooks.eu.torq.io")
    return None


# xMatters: sc/xmatters/index.ts (config and secrets custom validators, connector validator).
def xmatters_config_check(config):
    url = config.get("configUrl")
    if config["usesBasic"] and url and not url_parses(url):
        return "Error configuring xMatters action: unable to parse url: Invalid URL"
    return None


def xmatters_secrets_check(secrets):
    url, user, password = secrets.get("secretsUrl"), secrets.get("user"), secrets.get("password")
    if not (url or user or password):
        return "Provide either secretsUrl link or user/password to authenticate"
    if url:
        if user or password:
            return ("Cannot use user/password for URL authentication. Provide valid secretsUrl "
                    "or use Basic Authentication.")
        if not url_parses(url):
            return "Invalid secretsUrl: TypeError: Invalid URL"
    elif not (user and password):
        return "Both user and password must be specified."
    return None


def xmatters_connector_check(config, secrets):
    if config["usesBasic"]:
        if secrets.get("secretsUrl"):
            return "secretsUrl should not be provided when usesBasic is true"
        if secrets.get("user") is None:
            return "Provide valid Username"
        if secrets.get("password") is None:
            return "Provide valid Password"
        if config.get("configUrl") is None:
            return "Provide valid configUrl"
        return None
    if secrets.get("user") or secrets.get("password"):
        return "Username and password should not be provided when usesBasic is false"
    if config.get("configUrl"):
        return "configUrl should not be provided when usesBasic is false"
    if secrets.get("secretsUrl") is None:
        return "Provide valid secretsUrl with API Key"
    return None


def api_url_check(title):
    """The generative AI types' configValidator: assertURL(apiUrl), then allowed hosts, the
    failure wrapped as `Error configuring <title> action: Error: URL Error: ...`."""
    def check(config):
        problem = url_problem(config["apiUrl"])
        if problem:
            return f"Error configuring {title} action: Error: URL Error: {problem}"
        return None
    return check


def openai_secrets_check(secrets):
    # sc/openai/index.ts secretsValidator -> lib/other_openai_utils.ts nonPkiSecretsValidator.
    if not secrets.get("certificateData") and not secrets.get("apiKey"):
        return "[apiKey]: expected value of type [string] but got [undefined]"
    return None


# kcs/openai/schemas/v1.ts ConfigSchema: a union over apiProvider; OpenAI fills defaultModel
# (kcs/openai/constants.ts DEFAULT_MODEL of the source read), Other requires it.
OPENAI_CONFIG = AnyOf(
    Field("object", fields={
        "apiProvider": one_of("Azure OpenAI", required=True),
        "apiUrl": string(required=True), "defaultModel": maybe_string(),
        "headers": record_of_strings(), "contextWindowLength": coerced_number(),
        "temperature": coerced_number()}),
    Field("object", fields={
        "apiProvider": one_of("OpenAI", required=True),
        "apiUrl": string(required=True), "organizationId": maybe_string(),
        "projectId": maybe_string(), "defaultModel": Field("string", default="gpt-4.1"),
        "headers": record_of_strings(), "contextWindowLength": coerced_number(),
        "temperature": coerced_number()}),
    Field("object", fields={
        "apiProvider": one_of("Other", required=True),
        "apiUrl": string(required=True), "defaultModel": string(required=True),
        "verificationMode": default_then_optional(
            one_of("full", "certificate", "none", default="full")),
        "headers": record_of_strings(), "contextWindowLength": coerced_number(),
        "temperature": coerced_number(), "enableNativeFunctionCalling": boolean()}),
    required=True)
OPENAI_SECRETS = AnyOf(
    Field("object", fields={"apiKey": string(required=True)}),
    Field("object", fields={"apiKey": maybe_string(), "certificateData": maybe_string(),
                            "privateKeyData": maybe_string(), "caData": maybe_string()}),
    required=True)

# Feature ids the newest sources add to some types (actions/common connector_feature_config:
# `workflows`, `agentBuilder`); the release that added them to each type is [unverified].
NEWER_FEATURES = ("workflows", "agentBuilder")

GEN_AI = ("generativeAIForSecurity", "generativeAIForObservability",
          "generativeAIForSearchPlayground")


def swimlane_config_map():
    return Field("object", nullable=True, default=None, fields={
        "id": string(required=True), "key": string(required=True),
        "name": string(required=True), "fieldType": string(required=True)})


SWIMLANE_CONFIG = {
    "apiUrl": string(required=True), "appId": string(required=True),
    "connectorType": one_of("all", "alerts", "cases", required=True),
    # required, strict; each mapping defaults to null
    "mappings": Field("object", required=True, fields={
        key: swimlane_config_map() for key in (
            "ruleNameConfig", "alertIdConfig", "caseIdConfig", "caseNameConfig",
            "commentsConfig", "severityConfig", "descriptionConfig")}),
}


CONNECTOR_TYPES = {t.id: t for t in [
    ConnectorTypeSpec(".server-log", "Server log", license="basic",
                      features=("alerting", "uptime"), evidence="src server_log.ts"),
    ConnectorTypeSpec(".index", "Index", license="basic",
                      features=("alerting", "uptime", "siem"), config={
                          "index": string(required=True),
                          "refresh": boolean(default=False),
                          "executionTimeField": nullable_string(),
                      }, evidence="src es_index.ts"),
    ConnectorTypeSpec(".email", "Email", features=("alerting", "uptime", "siem"), config={
        "from": string(required=True),
        "service": Field("string", default="other"),
        "host": nullable_string(),
        "port": Field("number", nullable=True, default=None),
        "secure": Field("boolean", nullable=True, default=None),
        "hasAuth": boolean(default=True),
        "tenantId": nullable_string(),
        "clientId": nullable_string(),
        "oauthTokenUrl": nullable_string(),
    }, secrets={"user": nullable_string(), "password": nullable_string(),
                "clientSecret": nullable_string()}, evidence="notes connectors.md, src email.ts"),
    ConnectorTypeSpec(".webhook", "Webhook", features=("alerting", "uptime", "siem"),
                      config=webhook_config, secrets=webhook_secrets,
                      evidence="notes connectors.md (methods by version), src auth schema"),
    ConnectorTypeSpec(".cases-webhook", "Webhook - Case Management", features=("cases",),
                      config=cases_webhook_config, secrets=AUTH_SECRETS,
                      evidence="src cases_webhook/schema.ts"),
    ConnectorTypeSpec(".slack", "Slack", features=("alerting", "uptime", "siem"),
                      secrets={"webhookUrl": string(required=True)}, secrets_check=slack_check,
                      evidence="src slack_webhook.ts (API test)"),
    ConnectorTypeSpec(".slack_api", "Slack API", features=("alerting", "siem"),
                      config=slack_api_config, secrets={"token": string(required=True)},
                      evidence="src slack_api/schema.ts; tf slack_api_acc_test.go"),
    ConnectorTypeSpec(".teams", "Microsoft Teams",
                      features=("alerting", "uptime", "siem") + NEWER_FEATURES,
                      secrets={"webhookUrl": string(required=True)},
                      secrets_check=teams_secrets_check,
                      evidence="src kcs/teams/schemas/v1.ts, sc/teams/index.ts"),
    ConnectorTypeSpec(".pagerduty", "PagerDuty",
                      features=("alerting", "uptime", "siem", "workflows"),
                      config={"apiUrl": nullable_string()},
                      secrets={"routingKey": string(required=True)},
                      evidence="src kcs/pagerduty/schemas/v1.ts, sc/pagerduty/index.ts"),
    ConnectorTypeSpec(".xmatters", "xMatters", features=("alerting", "siem"),
                      config={"configUrl": nullable_string(), "usesBasic": boolean(default=True)},
                      secrets={"user": nullable_string(), "password": nullable_string(),
                               "secretsUrl": nullable_string()},
                      config_check=xmatters_config_check, secrets_check=xmatters_secrets_check,
                      connector_check=xmatters_connector_check,
                      evidence="src kcs/xmatters/schemas/v1.ts, sc/xmatters/index.ts"),
    servicenow(".servicenow", "ServiceNow ITSM", True, ("alerting", "cases", "uptime", "siem")),
    servicenow(".servicenow-sir", "ServiceNow SecOps", True, ("alerting", "cases", "siem")),
    servicenow(".servicenow-itom", "ServiceNow ITOM", False, ("alerting", "siem")),
    ConnectorTypeSpec(".jira", "Jira", features=("alerting", "cases", "uptime", "siem"),
                      config={"apiUrl": string(required=True),
                              "projectKey": string(required=True)},
                      secrets={"email": string(required=True),
                               "apiToken": string(required=True)},
                      evidence="src kcs/jira/schemas/v1.ts, sc/jira/index.ts"),
    ConnectorTypeSpec(".resilient", "IBM Resilient", license="platinum",
                      features=("alerting", "cases", "siem"),
                      config={"apiUrl": string(required=True), "orgId": string(required=True)},
                      secrets={"apiKeyId": string(required=True),
                               "apiKeySecret": string(required=True)},
                      evidence="src kcs/resilient/schemas/v1.ts, sc/resilient/index.ts"),
    ConnectorTypeSpec(".swimlane", "Swimlane",
                      features=("alerting", "cases", "siem", "workflows"),
                      config=SWIMLANE_CONFIG, secrets={"apiToken": string(required=True)},
                      evidence="src kcs/swimlane/schemas/v1.ts, sc/swimlane/index.ts"),
    ConnectorTypeSpec(".opsgenie", "Opsgenie", license="platinum",
                      features=("alerting", "uptime", "siem") + NEWER_FEATURES,
                      config={"apiUrl": string(required=True)},
                      secrets={"apiKey": string(required=True)},
                      evidence="src kcs/opsgenie/schemas/v1.ts, sc/opsgenie/index.ts"),
    ConnectorTypeSpec(".tines", "Tines", features=("siem",),
                      config={"url": string(required=True)},
                      secrets={"email": string(required=True), "token": string(required=True)},
                      evidence="src kcs/tines/schemas/v1.ts, sc/tines/index.ts"),
    ConnectorTypeSpec(".torq", "Torq", features=("alerting", "uptime", "siem", "workflows"),
                      config={"webhookIntegrationUrl": string(required=True)},
                      secrets={"token": string(required=True)}, config_check=torq_config_check,
                      evidence="src kcs/torq/schemas/v1.ts, sc/torq/index.ts"),
    ConnectorTypeSpec(".d3security", "D3 Security",
                      features=("alerting", "siem") + NEWER_FEATURES,
                      config={"url": string(required=True)},
                      secrets={"token": string(required=True)},
                      evidence="src kcs/d3security/schemas/v1.ts, sc/d3security/index.ts"),
    ConnectorTypeSpec(".thehive", "TheHive", license="platinum",
                      features=("alerting", "siem", "uptime", "cases", "workflows"),
                      config={"url": string(required=True), "organisation": nullable_string()},
                      secrets={"apiKey": string(required=True)},
                      evidence="src kcs/thehive/schemas/v1.ts, sc/thehive/index.ts"),
    ConnectorTypeSpec(".xsoar", "XSOAR", license="platinum", features=("siem",),
                      config={"url": string(required=True)},
                      secrets={"apiKey": string(required=True),
                               "apiKeyID": nullable_string()},
                      evidence="src kcs/xsoar/schemas/v1.ts, sc/xsoar/index.ts"),
    ConnectorTypeSpec(".gen-ai", "OpenAI", license="enterprise", features=GEN_AI,
                      config=OPENAI_CONFIG, secrets=OPENAI_SECRETS,
                      config_check=api_url_check("OpenAI"), secrets_check=openai_secrets_check,
                      evidence="src kcs/openai/schemas/v1.ts, kcs/openai/constants.ts, "
                               "sc/openai/index.ts"),
    ConnectorTypeSpec(".bedrock", "Amazon Bedrock", license="enterprise",
                      features=GEN_AI + ("workflows",),
                      config={"apiUrl": string(required=True), "region": maybe_string(),
                              "defaultModel": Field(
                                  "string",
                                  default="us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
                              "contextWindowLength": coerced_number(),
                              "temperature": coerced_number()},
                      secrets={"accessKey": string(required=True),
                               "secret": string(required=True)},
                      config_check=api_url_check("Amazon Bedrock"),
                      evidence="src kcs/bedrock/schemas/v1.ts, kcs/bedrock/constants.ts, "
                               "sc/bedrock/index.ts"),
    ConnectorTypeSpec(".gemini", "Google Gemini", license="enterprise",
                      features=("generativeAIForSecurity", "generativeAIForSearchPlayground",
                                "generativeAIForObservability", "workflows"),
                      config={"apiUrl": string(required=True),
                              "defaultModel": Field("string", default="gemini-2.5-pro"),
                              "gcpRegion": string(required=True),
                              "gcpProjectID": string(required=True),
                              "contextWindowLength": coerced_number(),
                              "temperature": coerced_number()},
                      secrets={"credentialsJson": string(required=True)},
                      config_check=api_url_check("Google Gemini"),
                      evidence="src kcs/gemini/schemas/v1.ts, kcs/gemini/constants.ts, "
                               "sc/gemini/index.ts"),
    ConnectorTypeSpec(".inference", "AI Connector", license="enterprise",
                      features=("generativeAIForSecurity", "generativeAIForSearchPlayground",
                                "generativeAIForObservability"),
                      config={"provider": string(required=True),
                              "taskType": string(required=True),
                              "inferenceId": string(required=True),
                              "providerConfig": passthrough_object(default=dict),
                              "taskTypeConfig": default_then_optional(
                                  passthrough_object(default=dict)),
                              "contextWindowLength": coerced_number(),
                              "headers": record_of_strings(),
                              "temperature": coerced_number()},
                      secrets={"providerSecrets": passthrough_object(default=dict)},
                      evidence="src kcs/inference/schemas/v1.ts, sc/inference/index.ts (its "
                               "provider/task type check and the inference endpoint it creates "
                               "in Elasticsearch are not emulated)"),
    ConnectorTypeSpec(".sentinelone", "SentinelOne", license="enterprise",
                      features=("endpointSecurity",),
                      config={"url": string(required=True)},
                      secrets={"token": string(required=True)},
                      evidence="src kcs/sentinelone/schemas/v1.ts, sc/sentinelone/index.ts"),
    ConnectorTypeSpec(".crowdstrike", "CrowdStrike", license="enterprise", features=("siem",),
                      config={"url": string(required=True)},
                      secrets={"clientId": string(required=True),
                               "clientSecret": string(required=True)},
                      # an older sc/crowdstrike/index.ts says siem; its siblings moved to
                      # endpointSecurity [unverified for crowdstrike]
                      evidence="src kcs/crowdstrike/schemas/v1.ts, sc/crowdstrike/index.ts"),
    ConnectorTypeSpec(".microsoft_defender_endpoint", "Microsoft Defender for Endpoint",
                      license="enterprise", features=("endpointSecurity",),
                      # z.string().min(1) each: a blank value is refused by the route first
                      config={"clientId": string(required=True),
                              "tenantId": string(required=True),
                              "oAuthServerUrl": string(required=True),
                              "oAuthScope": string(required=True),
                              "apiUrl": string(required=True)},
                      secrets={"clientSecret": string(required=True)},
                      evidence="src kcs/microsoft_defender_endpoint/schemas/v1.ts, "
                               "sc/microsoft_defender_endpoint/index.ts"),
    # System action types: never created through the API (create -> 400), their connectors are
    # built in (spaces_only/tests/actions/create.ts, get.ts, delete.ts).
    ConnectorTypeSpec(".cases", "Cases", license="platinum", system=True,
                      evidence="src actions/create.ts (system types)"),
    ConnectorTypeSpec(".observability-ai-assistant", "Observability AI Assistant",
                      license="enterprise", system=True),
]}


# ----------------------------------------------------------------------------- rule types

class RuleTypeSpec:
    """A rule type known only as data: params checked by `params_fields` (config-schema root
    wording; `strict` False where the schema allows unknown keys or is unverified)."""

    def __init__(self, type_id, name, producer, groups, params_fields=None, strict=False,
                 consumers=None, category="management", validate=None, evidence="unverified",
                 exportable=True):
        self.id = type_id
        self.name = name
        self.producer = producer
        self.groups = groups
        self.params_fields = params_fields or {}
        self.strict = strict
        self.consumers = consumers
        self.category = category
        self.validate = validate
        self.evidence = evidence
        self.exportable = exportable

    def validate_params(self, params):
        if self.validate:
            return self.validate(params)
        return check_root(params, self.params_fields, strict=self.strict)


# response-ops rule_params/log_threshold/v1.ts: logThresholdParamsSchema is oneOf(count rule
# params, ratio rule params); both are intersections of strict objects [src].
LOG_COMPARATOR = one_of("more than", "more than or equals", "less than", "less than or equals",
                        "equals", "does not equal", "matches", "does not match",
                        "matches phrase", "does not match phrase", required=True)
LOG_CRITERION = Field("object", fields={
    "field": string(required=True), "comparator": LOG_COMPARATOR,
    "value": AnyOf(Field("string"), Field("number"), required=True)})


def log_threshold_fields(ratio):
    criteria = Field("array", items=LOG_CRITERION)
    return {
        "criteria": Field("array", required=True, items=criteria) if ratio else
        Field("array", required=True, items=LOG_CRITERION),
        "count": Field("object", required=True, fields={
            "comparator": LOG_COMPARATOR, "value": Field("number", required=True)}),
        "timeUnit": one_of("s", "m", "h", "d", required=True),
        "timeSize": Field("number", required=True),
        "logView": Field("object", required=True, fields={
            "logViewId": string(required=True),
            "type": Literal("log-view-reference", required=True)}),
        "groupBy": Field("array", items=Field("string")),
    }


LOG_THRESHOLD_ALTERNATIVES = (log_threshold_fields(False), log_threshold_fields(True))


def log_threshold_params(params):
    """oneOf at the root: config-schema lists each failed alternative by index."""
    from ..errors import KibanaError, bad_request
    failures = []
    for index, fields in enumerate(LOG_THRESHOLD_ALTERNATIVES):
        try:
            return check_root(params, fields)
        except KibanaError as err:
            failures.append("- [%d.%s" % (index, err.message[1:]))
    raise bad_request("types that failed validation:\n" + "\n".join(failures))


O11Y = ["alerts", "apm", "infrastructure", "logs", "observability", "slo", "uptime"]
STACK = ["alerts", "stackAlerts"]


def monitoring(type_id, name):
    # Every monitoring rule type validates params with `(params) => params`: any object is kept
    # as sent (x-pack/platform/plugins/private/monitoring/server/rules/base_rule.ts; the
    # response-ops monitoring schemas only document them).
    return RuleTypeSpec(type_id, name, "monitoring", [("default", "Default")],
                        consumers=["alerts", "monitoring"], category="management",
                        evidence="src monitoring rules/base_rule.ts", exportable=False)


def siem(type_id, name):
    # Detection rule types parse params with zod (e.g. UnifiedQueryRuleParams.parse in
    # security_solution .../rule_types/query/create_query_alert_type.ts); detection rules are
    # managed through the detection engine API and their params are not modelled here.
    return RuleTypeSpec(type_id, name, "siem", [("default", "Default")],
                        consumers=["siem"], category="securitySolution",
                        evidence="unverified (zod params, not modelled)",
                        exportable=False)  # isExportable: false (create_query_alert_type.ts)


def sourced(type_id, name, producer, groups, fields, path, strict=True, consumers=None,
            category="observability"):
    """A type whose params schema was read: response-ops rule_params/<path>/v1.ts."""
    return RuleTypeSpec(type_id, name, producer, groups, fields, strict=strict,
                        consumers=consumers or O11Y, category=category,
                        evidence=f"src response-ops rule_params/{path}/v1.ts")


EXTRA_RULE_TYPES = [
    sourced(".geo-containment", "Tracking containment", "stackAlerts",
            [("Tracked entity contained", "Tracking containment met")],
            rule_params.GEO_CONTAINMENT, "geo_containment", consumers=STACK,
            category="management"),
    sourced("transform_health", "Transform health", "stackAlerts",
            [("transform_issue", "Issue detected")], rule_params.TRANSFORM_HEALTH,
            "transform_health", consumers=STACK, category="management"),
    sourced("xpack.ml.anomaly_detection_alert", "Anomaly detection", "ml",
            [("anomaly_score_match", "Anomaly score matched the condition")],
            rule_params.ANOMALY_DETECTION, "anomaly_detection",
            consumers=["alerts", "ml"] + O11Y[1:], category="management"),
    sourced("xpack.ml.anomaly_detection_jobs_health", "Anomaly detection jobs health", "ml",
            [("anomaly_detection_realtime_issue", "Issue detected")], rule_params.JOBS_HEALTH,
            "anomaly_detection_jobs_health", consumers=["alerts", "ml"] + O11Y[1:],
            category="management"),
    sourced("slo.rules.burnRate", "SLO burn rate", "slo",
            [("slo.burnRate.alert", "Critical"), ("slo.burnRate.high", "High"),
             ("slo.burnRate.medium", "Medium"), ("slo.burnRate.low", "Low")],
            rule_params.SLO_BURN_RATE, "slo_burn_rate"),
    sourced("xpack.uptime.alerts.monitorStatus", "Uptime monitor status", "uptime",
            [("xpack.uptime.alerts.actionGroups.monitorStatus", "Uptime Down Monitor")],
            rule_params.UPTIME_MONITOR_STATUS, "uptime_monitor_status"),
    sourced("xpack.uptime.alerts.tlsCertificate", "Uptime TLS", "uptime",
            [("xpack.uptime.alerts.actionGroups.tlsCertificate", "TLS Certificate")],
            rule_params.UPTIME_TLS, "uptime_tls"),
    # legacy_uptime/lib/alerts/tls_legacy.ts: validate.params is schema.object({})
    RuleTypeSpec("xpack.uptime.alerts.tls", "Uptime TLS (legacy)", "uptime",
                 [("xpack.uptime.alerts.actionGroups.tls", "TLS")], {}, strict=True,
                 consumers=O11Y, category="observability",
                 evidence="src uptime legacy_uptime/lib/alerts/tls_legacy.ts"),
    sourced("xpack.uptime.alerts.durationAnomaly", "Uptime duration anomaly", "uptime",
            [("xpack.uptime.alerts.actionGroups.durationAnomaly", "Uptime Duration Anomaly")],
            rule_params.UPTIME_DURATION_ANOMALY, "uptime_duration_anomaly"),
    sourced("xpack.synthetics.alerts.monitorStatus", "Synthetics monitor status", "uptime",
            [("xpack.synthetics.alerts.actionGroups.monitorStatus",
              "Synthetics monitor status")],
            rule_params.SYNTHETICS_MONITOR_STATUS, "synthetics_monitor_status"),
    sourced("xpack.synthetics.alerts.tls", "Synthetics TLS certificate", "uptime",
            [("xpack.synthetics.alerts.actionGroups.tls", "Synthetics TLS certificate")],
            rule_params.SYNTHETICS_TLS, "synthetics_tls"),
    RuleTypeSpec("logs.alert.document.count", "Log threshold", "logs",
                 [("logs.threshold.fired", "Fired")], validate=log_threshold_params,
                 consumers=O11Y, category="observability",
                 evidence="src response-ops rule_params/log_threshold/v1.ts"),
    # unknowns: 'allow' at the root of both infra schemas
    sourced("metrics.alert.inventory.threshold", "Inventory", "infrastructure",
            [("metrics.inventory_threshold.fired", "Alert"),
             ("metrics.inventory_threshold.warning", "Warning")],
            rule_params.INVENTORY_THRESHOLD, "metric_inventory_threshold", strict=False),
    sourced("metrics.alert.threshold", "Metric threshold", "infrastructure",
            [("metrics.threshold.fired", "Alert"), ("metrics.threshold.warning", "Warning"),
             ("metrics.threshold.nodata", "No Data")],
            rule_params.METRIC_THRESHOLD, "metric_threshold", strict=False),
    sourced("apm.error_rate", "Error count threshold", "apm",
            [("threshold_met", "Threshold met")], rule_params.ERROR_COUNT, "error_count"),
    sourced("apm.transaction_error_rate", "Failed transaction rate threshold", "apm",
            [("threshold_met", "Threshold met")], rule_params.TRANSACTION_ERROR_RATE,
            "transaction_error_rate"),
    sourced("apm.transaction_duration", "Latency threshold", "apm",
            [("threshold_met", "Threshold met")], rule_params.TRANSACTION_DURATION,
            "transaction_duration"),
    sourced("apm.anomaly", "APM Anomaly", "apm", [("threshold_met", "Threshold met")],
            rule_params.APM_ANOMALY, "apm_anomaly"),
    # dataset_quality server/rule_types/degraded_docs/register.ts (producer stackAlerts); its
    # action group id and consumers are [unverified]
    sourced("datasetQuality.degradedDocs", "Degraded docs", "stackAlerts",
            [("threshold_met", "Threshold met")], rule_params.DEGRADED_DOCS, "degraded_docs",
            consumers=STACK, category="management"),
    monitoring("monitoring_alert_cluster_health", "Cluster health"),
    monitoring("monitoring_alert_license_expiration", "License expiration"),
    monitoring("monitoring_alert_cpu_usage", "CPU Usage"),
    monitoring("monitoring_alert_missing_monitoring_data", "Missing monitoring data"),
    monitoring("monitoring_alert_disk_usage", "Disk Usage"),
    monitoring("monitoring_alert_thread_pool_search_rejections", "Thread pool search rejections"),
    monitoring("monitoring_alert_thread_pool_write_rejections", "Thread pool write rejections"),
    monitoring("monitoring_alert_jvm_memory_usage", "Memory Usage (JVM)"),
    monitoring("monitoring_alert_nodes_changed", "Nodes changed"),
    monitoring("monitoring_alert_logstash_version_mismatch", "Logstash version mismatch"),
    monitoring("monitoring_alert_kibana_version_mismatch", "Kibana version mismatch"),
    monitoring("monitoring_alert_elasticsearch_version_mismatch",
               "Elasticsearch version mismatch"),
    monitoring("monitoring_ccr_read_exceptions", "CCR read exceptions"),
    monitoring("monitoring_shard_size", "Shard size"),
    siem("siem.eqlRule", "Event Correlation Rule"),
    siem("siem.esqlRule", "ES|QL Rule"),
    siem("siem.savedQueryRule", "Saved Query Rule"),
    siem("siem.indicatorRule", "Indicator Match Rule"),
    siem("siem.mlRule", "Machine Learning Rule"),
    siem("siem.queryRule", "Custom Query Rule"),
    siem("siem.thresholdRule", "Threshold Rule"),
    siem("siem.newTermsRule", "New Terms Rule"),
    siem("siem.notifications", "Security Solution notification (Legacy)"),
]
