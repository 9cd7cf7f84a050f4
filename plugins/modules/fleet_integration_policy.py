#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_integration_policy
short_description: Attach Fleet integrations to agent policies (integration policies)
version_added: 1.0.0
description:
  - Create, update and delete Fleet integration policies (package policies,
    C(/api/fleet/package_policies)) in Fleet's simplified format, and attach them to agent
    policies by id or by name.
  - Idempotent. Fleet fills every var the package declares with its default; only the options
    and the vars you set are compared. Every update gives each agent policy of the integration
    a new revision that Fleet pushes to its agents, so nothing is sent when nothing differs.
  - The package version follows the installed one (M(stackops.kibana.fleet_integration)) unless
    O(package_version) pins it; when the installed package is upgraded, the next run upgrades
    the policy. Without a pin the module reads the package's installed version on every run (one
    more read).
  - Secret vars (the vars the package marks as secret, such as passwords and tokens) go in
    O(secrets), which is C(no_log). Fleet stores them apart and returns references, so they are
    never compared; they are sent on create, and on every run with O(secrets_update=always).
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
      - The integration policy id. When not given, the policy is found by O(name) in the space
        (Fleet keeps names unique per space).
    type: str
  name:
    description: The integration policy name. Required to create one.
    type: str
  package:
    description:
      - The integration package, for example V(osquery_manager), V(system), V(log). Required
        to create a policy; it cannot change on an existing one.
    type: str
  package_version:
    description:
      - Pin the package version of the policy. When not set, the installed version is used,
        and a package that is not installed is an error (install it first).
    type: str
  agent_policy_ids:
    description:
      - The agent policies that run the integration, by id. The whole list is managed.
      - Mutually exclusive with O(agent_policies).
    type: list
    elements: str
  agent_policies:
    description:
      - The agent policies that run the integration, by name (resolved in the space; an unknown
        or ambiguous name fails before any write).
    type: list
    elements: str
  namespace:
    description: The data stream namespace; Fleet uses the agent policy's when not set.
    type: str
  description:
    description: A description of the integration policy.
    type: str
  vars:
    description: Package-level vars, by name. Only the vars given are compared.
    type: dict
  inputs:
    description:
      - The inputs in Fleet's simplified form, keyed by C(<policy template>-<input type>)
        (for example C(system-logfile), C(osquery_manager-osquery), C(logs-logfile)), each with
        C(enabled), C(vars) and C(streams) keyed by data stream C(<package>.<dataset>) (for
        example C(system.auth)), each with C(enabled) and C(vars).
      - Only the inputs, streams and vars given are compared; the others keep their current
        values (their defaults on create). Unknown inputs, streams or vars, and values of the
        wrong type, are refused by Fleet with its message.
    type: dict
  secrets:
    description:
      - The values of secret vars, in the shape of O(vars) and O(inputs), that is a dict with
        the keys C(vars) (package-level secret vars) and C(inputs) (per input C(vars), and per
        stream C(vars) under C(streams)).
      - Never compared, never returned; a secret var given in O(vars) or O(inputs) is refused.
    type: dict
  secrets_update:
    description:
      - V(on_create) sends O(secrets) when the policy is created only; V(always) sends them on
        every run (and so always reports a change; use it to rotate them).
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description: V(present) creates or updates the integration policy, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: stackops.kibana.fleet_integration
  - module: stackops.kibana.fleet_integration_policy_info
  - module: stackops.kibana.fleet_agent_policy
'''

EXAMPLES = r'''
- name: Osquery Manager on the Linux servers policy, by name
  stackops.kibana.fleet_integration_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: osquery-linux
    package: osquery_manager
    agent_policies: [Linux servers]

- name: System logs with custom paths, metrics every 30s, the REST API input off
  stackops.kibana.fleet_integration_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: system-security-hosts
    package: system
    agent_policy_ids: [security-hosts]
    namespace: security
    inputs:
      system-logfile:
        streams:
          system.auth:
            vars:
              paths: [/var/log/auth.log*, /var/log/secure*]
      system-system/metrics:
        streams:
          system.cpu:
            vars: {period: 30s}
      system-httpjson:
        enabled: false

- name: Splunk REST API input with its password kept secret
  stackops.kibana.fleet_integration_policy:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: system-splunk
    package: system
    agent_policy_ids: [splunk-forwarders]
    inputs:
      system-httpjson:
        enabled: true
        vars:
          url: https://splunk.example.com:8089
          username: fleet
    secrets:
      inputs:
        system-httpjson:
          vars:
            password: "{{ splunk_password }}"
'''

RETURN = r'''
integration_policy:
  description:
    - The integration policy in the simplified format after the change (in check mode, what is
      expected); empty after O(state=absent). Secret vars are references (a dict with
      C(isSecretRef) and C(id)), never values.
  returned: always
  type: dict
  sample:
    id: 5d0a0f5c-0f5e-4bd7-9f3c-0a7b1b8a2d11
    name: osquery-linux
    package: {name: osquery_manager, title: Osquery Manager, version: 1.18.0}
    policy_ids: [linux-servers]
    inputs:
      osquery_manager-osquery:
        enabled: true
        streams:
          osquery_manager.result: {enabled: true, vars: {id: null, interval: null, query: null}}
    revision: 1
operations:
  description: The writes sent to update an existing policy (or that check mode would send).
  returned: when an existing policy changed
  type: list
  elements: str
  sample: [update]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_integration_policies import (
    INTEGRATION_POLICY_MODULE_KWARGS,
    INTEGRATION_POLICY_OPTIONS,
    IntegrationPolicyResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec


SPEC = resource_spec(IntegrationPolicyResource, INTEGRATION_POLICY_OPTIONS,
                     **INTEGRATION_POLICY_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
