"""The Terraform provider's Fleet integration and integration policy acceptance tests
(elastic/terraform-provider-elasticstack internal/fleet/integration/testdata and
internal/fleet/integration_policy/testdata, steps in the order of their acc_test.go, HEAD
f2df95a) replayed as fleet_integration, fleet_agent_policy and fleet_integration_policy tasks:
every step converges (second run ok, no write).

Mapping: fleet_integration name/version/force/prerelease/ignore_constraints/
ignore_mapping_update_errors/skip_data_stream_rollover keep their names (skip_destroy is Terraform's
"leave it installed on destroy": our tasks never remove what they do not say absent);
fleet_agent_policy monitor_logs/monitor_metrics -> monitoring; fleet_integration_policy
integration_name/integration_version -> package/package_version, agent_policy_id(s) ->
agent_policies (by name), policy_id -> id, inputs' `vars` (jsonencode) -> vars dicts. Only the
configurations on the `tcp` package are replayed: the emulator's package catalogue has no kafka,
sql, aws_logs, azure_metrics or gcp packages (their integration policy tests are not replayed)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from tests.unit.plugins.modules.terraform_replay import replay, task

TCP_VARS = {"listen_address": "localhost", "listen_port": 8080,
            "data_stream.dataset": "tcp.generic", "tags": [], "syslog_options": "field: message",
            "ssl": "", "custom": ""}
WITH_POLICY_VARS = dict(TCP_VARS, syslog_options="field: message\n#format: auto\n#timezone: Local\n",
                        ssl=("#certificate: |\n#    -----BEGIN CERTIFICATE-----\n#    ...\n"
                             "#    -----END CERTIFICATE-----\n#key: |\n"
                             "#    -----BEGIN PRIVATE KEY-----\n#    ...\n"
                             "#    -----END PRIVATE KEY-----\n"))


def integration(version="1.16.0", **options):
    return task("fleet_integration", name="tcp", version=version, force=True, **options)


def agent_policy(name="tf-ip Agent Policy", description="IntegrationPolicyTest Agent Policy"):
    return task("fleet_agent_policy", name=name, namespace="default", description=description,
                monitoring=["logs", "metrics"])


def tcp_inputs(enabled=True, stream_vars=None, input_enabled=True):
    tcp = {"streams": {"tcp.generic": {"enabled": enabled, "vars": stream_vars or TCP_VARS}}}
    if input_enabled is not None:
        tcp["enabled"] = input_enabled
    return {"tcp-tcp": tcp}


def integration_policy(description="IntegrationPolicyTest Policy", version="1.16.0",
                       agent_policies=("tf-ip Agent Policy",), **options):
    return task("fleet_integration_policy", name="tf-ip", namespace="default",
                description=description, package="tcp", package_version=version,
                agent_policies=list(agent_policies), **options)


POLICY_1 = agent_policy("tf-ip Agent Policy 1", "IntegrationPolicyTest Agent Policy 1")
POLICY_2 = agent_policy("tf-ip Agent Policy 2", "IntegrationPolicyTest Agent Policy 2")

# (pytest id = provider test/steps, steps)
CASES = [
    ("TestAccResourceIntegration/create", [[integration()]]),
    ("TestAccResourceIntegrationFromSDK/create+upgrade", [[integration()]] * 2),
    ("TestAccResourceIntegration_kibanaConnection/create+update", [
        [integration()], [integration("1.17.0")]]),
    ("TestAccResourceIntegrationWithPrerelease/create", [[integration(prerelease=True)]]),
    ("TestAccResourceIntegrationWithAllParameters/all_params_step1+step2+step1", [
        [integration(prerelease=True, ignore_constraints=True)],
        [integration(prerelease=True, ignore_constraints=True, ignore_mapping_update_errors=True,
                     skip_data_stream_rollover=True)],
        [integration(prerelease=True, ignore_constraints=True)]]),
    ("TestAccResourceIntegrationSkipDestroy/with_skip_destroy+without_skip_destroy", [
        [integration()], [integration()]]),
    ("TestAccResourceIntegration_SpaceAwareDrift/create", [[
        task("kibana_space", id="tf-space-a", name="tf-space-a"),
        integration(space_id="tf-space-a")]]),
    ("TestAccResourceIntegration_MultiSpaceInstall/create", [[
        task("kibana_space", id="tf-space-a", name="tf-space-a"),
        task("kibana_space", id="tf-space-b", name="tf-space-b"),
        integration(space_id="tf-space-a"), integration(space_id="tf-space-b")]]),
    # also provider issue #749 (every apply pushed a new agent policy revision): the second run
    # of each step sends no write, so no revision reaches the agents
    ("TestAccResourceIntegrationWithPolicy/v1_16_0+v1_17_0", [
        [integration(), agent_policy("tf-ip", "A sample agent policy"),
         integration_policy("A sample integration policy", agent_policies=["tf-ip"],
                            inputs=tcp_inputs(stream_vars=WITH_POLICY_VARS, input_enabled=None))],
        [integration("1.17.0"), agent_policy("tf-ip", "A sample agent policy"),
         integration_policy("A sample integration policy", "1.17.0", agent_policies=["tf-ip"],
                            inputs=tcp_inputs(stream_vars=WITH_POLICY_VARS, input_enabled=None))]]),
    ("TestAccResourceIntegrationPolicy/create+update", [
        [integration(), agent_policy(), integration_policy(inputs=tcp_inputs())],
        [integration(), agent_policy(), integration_policy(
            "Updated Integration Policy", inputs=tcp_inputs(False, dict(TCP_VARS, listen_port=8085),
                                                            input_enabled=False))]]),
    ("TestAccResourceIntegrationPolicyMultipleAgentPolicies/create+multiple_agent_policies"
     "+single_agent_policy", [
         [integration(), POLICY_1, POLICY_2, integration_policy(
             id="tf-ip-policy-id", agent_policies=["tf-ip Agent Policy 1"],
             inputs=tcp_inputs(input_enabled=None))],
         [integration(), POLICY_1, POLICY_2, integration_policy(
             id="tf-ip-policy-id", agent_policies=["tf-ip Agent Policy 1", "tf-ip Agent Policy 2"],
             inputs=tcp_inputs(input_enabled=None))],
         [integration(), POLICY_1, POLICY_2, integration_policy(
             id="tf-ip-policy-id", agent_policies=["tf-ip Agent Policy 1"],
             inputs=tcp_inputs(input_enabled=None))]]),
    # no fleet_integration resource: Fleet installs the package the policy names
    ("TestAccResourceIntegrationPolicy_VersionUpdate/create+update", [
        [task("fleet_agent_policy", name="tf-ip", namespace="default"),
         task("fleet_integration_policy", name="tf-ip-integration", namespace="default",
              agent_policies=["tf-ip"], package="tcp", package_version="1.16.0")],
        [task("fleet_agent_policy", name="tf-ip", namespace="default"),
         task("fleet_integration_policy", name="tf-ip-integration", namespace="default",
              agent_policies=["tf-ip"], package="tcp", package_version="1.17.0")]]),
]


@pytest.mark.parametrize("name, steps", CASES, ids=[c[0] for c in CASES])
def test_provider_fleet_integration_config_converges(kibana, run, name, steps):
    replay(kibana, run, steps)
