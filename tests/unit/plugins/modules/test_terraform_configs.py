"""The Terraform elasticstack provider's acceptance-test configurations, written as tasks of our
modules, converge against the emulator: the first run changes, the second is ok and sends no
write. Sources (elastic/terraform-provider-elasticstack):
  internal/fleet/agentpolicy/testdata/TestAccResourceAgentPolicy*/**/main.tf
  internal/kibana/securityexceptionlist/testdata/TestAccResourceExceptionList*/**
  internal/kibana/security_exception_item/testdata/TestAccResourceExceptionItem*/**
Terraform's monitor_logs/monitor_metrics become `monitoring`, unenrollment_timeout
`unenroll_timeout`, policy_id `id`, global_data_tags' map `global_data_tags` entries, and the
item resources the `items` of their list's task."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

PROCESS = {"type": "match", "field": "process.name", "operator": "included",
           "value": "test-process"}
POLICY = dict(name="tf-policy", namespace="default", description="Test Agent Policy",
              monitoring=["logs"])
LIST = dict(list_id="tf-list", name="Test Exception List for Item",
            description="Test exception list", type="detection", namespace_type="single")


def item(item_id="tf-item", **fields):
    spec = dict(item_id=item_id, name="Test Exception Item", description="d",
                entries=[PROCESS], tags=["test"])
    spec.update(fields)
    return spec


# (Terraform test/step, module, the steps as tasks; each applied until it converges)
CONFIGS = [
    ("TestAccResourceAgentPolicy/create", "fleet_agent_policy", [POLICY]),
    ("TestAccResourceAgentPolicy/update_with_global_data_tags", "fleet_agent_policy", [
        POLICY, dict(POLICY, description="This policy was updated", monitoring=["metrics"],
                     global_data_tags=[{"name": "tag1", "value": "value1a"}])]),
    ("TestAccResourceAgentPolicy/update_with_no_global_data_tags", "fleet_agent_policy", [
        dict(POLICY, global_data_tags=[{"name": "tag1", "value": "value1a"}]),
        dict(POLICY, global_data_tags=[])]),
    ("TestAccResourceAgentPolicy/update_with_timeouts", "fleet_agent_policy", [
        POLICY, dict(POLICY, description="Test Agent Policy with Both Timeouts",
                     monitoring=["metrics"], inactivity_timeout="120s", unenroll_timeout="900s")]),
    ("TestAccResourceAgentPolicy/with_unenrollment_timeout", "fleet_agent_policy", [
        dict(POLICY, unenroll_timeout="300s")]),
    ("TestAccResourceAgentPolicy/with_inactivity_timeout", "fleet_agent_policy", [
        dict(POLICY, inactivity_timeout="120s")]),
    ("TestAccResourceAgentPolicy/update_with_supports_agentless", "fleet_agent_policy", [
        POLICY, dict(POLICY, monitoring=["metrics"], supports_agentless=True)]),
    ("TestAccResourceAgentPolicyNonDefaultSpace/create", "fleet_agent_policy", [
        dict(POLICY, space_id="ops", space_ids=["ops"])]),
    ("TestAccResourceAgentPolicyExplicitPolicyID/create", "fleet_agent_policy", [
        dict(POLICY, id="tf-explicit-policy-id")]),
    ("TestAccResourceAgentPolicySpaceReordering/step1-3", "fleet_agent_policy", [
        dict(POLICY, space_ids=["default"]), dict(POLICY, space_ids=["ops", "default"]),
        dict(POLICY, space_ids=["default", "ops"])]),
    ("advanced_monitoring_options (schema.go: pprof_enabled, http, diagnostics)",
     "fleet_agent_policy", [
         dict(POLICY, monitoring_pprof_enabled=True,
              monitoring_http={"enabled": True, "host": "localhost", "port": 6791,
                               "buffer": {"enabled": False}},
              monitoring_diagnostics={"limit": {"interval": "1m", "burst": 10},
                                      "uploader": {"max_retries": 3, "init_dur": "1s",
                                                   "max_dur": "1m"}})]),
    ("TestAccResourceExceptionList/create+update", "exception_list", [
        dict(LIST, tags=["test"]), dict(LIST, description="Updated description",
                                        tags=["test", "updated"])]),
    ("TestAccResourceExceptionList/with_optional (list os_types)", "exception_list", [
        dict(LIST, os_types=["linux", "windows"], tags=["test"])]),
    ("TestAccResourceExceptionList_EmptyTags/empty_tags", "exception_list", [
        dict(LIST, tags=[])]),
    ("TestAccResourceExceptionListWithSpace/create", "exception_list", [
        dict(LIST, space_id="ops", tags=["test"])]),
    ("TestAccResourceExceptionListAgnostic/agnostic_create", "exception_list", [
        dict(LIST, namespace_type="agnostic", items=[item(tags=["test", "agnostic"])])]),
    ("TestAccResourceExceptionItem/create+update", "exception_list", [
        dict(LIST, items=[item()]),
        dict(LIST, items=[item(entries=[dict(PROCESS, value="test-process-updated")])])]),
    ("TestAccResourceExceptionItemEntryType_Nested/nested_multiple", "exception_list", [
        dict(LIST, items=[item(tags=["test", "nested", "multiple"], entries=[
            {"type": "nested", "field": "parent.field", "entries": [
                {"type": "match", "field": "nested.field", "operator": "included",
                 "value": "nested-value"}]},
            {"type": "nested", "field": "process.parent", "entries": [
                {"type": "match", "field": "process.parent.name", "operator": "included",
                 "value": "parent-process"}]},
            {"type": "nested", "field": "file.attributes", "entries": [
                {"type": "exists", "field": "file.attributes.hidden",
                 "operator": "included"}]}])])]),
    ("TestAccResourceExceptionItemEntryType_MatchAny/Wildcard/Exists", "exception_list", [
        dict(LIST, items=[
            item("any", entries=[{"type": "match_any", "field": "process.name",
                                  "operator": "included", "value": ["a", "b"]}]),
            item("wild", entries=[{"type": "wildcard", "field": "file.path",
                                   "operator": "included", "value": "/tmp/*"}]),
            item("exists", entries=[{"type": "exists", "field": "process.name",
                                     "operator": "excluded"}])])]),
    ("TestAccResourceExceptionItemWithSpace/create+update", "exception_list", [
        dict(LIST, space_id="ops", items=[item(os_types=["linux"])]),
        dict(LIST, space_id="ops", items=[item(os_types=["linux", "windows"],
                                               description="updated")])]),
]


# The provider runs its space_ids configurations only from 9.1 (SkipFunc:
# CheckIfVersionIsUnsupported(MinVersionSpaceIds), MinVersionSpaceIds = 9.1.0); so do we.
SINCE_9_1 = {"TestAccResourceAgentPolicyNonDefaultSpace/create",
             "TestAccResourceAgentPolicySpaceReordering/step1-3"}


@pytest.mark.parametrize("name, module, steps", [
    pytest.param(*c, marks=[pytest.mark.kibana_min("9.1")] if c[0] in SINCE_9_1 else [])
    for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_terraform_acceptance_config_converges(kibana, run, name, module, steps):
    for number, task in enumerate(steps, 1):
        applied = run(module, **task)
        assert not applied.failed, (number, applied.get("msg"))
        if number == 1:
            assert applied["changed"]
        kibana.clear_log()
        again = run(module, **task)
        assert not again.failed and not again["changed"], (number, again.get("diff"))
        assert kibana.writes() == [], number
