#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_agent_policy
short_description: Manage Fleet agent policies
version_added: 1.0.0
description:
  - Create, update, copy and delete Fleet agent policies (C(/api/fleet/agent_policies)) in a
    Kibana space.
  - Idempotent. Only the options you set are compared; what Fleet adds (revision, defaults,
    integrations, agent counts) never causes a change. Fleet pushes every new revision of a
    policy to all of its enrolled agents, so nothing is sent when nothing differs.
  - An update is one C(PUT) carrying O(name), O(namespace), the current O(inactivity_timeout)
    (Fleet resets an omitted timeout to two weeks) and the fields that differ; fields you do not
    set keep the value Kibana has. A policy is never deleted and recreated by this module.
  - Fleet answers HTTP 409 when policies are written concurrently. Such a write is retried up to
    five times with a doubling pause from half a second. A 409 for a name that another policy
    already uses is not retried and fails with Kibana's message.
  - Managed (hosted) and preconfigured policies are refused for update and delete with a clear
    message; leaving them unchanged is fine.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  id:
    description:
      - The agent policy id. Chosen by you when the policy is created; otherwise Fleet
        generates one.
      - At most 255 characters, without C(/), C(?), C(#), C(..), C(__proto__), C(constructor) or
        C(prototype).
      - When not given, the policy is found by O(name) in the space.
    type: str
  name:
    description:
      - The policy's name. Fleet keeps names unique, so the name identifies a policy when O(id)
        is not given.
      - With O(id), a different name renames the policy.
      - Required to create a policy.
    type: str
  space_ids:
    description:
      - Kibana 9.1 and later. The spaces that share the policy; V(*) means every space.
      - Must include O(space_id), the space the module looks the policy up in.
      - On older Kibana versions, where every space sees every agent policy, a task that would
        send it fails before any write (check mode too); one that changes nothing does not.
      - Kibana versions that leave C(space_ids) out of their answers are treated as unchanged.
    type: list
    elements: str
  namespace:
    description:
      - The default data stream namespace of the policy's integrations.
      - Lowercase and at most 100 bytes, without whitespace, hyphen, backslash, slash, asterisk,
        question mark, double quote, angle brackets, pipe, comma, hash sign or colon (the data
        stream naming rules).
      - Required to create a policy, unless it is created with O(copy_from).
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
    choices: [logs, metrics, traces]
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
      - A number of seconds, or a duration such as V(2w), V(90m) or V(1h30m) (units s, m, h, d,
        w). Sent to Kibana in seconds, so V(2w) equals Kibana's default of 1209600.
    type: raw
  unenroll_timeout:
    description:
      - How long an inactive agent stays enrolled before Fleet unenrolls it. Seconds or a
        duration, as for O(inactivity_timeout).
    type: raw
  is_protected:
    description:
      - Agent tamper protection.
      - Fleet turns it on only when the Elastic Defend integration is attached to the policy; it
        ignores the flag on create. The module sends V(true) once Elastic Defend is attached
        (also right after a copy that brought it) and otherwise warns and sends nothing, since
        every ignored update would still push a new revision to the agents.
    type: bool
  host_name_format:
    description:
      - How agents report their host name. V(fqdn) sets the C(fqdn) agent feature;
        V(hostname) turns it off. Other agent features are kept.
    type: str
    choices: [hostname, fqdn]
  global_data_tags:
    description:
      - Fields added to every event the policy's agents send. At most ten; names are unique and
        contain no whitespace. This is the complete list; order does not matter.
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
      - Advanced agent settings, for example C(agent_logging_level) or
        C(agent_limits_go_max_procs). Only the keys given are compared and changed.
    type: dict
  monitoring_pprof_enabled:
    description:
      - Whether the agent's HTTP monitoring endpoint serves C(/debug/pprof) profiles (Terraform's
        C(advanced_monitoring_options.http_monitoring_endpoint.pprof_enabled)). Fleet 8.16 or
        later.
    type: bool
  agent_features:
    description:
      - Agent feature flags, each C(name) (for example V(fqdn)) and C(enabled). The complete
        set, compared in any order; V([]) removes every flag.
      - Cannot be combined with O(host_name_format), which manages the V(fqdn) flag alone.
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
            choices: [aws, azure, gcp]
  monitoring_http:
    description:
      - The agent's HTTP monitoring endpoint. Fleet fills in C(host=localhost) and
        C(port=6791) when they are not given. Only the keys given are compared and changed.
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
    description: Rate limit and upload retries of agent diagnostics. Only the keys given are compared.
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
      - When the policy is created, also install the system integration in it (Fleet's
        C(sys_monitoring) create parameter).
      - Fleet only does this at creation, so a different value on an existing policy fails
        with an explanation and nothing is sent. The module never recreates a policy.
    type: bool
  copy_from:
    description:
      - Create the policy as a copy of this one (its id, else its name, in the same space),
        with its settings and integrations, through Fleet's copy call. The options you set are
        then applied to the copy.
      - Only used when the policy does not exist yet. Fleet chooses the copy's id, so O(id)
        cannot be combined with it.
    type: str
  force:
    description:
      - With O(state=absent), send Fleet's C(force) flag and also delete managed or
        preconfigured policies, which are refused otherwise.
      - Fleet still refuses to delete a policy that has enrolled agents.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the policy, V(absent) deletes it.
      - Fleet refuses to delete a policy that still has enrolled agents; the failure gives
        Kibana's message and the number of agents.
    type: str
    choices: [present, absent]
    default: present
notes:
  - In diff mode, the result's RV(agents_reached) tells how many enrolled agents an update or
    deletion reaches (in check mode, would reach), which no other tool shows before the change.
seealso:
  - module: stackops.kibana.fleet_agent_policy_info
'''

EXAMPLES = r'''
- name: A Linux servers policy with a caller-chosen id and the system integration
  stackops.kibana.fleet_agent_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: linux-servers
    name: Linux servers
    namespace: prod
    description: Every Linux server in production
    monitoring: [logs, metrics]
    inactivity_timeout: 2w
    unenroll_timeout: 30d
    host_name_format: fqdn
    global_data_tags:
      - name: team
        value: platform
      - name: tier
        value: 1
    sys_monitoring: true

- name: Preview a change and the number of agents it reaches
  stackops.kibana.fleet_agent_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: Linux servers
    advanced_settings:
      agent_logging_level: debug
  check_mode: true
  diff: true
  register: preview

- name: A staging policy copied from the production one, in the security space
  stackops.kibana.fleet_agent_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: Linux servers (staging)
    copy_from: Linux servers
    namespace: staging

- name: Share a policy between two spaces (Kibana 9.1 and later)
  stackops.kibana.fleet_agent_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: Shared hosts
    namespace: default
    space_ids: [default, security]

- name: Remove a policy (fails while agents are enrolled in it)
  stackops.kibana.fleet_agent_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: Linux servers (staging)
    space_id: security
    state: absent
'''

RETURN = r'''
agent_policy:
  description:
    - The agent policy as Kibana stored it (after the change).
    - In check mode, the policy Kibana is expected to store.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: linux-servers
    name: Linux servers
    namespace: prod
    description: Every Linux server in production
    status: active
    is_managed: false
    is_preconfigured: false
    is_protected: false
    monitoring_enabled: [logs, metrics]
    inactivity_timeout: 1209600
    unenroll_timeout: 2592000
    agent_features: [{name: fqdn, enabled: true}]
    global_data_tags: [{name: team, value: platform}, {name: tier, value: 1}]
    revision: 2
    space_ids: [default]
    agents: 12
    package_policies: []
agents_reached:
  description:
    - How many enrolled agents the update or deletion reaches (Fleet pushes each new revision
      to every agent of the policy).
  returned: in diff mode, when an existing policy is changed or deleted (in check mode too)
  type: int
  sample: 12
operations:
  description: The writes sent to update an existing policy (or that check mode would send).
  returned: when an existing policy changed
  type: list
  elements: str
  sample: [update]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_agent_policies import (
    AGENT_POLICY_MODULE_KWARGS,
    AGENT_POLICY_OPTIONS,
    AgentPolicyResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec


SPEC = resource_spec(AgentPolicyResource, AGENT_POLICY_OPTIONS, **AGENT_POLICY_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
