"""The Terraform provider's osquery acceptance tests (elastic/terraform-provider-elasticstack
internal/kibana/osquery_pack/testdata and internal/kibana/osquery_saved_query/testdata, steps in
the order of their acc_test.go, HEAD f2df95a) replayed as osquery_pack / osquery_saved_query
tasks: every step converges (second run ok, no write).

Mapping: pack_id/saved_query_id -> id (pack: found by name), queries' ecs_mapping `values` ->
`value` (a list), a query's `saved_query_id` stays. Terraform clears what a step no longer
declares; our module keeps it, so a step that drops a description or an ecs_mapping gives ''
or {} (Kibana's update keeps an omitted platform and version: contract
osquery-saved-queries.md, so they cannot be cleared and are left out)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from tests.unit.plugins.modules.terraform_replay import replay, task

ECS = {"process.name": {"field": "name"}, "process.pid": {"value": "0"},
       "host.name": {"value": ["host-a", "host-b"]}}
FIND_PROCS = dict(query="SELECT pid, name FROM processes LIMIT 5;", platform=["linux", "darwin"],
                  version="1.0.0", snapshot=False, removed=False, ecs_mapping=ECS)
SIMPLE = {"find_procs": {"query": "SELECT pid, name FROM processes LIMIT 5;"}}
SQ_ECS = {"process.name": {"field": "cmdline"}, "event.category": {"value": "process"},
          "event.type": {"value": ["start", "end"]}}


def pack(**options):
    return task("osquery_pack", **options)


def saved(**options):
    return task("osquery_saved_query", id="tf-acc-osquery-sq", **options)


def saved_full(**changes):
    """SQ_FULL with some attributes changed."""
    options = dict(SQ_FULL)
    options.update(changes)
    return saved(**options)


SQ_FULL = dict(query="SELECT pid, name FROM processes LIMIT 10;",
               description="Terraform acceptance update", platform=["linux", "darwin"],
               interval=3600, version="1.0.0", snapshot=False, removed=False, ecs_mapping=SQ_ECS)

# (pytest id = provider test/steps, steps)
CASES = [
    ("TestAccResourceOsqueryPack/create+update", [
        [pack(name="tf-acc-osquery-pack", description="Terraform acceptance test pack",
              enabled=True, queries={"find_procs": FIND_PROCS})],
        [pack(name="tf-acc-osquery-pack", description="Updated Terraform acceptance test pack",
              enabled=False, queries={
                  "find_procs": dict(FIND_PROCS, query="SELECT pid, name, path FROM processes LIMIT 10;",
                                     platform=["linux"], version="1.1.0", snapshot=True),
                  "list_users": {"query": "SELECT username FROM users LIMIT 5;",
                                 "platform": ["linux", "windows"], "version": "2.0.0",
                                 "snapshot": False, "removed": False}})]]),
    ("TestAccResourceOsqueryPack_omittedDescriptionUpdate/create+update", [
        [pack(name="tf-acc-osquery-pack-no-desc", enabled=True, queries=SIMPLE)],
        [pack(name="tf-acc-osquery-pack-no-desc", enabled=False, queries={"find_procs": {
            "query": "SELECT pid, name, path FROM processes LIMIT 10;"}})]]),
    ("TestAccResourceOsqueryPack_descriptionRemoval/description_set+description_unset", [
        [pack(name="tf-acc-osquery-pack-desc", description="initial description", enabled=True,
              queries=SIMPLE)],
        [pack(name="tf-acc-osquery-pack-desc", description="", enabled=True, queries=SIMPLE)]]),
    ("TestAccResourceOsqueryPack_savedQueryID/saved_query_create+saved_query_clear", [
        [saved(query="SELECT pid, name FROM processes LIMIT 5;", interval=3600),
         pack(name="tf-acc-osquery-pack-sq", enabled=True, queries={"find_procs": {
             "query": "SELECT pid, name FROM processes LIMIT 5;",
             "saved_query_id": "tf-acc-osquery-sq"}})],
        [saved(query="SELECT pid, name FROM processes LIMIT 5;", interval=3600),
         pack(name="tf-acc-osquery-pack-sq", enabled=True, queries=SIMPLE)]]),
    ("TestAccDataSourceOsqueryPack_savedQueryID/saved_query_read", [
        [saved(query="SELECT pid, name FROM processes LIMIT 5;", interval=3600),
         pack(name="tf-acc-osquery-pack-sq-ds", enabled=True, queries={"find_procs": {
             "query": "SELECT pid, name FROM processes LIMIT 5;",
             "saved_query_id": "tf-acc-osquery-sq"}})]]),
    ("TestAccResourceOsqueryPack_policyIDsAndShards/policy_ids_empty", [
        [pack(name="tf-acc-osquery-pack-policy", enabled=True, queries=SIMPLE)]]),
    ("TestAccResourceOsqueryPack_nonDefaultSpace/create", [[
        task("kibana_space", id="tf-osq", name="acc-osquery-pack-tf-osq",
             description="Kibana space for osquery pack acceptance test"),
        pack(space_id="tf-osq", name="tf-acc-osquery-pack-space",
             description="Terraform non-default space acceptance test pack", enabled=True,
             queries={"find_procs": {"query": "SELECT pid, name FROM processes LIMIT 5;",
                                     "platform": ["linux", "darwin"],
                                     "ecs_mapping": {"process.name": {"field": "name"}}}})]]),
    ("TestAccResourceOsqueryPack_deleteIdempotent+externalDelete/create", [
        [pack(name="tf-acc-osquery-pack-404", description="Delete idempotency acceptance test pack",
              queries={"simple": {"query": "SELECT 1;"}})]]),
    ("TestAccDataSourceOsqueryPack/read", [
        [pack(name="tf-acc-osquery-pack-ds", description="Terraform data source acceptance test pack",
              enabled=True, queries={"find_procs": FIND_PROCS})]]),
    ("TestAccResourceOsquerySavedQuery/create+update+update_interval_version+update_snapshot_removed"
     "+update_ecs_mapping+update_clear_optionals", [
         [saved_full(query="SELECT pid, name FROM processes LIMIT 5;",
                     description="Terraform acceptance create")],
         [saved_full()],
         [saved_full(interval=7200, version="2.0.0")],
         [saved_full(interval=7200, version="2.0.0", snapshot=True, removed=True)],
         [saved(query=SQ_FULL["query"], description="Terraform acceptance update", interval=3600,
                ecs_mapping={"host.name": {"field": "hostname"}, "event.kind": {"value": "event"},
                             "event.outcome": {"value": ["success", "failure"]}})],
         [saved(query=SQ_FULL["query"], interval=3600, description="", ecs_mapping={})]]),
    ("TestAccResourceOsquerySavedQuery_ExplicitSavedQueryID/create", [
        [saved(query="SELECT pid FROM processes LIMIT 1;", interval=3600)]]),
    ("TestAccResourceOsquerySavedQuery_Platform/create", [
        [saved(query="SELECT pid FROM processes LIMIT 1;", interval=3600,
               platform=["linux", "darwin"])]]),
    ("TestAccResourceOsquerySavedQuery_Space/space_create", [[
        task("kibana_space", id="tf-osq", name="Osquery Saved Query Space"),
        saved(space_id="tf-osq", query="SELECT pid FROM processes LIMIT 1;",
              description="Custom space query", interval=3600)]]),
    ("TestAccResourceOsquerySavedQuery_SpaceRequiresReplace/space_create+space_replace", [
        [task("kibana_space", id="tf-osq", name="Osquery Saved Query Space Replace"),
         saved(space_id="tf-osq", query="SELECT pid FROM processes LIMIT 1;",
               description="Space replace source", interval=3600)],
        [task("kibana_space", id="tf-osq", name="Osquery Saved Query Space Replace"),
         saved(space_id="tf-osq", query="SELECT pid FROM processes LIMIT 1;",
               description="Space replace target", interval=3600)]]),
]


@pytest.mark.parametrize("name, steps", CASES, ids=[c[0] for c in CASES])
def test_provider_osquery_config_converges(kibana, run, name, steps):
    replay(kibana, run, steps)


@pytest.mark.parametrize("module, options, words", [
    # TestAccResourceOsqueryPack_ecsMappingValidator/invalid_ecs_mapping
    ("osquery_pack", dict(name="tf-acc-invalid-ecs-mapping", queries={"invalid": {
        "query": "SELECT 1;",
        "ecs_mapping": {"process.name": {"field": "name", "value": "literal"}}}}),
     ["ecs_mapping", "process.name"]),
    # TestAccResourceOsqueryPack_invalidPlatform/invalid_platform
    ("osquery_pack", dict(name="tf-acc-invalid-platform", queries={"invalid": {
        "query": "SELECT 1;", "platform": ["ios"]}}), ["platform", "ios"]),
    # TestAccResourceOsquerySavedQuery_Validation/{invalid_platform,ecs_mapping_two_fields,
    # ecs_mapping_empty_element,missing_query}
    ("osquery_saved_query", dict(id="tf-sq", query="SELECT 1;", platform=["ios"]),
     ["platform", "ios"]),
    ("osquery_saved_query", dict(id="tf-sq", query="SELECT 1;", ecs_mapping={
        "process.name": {"field": "cmdline", "value": "literal"}}), ["ecs_mapping"]),
    ("osquery_saved_query", dict(id="tf-sq", query="SELECT 1;", ecs_mapping={
        "process.name": {}}), ["ecs_mapping"]),
    ("osquery_saved_query", dict(id="tf-sq", description="Missing query", interval=3600),
     ["query"]),
], ids=["pack-ecs_mapping_two_fields", "pack-invalid_platform", "sq-invalid_platform",
        "sq-ecs_mapping_two_fields", "sq-ecs_mapping_empty_element", "sq-missing_query"])
def test_provider_validation_configs_are_refused_before_any_request(
        kibana, run, module, options, words):
    """The provider's plan-time validation tests: the module refuses the same configurations,
    naming the option, before any request (a missing query: when the create is due)."""
    result = run(module, check_mode=True, **options)
    assert result.failed, result
    for word in words:
        assert word in result["msg"], result["msg"]
    assert kibana.writes() == []
