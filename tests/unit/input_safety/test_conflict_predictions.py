"""Issue 9, finding 9 (what was left): check mode predicts the conflicts the real run meets.
Renaming an agent policy, an osquery pack or an integration policy to a name another one holds
is refused by Kibana (409: fleet-agent-policies.md "Names are unique", osquery-packs.md "name is
unique per space", fleet-package-policies.md), and so is an exception item whose item_id another
list of the namespace already uses (exception-lists.md: "item_id is enforced unique ... scope is
the namespace"). Both modes refuse them before any write, with the same message; the normal path
keeps its one read."""

import pytest

from tests.unit.input_safety.test_identity_and_paths import TASKS

pytestmark = pytest.mark.both_paths

ITEM = {"name": "i", "entries": [
    {"field": "host.name", "type": "match", "operator": "included", "value": "x"}]}
OSQUERY = "/api/fleet/epm/packages/osquery_manager"


def both_modes(run, module, **task):
    checked = run(module, check_mode=True, **task)
    done = run(module, **task)
    return checked, done


def made(kibana, path, body):
    resp = kibana.api("POST", path, body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def agent_policy(kibana, name):
    return made(kibana, "/api/fleet/agent_policies",
                {"name": name, "namespace": "default"})["item"]["id"]


def pack(kibana, name):
    return made(kibana, "/api/osquery/packs", {"name": name, "queries": {
        "q": {"query": "select 1;", "interval": 60}}})["data"]["saved_object_id"]


def integration_policy(kibana, name, policy_id):
    version = kibana.api("GET", OSQUERY).json()["item"]["version"]
    return made(kibana, "/api/fleet/package_policies",
                {"name": name, "package": {"name": "osquery_manager", "version": version},
                 "policy_ids": [policy_id]})["item"]["id"]


def assert_refused_alike(kibana, checked, done, words):
    for result in (checked, done):
        assert result.failed, result
        assert words in result["msg"], result["msg"]
        assert "unexpected error" not in result["msg"]
    assert checked["msg"] == done["msg"]
    assert kibana.writes() == []


# ------------------------------------------------------------------ renames


def agent_policies(kibana, names):
    return [agent_policy(kibana, name) for name in names]


def packs(kibana, names):
    return [pack(kibana, name) for name in names]


def integration_policies(kibana, names):
    made(kibana, OSQUERY, {})
    # Osquery Manager is not `multiple`: one integration policy per agent policy
    return [integration_policy(kibana, name, agent_policy(kibana, "hosts-" + name))
            for name in names]


FAMILIES = [
    ("fleet_agent_policy", agent_policies, {"namespace": "default"}, "agent policy"),
    ("osquery_pack", packs, {}, "osquery pack"),
    ("fleet_integration_policy", integration_policies, {"package": "osquery_manager"},
     "integration policy"),
]


# a rename; and a create by id (Kibana chooses a new pack's id: no pack is created by id)
@pytest.mark.parametrize("module,seed,options,title,renamed",
                         [f + (True,) for f in FAMILIES]
                         + [f + (False,) for f in FAMILIES if f[0] != "osquery_pack"])
def test_a_taken_name_fails_in_both_modes(kibana, run, module, seed, options, title, renamed):
    ids = seed(kibana, ["taken", "mine"] if renamed else ["taken"])
    kibana.clear_log()
    checked, done = both_modes(run, module, id=ids[-1] if renamed else "new-id", name="taken",
                               **options)
    assert_refused_alike(kibana, checked, done, "name 'taken' is already used by %s %s in space "
                         "'default'" % (title, ids[0]))


def test_a_rename_to_a_free_name_still_works_and_an_unchanged_run_reads_once(kibana, run):
    mine = agent_policy(kibana, "mine")
    kibana.clear_log()
    task = dict(id=mine, name="renamed", namespace="default")
    checked = run("fleet_agent_policy", check_mode=True, **task)
    assert not checked.failed and checked["changed"], checked
    assert kibana.writes() == []
    done = run("fleet_agent_policy", **task)
    assert not done.failed and done["changed"], done
    kibana.clear_log()
    again = run("fleet_agent_policy", **task)
    assert not again.failed and not again["changed"]
    assert len(kibana.requests()) == 1


@pytest.mark.parametrize("module,config", [
    ("fleet_agent_policies", lambda ids: [{"id": ids["mine"], "name": "taken",
                                          "namespace": "default"}]),
    ("osquery_packs", lambda ids: [{"id": ids["mine"], "name": "taken"}]),
])
def test_a_set_renaming_to_a_taken_name_fails_in_both_modes(kibana, run, module, config):
    make = agent_policy if module == "fleet_agent_policies" else pack
    make(kibana, "taken")
    ids = {"mine": make(kibana, "mine")}
    kibana.clear_log()
    checked, done = both_modes(run, module, config=config(ids))
    assert_refused_alike(kibana, checked, done, "name 'taken' is already used by")
    assert "config[0] (id %s" % ids["mine"] in done["msg"]


# ------------------------------------------------------------------ exception item ids


def seed_other_list(run):
    other = dict(TASKS["exception_list"], list_id="other", name="other",
                 items=[dict(ITEM, item_id="shared")])
    assert run("exception_list", **other)["changed"]


@pytest.mark.parametrize("existing", [False, True], ids=["new list", "existing list"])
def test_an_item_id_another_list_uses_fails_in_both_modes(kibana, run, existing):
    seed_other_list(run)
    if existing:
        assert run("exception_list", **TASKS["exception_list"])["changed"]
    kibana.clear_log()
    items = [dict(ITEM, item_id="mine"), dict(ITEM, item_id="shared")]
    task = dict(TASKS["exception_list"], items=items)
    checked, done = both_modes(run, "exception_list", **task)
    assert_refused_alike(kibana, checked, done,
                         "items: item_id 'shared' is already used by exception list 'other'")
    lists = kibana.api("GET", "/api/exception_lists/_find", params={"per_page": 100}).json()
    expected = ["l", "other"] if existing else ["other"]
    assert sorted(x["list_id"] for x in lists["data"]) == expected


def test_a_set_of_lists_with_a_taken_item_id_fails_in_both_modes(kibana, run):
    seed_other_list(run)
    kibana.clear_log()
    config = [dict(TASKS["exception_list"], items=[dict(ITEM, item_id="shared")])]
    checked, done = both_modes(run, "exception_lists", config=config)
    assert_refused_alike(kibana, checked, done,
                         "item_id 'shared' is already used by exception list 'other'")


def test_an_unchanged_list_reads_no_item_ids_and_a_new_item_reads_its_own(kibana, run):
    task = dict(TASKS["exception_list"], items=[dict(ITEM, item_id="a")])
    assert run("exception_list", **task)["changed"]
    kibana.clear_log()
    assert not run("exception_list", **task)["changed"]
    unchanged = kibana.requests()
    kibana.clear_log()
    task["items"].append(dict(ITEM, item_id="b"))
    assert run("exception_list", **task)["changed"]
    lookups = [r for r in kibana.requests() if r["method"] == "GET"
               and r["path"] == "/api/exception_lists/items"]
    assert [r["query"].get("item_id") for r in lookups] == ["b"]
    assert not any(r["path"] == "/api/exception_lists/items" for r in unchanged)


# ------------------------------------------------------------------ two entries of one set


@pytest.mark.parametrize("module,config,words", [
    ("fleet_agent_policies", [{"id": "one", "name": "p", "namespace": "default"},
                              {"name": "p", "namespace": "default"}],
     "config[0] and config[1] both declare name 'p', which only one agent policy may hold"),
    ("kibana_connectors", [{"id": "c1", "name": "c", "connector_type_id": ".server-log"},
                           {"name": "c", "connector_type_id": ".server-log"}],
     "config[1] is found by its name 'c', which config[0] gives the connector it declares by "
     "id: the next run would find two"),
    ("osquery_packs", [{"name": "k", "queries": {"q": {"query": "select 1;"}}},
                       {"name": "k", "queries": {"q": {"query": "select 2;"}}}],
     "config[0] and config[1] declare the same osquery pack (k)"),
    ("exception_lists", [dict(TASKS["exception_list"], items=[dict(ITEM, item_id="i")]),
                         dict(TASKS["exception_list"], list_id="m", items=[dict(ITEM, item_id="i")])],
     "config[0] and config[1] both declare item_id (single namespace) 'i', which only one "
     "exception list may hold"),
])
def test_two_entries_claiming_one_name_or_item_id_fail_before_any_write(kibana, run, module,
                                                                        config, words):
    checked, done = both_modes(run, module, config=config)
    assert_refused_alike(kibana, checked, done, words)
