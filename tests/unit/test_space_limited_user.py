"""Trap 9: spaces are a first-class dimension. A user whose Kibana privileges are granted in
the `ops` space only manages every family there: each request goes through /s/ops/, none
falls back to the default space. The same task aimed at the default space fails with
Kibana's 403, reported with method, path and status."""

import json

import pytest

from tests.harness import run_module

USER, PASSWORD = "ops-operator", "ops-operator-password-0123456789"

TASKS = {
    "kibana_connector": {"name": "ops-log", "connector_type_id": ".server-log"},
    "kibana_rule": {"name": "ops cpu", "rule_type_id": ".index-threshold", "consumer": "alerts",
                    "schedule": "1m",
                    "params": {"index": ["metrics-*"], "timeField": "@timestamp",
                               "thresholdComparator": ">", "threshold": [90],
                               "timeWindowSize": 5, "timeWindowUnit": "m"}},
    "fleet_agent_policy": {"name": "ops hosts", "namespace": "ops"},
    "osquery_pack": {"name": "ops_uptime",
                     "queries": {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600}}},
    "exception_list": {"list_id": "ops-hosts", "name": "Ops hosts", "type": "detection",
                       "items": [{"item_id": "build-1", "name": "build-1",
                                  "entries": [{"type": "match", "field": "host.name",
                                               "value": "build-1", "operator": "included"}]}]},
}

# What Kibana answers the first (read) request of each task outside the user's spaces: the
# alerting and actions routes leave authorization to their clients (security_and_spaces group1
# alerting/find.ts, group2 actions/get_all.ts); the other families' routes check privileges
# themselves (README §1 shape).
DENIED = {"kibana_connector": "Unauthorized to get actions",
          "kibana_rule": "Unauthorized to find rules for any rule types"}


def limited(kibana, module, space, **extra):
    args = dict(TASKS[module], kibana_url=kibana.url, username=USER, password=PASSWORD,
                space_id=space)
    args.update(extra)
    return run_module(module, args)


@pytest.mark.parametrize("module", sorted(TASKS))
def test_a_space_limited_user_manages_its_space_and_only_it(kibana, module):
    kibana.create_user(USER, PASSWORD, ["ops"])
    created = limited(kibana, module, "ops")
    assert not created.failed and created["changed"], created
    again = limited(kibana, module, "ops")
    assert not again.failed and not again["changed"], again
    paths = [r["path"] for r in kibana.requests()]
    # every space-aware request went through the space; only /api/status is global
    assert all(p.startswith("/s/ops/api/") or p == "/api/status" for p in paths), paths
    assert [r["status"] for r in kibana.requests() if r["status"] == 403] == []

    kibana.clear_log()
    denied = limited(kibana, module, "default")
    assert denied.failed and denied["status"] == 403, denied
    assert DENIED.get(module, "is unauthorized for user") in denied["msg"]
    assert denied["msg"].startswith("GET /api/")
    assert kibana.writes() == []
    assert PASSWORD not in json.dumps(denied)


def test_the_emulator_refuses_a_space_limited_user_outside_its_spaces(kibana):
    kibana.create_user(USER, PASSWORD, ["ops"])
    import requests
    auth = (USER, PASSWORD)
    inside = requests.get(kibana.url + "/s/ops/api/actions/connectors", auth=auth, timeout=10)
    outside = requests.get(kibana.url + "/api/actions/connectors", auth=auth, timeout=10)
    status = requests.get(kibana.url + "/api/status", auth=auth, timeout=10)
    wrong = requests.get(kibana.url + "/s/ops/api/actions/connectors", auth=(USER, "nope"),
                         timeout=10)
    assert (inside.status_code, outside.status_code, status.status_code, wrong.status_code) == (
        200, 403, 200, 401)
    # the actions client's text (security_and_spaces group2 actions/get_all.ts)
    assert outside.json() == {"statusCode": 403, "error": "Forbidden",
                              "message": "Unauthorized to get actions"}
    write = requests.post(kibana.url + "/api/exception_lists", auth=auth, timeout=10,
                          headers={"kbn-xsrf": "t"},
                          json={"list_id": "x", "name": "x", "description": "x", "type": "detection"})
    assert write.status_code == 403 and "[lists-all]" in write.json()["message"]
