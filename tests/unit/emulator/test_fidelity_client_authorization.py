"""What Kibana's security_and_spaces API tests assert for a user without privileges in the
space of the request ("no_kibana_privileges at space1", "space_1_all at space2"): the alerting
and actions routes leave authorization to the rules client and the actions client, which answer
after the route's own validation with their texts. `ss1`/`ss2` =
x-pack/platform/test/alerting_api_integration/security_and_spaces/group1|group2/tests/;
wordings: x-pack/platform/plugins/shared/alerting/server/authorization/alerting_authorization.ts
(getUnauthorizedMessage, getAuthorizationFilter), .../authorization/types.ts (operation names),
x-pack/platform/plugins/shared/actions/server/authorization/actions_authorization.ts. Rows:
tests/emulator/FIDELITY.md "Users without privileges in the space" (Z...)."""

import pytest
import requests

from .test_emulator_alerting_rules import FIND, RULE, body, create

USER, PASSWORD = "space1-all", "space1-all-password"


@pytest.fixture
def outsider(kibana):
    """A user with every privilege in `space1` only, calling the default space."""
    kibana.create_user(USER, PASSWORD, ["space1"])
    session = requests.Session()
    session.trust_env = False
    session.auth = (USER, PASSWORD)

    def call(method, path, json=None, params=None):
        return session.request(method, kibana.url + path, json=json, params=params,
                               headers={"kbn-xsrf": "t"})
    return call


def forbidden(message):
    return {"statusCode": 403, "error": "Forbidden", "message": message}


# Z1 ss1 alerting/create.ts: 403 `Unauthorized by "<consumer>" to create "<type>" rule`; the
# route's validation (empty body, bad interval) and the unregistered type still answer 400, and
# invalid params are refused by the 403 first.
def test_create_is_refused_after_route_validation_and_before_params(kibana, outsider):
    resp = outsider("POST", RULE, body())
    assert (resp.status_code, resp.json()) == (403, forbidden(
        'Unauthorized by "stackAlerts" to create ".index-threshold" rule'))
    resp = outsider("POST", RULE, body(params={}))
    assert resp.json()["message"] == 'Unauthorized by "stackAlerts" to create ' \
                                     '".index-threshold" rule'
    assert outsider("POST", RULE, {}).json()["message"] == \
        "[request body.name]: expected value of type [string] but got [undefined]"
    resp = outsider("POST", RULE, body(schedule={"interval": "10x"}))
    assert (resp.status_code, resp.json()["message"]) == (
        400, "[request body.schedule.interval]: string is not a valid duration: 10x")
    resp = outsider("POST", RULE, body(rule_type_id="test.unregistered-alert-type"))
    assert (resp.status_code, resp.json()["message"]) == (
        400, 'Rule type "test.unregistered-alert-type" is not registered.')
    assert kibana.api("GET", FIND).json()["total"] == 0


# Z2 ss2 alerting/update.ts (`get`), ss1 alerting/delete.ts, ss2 alerting/mute_all.ts; the other
# operations as authorization/types.ts names them (ReadOperations/WriteOperations).
@pytest.mark.parametrize("method,suffix,operation", [
    ("GET", "", "get"), ("PUT", "", "get"), ("DELETE", "", "delete"),
    ("POST", "/_enable", "enable"), ("POST", "/_disable", "disable"),
    ("POST", "/_mute_all", "muteAll"), ("POST", "/_unmute_all", "unmuteAll"),
    ("POST", "/_update_api_key", "updateApiKey"), ("POST", "/alert/a1/_mute", "muteAlert"),
    ("POST", "/alert/a1/_unmute", "unmuteAlert")])
def test_rule_routes_name_their_operation(kibana, outsider, method, suffix, operation):
    rule = create(kibana, consumer="alerts")
    payload = None
    if method == "PUT":
        payload = {"name": "bcd", "tags": [], "schedule": {"interval": "12s"},
                   "params": body()["params"], "actions": []}
    resp = outsider(method, f"{RULE}/{rule['id']}{suffix}", payload)
    assert (resp.status_code, resp.json()) == (403, forbidden(
        f'Unauthorized by "alerts" to {operation} ".index-threshold" rule'))
    after = kibana.api("GET", f"{RULE}/{rule['id']}").json()
    assert {k: after[k] for k in ("name", "enabled", "mute_all", "muted_alert_ids")} == {
        "name": "rule", "enabled": True, "mute_all": False, "muted_alert_ids": []}


# Z3 ss1 alerting/delete.ts "shouldn't delete alert from another space": a rule that is not in
# the request's space is 404 for every user; an unknown id too (the rule is read first).
def test_a_rule_not_in_the_space_is_404_before_the_check(kibana, outsider):
    kibana.create_space("space1")
    rule = create(kibana, space="space1")
    resp = outsider("DELETE", f"{RULE}/{rule['id']}")
    assert resp.status_code == 404, resp.text
    assert outsider("GET", f"{RULE}/1").status_code == 404


# Z4 ss1 find.ts: 403 `Unauthorized to find rules for any rule types` (query validation first).
def test_find_is_refused_for_any_rule_type(kibana, outsider):
    create(kibana)
    resp = outsider("GET", FIND, params={"search": "rule"})
    assert (resp.status_code, resp.json()) == (403, forbidden(
        "Unauthorized to find rules for any rule types"))
    assert outsider("GET", FIND, params={"nope": "1"}).status_code == 400


# Z5 alerting_authorization.ts getAuthorizedRuleTypes: rule_types lists the types the user may
# read and create in the space, none here (200, empty).
def test_rule_types_lists_nothing_without_privileges(kibana, outsider):
    resp = outsider("GET", "/api/alerting/rule_types")
    assert (resp.status_code, resp.json()) == (200, [])
    assert kibana.api("GET", "/api/alerting/rule_types").json()


CONNECTOR = {"name": "My Connector", "connector_type_id": ".index", "config": {"index": "x"}}


# Z6 ss2 actions/create.ts: `Unauthorized to create a "<type>" action`, also for an unregistered
# type, invalid config and a preconfigured id; an empty body or a blank value is 400 first.
def test_connector_create_names_the_type(kibana, outsider):
    cases = [CONNECTOR, dict(CONNECTOR, connector_type_id="test.unregistered-action-type"),
             dict(CONNECTOR, config={})]
    for sent in cases:
        resp = outsider("POST", "/api/actions/connector", sent)
        assert (resp.status_code, resp.json()) == (403, forbidden(
            f'Unauthorized to create a "{sent["connector_type_id"]}" action'))
    resp = outsider("POST", "/api/actions/connector/my-slack1", CONNECTOR)
    assert resp.json()["message"] == 'Unauthorized to create a ".index" action'
    assert outsider("POST", "/api/actions/connector", {}).json()["message"] == \
        "[request body.name]: expected value of type [string] but got [undefined]"
    resp = outsider("POST", "/api/actions/connector", dict(CONNECTOR, config={"index": " "}))
    assert (resp.status_code, resp.json()["message"]) == (
        400, "[request body.config.index]: value '' is not valid")
    listed = kibana.api("GET", "/api/actions/connectors").json()
    assert [c["id"] for c in listed if not c["is_preconfigured"]] == []


# Z7 ss2 actions/get.ts, get_all.ts, update.ts, delete.ts: `Unauthorized to <op> actions` before
# the connector is looked up (existing, unknown, preconfigured, system); update's body
# validation answers first; connector_types.ts: the type list is 200 for everyone.
def test_connector_routes_refuse_before_the_lookup(kibana, outsider):
    created = kibana.api("POST", "/api/actions/connector", CONNECTOR).json()
    update = {"name": "My Connector updated", "config": {"index": "y"}}
    for connector_id in (created["id"], "1", "my-slack1"):
        for method, operation, payload in (("GET", "get", None), ("PUT", "update", update),
                                           ("DELETE", "delete", None)):
            resp = outsider(method, f"/api/actions/connector/{connector_id}", payload)
            assert (resp.status_code, resp.json()) == (403, forbidden(
                f"Unauthorized to {operation} actions")), (method, connector_id)
    resp = outsider("GET", "/api/actions/connectors")
    assert (resp.status_code, resp.json()) == (403, forbidden("Unauthorized to get actions"))
    resp = outsider("PUT", f"/api/actions/connector/{created['id']}",
                    {"name": "x", "config": None})
    assert (resp.status_code, resp.json()["message"]) == (
        400, "[request body.config]: expected value of type [object] but got [null]")
    types = outsider("GET", "/api/actions/connector_types")
    assert types.status_code == 200 and any(t["id"] == ".index" for t in types.json())
    assert kibana.api("GET", f"/api/actions/connector/{created['id']}").json()["name"] == \
        "My Connector"


# Z8 the same user in its own space is not refused (ss "space_1_all at space1").
def test_the_user_is_privileged_in_its_space(kibana):
    kibana.create_space("space1")
    kibana.create_user(USER, PASSWORD, ["space1"])
    session = requests.Session()
    session.trust_env = False
    resp = session.post(f"{kibana.url}/s/space1{RULE}", json=body(), auth=(USER, PASSWORD),
                        headers={"kbn-xsrf": "t"})
    assert resp.status_code == 200, resp.text
    resp = session.get(f"{kibana.url}/s/space1/api/actions/connectors", auth=(USER, PASSWORD))
    assert resp.status_code == 200, resp.text
