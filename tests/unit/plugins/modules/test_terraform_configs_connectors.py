"""The Terraform provider's connector acceptance tests (elastic/terraform-provider-elasticstack)
replayed as kibana_connector tasks: every step converges (second run ok, no write).

Sources, cited per case:
  OLD = internal/kibana/connector_test.go at 0da7e29e3 (the per-type tests, 7.14+ to 8.15+,
        before #1269 moved the resource to the plugin framework and dropped most of them)
  TD  = internal/kibana/connectors/testdata/<test>/<step>/*.tf with acc_test.go (HEAD f2df95a)
Mapping: connector_id -> id, config/secrets (jsonencode) -> config/secrets dicts. Terraform
replaces the whole config on an update; our module changes only the keys given, so a key a step
drops is given as None (removed). A secrets-only change (TF secrets_wo_version bump) is the
documented handler: the rotating task notifies a `secrets_update: always` task."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from tests.unit.plugins.modules.terraform_replay import handler, replay, task

CASES_WEBHOOK = {
    "createIncidentJson": "{}", "createIncidentResponseKey": "key",
    "createIncidentUrl": "https://www.elastic.co/", "getIncidentResponseExternalTitleKey": "title",
    "getIncidentUrl": "https://www.elastic.co/", "updateIncidentJson": "{}",
    "updateIncidentUrl": "https://www.elastic.co/", "viewIncidentUrl": "https://www.elastic.co/"}
CASES_WEBHOOK_UPDATE = dict(CASES_WEBHOOK, updateIncidentUrl="https://elasticsearch.com/",
                            createIncidentMethod="put")
PINNED_ID = "5b7e0f0e-5a4f-4a8e-9d0b-2f3c4d5e6f70"
WEBHOOK_JSON = {"url": "https://hooks.example.com/services", "method": "post", "hasAuth": False,
                "headers": {"Content-Type": "application/json"}}


def connector(type_id, name="tf-connector", **options):
    return task("kibana_connector", name=name, connector_type_id=type_id, **options)


def per_type(type_id, create, update):
    """OLD's two-step shape: create, then 'Updated <name>' with the second config/secrets."""
    return [[connector(type_id, **create)],
            [connector(type_id, name="Updated tf-connector", **update)]]


# (pytest id = provider test/step, source, steps)
CASES = [
    ("TestAccResourceKibanaConnectorCasesWebhook(OLD)", "OLD", per_type(
        ".cases-webhook", dict(config=CASES_WEBHOOK, secrets={"user": "user1", "password": "password1"}),
        dict(config=CASES_WEBHOOK_UPDATE, secrets={"user": "user2", "password": "password2"}))),
    ("TestAccResourceKibanaConnectorEmail", "OLD", per_type(
        ".email", dict(config={"from": "test@elastic.co", "port": 111, "host": "localhost"},
                       secrets={}),
        dict(config={"from": "test2@elastic.co", "port": 222, "host": "localhost"},
             secrets={"user": "user1", "password": "password1"}))),
    ("TestAccResourceKibanaConnectorGemini", "OLD", per_type(
        ".gemini", dict(config={"apiUrl": "https://elastic.co", "gcpRegion": "us-central1",
                                "gcpProjectID": "project1", "defaultModel": "gemini-1.5-pro-001"},
                        secrets={"credentialsJson": "secret1"}),
        dict(config={"apiUrl": "https://elasticsearch.com", "gcpRegion": "us-east4",
                     "gcpProjectID": "project2", "defaultModel": "gemini-1.5-pro-001"},
             secrets={"credentialsJson": "secret2"}))),
    ("TestAccResourceKibanaConnectorIndex(OLD)", "OLD", per_type(
        ".index", dict(config={"index": ".kibana", "refresh": True}),
        dict(config={"index": ".kibana", "refresh": False}))),
    ("TestAccResourceKibanaConnectorJira", "OLD", per_type(
        ".jira", dict(config={"apiUrl": "url1", "projectKey": "project1"},
                      secrets={"apiToken": "secret1", "email": "email1"}),
        dict(config={"apiUrl": "url2", "projectKey": "project2"},
             secrets={"apiToken": "secret2", "email": "email2"}))),
    ("TestAccResourceKibanaConnectorOpsgenie", "OLD", per_type(
        ".opsgenie", dict(config={"apiUrl": "https://elastic.co"}, secrets={"apiKey": "key1"}),
        dict(config={"apiUrl": "https://elasticsearch.com"}, secrets={"apiKey": "key2"}))),
    ("TestAccResourceKibanaConnectorPagerduty", "OLD", per_type(
        ".pagerduty", dict(config={"apiUrl": "https://elastic.co"}, secrets={"routingKey": "test1"}),
        dict(config={"apiUrl": "https://elasticsearch.com"}, secrets={"routingKey": "test2"}))),
    ("TestAccResourceKibanaConnectorResilient", "OLD", per_type(
        ".resilient", dict(config={"apiUrl": "https://elastic.co", "orgId": "id1"},
                           secrets={"apiKeyId": "key1", "apiKeySecret": "secret1"}),
        dict(config={"apiUrl": "https://elasticsearch.com", "orgId": "id2"},
             secrets={"apiKeyId": "key2", "apiKeySecret": "secret2"}))),
    ("TestAccResourceKibanaConnectorServerLog", "OLD", per_type(".server-log", {}, {})),
    ("TestAccResourceKibanaConnectorServicenow", "OLD", per_type(
        ".servicenow", dict(config={"apiUrl": "https://elastic.co"},
                            secrets={"username": "user1", "password": "password1"}),
        dict(config={"apiUrl": "https://elasticsearch.com"},
             secrets={"username": "user2", "password": "password2"}))),
    ("TestAccResourceKibanaConnectorServicenowItom", "OLD", per_type(
        ".servicenow-itom", dict(config={"apiUrl": "https://elastic.co"},
                                 secrets={"username": "user1", "password": "password1"}),
        dict(config={"apiUrl": "https://elasticsearch.com"},
             secrets={"username": "user2", "password": "password2"}))),
    ("TestAccResourceKibanaConnectorServicenowSir", "OLD", per_type(
        ".servicenow-sir", dict(config={"apiUrl": "https://elastic.co"},
                                secrets={"username": "user1", "password": "password1"}),
        dict(config={"apiUrl": "https://elasticsearch.com"},
             secrets={"username": "user2", "password": "password2"}))),
    ("TestAccResourceKibanaConnectorSlack", "OLD", per_type(
        ".slack", dict(secrets={"webhookUrl": "https://elastic.co"}),
        dict(secrets={"webhookUrl": "https://elasticsearch.com"}))),
    ("TestAccResourceKibanaConnectorSlackApi", "OLD", per_type(
        ".slack_api", dict(secrets={"token": "my-token"}),
        dict(secrets={"token": "my-updated-token"}))),
    ("TestAccResourceKibanaConnectorSwimlane", "OLD", per_type(
        ".swimlane", dict(config={"apiUrl": "https://elastic.co", "appId": "test1",
                                  "connectorType": "all", "mappings": {"alertIdConfig": {
                                      "fieldType": "type1", "id": "id1", "key": "key1",
                                      "name": "name1"}}},
                          secrets={"apiToken": "token1"}),
        dict(config={"apiUrl": "https://elasticsearch.com", "appId": "test2",
                     "connectorType": "all", "mappings": {"alertIdConfig": {
                         "fieldType": "type2", "id": "id2", "key": "key2", "name": "name2"}}},
             secrets={"apiToken": "token2"}))),
    ("TestAccResourceKibanaConnectorTeams", "OLD", per_type(
        ".teams", dict(secrets={"webhookUrl": "https://elastic.co"}),
        dict(secrets={"webhookUrl": "https://elasticsearch.com"}))),
    ("TestAccResourceKibanaConnectorTines", "OLD", per_type(
        ".tines", dict(config={"url": "https://elastic.co"},
                       secrets={"email": "test@elastic.co", "token": "token1"}),
        dict(config={"url": "https://elasticsearch.com"},
             secrets={"email": "test@elasticsearch.com", "token": "token2"}))),
    ("TestAccResourceKibanaConnectorWebhook", "OLD", per_type(
        ".webhook", dict(config={"url": "https://elastic.co", "hasAuth": True, "method": "post"},
                         secrets={}),
        dict(config={"url": "https://elasticsearch.com", "hasAuth": True, "method": "post"},
             secrets={}))),
    # update: Terraform sends the whole config, so configUrl goes; here it is removed with None
    ("TestAccResourceKibanaConnectorXmatters", "OLD", per_type(
        ".xmatters", dict(config={"configUrl": "https://elastic.co", "usesBasic": True},
                          secrets={"user": "user1", "password": "password1"}),
        dict(config={"usesBasic": False, "configUrl": None},
             secrets={"secretsUrl": "https://elasticsearch.com"}))),
    # HEAD testdata. The update step's `__tf_provider_connector_type_id` config key is the
    # provider's own bookkeeping (stripped before the request), not a Kibana field: left out.
    ("TestAccResourceKibanaConnectorCasesWebhook/with_empty_connector_id/create+update+null_headers",
     "TD", [
         [connector(".cases-webhook", config=CASES_WEBHOOK,
                    secrets={"user": "user1", "password": "password1"})],
         [connector(".cases-webhook", name="Updated tf-connector", config=CASES_WEBHOOK_UPDATE,
                    secrets={"user": "user2", "password": "password2"})],
         [connector(".cases-webhook", config=dict(CASES_WEBHOOK, headers=None,
                                                  createIncidentMethod=None),
                    secrets={"user": "user1", "password": "password1"})]]),
    ("TestAccResourceKibanaConnectorCasesWebhook/with_predefined_connector_id/create+update+null_headers",
     "TD", [
         [connector(".cases-webhook", id=PINNED_ID, config=CASES_WEBHOOK,
                    secrets={"user": "user1", "password": "password1"})],
         [connector(".cases-webhook", id=PINNED_ID, name="Updated tf-connector",
                    config=CASES_WEBHOOK_UPDATE, secrets={"user": "user2", "password": "password2"})],
         [connector(".cases-webhook", id=PINNED_ID, config=dict(
             CASES_WEBHOOK, headers=None, createIncidentMethod=None),
             secrets={"user": "user1", "password": "password1"})]]),
    ("TestAccResourceKibanaConnectorIndex/create+update", "TD", per_type(
        ".index", dict(config={"index": ".kibana", "refresh": True}),
        dict(config={"index": ".kibana", "refresh": False}))),
    ("TestAccResourceKibanaConnectorFromSDK/create+upgrade", "TD", [
        [connector(".index", config={"index": ".kibana", "refresh": True})]] * 2),
    ("TestAccResourceKibanaConnectorEmptyConfigFromSDK/create+upgrade", "TD", [
        [connector(".slack", secrets={"webhookUrl": "https://example.com/webhook"})]] * 2),
    ("TestAccResourceKibanaConnectorCustomSpace/create", "TD", [[
        task("kibana_space", id="tfspace", name="tfspace"),
        connector(".index", space_id="tfspace", config={"index": ".kibana", "refresh": True})]]),
    ("TestAccResourceKibanaConnectorKibanaConnection/create", "TD", [[
        connector(".index", config={"index": ".kibana", "refresh": True})]]),
    ("TestAccResourceKibanaConnectorWebhookAuthTypeNull/create+omit_auth_type", "TD", [
        [connector(".webhook", config=dict(WEBHOOK_JSON, authType=None), secrets={})],
        [connector(".webhook", config=WEBHOOK_JSON, secrets={})]]),
    ("TestAccReproduceIssue634/create", "TD", [
        [connector(".webhook", config=WEBHOOK_JSON, secrets={})]]),
    ("TestAccResourceKibanaConnectorSlackAPI/create", "TD", [[connector(
        ".slack_api", config={"allowedChannels": [{"name": "#kar_testing"},
                                                  {"name": "#test-prod-alerts"}]},
        secrets={"token": "xoxb-test-token-for-slack-api"})]]),
    ("TestAccResourceKibanaConnectorAI/bedrock/create+update", "TD", per_type(
        ".bedrock", dict(config={"apiUrl": "https://bedrock-runtime.us-east-1.amazonaws.com",
                                 "defaultModel": "anthropic.claude-v2"},
                         secrets={"accessKey": "test-access-key", "secret": "test-secret-key"}),
        dict(config={"apiUrl": "https://bedrock-runtime.us-west-2.amazonaws.com",
                     "defaultModel": "anthropic.claude-3-5-sonnet-20240620-v1:0"},
             secrets={"accessKey": "updated-access-key", "secret": "updated-secret-key"}))),
    ("TestAccResourceKibanaConnectorAI/gen-ai/create+update", "TD", per_type(
        ".gen-ai", dict(config={"apiProvider": "OpenAI", "apiUrl": "https://api.openai.com/v1",
                                "defaultModel": "gpt-4"}, secrets={"apiKey": "test-api-key"}),
        dict(config={"apiProvider": "OpenAI", "apiUrl": "https://api.openai.com/v1",
                     "defaultModel": "gpt-4o"}, secrets={"apiKey": "updated-api-key"}))),
    # secrets_wo + secrets_wo_version v1 -> v2 (rotation) -> name change: the rotation is the
    # handler pattern (docs/examples/connector-secret-rotation.yml)
    ("TestAccResourceKibanaConnectorWithSecretsWo/create+rotate+update_name", "TD", [
        [connector(".pagerduty", config={"apiUrl": "https://events.pagerduty.com/v2/enqueue"},
                   secrets={"routingKey": "key-1"})],
        [handler("kibana_connector", name="tf-connector", connector_type_id=".pagerduty",
                 config={"apiUrl": "https://events.pagerduty.com/v2/enqueue"},
                 secrets={"routingKey": "key-2"}, secrets_update="always"),
         connector(".pagerduty", config={"apiUrl": "https://events.pagerduty.com/v2/enqueue"},
                   secrets={"routingKey": "key-2"})],
        [connector(".pagerduty", name="Updated tf-connector",
                   config={"apiUrl": "https://events.pagerduty.com/v2/enqueue"},
                   secrets={"routingKey": "key-2"})]]),
    ("TestAccResourceKibanaConnectorSecretsWoWithoutVersion/create", "TD", [[connector(
        ".pagerduty", config={"apiUrl": "https://events.pagerduty.com/v2/enqueue"},
        secrets={"routingKey": "key-1"})]]),
    ("TestAccReproduceIssue1469/create", "TD", [[connector(".webhook", config={
        "hasAuth": False, "url": "https://example.com/webhook",
        "headers": {"Authorization": "Bearer t0ken", "Content-Type": "application/json"}},
        secrets={})]]),
]


# the provider's SkipFunc version gates that the emulator's 8.x mode enforces
MIN_VERSION = {'TestAccResourceKibanaConnectorSlackAPI/create': '9.3.0'}


@pytest.mark.parametrize("name, source, steps", [
    pytest.param(*case, id=case[0], marks=[pytest.mark.kibana_min(MIN_VERSION[case[0]])]
                 if case[0] in MIN_VERSION else []) for case in CASES])
def test_provider_connector_config_converges(kibana, run, name, source, steps):
    replay(kibana, run, steps)


# Provider issues about Kibana's connector behaviour, each as the user's configuration
ISSUE_CASES = [
    # #388: a webhook's config defaults (hasAuth, headers, method) made every plan a change
    ("issue-388 webhook config kept as Kibana stores it", [[connector(".webhook", config={
        "url": "https://some-webhook.example.com", "method": "post", "hasAuth": False,
        "headers": {"Content-Type": "application/json"}}, secrets={})]]),
    # #1066: a .slack_api connector's allowedChannels were not stored
    ("issue-1066 slack_api allowedChannels stored", [[connector(
        ".slack_api", config={"allowedChannels": [{"id": "C0123", "name": "ops"}]},
        secrets={"token": "xoxb-issue-1066"})]]),
]


@pytest.mark.parametrize("name, steps", ISSUE_CASES, ids=[c[0] for c in ISSUE_CASES])
def test_provider_issue_connector_config_converges(kibana, run, name, steps):
    results = replay(kibana, run, steps)
    stored = kibana.api("GET", "/api/actions/connector/" + results[-1]["connector"]["id"]).json()
    for key, value in steps[-1][0][1]["config"].items():
        assert stored["config"][key] == value, key


def test_provider_issue_1523_a_secrets_change_made_in_the_ui_is_no_drift(kibana, run):
    """#1523: after a secret was changed in the UI, the provider saw its own bookkeeping key in
    config as drift. A UI change of the secrets alone leaves the task ok, with no write (the
    module never adds keys of its own to a connector)."""
    task = dict(name="tf-issue-1523", connector_type_id=".webhook", config={
        "authType": "webhook-authentication-basic", "hasAuth": True, "method": "post",
        "url": "https://foo.example.com/webhook"}, secrets={"user": "u1", "password": "hunter-1523"})
    made = run("kibana_connector", **task)["connector"]
    ui = kibana.api("PUT", "/api/actions/connector/" + made["id"], {
        "name": made["name"], "config": made["config"],
        "secrets": {"user": "u1", "password": "rotated-in-the-ui"}})
    assert ui.status_code == 200, ui.text
    kibana.clear_log()
    again = run("kibana_connector", **task)
    assert not again.failed and not again["changed"], again.get("msg")
    assert kibana.writes() == []
    assert set(again["connector"]["config"]) <= set(made["config"]) | {"headers"}


@pytest.mark.parametrize("space", [None, "tfspace"],
                         ids=["TestAccConnectorsDataSource/read",
                              "TestAccConnectorsDataSource_customSpace/read"])
def test_provider_connector_data_source_configs_read_the_connector(kibana, run, space):
    """The data source becomes kibana_connector_info by name (in the connector's space)."""
    steps = [[connector(".slack", name="myconnector", secrets={"webhookUrl": "https://internet.com"})]]
    if space:
        steps = [[task("kibana_space", id=space, name=space),
                  connector(".index", name="myconnector", space_id=space,
                            config={"index": ".kibana", "refresh": True})]]
    made = replay(kibana, run, steps)[-1]["connector"]
    where = {"space_id": space} if space else {}
    found = run("kibana_connector_info", name="myconnector", **where)["connectors"]
    assert [(c["id"], c["connector_type_id"], c["is_missing_secrets"]) for c in found] == \
        [(made["id"], made["connector_type_id"], False)]


def test_provider_duplicate_name_data_source_fails_listing_the_ids(kibana, run):
    """TestAccConnectorsDataSource_duplicateName/duplicate: the provider's data source fails with
    "multiple connectors found"; the module, asked for the connector by that name, fails listing
    both ids, and kibana_connector_info returns both."""
    first = run("kibana_connector", name="tf-dup", connector_type_id=".slack",
                secrets={"webhookUrl": "https://hooks.example.com/first"})["connector"]
    second = run("kibana_connector", id="5b7e0f0e-5a4f-4a8e-9d0b-2f3c4d5e6f71", name="tf-dup",
                 connector_type_id=".slack",
                 secrets={"webhookUrl": "https://hooks.example.com/second"})["connector"]
    assert len(run("kibana_connector_info", name="tf-dup")["connectors"]) == 2
    ambiguous = run("kibana_connector", name="tf-dup", connector_type_id=".slack")
    assert ambiguous.failed
    assert first["id"] in ambiguous["msg"] and second["id"] in ambiguous["msg"]
