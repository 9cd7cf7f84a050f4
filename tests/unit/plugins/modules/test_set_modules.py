"""The set modules of every family against the emulator: each state's life cycle in check and
diff mode, overridden next to UI-made and read-only objects, single-object tasks and the set
converging the same objects, and gathered round trips. Family-specific behaviour of the set
form of connectors is in test_kibana_connectors.py."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

POLICIES = "/api/fleet/agent_policies"
PACKS = "/api/osquery/packs"
RULE_PARAMS = {"index": ["metrics-*"], "timeField": "@timestamp", "thresholdComparator": ">",
               "threshold": [90], "timeWindowSize": 5, "timeWindowUnit": "m"}
LOG_CONNECTOR = "0b3c2f7e-5d1a-4c8e-9f2b-6a7d8e9f0a1b"
QUERIES = {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600}}


def entry(value):
    return {"type": "match", "field": "host.name", "value": value, "operator": "included"}


class Family(object):
    """What the generic tests need to know of a family."""
    single = plural = key = None
    id_option = "id"

    def setup(self, kibana):
        """Objects the declared ones refer to (connectors, agent policies)."""

    def entries(self):
        """Two declared objects (A, B) and A changed."""
        raise NotImplementedError

    def ui_object(self, kibana):
        """Make an object outside the playbook; return its name."""
        raise NotImplementedError

    def read_only_object(self, kibana):
        """Make an object Kibana does not let us change; return its id, or None."""
        return None

    def names(self, kibana):
        """The names of the family's objects in space ops (the read-only ones left out)."""
        raise NotImplementedError

    def unset_in_replaced(self, changed_a):
        """(A with an option unset that a replaced run must reset, the check on the stored A)."""
        return None


class Rules(Family):
    single, plural, key = "kibana_rule", "kibana_rules", "rules"

    def setup(self, kibana):
        # a fixed id: gathered rules refer to their connectors by id
        resp = kibana.api("POST", "/api/actions/connector/" + LOG_CONNECTOR, {
            "name": "ops-log", "connector_type_id": ".server-log", "config": {}, "secrets": {}},
            space="ops")
        assert resp.status_code == 200, resp.text

    def entries(self):
        a = {"name": "cpu-high", "rule_type_id": ".index-threshold", "consumer": "alerts",
             "schedule": "1m", "tags": ["managed"], "params": RULE_PARAMS,
             "actions": [{"connector_name": "ops-log", "group": "threshold met",
                          "params": {"message": "cpu"},
                          "frequency": {"summary": False, "notify_when": "onActionGroupChange"}}]}
        b = dict(a, name="disk-full", tags=["managed", "disk"], actions=[])
        return a, b, dict(a, schedule="5m", tags=["managed", "cpu"])

    def ui_object(self, kibana):
        resp = kibana.api("POST", "/api/alerting/rule", {
            "name": "made-in-ui", "rule_type_id": ".index-threshold", "consumer": "alerts",
            "schedule": {"interval": "1m"}, "params": RULE_PARAMS, "tags": ["managed"]},
            space="ops")
        assert resp.status_code == 200, resp.text
        return "made-in-ui"

    def names(self, kibana):
        resp = kibana.api("GET", "/api/alerting/rules/_find", params={"per_page": 100},
                          space="ops")
        return sorted(r["name"] for r in resp.json()["data"])

    def unset_in_replaced(self, changed_a):
        return (dict(changed_a, tags=None),
                lambda kibana: self._stored(kibana, "cpu-high")["tags"] == [])

    def _stored(self, kibana, name):
        resp = kibana.api("GET", "/api/alerting/rules/_find", params={"per_page": 100},
                          space="ops")
        return [r for r in resp.json()["data"] if r["name"] == name][0]


class AgentPolicies(Family):
    single, plural, key = "fleet_agent_policy", "fleet_agent_policies", "agent_policies"

    def entries(self):
        a = {"id": "linux-servers", "name": "Linux servers", "namespace": "prod",
             "description": "the linux fleet", "monitoring": ["logs"]}
        b = {"id": "windows-desktops", "name": "Windows desktops", "namespace": "prod"}
        return a, b, dict(a, monitoring=["logs", "metrics"])

    def ui_object(self, kibana):
        resp = kibana.api("POST", POLICIES, {"name": "made-in-ui", "namespace": "default"},
                          space="ops")
        assert resp.status_code == 200, resp.text
        return "made-in-ui"

    def read_only_object(self, kibana):
        kibana.control("POST", "/fleet/agent_policies", {
            "id": "hosted", "name": "Hosted", "namespace": "default", "is_managed": True,
            "space": "ops"})
        return "hosted"

    def names(self, kibana):
        resp = kibana.api("GET", POLICIES, params={"perPage": 100}, space="ops")
        return sorted(p["name"] for p in resp.json()["items"] if not p.get("is_managed"))

    def unset_in_replaced(self, changed_a):
        return (dict(changed_a, description=None),
                lambda kibana: not kibana.api("GET", POLICIES + "/linux-servers", space="ops")
                .json()["item"].get("description"))


class Packs(Family):
    single, plural, key = "osquery_pack", "osquery_packs", "osquery_packs"

    def setup(self, kibana):
        # a fixed id: gathered packs refer to their agent policies by id
        resp = kibana.api("POST", POLICIES, {"id": "linux", "name": "Linux servers",
                                             "namespace": "default"}, space="ops")
        assert resp.status_code == 200, resp.text
        kibana.control("POST", "/fleet/agent_policies/%s/package_policies" % resp.json()["item"]["id"],
                       {"package": "osquery_manager"})

    def entries(self):
        a = {"name": "uptime", "description": "uptime of the hosts", "enabled": True,
             "policies": ["Linux servers"], "queries": QUERIES}
        b = {"name": "users", "queries": {"users": {"query": "SELECT * FROM users;",
                                                    "interval": 600}}}
        return a, b, dict(a, queries={"uptime": dict(QUERIES["uptime"], interval=60)})

    def ui_object(self, kibana):
        resp = kibana.api("POST", PACKS, {"name": "made-in-ui", "queries": QUERIES}, space="ops")
        assert resp.status_code == 200, resp.text
        return "made-in-ui"

    def read_only_object(self, kibana):
        kibana.control("POST", "/osquery/packs/prebuilt", {
            "name": "prebuilt-pack", "queries": QUERIES, "space": "ops"})
        resp = kibana.api("GET", PACKS, params={"pageSize": 100}, space="ops")
        return [p for p in resp.json()["data"] if p["name"] == "prebuilt-pack"][0]["saved_object_id"]

    def names(self, kibana):
        resp = kibana.api("GET", PACKS, params={"pageSize": 100}, space="ops")
        return sorted(p["name"] for p in resp.json()["data"]
                      if not p.get("read_only") and p.get("version") is None)

    def unset_in_replaced(self, changed_a):
        return (dict(changed_a, description=None),
                lambda kibana: [p for p in kibana.api("GET", PACKS, params={"pageSize": 100},
                                                      space="ops").json()["data"]
                                if p["name"] == "uptime"][0].get("description", "") == "")


class ExceptionLists(Family):
    single, plural, key = "exception_list", "exception_lists", "exception_lists"
    id_option = "list_id"

    def entries(self):
        a = {"list_id": "trusted", "name": "Trusted hosts", "type": "detection",
             "description": "build hosts", "tags": ["managed"],
             "items": [{"item_id": "build-1", "name": "Build 1", "entries": [entry("build-1")]}]}
        b = {"list_id": "noisy", "name": "Noisy hosts", "type": "detection"}
        changed = dict(a, items=a["items"] + [
            {"item_id": "build-2", "name": "Build 2", "entries": [entry("build-2")]}])
        return a, b, changed

    def ui_object(self, kibana):
        resp = kibana.api("POST", "/api/exception_lists", {
            "list_id": "made-in-ui", "name": "made-in-ui", "description": "", "type": "detection",
            "namespace_type": "single", "tags": ["managed"]}, space="ops")
        assert resp.status_code == 200, resp.text
        return "made-in-ui"

    def names(self, kibana):
        resp = kibana.api("GET", "/api/exception_lists/_find",
                          params={"namespace_type": "single", "per_page": 100}, space="ops")
        return sorted(found["name"] for found in resp.json()["data"])

    def unset_in_replaced(self, changed_a):
        # replaced: the declared items are all the list's items
        return (dict(changed_a, items=changed_a["items"][:1], description=None),
                lambda kibana: [i["item_id"] for i in kibana.api(
                    "GET", "/api/exception_lists/items/_find",
                    params={"list_id": "trusted", "namespace_type": "single"},
                    space="ops").json()["data"]] == ["build-1"])


class IntegrationPolicies(Family):
    single, plural, key = ("fleet_integration_policy", "fleet_integration_policies",
                           "integration_policies")

    def setup(self, kibana):
        kibana.api("POST", "/api/fleet/epm/packages/system/1.64.1", {"force": True}, space="ops")
        resp = kibana.api("POST", POLICIES, {"id": "linux", "name": "Linux servers",
                                             "namespace": "default"}, space="ops")
        assert resp.status_code == 200, resp.text

    def entries(self):
        a = {"name": "system-hosts", "package": "system", "agent_policies": ["Linux servers"],
             "namespace": "prod", "description": "system logs",
             "inputs": {"system-logfile": {"streams": {"system.auth": {
                 "vars": {"paths": ["/var/log/auth.log"]}}}}}}
        b = {"name": "system-edge", "package": "system", "agent_policy_ids": ["linux"]}
        return a, b, dict(a, namespace="staging")

    def ui_object(self, kibana):
        resp = kibana.api("POST", "/api/fleet/package_policies", {
            "name": "made-in-ui", "package": {"name": "system", "version": "1.64.1"},
            "policy_ids": ["linux"], "namespace": "default"}, space="ops")
        assert resp.status_code == 200, resp.text
        return "made-in-ui"

    def read_only_object(self, kibana):
        # a managed package policy (Fleet refuses to delete it without force), on a policy of
        # its own, as Fleet's setup makes them
        kibana.control("POST", "/fleet/agent_policies", {
            "id": "hosted", "name": "Hosted", "namespace": "default", "space": "ops",
            "package_policies": [{"package": "system", "name": "managed-system",
                                  "is_managed": True}]})
        resp = kibana.api("GET", "/api/fleet/package_policies", params={"perPage": 100},
                          space="ops")
        return [p for p in resp.json()["items"] if p["name"] == "managed-system"][0]["id"]

    def names(self, kibana):
        resp = kibana.api("GET", "/api/fleet/package_policies", params={"perPage": 100},
                          space="ops")
        return sorted(p["name"] for p in resp.json()["items"] if not p.get("is_managed"))

    def unset_in_replaced(self, changed_a):
        return (dict(changed_a, description=None),
                lambda kibana: not [p for p in kibana.api(
                    "GET", "/api/fleet/package_policies", params={"perPage": 100},
                    space="ops").json()["items"] if p["name"] == "system-hosts"][0]
                .get("description"))


FAMILIES = [Rules(), AgentPolicies(), Packs(), ExceptionLists(), IntegrationPolicies()]
IDS = [f.plural for f in FAMILIES]


@pytest.fixture(params=FAMILIES, ids=IDS)
def family(request, kibana):
    request.param.setup(kibana)
    kibana.clear_log()
    return request.param


def run_set(run, family, state, config=None, **options):
    if config is not None:
        options["config"] = copy.deepcopy(config)
    return run(family.plural, space_id="ops", state=state, **options)


def test_merged_life_cycle(kibana, run, family):
    a, b, changed = family.entries()
    checked = run_set(run, family, "merged", [a, b], check_mode=True, diff=True)
    assert not checked.failed, checked.get("msg")
    assert checked["changed"] and kibana.writes() == []
    assert len(checked["diff"]) == 2
    assert family.names(kibana) == []

    created = run_set(run, family, "merged", [a, b], diff=True)
    assert created["changed"], created.get("msg")
    assert sorted(o["name"] for o in created[family.key]) == sorted([a["name"], b["name"]])
    assert family.names(kibana) == sorted([a["name"], b["name"]])

    for check_mode in (True, False):
        kibana.clear_log()
        again = run_set(run, family, "merged", [a, b], check_mode=check_mode, diff=True)
        assert not again["changed"], again
        assert again["diff"] == [] and kibana.writes() == []

    kibana.clear_log()
    predicted = run_set(run, family, "merged", [changed, b], check_mode=True, diff=True)
    assert predicted["changed"] and kibana.writes() == []
    assert len(predicted["diff"]) == 1 and "config[0]" in predicted["diff"][0]["before_header"]
    updated = run_set(run, family, "merged", [changed, b], diff=True)
    assert updated["changed"] and kibana.writes()
    assert [r["changed"] for r in updated["results"]] == [True, False]
    kibana.clear_log()
    assert not run_set(run, family, "merged", [changed, b])["changed"]
    assert kibana.writes() == []


def test_replaced_life_cycle(kibana, run, family):
    a, b, changed = family.entries()
    run_set(run, family, "merged", [changed, b])
    ui = family.ui_object(kibana)
    reduced, holds = family.unset_in_replaced(changed)
    kibana.clear_log()
    checked = run_set(run, family, "replaced", [reduced], check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == [], checked
    result = run_set(run, family, "replaced", [reduced], diff=True)
    assert result["changed"] and result["deleted"] == []
    assert holds(kibana)
    assert ui in family.names(kibana) and b["name"] in family.names(kibana)
    kibana.clear_log()
    again = run_set(run, family, "replaced", [reduced], check_mode=True)
    assert not again["changed"] and kibana.writes() == [], again
    assert not run_set(run, family, "replaced", [reduced])["changed"]
    assert kibana.writes() == []


def test_overridden_next_to_ui_made_and_read_only_objects(kibana, run, family):
    a, b, _changed = family.entries()
    run_set(run, family, "merged", [a, b])
    ui = family.ui_object(kibana)
    read_only = family.read_only_object(kibana)
    kibana.clear_log()
    checked = run_set(run, family, "overridden", [a], check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == [], checked
    assert sorted(d["name"] for d in checked["deleted"]) == sorted([b["name"], ui])
    # the deletions first
    assert [d["after"] for d in checked["diff"][:2]] == [{}, {}]
    if read_only:
        assert read_only in [k["id"] for k in checked["kept"]]
    result = run_set(run, family, "overridden", [a], diff=True)
    assert result["changed"], result.get("msg")
    assert sorted(d["name"] for d in result["deleted"]) == sorted([b["name"], ui])
    assert family.names(kibana) == [a["name"]]
    if read_only:
        # never deleted (no write sent for it), never failing the run
        assert read_only in [k["id"] for k in result["kept"]]
        assert not [w for w in kibana.writes() if read_only in w["path"]]
    kibana.clear_log()
    again = run_set(run, family, "overridden", [a])
    assert not again["changed"] and again["deleted"] == [] and kibana.writes() == []
    if read_only:
        assert read_only in [k["id"] for k in again["kept"]]


def test_deleted_life_cycle(kibana, run, family):
    a, b, _changed = family.entries()
    run_set(run, family, "merged", [a, b])
    target = [{family.id_option: a[family.id_option]} if a.get(family.id_option)
              else {"name": a["name"]}]
    kibana.clear_log()
    checked = run_set(run, family, "deleted", target, check_mode=True, diff=True)
    assert checked["changed"] and kibana.writes() == []
    assert [d["after"] for d in checked["diff"]] == [{}]
    result = run_set(run, family, "deleted", target)
    assert result["changed"] and family.names(kibana) == [b["name"]]
    kibana.clear_log()
    assert not run_set(run, family, "deleted", target)["changed"]
    assert not run_set(run, family, "deleted", [])["changed"]
    assert kibana.writes() == [] and family.names(kibana) == [b["name"]]


def test_single_object_tasks_and_the_set_converge_the_same(kibana, run, family):
    a, b, changed = family.entries()
    for task in (a, b):
        assert run(family.single, space_id="ops", **copy.deepcopy(task))["changed"]
    kibana.clear_log()
    assert not run_set(run, family, "merged", [a, b])["changed"]
    assert kibana.writes() == []
    assert run_set(run, family, "merged", [changed, b])["changed"]
    kibana.clear_log()
    for task in (changed, b):
        result = run(family.single, space_id="ops", **copy.deepcopy(task))
        assert not result["changed"], result
    assert kibana.writes() == []


def test_gathered_round_trip(kibana, run, family):
    a, b, _changed = family.entries()
    run_set(run, family, "merged", [a, b])
    family.ui_object(kibana)
    gathered = run(family.plural, space_id="ops", state="gathered")
    assert not gathered["changed"] and len(gathered["gathered"]) == 3
    # gathered is what the set declares: applied as is, nothing changes
    kibana.clear_log()
    assert not run_set(run, family, "overridden", gathered["gathered"])["changed"]
    assert kibana.writes() == []
    # a fresh Kibana recreated from it gathers the same
    kibana.reset()
    kibana.create_space("ops")
    family.setup(kibana)
    assert run_set(run, family, "merged", gathered["gathered"])["changed"]
    again = run(family.plural, space_id="ops", state="gathered")

    def by_name(objects):
        return sorted(objects, key=lambda o: o["name"])
    assert by_name(again["gathered"]) == by_name(gathered["gathered"])


def test_bad_entry_is_refused_naming_it_before_any_request(kibana, run, family):
    a, b, _changed = family.entries()
    bad = {"kibana_rules": dict(b, schedule="often"),
           "exception_lists": dict(b, items=[{"item_id": "x", "name": "x", "entries": []}])
           }.get(family.plural, dict(b, name="   "))
    kibana.clear_log()
    result = run_set(run, family, "merged", [a, bad])
    assert result.failed and "config[1]" in result["msg"], result
    assert kibana.requests() == []


def test_gathered_lists_a_managed_integration_policy_apart(kibana, run):
    family = IntegrationPolicies()
    family.setup(kibana)
    run_set(run, family, "merged", [family.entries()[1]])
    managed = family.read_only_object(kibana)
    gathered = run_set(run, family, "gathered")
    assert [p["name"] for p in gathered["gathered"]] == ["system-edge"]
    assert [(r["id"], r["name"]) for r in gathered["read_only"]] == [(managed, "managed-system")]
    assert "managed" in gathered["read_only"][0]["reason"]
