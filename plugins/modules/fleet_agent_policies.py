#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_agent_policies
short_description: Manage every agent policy of a Kibana space in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.fleet_agent_policy), in the tradition of Ansible's resource
    modules. Each element of O(config) declares one agent policy with the options of
    M(stackops.kibana.fleet_agent_policy); O(state) says what happens to them and to the space's
    other agent policies.
  - One read of the space's agent policies serves every element; only the agent policies that
    differ are written, several at a time. Every failure is reported with the element it
    concerns, and the other agent policies are still converged (listed in RV(results) and
    RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.fleet_agent_policy), so a
    set task
    and single-object tasks converge the same agent policies to the same state.
  - Fleet pushes every new revision of a policy to its agents, so nothing is written for a policy
    that does not differ. Fleet refuses to delete a policy with enrolled agents; that failure is
    reported with the policy.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  config:
    description:
    - 'The agent policies of the space, one element each. An element takes exactly the options
      of M(stackops.kibana.fleet_agent_policy) (without O(state) and O(space_id): the set''s
      own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      id:
        description:
        - The agent policy id. Chosen by you when the policy is created; otherwise Fleet generates
          one.
        - At most 255 characters, without C(/), C(?), C(#), C(..), C(__proto__), C(constructor)
          or C(prototype).
        - When not given, the policy is found by O(config[].name) in the space.
        type: str
      name:
        description:
        - The policy's name. Fleet keeps names unique, so the name identifies a policy when
          O(config[].id) is not given.
        - With O(config[].id), a different name renames the policy.
        - Required to create a policy.
        type: str
      space_ids:
        description:
        - Kibana 9.1 and later. The spaces that share the policy; V(*) means every space.
        - Must include C(space_id), the space the module looks the policy up in.
        - On older Kibana versions, where every space sees every agent policy, a task that would
          send it fails before any write (check mode too); one that changes nothing does not.
        - Kibana versions that leave C(space_ids) out of their answers are treated as unchanged.
        type: list
        elements: str
      namespace:
        description:
        - The default data stream namespace of the policy's integrations.
        - Lowercase and at most 100 bytes, without whitespace, hyphen, backslash, slash, asterisk,
          question mark, double quote, angle brackets, pipe, comma, hash sign or colon (the
          data stream naming rules).
        - Required to create a policy, unless it is created with O(config[].copy_from).
        type: str
      description:
        description: The policy's description.
        type: str
      monitoring:
        description:
        - What Elastic Agent collects about itself (C(monitoring_enabled)). V([]) turns agent
          monitoring off. Order does not matter.
        type: list
        elements: str
        choices:
        - logs
        - metrics
        - traces
      data_output_id:
        description:
        - The output the integrations send their data to. An empty string clears it, so that
          Fleet uses the default output.
        type: str
      monitoring_output_id:
        description:
        - The output for the agents' own monitoring data. An empty string clears it (default
          output).
        type: str
      fleet_server_host_id:
        description:
        - The Fleet Server host the agents connect to. An empty string clears it (default host).
        type: str
      download_source_id:
        description:
        - Where agents download upgrades from. An empty string clears it (default source).
        type: str
      inactivity_timeout:
        description:
        - How long an agent may stay silent before Fleet marks it inactive.
        - A number of seconds, or a duration such as V(2w), V(90m) or V(1h30m) (units s, m,
          h, d, w). Sent to Kibana in seconds, so V(2w) equals Kibana's default of 1209600.
        type: raw
      unenroll_timeout:
        description:
        - How long an inactive agent stays enrolled before Fleet unenrolls it. Seconds or a
          duration, as for O(config[].inactivity_timeout).
        type: raw
      is_protected:
        description:
        - Agent tamper protection.
        - Fleet turns it on only when the Elastic Defend integration is attached to the policy;
          it ignores the flag on create. The module sends V(true) once Elastic Defend is attached
          (also right after a copy that brought it) and otherwise warns and sends nothing, since
          every ignored update would still push a new revision to the agents.
        type: bool
      host_name_format:
        description:
        - How agents report their host name. V(fqdn) sets the C(fqdn) agent feature; V(hostname)
          turns it off. Other agent features are kept.
        type: str
        choices:
        - hostname
        - fqdn
      global_data_tags:
        description:
        - Fields added to every event the policy's agents send. At most ten; names are unique
          and contain no whitespace. This is the complete list; order does not matter.
        type: list
        elements: dict
        suboptions:
          name:
            description: The field name.
            type: str
            required: true
          value:
            description: The field value, a string or a number.
            type: raw
            required: true
      advanced_settings:
        description:
        - Advanced agent settings, for example C(agent_logging_level) or C(agent_limits_go_max_procs).
          Only the keys given are compared and changed.
        type: dict
      monitoring_pprof_enabled:
        description:
        - Whether the agent's HTTP monitoring endpoint serves C(/debug/pprof) profiles (Terraform's
          C(advanced_monitoring_options.http_monitoring_endpoint.pprof_enabled)). Fleet 8.16
          or later.
        type: bool
      agent_features:
        description:
        - Agent feature flags, each C(name) (for example V(fqdn)) and C(enabled). The complete
          set, compared in any order; V([]) removes every flag.
        - Cannot be combined with O(config[].host_name_format), which manages the V(fqdn) flag
          alone.
        type: list
        elements: dict
        suboptions:
          name:
            description: The feature's name.
            type: str
            required: true
          enabled:
            description: Whether the feature is on.
            type: bool
            required: true
      agentless:
        description:
        - Settings of an agentless policy. Only the keys given are compared and changed.
        type: dict
        suboptions:
          resources:
            description: Resources of the agentless agent.
            type: dict
            suboptions:
              requests:
                description: The requested resources.
                type: dict
                suboptions:
                  memory:
                    description: Memory, a whole number of V(Mi) or V(Gi) (for example V(512Mi)).
                    type: str
                  cpu:
                    description: CPU, in millicores (V(500m)) or cores (V(1.5)).
                    type: str
          cloud_connectors:
            description: Cloud connectors of the agentless policy (newer Fleet versions).
            type: dict
            suboptions:
              enabled:
                description: Whether cloud connectors are used.
                type: bool
              target_csp:
                description: The cloud service provider.
                type: str
                choices:
                - aws
                - azure
                - gcp
      monitoring_http:
        description:
        - The agent's HTTP monitoring endpoint. Fleet fills in C(host=localhost) and C(port=6791)
          when they are not given. Only the keys given are compared and changed.
        type: dict
        suboptions:
          enabled:
            description: Whether the endpoint is enabled.
            type: bool
          host:
            description: The address the endpoint listens on.
            type: str
          port:
            description: The port the endpoint listens on, 0 to 65353 (Fleet's limit).
            type: int
          buffer:
            description: The endpoint's event buffer.
            type: dict
            suboptions:
              enabled:
                description: Whether the buffer is enabled.
                type: bool
      monitoring_diagnostics:
        description: Rate limit and upload retries of agent diagnostics. Only the keys given
          are compared.
        type: dict
        suboptions:
          limit:
            description: How often diagnostics may be requested.
            type: dict
            suboptions:
              interval:
                description: The interval, for example V(1m).
                type: str
              burst:
                description: How many requests are allowed in a burst.
                type: int
          uploader:
            description: Upload retries.
            type: dict
            suboptions:
              max_retries:
                description: How many times an upload is retried.
                type: int
              init_dur:
                description: The first pause between retries, for example V(1s).
                type: str
              max_dur:
                description: The longest pause between retries, for example V(10m).
                type: str
      required_versions:
        description:
        - Kibana 9.1 and later. Automatic agent upgrades, the target versions with the percentage
          of agents to upgrade to each. Order does not matter. V([]) removes them.
        - On older Kibana versions a task that would send it fails before any write.
        type: list
        elements: dict
        suboptions:
          version:
            description: The agent version, for example V(9.1.0).
            type: str
            required: true
          percentage:
            description: The percentage of the policy's agents to upgrade, 0 to 100.
            type: float
            required: true
      supports_agentless:
        description: Whether the policy is for agentless integrations (deprecated by Fleet).
        type: bool
      keep_monitoring_alive:
        description: Keep the monitoring processes running even when monitoring is off.
        type: bool
      overrides:
        description:
        - Raw settings merged into the compiled agent policy. Keys starting with C(inputs) are
          not allowed. Only the keys given are compared and changed.
        type: dict
      sys_monitoring:
        description:
        - When the policy is created, also install the system integration in it (Fleet's C(sys_monitoring)
          create parameter).
        - Fleet only does this at creation, so a different value on an existing policy fails
          with an explanation and nothing is sent. The module never recreates a policy.
        type: bool
      copy_from:
        description:
        - Create the policy as a copy of this one (its id, else its name, in the same space),
          with its settings and integrations, through Fleet's copy call. The options you set
          are then applied to the copy.
        - Only used when the policy does not exist yet. Fleet chooses the copy's id, so O(config[].id)
          cannot be combined with it.
        type: str
      force:
        description:
        - With C(state=absent), send Fleet's C(force) flag and also delete managed or preconfigured
          policies, which are refused otherwise.
        - Fleet still refuses to delete a policy that has enrolled agents.
        type: bool
        default: false
  state:
    description:
      - V(merged) creates and updates the declared agent policies, touching only the options
        they set;
        nothing else is changed.
      - V(replaced) makes each declared agent policy exactly as declared; options it leaves unset go
        back to Kibana's defaults (empty description, no monitoring, not protected, host names
        as hostname, inactivity timeout of two weeks, no global data tags, Fleet's default
        outputs, Fleet Server hosts and download source). Other agent policies are not touched.
      - V(overridden) is V(replaced), and every other agent policy of the space is deleted,
        except managed (hosted) and preconfigured policies, which are kept and listed in
        RV(kept). The deletions are listed in
        RV(deleted), and shown first in diff and check mode. O(config=[]) deletes every agent policy
        of the space that can be deleted.
      - V(deleted) deletes the declared agent policies (found by O(config[].id) or
        O(config[].name)); other agent policies are not touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns the space's agent policies in RV(gathered), in the
        shape O(config) takes; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
seealso:
  - module: stackops.kibana.fleet_agent_policy
  - module: stackops.kibana.fleet_agent_policy_info
'''

EXAMPLES = r'''
- name: The agent policies of the space are these
  stackops.kibana.fleet_agent_policies:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: overridden
    config:
      - id: linux-servers
        name: Linux servers
        namespace: prod
        monitoring: [logs, metrics]
      - id: windows-desktops
        name: Windows desktops
        namespace: prod

- name: Export the agent policies of a space
  stackops.kibana.fleet_agent_policies:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: gathered
  register: policies
'''

RETURN = r'''
agent_policies:
  description:
    - The declared agent policies as Kibana stores them after the run (in check mode, as expected),
      in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.fleet_agent_policy) returns it
      (C(changed), C(operations), ...) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The agent policies deleted as not declared (O(state=overridden)), each with C(id) and C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
kept:
  description:
    - The agent policies not declared that O(state=overridden) did not delete because Kibana
      does not
      let them be changed (managed (hosted) and preconfigured policies), with C(id), C(name) and
      C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), the space's agent policies in the shape O(config) takes.
      Managed and preconfigured policies are listed in RV(read_only) instead.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the agent policies that cannot be declared (C(id), C(name),
    C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_agent_policies import (
    AGENT_POLICY_MODULE_KWARGS,
    AGENT_POLICY_OPTIONS,
    AgentPolicyResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(AgentPolicyResource, AGENT_POLICY_OPTIONS, AGENT_POLICY_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
