"""Issue 9, findings 3 and 6: creates that cannot duplicate (late answers, concurrent hosts),
and argument shapes, ranges and set-like lists."""

import threading

import pytest

from tests.unit.input_safety.test_identity_and_paths import TASKS

COUNT_PATHS = {
    "kibana_connector": ("/api/actions/connectors", None, lambda body: body),
    "kibana_rule": ("/api/alerting/rules/_find", {"per_page": 100}, lambda body: body["data"]),
    "fleet_agent_policy": ("/api/fleet/agent_policies", {"perPage": 100},
                           lambda body: body["items"]),
    "osquery_pack": ("/api/osquery/packs", {"pageSize": 100}, lambda body: body["data"]),
}
CREATE_PATHS = {
    "kibana_connector": "/api/actions/connector(/[^/]+)?$",
    "kibana_rule": "/api/alerting/rule(/[^/]+)?$",
    "fleet_agent_policy": "/api/fleet/agent_policies$",
    "osquery_pack": "/api/osquery/packs$",
}


def named(kibana, module, name):
    path, params, items = COUNT_PATHS[module]
    resp = kibana.api("GET", path, params=params)
    assert resp.status_code == 200, resp.text
    return [o for o in items(resp.json()) if o.get("name") == name]


# ------------------------------------------------------------------ finding 3


@pytest.mark.parametrize("module", sorted(COUNT_PATHS))
@pytest.mark.parametrize("late", [
    {"delay_ms": 1500},  # the work is done after the client gave up
    {"kind": "late", "delay_ms": 1500},  # the work is done, the answer comes after the time-out
])
def test_a_create_answered_after_the_timeout_makes_one_object(kibana, run, module, late):
    """Kibana completes the create after request_timeout: the module must not make a second."""
    kibana.fault(method="POST", path=CREATE_PATHS[module], **late)
    result = run(module, request_timeout=1, **TASKS[module])
    assert not result.failed, result["msg"]
    assert result["changed"]
    assert len(named(kibana, module, TASKS[module]["name"])) == 1
    again = run(module, **TASKS[module])
    assert not again.failed and not again["changed"], again


@pytest.mark.parametrize("module", sorted(COUNT_PATHS))
def test_a_create_whose_answer_is_lost_makes_one_object(kibana, run, module):
    kibana.fault(method="POST", path=CREATE_PATHS[module], drop="after")
    result = run(module, **TASKS[module])
    assert not result.failed and result["changed"], result
    assert len(named(kibana, module, TASKS[module]["name"])) == 1


def test_a_lost_create_without_caller_id_that_never_appears_asks_for_a_rerun(kibana, run):
    kibana.fault(method="POST", path=CREATE_PATHS["osquery_pack"], drop=True)
    result = run("osquery_pack", request_timeout=1, **TASKS["osquery_pack"])
    assert result.failed and "may still appear. Run the task again" in result["msg"]
    assert len([r for r in kibana.writes() if r["method"] == "POST"]) == 1


def converge_concurrently(kibana, module, hosts=8):
    """`hosts` engines converge the same object at once, each with its own client (as forks do)."""
    from ansible_collections.stackops.kibana.plugins.module_utils._arguments import (
        validate_arguments,
    )
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import (
        client_from_params,
    )
    from ansible_collections.stackops.kibana.plugins.module_utils._engine import ensure
    from ansible_collections.stackops.kibana.plugins.module_utils._module import argument_spec
    from ansible_collections.stackops.kibana.plugins.module_utils import (
        _alerting_rules, _connectors, _fleet_agent_policies,
    )
    family = {"kibana_connector": (_connectors.ConnectorResource, _connectors.CONNECTOR_OPTIONS),
              "kibana_rule": (_alerting_rules.RuleResource, _alerting_rules.RULE_OPTIONS),
              "fleet_agent_policy": (_fleet_agent_policies.AgentPolicyResource,
                                     _fleet_agent_policies.AGENT_POLICY_OPTIONS)}[module]
    raw = dict(TASKS[module], kibana_url=kibana.url, username="elastic", password="changeme")
    params = validate_arguments(argument_spec(family[1]), raw)
    barrier = threading.Barrier(hosts)
    results, errors = [], []

    def host():
        resource = family[0](client_from_params(dict(params)), dict(params))
        barrier.wait()
        try:
            results.append(ensure(resource, "present"))
        except Exception as err:  # pylint: disable=broad-exception-caught
            errors.append(err)

    threads = [threading.Thread(target=host) for count in range(hosts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


@pytest.mark.parametrize("module", ["kibana_connector", "kibana_rule", "fleet_agent_policy"])
@pytest.mark.parametrize("round_", range(3))
def test_hosts_converging_the_same_object_at_once_make_exactly_one(kibana, module, round_):
    kibana.config(latency_ms=20)  # widen the window between lookup and create
    results, errors = converge_concurrently(kibana, module)
    assert errors == []
    assert len(results) == 8
    assert len(named(kibana, module, TASKS[module]["name"])) == 1
    assert sum(1 for r in results if r["changed"]) >= 1


# ------------------------------------------------------------------ finding 6


SHAPES = [
    ("kibana_rule", {"flapping": False}, "flapping must be a dict"),
    ("kibana_rule", {"alert_delay": 0}, "alert_delay must be a dict"),
    ("kibana_rule", {"flapping": [1, 2]}, "flapping must be a dict"),
    ("kibana_rule", {"actions": [{"id": "x", "frequency": True}]},
     "actions[0].frequency must be a dict"),
    ("kibana_rule", {"actions": [{"id": "x", "alerts_filter": {"timeframe": 3}}]},
     "actions[0].alerts_filter.timeframe must be a dict"),
    ("kibana_rule", {"actions": [5]}, "actions[0] must be a dict"),
    ("kibana_rule", {"snooze_schedules": [{"start": "x", "duration": "1h", "recurring": []}]},
     "snooze_schedules[0].recurring must be a dict"),
    ("fleet_agent_policy", {"monitoring_http": False}, "monitoring_http must be a dict"),
    ("fleet_agent_policy", {"monitoring_diagnostics": {"limit": 1}},
     "monitoring_diagnostics.limit must be a dict"),
    ("fleet_agent_policy", {"monitoring_http": {"enabled": True, "buffer": True}},
     "monitoring_http.buffer must be a dict"),
    ("fleet_agent_policy", {"global_data_tags": {"name": "a"}}, "global_data_tags must be a list"),
    ("osquery_pack", {"rrule_schedule": 1}, "rrule_schedule must be a dict"),
    ("exception_list", {"items": [True]}, "items[0] must be a dict"),
]


@pytest.mark.parametrize("module,options,words", SHAPES)
def test_a_scalar_for_a_dict_option_names_the_option(kibana, run, module, options, words):
    task = dict(TASKS[module], **options)
    result = run(module, **task)
    assert result.failed and words in result["msg"], result["msg"]
    assert "not iterable" not in result["msg"]
    assert kibana.requests() == []
    assert "changeme" not in str(result)


def test_every_dict_option_with_sub_options_refuses_a_scalar(kibana, run):
    """All of them, found from the specs (the issue counted 42 such inputs)."""
    from ansible_collections.stackops.kibana.plugins.module_utils._arguments import shape_errors
    from tests.unit.input_safety.specs import MODULE_SPECS, dict_option_paths

    tried = 0
    paths = [(m, p) for m, spec in MODULE_SPECS.items() for p in dict_option_paths(spec)]
    assert len(paths) >= 50  # every module: resource, set and _info modules
    for module, path in paths:
        for scalar in (False, 0, 1.5, [1]):
            errors = shape_errors(MODULE_SPECS[module], nest(path, scalar))
            assert errors and errors[0].startswith(path.replace("[]", "[0]")), (path, errors)
            tried += 1
    assert tried == 4 * len(paths)


def nest(path, value):
    """{'a': [{'b': value}]} for 'a[].b'."""
    head, rest = (path.split(".", 1) + [""])[:2]
    inner = nest(rest, value) if rest else value
    if head.endswith("[]"):
        return {head[:-2]: [inner]}
    return {head: inner}


def test_every_number_option_has_a_range():
    from ansible_collections.stackops.kibana.plugins.module_utils._arguments import numeric_options
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import (
        CONNECTION_ARGSPEC,
    )
    from tests.unit.input_safety.specs import RESOURCE_SPECS

    # every resource and set module (request_timeout: checked with the connection options)
    assert len(RESOURCE_SPECS) >= 16
    for resource, spec in RESOURCE_SPECS:
        missing = set(numeric_options(spec)) - set(resource.ranges) - set(CONNECTION_ARGSPEC)
        assert not missing, (resource.__name__, missing)


@pytest.mark.parametrize("module,options,words", [
    ("kibana_rule", {"alert_delay": {"active": -1}}, "alert_delay.active must be between 0"),
    ("kibana_rule", {"flapping": {"look_back_window": 10 ** 30, "status_change_threshold": 2}},
     "flapping.look_back_window must be between 2 and 20"),
    ("fleet_agent_policy", {"required_versions": [{"version": "9.1.0", "percentage": float("nan")}]},
     "required_versions[0].percentage must be a finite number"),
    ("fleet_agent_policy", {"required_versions": [{"version": "9.1.0", "percentage": 1e108}]},
     "required_versions[0].percentage must be between 0 and 100"),
    ("fleet_agent_policy", {"monitoring_diagnostics": {"uploader": {"max_retries": -3}}},
     "monitoring_diagnostics.uploader.max_retries must be between 0"),
    ("osquery_pack", {"queries": {"q": {"query": "select 1;", "interval": 2 ** 40}}},
     "queries.q.interval must be at most 2147483647"),
])
def test_numbers_are_range_checked(kibana, run, module, options, words):
    result = run(module, **dict(TASKS[module], **options))
    assert result.failed and words in result["msg"], result["msg"]
    assert kibana.requests() == []


def test_os_types_twice_is_idempotent(kibana, run):
    item = {"item_id": "i1", "name": "i", "os_types": ["linux", "linux"], "entries": [
        {"field": "host.name", "type": "match", "operator": "included", "value": "x"}]}
    task = dict(TASKS["exception_list"], tags=["a", "a", "b"], items=[item])
    assert run("exception_list", **task)["changed"]
    kibana.clear_log()
    again = run("exception_list", **task)
    assert not again.failed and not again["changed"], again
    assert kibana.writes() == []


# ------------------------------------------------------------------ finding 5


@pytest.mark.parametrize("module,options", [
    ("exception_list", dict(TASKS["exception_list"], list_id="a,b")),
    ("exception_list", {"duplicate_from": "a,b", "name": "copy"}),
    ("exception_list_info", {"list_id": "a,b", "include_items": True}),
])
def test_a_list_id_with_a_comma_is_refused(kibana, run, module, options):
    result = run(module, **options)
    option = "duplicate_from" if "duplicate_from" in options else "list_id"
    assert result.failed and result["msg"].startswith("%s 'a,b' cannot contain a comma" % option)
    assert kibana.requests() == []


def test_duplicate_from_with_the_sources_item_ids_is_refused_in_both_modes(kibana, run):
    item = {"item_id": "shared", "name": "i", "entries": [
        {"field": "host.name", "type": "match", "operator": "included", "value": "x"}]}
    source = dict(TASKS["exception_list"], list_id="src", name="src")
    assert run("exception_list", items=[item], **source)["changed"]
    kibana.clear_log()
    task = {"duplicate_from": "src", "name": "copy", "items": [dict(item, name="mine")]}
    checked = run("exception_list", check_mode=True, **task)
    done = run("exception_list", **task)
    for result in (checked, done):
        assert result.failed and "item_id 'shared' already belong to duplicate_from" in result["msg"]
    assert checked["msg"] == done["msg"]
    assert kibana.writes() == []
    lists = kibana.api("GET", "/api/exception_lists/_find", params={"per_page": 100}).json()["data"]
    assert [x["list_id"] for x in lists] == ["src"]


# ------------------------------------------------------------------ finding 9


@pytest.mark.parametrize("module,options,words", [
    ("kibana_rule", dict(TASKS["kibana_rule"],
                         actions=[{"connector_name": "nowhere", "group": "threshold met"}]),
     "actions[0].connector_name: no connector named 'nowhere'"),
    ("osquery_pack", dict(TASKS["osquery_pack"], policies=["nowhere"]),
     "policies: no agent policy named 'nowhere'"),
    ("fleet_agent_policy", dict(TASKS["fleet_agent_policy"], copy_from="nowhere"),
     "copy_from 'nowhere': no agent policy"),
    ("exception_list", {"duplicate_from": "nowhere", "name": "copy"},
     "duplicate_from: exception list 'nowhere' does not exist"),
])
def test_check_mode_fails_where_the_run_fails(kibana, run, module, options, words):
    checked = run(module, check_mode=True, **options)
    done = run(module, **options)
    for result in (checked, done):
        assert result.failed and words in result["msg"], result["msg"]
    assert checked["msg"] == done["msg"]
    assert kibana.writes() == []


@pytest.mark.parametrize("module,made,missed", [
    ("exception_list", ("/api/exception_lists", {"list_id": "l", "name": "l", "description": "",
                                                 "type": "detection"}),
     dict(method="GET", path="/api/exception_lists$", status=404)),
    ("fleet_agent_policy", ("/api/fleet/agent_policies", {"name": "p", "namespace": "default"}),
     dict(method="GET", path="/api/fleet/agent_policies$", status=200,
          body={"items": [], "total": 0, "page": 1, "perPage": 100})),
])
def test_a_create_conflicting_with_an_object_made_meanwhile_adopts_it(kibana, run, module,
                                                                      made, missed):
    """Unique-name families: another host made the object between our lookup and our create
    (the lookup is made to miss it): the 409 re-reads and converges instead of failing."""
    resp = kibana.api("POST", made[0], made[1])
    assert resp.status_code == 200, resp.text
    kibana.clear_log()
    kibana.fault(**missed)
    task = dict(TASKS[module], description="converged")
    result = run(module, **task)
    assert not result.failed, result["msg"]
    assert result["changed"]
    posts = [r for r in kibana.writes() if r["method"] == "POST"]
    # the create that got 409; then the update of the adopted object
    assert [p["status"] for p in posts] == [409]
    again = run(module, **task)
    assert not again.failed and not again["changed"]
    if module == "fleet_agent_policy":
        assert len(named(kibana, module, "p")) == 1
