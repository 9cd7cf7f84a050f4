"""The connector types and rule types a Kibana 9.4 stack registers out of the box, as data.

Connector types: the list Kibana's own test asserts
(x-pack/platform/test/alerting_api_integration/spaces_only/tests/actions/
check_registered_connector_types.ts; the types behind experimental flags there are on in that
test's config), registered in x-pack/platform/plugins/shared/stack_connectors/server/
connector_types/index.ts. Rule types: the list of
x-pack/platform/plugins/shared/alerting/server/integration_tests/alerts_as_data_fields checks
(`ruleTypeRegistry.getAllTypes()` of a default stack).

Each row says where its schema comes from in `evidence`: `src` when the schema file was read,
`notes` when kibana-api/ states it, `unverified` when only the type id is confirmed and the
required keys are our best understanding (FIDELITY.md lists which). A row is validated with
config-schema's wording: keys of the type's config/secrets/params object are named without a
prefix (`[index]: expected value of type [string] but got [undefined]`), and the connectors
family adds Kibana's `error validating action type config|secrets: ` prefix.
"""

from ..schema import UNDEFINED, AnyOf, Field, Literal, array_size, check_root, one_of, text
from . import rule_params


def string(required=False, **kwargs):
    return Field("string", required=required, **kwargs)


def nullable_string(default=None):
    """schema.nullable(schema.string()): absent comes back as null."""
    return Field("string", nullable=True, default=default)


def maybe_string():
    return Field("string")


def boolean(default=UNDEFINED):
    return Field("boolean", default=default)


HEADERS = Field("object", nullable=True, default=None, strict=False)


class ConnectorTypeSpec:
    """A connector type: its config and secrets schemas (dicts of Field, or a callable taking
    the Kibana version tuple), an optional cross-field check returning a message, the version
    that introduced it, whether it is a system action type."""

    def __init__(self, type_id, name, license="gold", features=("alerting",), config=None,
                 secrets=None, check=None, since=(8, 0), system=False, evidence="unverified"):
        self.id = type_id
        self.name = name
        self.license = license
        self.features = list(features)
        self._config = config or {}
        self._secrets = secrets or {}
        self.check = check
        self.since = since
        self.system = system
        self.evidence = evidence

    def config_fields(self, version):
        return self._config(version) if callable(self._config) else self._config

    def secrets_fields(self, version):
        return self._secrets(version) if callable(self._secrets) else self._secrets

    def validate(self, config, secrets, version):
        """(config with defaults, secrets) or a message without the action-type prefix kind:
        raises KibanaError with `error validating action type config|secrets: ...`."""
        from ..errors import KibanaError, bad_request
        try:
            config = check_root(config, self.config_fields(version))
        except KibanaError as err:
            raise bad_request(f"error validating action type config: {err.message}")
        try:
            secrets = check_root(secrets, self.secrets_fields(version))
        except KibanaError as err:
            raise bad_request(f"error validating action type secrets: {err.message}")
        if self.check:
            problem = self.check(config, secrets)
            if problem:
                kind, message = problem
                raise bad_request(f"error validating action type {kind}: {message}")
        return config, secrets

    def describe(self):
        return {"id": self.id, "name": self.name, "enabled": True, "enabled_in_config": True,
                "enabled_in_license": True, "minimum_license_required": self.license,
                "supported_feature_ids": self.features, "is_system_action_type": self.system}


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


def slack_check(config, secrets):
    # slack.ts validateSecrets: the URL must parse [src slack_webhook.ts via notes].
    url = secrets.get("webhookUrl", "")
    if "://" not in url or not url.split("://", 1)[1].split("/")[0]:
        return ("secrets", "error configuring slack action: unable to parse host name from "
                           "webhookUrl")
    return None


def servicenow_check(config, secrets):
    # servicenow validators: basic auth needs username and password, OAuth needs the rest
    # [unverified wording].
    if config.get("isOAuth"):
        missing = [k for k in ("clientId", "userIdentifierValue", "jwtKeyId")
                   if not config.get(k)]
        if missing:
            return ("config", "clientId, userIdentifierValue and jwtKeyId must be provided "
                              "when isOAuth = true")
        if not (secrets.get("clientSecret") and secrets.get("privateKey")):
            return ("secrets", "clientSecret and privateKey must both be specified")
    elif not (secrets.get("username") and secrets.get("password")):
        return ("secrets", "Either basic auth or OAuth credentials must be specified")
    return None


def servicenow_config(table_api):
    fields = {"apiUrl": string(required=True), "isOAuth": boolean(default=False),
              "userIdentifierValue": nullable_string(), "clientId": nullable_string(),
              "jwtKeyId": nullable_string()}
    if table_api:
        fields["usesTableApi"] = boolean(default=True)
    return fields


SERVICENOW_SECRETS = {"username": nullable_string(), "password": nullable_string(),
                      "clientSecret": nullable_string(), "privateKey": nullable_string(),
                      "privateKeyPassword": nullable_string()}


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
                      secrets={"webhookUrl": string(required=True)}, check=slack_check,
                      evidence="src slack_webhook.ts (API test)"),
    ConnectorTypeSpec(".slack_api", "Slack API", features=("alerting", "siem"),
                      config=slack_api_config, secrets={"token": string(required=True)},
                      evidence="src slack_api/schema.ts; tf slack_api_acc_test.go"),
    ConnectorTypeSpec(".teams", "Microsoft Teams", features=("alerting", "uptime", "siem"),
                      secrets={"webhookUrl": string(required=True)}),
    ConnectorTypeSpec(".pagerduty", "PagerDuty", features=("alerting", "uptime", "siem"),
                      config={"apiUrl": nullable_string()},
                      secrets={"routingKey": string(required=True)}),
    ConnectorTypeSpec(".xmatters", "xMatters", features=("alerting", "siem"),
                      config={"configUrl": nullable_string(), "usesBasic": boolean(default=True)},
                      secrets={"user": nullable_string(), "password": nullable_string(),
                               "secretsUrl": nullable_string()}),
    ConnectorTypeSpec(".servicenow", "ServiceNow ITSM", license="platinum",
                      features=("alerting", "cases"), config=servicenow_config(True),
                      secrets=SERVICENOW_SECRETS, check=servicenow_check),
    ConnectorTypeSpec(".servicenow-sir", "ServiceNow SecOps", license="platinum",
                      features=("alerting", "cases"), config=servicenow_config(True),
                      secrets=SERVICENOW_SECRETS, check=servicenow_check),
    ConnectorTypeSpec(".servicenow-itom", "ServiceNow ITOM", license="platinum",
                      features=("alerting",), config=servicenow_config(False),
                      secrets=SERVICENOW_SECRETS, check=servicenow_check),
    ConnectorTypeSpec(".jira", "Jira", features=("alerting", "cases"),
                      config={"apiUrl": string(required=True),
                              "projectKey": string(required=True)},
                      secrets={"email": string(required=True),
                               "apiToken": string(required=True)}),
    ConnectorTypeSpec(".resilient", "IBM Resilient", license="platinum",
                      features=("alerting", "cases"),
                      config={"apiUrl": string(required=True), "orgId": string(required=True)},
                      secrets={"apiKeyId": string(required=True),
                               "apiKeySecret": string(required=True)}),
    ConnectorTypeSpec(".swimlane", "Swimlane", features=("alerting", "cases"), config={
        "apiUrl": string(required=True), "appId": string(required=True),
        "connectorType": one_of("all", "alerts", "cases", required=True),
        "mappings": Field("object", strict=False, default=dict),
    }, secrets={"apiToken": string(required=True)}),
    ConnectorTypeSpec(".opsgenie", "Opsgenie", license="platinum", features=("alerting",),
                      config={"apiUrl": string(required=True)},
                      secrets={"apiKey": string(required=True)}),
    ConnectorTypeSpec(".tines", "Tines", features=("alerting", "siem"),
                      config={"url": string(required=True)},
                      secrets={"email": string(required=True), "token": string(required=True)}),
    ConnectorTypeSpec(".torq", "Torq", features=("alerting", "siem"),
                      config={"webhookIntegrationUrl": string(required=True)},
                      secrets={"token": string(required=True)}),
    ConnectorTypeSpec(".d3security", "D3 Security", features=("alerting", "siem"),
                      config={"url": string(required=True)},
                      secrets={"token": string(required=True)}),
    ConnectorTypeSpec(".thehive", "TheHive", license="platinum", features=("alerting", "cases"),
                      config={"url": string(required=True), "organisation": nullable_string()},
                      secrets={"apiKey": string(required=True)}),
    ConnectorTypeSpec(".xsoar", "XSOAR", license="platinum", features=("alerting", "siem"),
                      config={"url": string(required=True)},
                      secrets={"apiKey": nullable_string()}),
    ConnectorTypeSpec(".gen-ai", "OpenAI", license="enterprise",
                      features=("generativeAIForSecurity", "generativeAIForObservability"),
                      config={"apiProvider": one_of("OpenAI", "Azure OpenAI", "Other",
                                                    required=True),
                              "apiUrl": string(required=True),
                              "defaultModel": maybe_string(),
                              "headers": Field("object", strict=False),
                              "verificationMode": one_of("full", "certificate", "none")},
                      secrets={"apiKey": maybe_string()}),
    ConnectorTypeSpec(".bedrock", "Amazon Bedrock", license="enterprise",
                      features=("generativeAIForSecurity", "generativeAIForObservability"),
                      config={"apiUrl": string(required=True), "defaultModel": maybe_string()},
                      secrets={"accessKey": string(required=True),
                               "secret": string(required=True)}),
    ConnectorTypeSpec(".gemini", "Google Gemini", license="enterprise",
                      features=("generativeAIForSecurity", "generativeAIForObservability"),
                      config={"apiUrl": string(required=True),
                              "defaultModel": string(required=True),
                              "gcpRegion": string(required=True),
                              "gcpProjectID": string(required=True)},
                      secrets={"credentialsJson": string(required=True)}),
    ConnectorTypeSpec(".inference", "AI Connector", license="enterprise",
                      features=("generativeAIForSecurity", "generativeAIForObservability"),
                      config={"provider": string(required=True),
                              "taskType": string(required=True),
                              "inferenceId": string(required=True),
                              "providerConfig": Field("object", strict=False),
                              "taskTypeConfig": Field("object", strict=False)},
                      secrets={"providerSecrets": Field("object", strict=False)}),
    ConnectorTypeSpec(".sentinelone", "SentinelOne", license="enterprise", features=("siem",),
                      config={"url": string(required=True)},
                      secrets={"token": string(required=True)}),
    ConnectorTypeSpec(".crowdstrike", "CrowdStrike", license="enterprise", features=("siem",),
                      config={"url": string(required=True)},
                      secrets={"clientId": string(required=True),
                               "clientSecret": string(required=True)}),
    ConnectorTypeSpec(".microsoft_defender_endpoint", "Microsoft Defender for Endpoint",
                      license="enterprise", features=("siem",),
                      config={"clientId": string(required=True),
                              "tenantId": string(required=True),
                              "oAuthServerUrl": string(required=True),
                              "oAuthScope": string(required=True),
                              "apiUrl": string(required=True)},
                      secrets={"clientSecret": string(required=True)}),
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
