"""The Terraform provider's acceptance-test configurations (elastic/terraform-provider-elasticstack,
internal/kibana/{connectors,alertingrule}/testdata/...), written as tasks of our modules: each
converges against the emulator (created, then ok with no write on the second run)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

CONNECTORS = {
    # TestAccResourceKibanaConnectorCasesWebhook/with_empty_connector_id/create/connector.tf
    "cases-webhook": dict(connector_type_id=".cases-webhook", config={
        "createIncidentJson": "{}", "createIncidentResponseKey": "key",
        "createIncidentUrl": "https://www.elastic.co/",
        "getIncidentResponseExternalTitleKey": "title",
        "getIncidentUrl": "https://www.elastic.co/", "updateIncidentJson": "{}",
        "updateIncidentUrl": "https://www.elastic.co/", "viewIncidentUrl": "https://www.elastic.co/"},
        secrets={"user": "user1", "password": "password1"}),
    # TestAccResourceKibanaConnectorAI/bedrock/create/connector.tf
    "bedrock": dict(connector_type_id=".bedrock", config={
        "apiUrl": "https://bedrock-runtime.us-east-1.amazonaws.com",
        "defaultModel": "anthropic.claude-v2"},
        secrets={"accessKey": "test-access-key", "secret": "test-secret-key"}),
    # TestAccResourceKibanaConnectorAI/gen-ai/create/connector.tf
    "gen-ai": dict(connector_type_id=".gen-ai", config={
        "apiProvider": "OpenAI", "apiUrl": "https://api.openai.com/v1", "defaultModel": "gpt-4"},
        secrets={"apiKey": "test-api-key"}),
    # TestAccReproduceIssue1469/create/connector.tf (a webhook without method: Kibana adds post)
    "issue-1469": dict(connector_type_id=".webhook", config={
        "hasAuth": False, "url": "https://example.com/webhook",
        "headers": {"Authorization": "Bearer t0ken", "Content-Type": "application/json"}},
        secrets={}),
}


@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_provider_connector_configs_converge(kibana, run, name):
    task = dict(CONNECTORS[name], name="tf-" + name)
    first = run("kibana_connector", **task)
    assert first["changed"] and not first.failed, first.get("msg")
    kibana.clear_log()
    second = run("kibana_connector", **task)
    assert not second["changed"] and not second.failed, second.get("msg")
    assert kibana.writes() == []


def test_provider_log_threshold_rule_with_filtered_action_converges(kibana, run):
    # TestAccResourceAlertingRule/alerts_filter_create/rule.tf
    run("kibana_connector", name="index_example", connector_type_id=".index",
        config={"index": "rule-history"})
    task = dict(
        name="tf-log-threshold", consumer="alerts", rule_type_id="logs.alert.document.count",
        schedule="1m", enabled=True, params={
            "timeSize": 5, "timeUnit": "m",
            "logView": {"type": "log-view-reference", "logViewId": "default"},
            "count": {"value": 75, "comparator": "more than"},
            "criteria": [{"field": "_id", "comparator": "matches", "value": "33"}]},
        actions=[{"connector_name": "index_example", "group": "logs.threshold.fired",
                  "params": {"documents": [{"rule_id": "{{rule.id}}",
                                            "rule_name": "{{rule.name}}",
                                            "message": "{{context.message}}"}]},
                  "frequency": {"summary": True, "notify_when": "onActionGroupChange",
                                "throttle": "10m"},
                  "alerts_filter": {"timeframe": {"days": [1, 2, 3], "timezone": "Africa/Accra",
                                                  "hours": {"start": "01:00", "end": "07:00"}}}}])
    first = run("kibana_rule", **task)
    assert first["changed"] and not first.failed, first.get("msg")
    kibana.clear_log()
    second = run("kibana_rule", **task)
    assert not second["changed"] and not second.failed, second.get("msg")
    assert kibana.writes() == []


def test_provider_custom_threshold_rule_converges(kibana, run):
    # TestAccResourceAlertingRuleCustomThreshold/create/main.tf
    task = dict(
        name="tf-custom-threshold", rule_type_id="observability.rules.custom_threshold",
        consumer="logs", enabled=False, schedule="1m", notify_when="onActiveAlert", params={
            "criteria": [{"comparator": ">", "metrics": [{"name": "A", "aggType": "count"}],
                          "threshold": [1], "timeSize": 5, "timeUnit": "m"}],
            "searchConfiguration": {"index": "logs-*",
                                    "query": {"language": "kuery", "query": ""}}})
    first = run("kibana_rule", **task)
    assert first["changed"] and not first.failed, first.get("msg")
    kibana.clear_log()
    second = run("kibana_rule", **task)
    assert not second["changed"] and not second.failed, second.get("msg")
    assert kibana.writes() == []
