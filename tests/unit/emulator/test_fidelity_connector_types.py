"""Connector types against their schema files and Kibana's own tests, per version dialect.

Paths are in elastic/kibana. Abbreviations: `kcs/` = src/platform/packages/shared/
kbn-connector-schemas/, `sc/` = x-pack/platform/plugins/shared/stack_connectors/server/
connector_types/, `ct/` = x-pack/platform/test/alerting_api_integration/security_and_spaces/
group2/tests/actions/connector_types/, `actions/` = x-pack/platform/plugins/shared/actions/server/.
"""

import pytest

CONNECTOR = "/api/actions/connector"
MISSING_V4 = "\u2716 Invalid input: expected string, received undefined\n  \u2192 at "
GEMINI_SECRETS = {"credentialsJson": "{}"}


@pytest.fixture(autouse=True)
def kibana_9_4(kibana):
    """The 9.4 wording unless a test names another version (these are version-specific texts,
    so an 8.x run of the suite checks them as they are, not as 8.x words them)."""
    kibana.config(kibana_version="9.4.0")


def create(kibana, type_id, config=None, secrets=None):
    return kibana.api("POST", CONNECTOR, {"name": "t", "connector_type_id": type_id,
                                          "config": config or {}, "secrets": secrets or {}})


def error(resp):
    assert resp.status_code == 400, resp.text
    return resp.json()["message"]


def stored(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()["config"]


# --------------------------------------------------------------------------- wording by version

@pytest.mark.parametrize("version,message", [
    # config-schema, first failure only (ct/es_index.ts before the zod migration; connectors.md)
    ("9.2.4", "error validating action type config: [index]: expected value of type [string] "
              "but got [undefined]"),
    # zod v3 + formatZodError (actions/lib/format_zod_error.ts)
    ("9.3.0", 'error validating connector type config: Field "index": Required'),
    # zod v4 + z.prettifyError (actions/lib/validate_with_schema.ts)
    ("9.4.0", "error validating connector type config: " + MISSING_V4 + "index"),
])
def test_a_missing_key_is_worded_per_version(kibana, version, message):
    kibana.config(kibana_version=version)
    assert error(create(kibana, ".index")) == message


@pytest.mark.parametrize("version,message", [
    # ct/gemini.ts "without the url, project id and region", 9.3 (zod v3) and current (zod v4)
    ("9.3.0", 'error validating connector type config: 3 errors:\n [1]: Field "apiUrl": '
              'Required;\n [2]: Field "gcpRegion": Required;\n [3]: Field "gcpProjectID": '
              'Required'),
    ("9.4.0", "error validating connector type config: " + MISSING_V4 + "apiUrl\n"
              + MISSING_V4 + "gcpRegion\n" + MISSING_V4 + "gcpProjectID"),
])
def test_every_failure_is_listed_from_9_3(kibana, version, message):
    kibana.config(kibana_version=version)
    assert error(create(kibana, ".gemini", secrets=GEMINI_SECRETS)) == message


def test_9_4_texts_of_kibanas_gemini_test(kibana):
    # ct/gemini.ts: without the project id, without the region, without secrets.
    config = {"gcpRegion": "us-central-1", "apiUrl": "https://url.co"}
    assert error(create(kibana, ".gemini", config, GEMINI_SECRETS)) == \
        "error validating connector type config: " + MISSING_V4 + "gcpProjectID"
    config = {"gcpProjectID": "test-project", "apiUrl": "https://url.co"}
    assert error(create(kibana, ".gemini", config, GEMINI_SECRETS)) == \
        "error validating connector type config: " + MISSING_V4 + "gcpRegion"
    config = {"gcpRegion": "us-central-1", "gcpProjectID": "p", "apiUrl": "https://url.co"}
    assert error(create(kibana, ".gemini", config)) == \
        "error validating connector type secrets: " + MISSING_V4 + "credentialsJson"


@pytest.mark.parametrize("version,secrets_message,channel_message", [
    # ct/slack_api.ts of 9.3 (zod v3): a nested path joined with dots
    ("9.3.0", 'Field "token": Required', 'Field "allowedChannels.0.name": Required'),
    # the same failures in zod v4's toDotPath form
    ("9.4.0", MISSING_V4 + "token", MISSING_V4 + "allowedChannels[0].name"),
])
def test_slack_api_texts(kibana, version, secrets_message, channel_message):
    kibana.config(kibana_version=version)
    assert error(create(kibana, ".slack_api")) == \
        "error validating connector type secrets: " + secrets_message
    channels = {"allowedChannels": [{"id": "C1"}]}
    assert error(create(kibana, ".slack_api", channels, {"token": "t"})) == \
        "error validating connector type config: " + channel_message


@pytest.mark.parametrize("version,message", [
    ("9.3.0", 'Field "allowedChannels": Array must contain at most 500 element(s)'),
    ("9.4.0", "\u2716 Too big: expected array to have <=500 items\n  \u2192 at allowedChannels"),
])
def test_a_size_limit_in_zods_words(kibana, version, message):
    # `.max(500)` on .slack_api allowedChannels from 9.3 (stack_connectors common/slack_api/
    # schema.ts, as type_registry.slack_api_config reads it); zod's too_big texts [inferred].
    kibana.config(kibana_version=version)
    channels = {"allowedChannels": [{"id": "C%d" % i, "name": "#%d" % i} for i in range(501)]}
    assert error(create(kibana, ".slack_api", channels, {"token": "t"})) == \
        "error validating connector type config: " + message


@pytest.mark.parametrize("version,message", [
    # Joi reports declared keys before unknown ones
    ("9.2.4", "error validating action type config: [projectKey]: expected value of type "
              "[string] but got [undefined]"),
    # ZodError.format(): root errors (unknown keys) first
    ("9.3.0", "error validating connector type config: 2 errors:\n [1]: Unrecognized key(s) in "
              "object: 'bogus';\n [2]: Field \"projectKey\": Required"),
    # prettifyError sorts by path length: the root's unknown key first
    # (actions/lib/validate_with_schema.test.ts "should work with @kbn/zod v4")
    ("9.4.0", 'error validating connector type config: \u2716 Unrecognized key: "bogus"\n'
              + MISSING_V4 + "projectKey"),
])
def test_unknown_and_missing_keys_together(kibana, version, message):
    # kcs/jira/schemas/v1.ts: apiUrl and projectKey required, strict.
    kibana.config(kibana_version=version)
    resp = create(kibana, ".jira", {"apiUrl": "https://jira.example", "bogus": 1},
                  {"email": "e", "apiToken": "t"})
    assert error(resp) == message


@pytest.mark.parametrize("version,message", [
    ("9.2.4", "error validating action type config: [connectorType]: types that failed "
              "validation:\n- [connectorType.0]: expected value to equal [all]\n- "
              "[connectorType.1]: expected value to equal [alerts]\n- [connectorType.2]: "
              "expected value to equal [cases]"),
    ("9.3.0", "error validating connector type config: Field \"connectorType\": Invalid enum "
              "value. Expected 'all' | 'alerts' | 'cases', received 'any'"),
    ("9.4.0", 'error validating connector type config: \u2716 Invalid option: expected one of '
              '"all"|"alerts"|"cases"\n  \u2192 at connectorType'),
])
def test_an_enum_value_outside_the_list(kibana, version, message):
    # kcs/swimlane/schemas/v1.ts: connectorType z.enum(['all', 'alerts', 'cases']).
    kibana.config(kibana_version=version)
    resp = create(kibana, ".swimlane", {"apiUrl": "https://s", "appId": "a",
                                        "connectorType": "any", "mappings": {}},
                  {"apiToken": "t"})
    assert error(resp) == message


# --------------------------------------------------------------------------- .gen-ai

@pytest.mark.parametrize("version,config,message", [
    # ct/openai.ts (config-schema era): the union's members listed by index
    ("9.2.4", {"apiUrl": "https://api.openai.com"},
     "error validating action type config: types that failed validation:\n- [0.apiProvider]: "
     "expected at least one defined value but got [undefined]\n- [1.apiProvider]: expected at "
     "least one defined value but got [undefined]\n- [2.apiProvider]: expected at least one "
     "defined value but got [undefined]"),
    ("9.2.4", {"apiProvider": "OpenAI"},
     "error validating action type config: types that failed validation:\n- [0.apiProvider]: "
     "expected value to equal [Azure OpenAI]\n- [1.apiUrl]: expected value of type [string] but "
     "got [undefined]\n- [2.apiProvider]: expected value to equal [Other]"),
    # zod v4 z.union: every member fails -> one invalid_union issue at the root [inferred from
    # zod's union and prettifyError; no Kibana test asserts this text]
    ("9.4.0", {"apiProvider": "OpenAI"}, "error validating connector type config: \u2716 Invalid input"),
])
def test_gen_ai_config_is_a_union_over_the_provider(kibana, version, config, message):
    # kcs/openai/schemas/v1.ts ConfigSchema (Azure OpenAI | OpenAI | Other).
    kibana.config(kibana_version=version)
    assert error(create(kibana, ".gen-ai", config, {"apiKey": "k"})) == message


def test_gen_ai_defaults_by_provider(kibana):
    # kcs/openai/schemas/v1.ts + constants.ts DEFAULT_MODEL; ct/openai.ts "without a default
    # model" -> gpt-4.1; Other: defaultModel required, verificationMode .default('full').
    url = "https://api.openai.com/v1/chat/completions"
    assert stored(create(kibana, ".gen-ai", {"apiProvider": "OpenAI", "apiUrl": url},
                         {"apiKey": "k"})) == \
        {"apiProvider": "OpenAI", "apiUrl": url, "defaultModel": "gpt-4.1"}
    assert stored(create(kibana, ".gen-ai", {"apiProvider": "Azure OpenAI", "apiUrl": url},
                         {"apiKey": "k"})) == {"apiProvider": "Azure OpenAI", "apiUrl": url}
    other = {"apiProvider": "Other", "apiUrl": url, "defaultModel": "llama"}
    assert stored(create(kibana, ".gen-ai", other, {"apiKey": "k"})) == \
        dict(other, verificationMode="full")
    assert error(create(kibana, ".gen-ai", dict(other, defaultModel=None), {"apiKey": "k"})) == \
        "error validating connector type config: \u2716 Invalid input"


def test_9_3_leaves_a_default_behind_optional_out(kibana):
    # `.default('full').optional()`: zod v3's ZodOptional answers undefined first; v4 runs the
    # default (kcs/openai/schemas/v1.ts verificationMode, kcs/inference taskTypeConfig).
    kibana.config(kibana_version="9.3.0")
    other = {"apiProvider": "Other", "apiUrl": "https://llm.example/v1", "defaultModel": "m"}
    assert stored(create(kibana, ".gen-ai", other, {"apiKey": "k"})) == other
    inference = {"provider": "openai", "taskType": "completion", "inferenceId": "i"}
    assert stored(create(kibana, ".inference", inference)) == dict(inference, providerConfig={})


@pytest.mark.parametrize("version,word", [("9.2.4", "action"), ("9.4.0", "connector")])
def test_gen_ai_secrets_need_an_api_key_without_a_certificate(kibana, version, word):
    # sc/openai/index.ts secretsValidator -> lib/other_openai_utils.ts nonPkiSecretsValidator;
    # ct/openai.ts "without secrets".
    kibana.config(kibana_version=version)
    config = {"apiProvider": "OpenAI", "apiUrl": "https://api.openai.com"}
    assert error(create(kibana, ".gen-ai", config)) == (
        f"error validating {word} type secrets: [apiKey]: expected value of type [string] but "
        "got [undefined]")
    pki = {"certificateData": "cert", "privateKeyData": "key"}
    assert create(kibana, ".gen-ai", config, pki).status_code == 200


@pytest.mark.parametrize("type_id,title,extra", [
    (".gen-ai", "OpenAI", {"apiProvider": "OpenAI"}),
    (".bedrock", "Amazon Bedrock", {}),
    (".gemini", "Google Gemini", {"gcpRegion": "r", "gcpProjectID": "p"}),
])
@pytest.mark.parametrize("url,problem", [
    ("not a url", "Invalid URL"),
    ("ftp://files.example.com", "Invalid protocol"),
    ("mailto:someone", "URL must contain hostname"),
])
def test_ai_connectors_assert_their_api_url(kibana, type_id, title, extra, url, problem):
    # sc/{openai,bedrock,gemini}/index.ts configValidator: assertURL
    # (actions/sub_action_framework/helpers/validators.ts), wrapped with err.toString().
    secrets = {".gen-ai": {"apiKey": "k"}, ".bedrock": {"accessKey": "a", "secret": "s"},
               ".gemini": GEMINI_SECRETS}[type_id]
    resp = create(kibana, type_id, dict(extra, apiUrl=url), secrets)
    assert error(resp) == (f"error validating connector type config: Error configuring {title} "
                           f"action: Error: URL Error: {problem}")


# --------------------------------------------------------------------------- defaults per type

@pytest.mark.parametrize("type_id,config,secrets,expected", [
    # kcs/pagerduty/schemas/v1.ts: apiUrl nullable default null
    (".pagerduty", {}, {"routingKey": "r"}, {"apiUrl": None}),
    # kcs/xmatters/schemas/v1.ts: usesBasic defaults to true
    (".xmatters", {"configUrl": "https://x.example/flow"}, {"user": "u", "password": "p"},
     {"configUrl": "https://x.example/flow", "usesBasic": True}),
    (".xmatters", {"usesBasic": False}, {"secretsUrl": "https://x.example/flow?apiKey=k"},
     {"configUrl": None, "usesBasic": False}),
    # kcs/thehive/schemas/v1.ts
    (".thehive", {"url": "https://hive"}, {"apiKey": "k"},
     {"url": "https://hive", "organisation": None}),
    # kcs/servicenow/schemas/v1.ts (ITSM and SecOps carry usesTableApi, ITOM does not)
    (".servicenow", {"apiUrl": "https://sn"}, {"username": "u", "password": "p"},
     {"apiUrl": "https://sn", "isOAuth": False, "userIdentifierValue": None, "clientId": None,
      "jwtKeyId": None, "usesTableApi": True}),
    (".servicenow-itom", {"apiUrl": "https://sn"}, {"username": "u", "password": "p"},
     {"apiUrl": "https://sn", "isOAuth": False, "userIdentifierValue": None, "clientId": None,
      "jwtKeyId": None}),
    # kcs/bedrock/schemas/v1.ts + constants.ts DEFAULT_MODEL; z.coerce.number()
    (".bedrock", {"apiUrl": "https://bedrock", "contextWindowLength": "8192"},
     {"accessKey": "a", "secret": "s"},
     {"apiUrl": "https://bedrock", "contextWindowLength": 8192,
      "defaultModel": "us.anthropic.claude-sonnet-4-5-20250929-v1:0"}),
    # kcs/gemini/schemas/v1.ts + constants.ts; ct/gemini.ts "should return 200"
    (".gemini", {"apiUrl": "https://g", "gcpRegion": "r", "gcpProjectID": "p"}, GEMINI_SECRETS,
     {"apiUrl": "https://g", "gcpRegion": "r", "gcpProjectID": "p",
      "defaultModel": "gemini-2.5-pro"}),
    # kcs/inference/schemas/v1.ts: passthrough objects default {}
    (".inference", {"provider": "openai", "taskType": "completion", "inferenceId": "i",
                    "providerConfig": {"model_id": "gpt"}}, {},
     {"provider": "openai", "taskType": "completion", "inferenceId": "i",
      "providerConfig": {"model_id": "gpt"}, "taskTypeConfig": {}}),
    # kcs/swimlane/schemas/v1.ts: mappings required; each mapping defaults to null
    (".swimlane", {"apiUrl": "https://s", "appId": "a", "connectorType": "all",
                   "mappings": {"ruleNameConfig": {"id": "1", "key": "k", "name": "n",
                                                   "fieldType": "text"}}}, {"apiToken": "t"},
     {"apiUrl": "https://s", "appId": "a", "connectorType": "all", "mappings": {
         "ruleNameConfig": {"id": "1", "key": "k", "name": "n", "fieldType": "text"},
         "alertIdConfig": None, "caseIdConfig": None, "caseNameConfig": None,
         "commentsConfig": None, "severityConfig": None, "descriptionConfig": None}}),
])
def test_stored_config_has_the_schema_defaults(kibana, type_id, config, secrets, expected):
    assert stored(create(kibana, type_id, config, secrets)) == expected


@pytest.mark.parametrize("type_id,config,secrets,message", [
    # kcs/swimlane/schemas/v1.ts: mappings has no default (connectors.md hazard 2 said `{}`)
    (".swimlane", {"apiUrl": "https://s", "appId": "a", "connectorType": "all"},
     {"apiToken": "t"}, "config: \u2716 Invalid input: expected object, received undefined\n"
                        "  \u2192 at mappings"),
    (".swimlane", {"apiUrl": "https://s", "appId": "a", "connectorType": "all",
                   "mappings": {"ruleNameConfig": {"id": "1"}}}, {"apiToken": "t"},
     "config: " + MISSING_V4 + "mappings.ruleNameConfig.key\n" + MISSING_V4
     + "mappings.ruleNameConfig.name\n" + MISSING_V4 + "mappings.ruleNameConfig.fieldType"),
    # kcs/xsoar/schemas/v1.ts: apiKey required (apiKeyID optional)
    (".xsoar", {"url": "https://x"}, {"apiKeyID": "id"}, "secrets: " + MISSING_V4 + "apiKey"),
    # kcs/inference/schemas/v1.ts: headers z.record(z.string(), z.string())
    (".inference", {"provider": "p", "taskType": "t", "inferenceId": "i",
                    "headers": {"X-Retry": 3}}, {},
     'config: \u2716 Invalid input: expected string, received number\n  \u2192 at headers["X-Retry"]'),
    # kcs/teams/schemas/v1.ts: config z.object({}).strict()
    (".teams", {"url": "https://t"}, {"webhookUrl": "https://t"},
     'config: \u2716 Unrecognized key: "url"'),
])
def test_schema_failures_of_verified_types(kibana, type_id, config, secrets, message):
    assert error(create(kibana, type_id, config, secrets)) == \
        "error validating connector type " + message


# --------------------------------------------------------------------------- ServiceNow

SN_OAUTH = {"apiUrl": "https://sn", "isOAuth": True, "userIdentifierValue": "u",
            "clientId": "c", "jwtKeyId": "j"}


@pytest.mark.parametrize("type_id", [".servicenow", ".servicenow-sir", ".servicenow-itom"])
@pytest.mark.parametrize("config,secrets,message", [
    # validateCommonSecrets (sc/lib/servicenow/validators.ts, translations.ts)
    ({"apiUrl": "https://sn"}, {},
     "error validating connector type secrets: Either basic auth or OAuth credentials must be "
     "specified"),
    ({"apiUrl": "https://sn"}, {"username": "u"},
     "error validating connector type secrets: username and password must both be specified"),
    ({"apiUrl": "https://sn"}, {"clientSecret": "s"},
     "error validating connector type secrets: clientSecret and privateKey must both be "
     "specified"),
    # validateCommonConfig runs before the secrets are looked at
    ({"apiUrl": "https://sn", "isOAuth": True}, {},
     "error validating connector type config: userIdentifierValue must be provided when "
     "isOAuth = true"),
    (dict(SN_OAUTH, jwtKeyId=None), {},
     "error validating connector type config: jwtKeyId must be provided when isOAuth = true"),
    # validateCommonConnector: the framework's `action type connector` prefix in every version
    (SN_OAUTH, {"username": "u", "password": "p"},
     "error validating action type connector: clientSecret must be provided when isOAuth = true"),
    (SN_OAUTH, {"clientSecret": "s", "privateKey": "k", "username": "u", "password": "p"},
     "error validating action type connector: Username and password should not be provided "
     "with isOAuth = true"),
    ({"apiUrl": "https://sn", "clientId": "c"}, {"username": "u", "password": "p"},
     "error validating action type connector: clientId, clientSecret, userIdentifierValue, "
     "jwtKeyId and privateKey should not be provided with isOAuth = false"),
])
def test_servicenow_validators(kibana, type_id, config, secrets, message):
    assert error(create(kibana, type_id, config, secrets)) == message


def test_servicenow_oauth_connector_is_accepted(kibana):
    made = create(kibana, ".servicenow", SN_OAUTH, {"clientSecret": "s", "privateKey": "k"})
    assert stored(made) == dict(SN_OAUTH, usesTableApi=True)


# --------------------------------------------------------------------------- own validators

@pytest.mark.parametrize("config,secrets,message", [
    # validateConnectorTypeSecrets, then validateConnector (sc/xmatters/index.ts)
    ({"configUrl": "https://x"}, {},
     "error validating connector type secrets: Provide either secretsUrl link or user/password "
     "to authenticate"),
    ({"configUrl": "https://x"}, {"user": "u"},
     "error validating connector type secrets: Both user and password must be specified."),
    ({"usesBasic": False}, {"secretsUrl": "https://x", "user": "u"},
     "error validating connector type secrets: Cannot use user/password for URL "
     "authentication. Provide valid secretsUrl or use Basic Authentication."),
    ({"usesBasic": False}, {"secretsUrl": "no url"},
     "error validating connector type secrets: Invalid secretsUrl: TypeError: Invalid URL"),
    ({"configUrl": "no url"}, {"user": "u", "password": "p"},
     "error validating connector type config: Error configuring xMatters action: unable to "
     "parse url: Invalid URL"),
    ({}, {"user": "u", "password": "p"},
     "error validating action type connector: Provide valid configUrl"),
    ({"configUrl": "https://x"}, {"secretsUrl": "https://x"},
     "error validating action type connector: secretsUrl should not be provided when usesBasic "
     "is true"),
    ({"usesBasic": False, "configUrl": "https://x"}, {"secretsUrl": "https://x"},
     "error validating action type connector: configUrl should not be provided when usesBasic "
     "is false"),
])
def test_xmatters_validators(kibana, config, secrets, message):
    assert error(create(kibana, ".xmatters", config, secrets)) == message


@pytest.mark.parametrize("url,message", [
    ("https://hooks.torq.io/v1/webhooks/x", None),
    ("https://hooks.eu.torq.io/v1/webhooks/x", None),
    ("http://localhost:8080/hook", None),
    ("https://torq.example.com/hook", "url must begin with https://hooks.torq.io or "
                                      "https://hooks.eu.torq.io"),
    ("hooks.torq.io/v1", "unable to parse url: TypeError: Invalid URL"),
])
def test_torq_accepts_only_torq_hosts(kibana, url, message):
    # sc/torq/index.ts validateActionTypeConfig; sc common/torq isValidTorqHostName
    # (/^hooks\.(eu\.)?torq\.io$/) or localhost.
    resp = create(kibana, ".torq", {"webhookIntegrationUrl": url}, {"token": "t"})
    if message is None:
        assert stored(resp) == {"webhookIntegrationUrl": url}
    else:
        assert error(resp) == ("error validating connector type config: error configuring send "
                               "to Torq action: " + message)


def test_teams_webhook_url_must_parse(kibana):
    # sc/teams/index.ts: the secrets validator parses webhookUrl.
    assert error(create(kibana, ".teams", secrets={"webhookUrl": "outlook"})) == (
        "error validating connector type secrets: error configuring teams action: unable to "
        "parse host name from webhookUrl")


def test_connector_types_carry_their_licence_and_features(kibana):
    # minimumLicenseRequired and supportedFeatureIds of each sc/<type>/index.ts (ServiceNow:
    # sc/servicenow_{itsm,sir,itom}/index.ts); feature ids from actions/common
    # connector_feature_config.
    listed = {t["id"]: t for t in kibana.api("GET", "/api/actions/connector_types").json()}
    expected = {
        ".servicenow": ("platinum", ["alerting", "cases", "uptime", "siem"]),
        ".servicenow-sir": ("platinum", ["alerting", "cases", "siem"]),
        ".servicenow-itom": ("platinum", ["alerting", "siem"]),
        ".jira": ("gold", ["alerting", "cases", "uptime", "siem"]),
        ".resilient": ("platinum", ["alerting", "cases", "siem"]),
        ".tines": ("gold", ["siem"]),
        ".xsoar": ("platinum", ["siem"]),
        ".xmatters": ("gold", ["alerting", "siem"]),
        ".sentinelone": ("enterprise", ["endpointSecurity"]),
        ".microsoft_defender_endpoint": ("enterprise", ["endpointSecurity"]),
        ".gen-ai": ("enterprise", ["generativeAIForSecurity", "generativeAIForObservability",
                                   "generativeAIForSearchPlayground"]),
    }
    for type_id, (licence, features) in expected.items():
        assert (listed[type_id]["minimum_license_required"],
                listed[type_id]["supported_feature_ids"]) == (licence, features), type_id
    in_cases = {t["id"] for t in kibana.api("GET", "/api/actions/connector_types",
                                            params={"feature_id": "cases"}).json()}
    assert {".servicenow", ".jira", ".resilient", ".swimlane", ".thehive"} <= in_cases
    assert ".xsoar" not in in_cases
