#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_agent_policy_info
short_description: Read Fleet agent policies
version_added: 1.0.0
description:
  - Read one Fleet agent policy by id or name, the policies a KQL query matches, or every policy
    of a space, including managed and preconfigured ones.
  - Every page is read unless O(page) asks for one.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  id:
    description:
      - The id of the policy to read, with its integrations and agent count. An unknown id
        returns an empty list.
    type: str
  name:
    description: Only the policy with this exact name.
    type: str
  kuery:
    description:
      - A KQL filter over the policies' fields, for example
        V(ingest-agent-policies.namespace:prod). Fleet treats text that is not KQL as a plain
        search term.
    type: str
  page:
    description:
      - Return only this page (from 1) of O(per_page) policies; the default is every page.
      - O(page) times O(per_page) must not exceed 10000, the result window of Kibana's find.
    type: int
  per_page:
    description:
      - The page size, between 1 and 10000; at most 100 with O(with_agent_count) or O(full).
    type: int
    default: 100
    aliases: [perPage]
  with_agent_count:
    description: Count the enrolled agents of each policy (C(agents)).
    type: bool
    default: false
  full:
    description: Return each policy's integrations in full instead of their ids.
    type: bool
    default: false
seealso:
  - module: stackops.kibana.fleet_agent_policy
'''

EXAMPLES = r'''
- name: Every agent policy of the default space, with agent counts
  stackops.kibana.fleet_agent_policy_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    with_agent_count: true
  register: policies

- name: One policy by name
  stackops.kibana.fleet_agent_policy_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: Linux servers
  register: found

- name: The second page of the production policies
  stackops.kibana.fleet_agent_policy_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    kuery: "ingest-agent-policies.namespace:prod"
    page: 2
    per_page: 20
  register: prod_page
'''

RETURN = r'''
agent_policies:
  description: The policies found, as Kibana returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - id: linux-servers
      name: Linux servers
      namespace: prod
      status: active
      is_managed: false
      is_protected: false
      monitoring_enabled: [logs, metrics]
      inactivity_timeout: 1209600
      revision: 3
      agents: 12
      package_policies: [5b2e7a1c-6a3f-4c1e-9d6e-0f1b2c3d4e5f]
total:
  description: How many policies match (all pages), or how many were returned when reading by id or name.
  returned: always
  type: int
  sample: 1
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_agent_policies import (
    AGENT_POLICY_INFO_KWARGS,
    AGENT_POLICY_INFO_OPTIONS,
    agent_policy_info,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec


SPEC = info_spec(agent_policy_info, AGENT_POLICY_INFO_OPTIONS, **AGENT_POLICY_INFO_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
