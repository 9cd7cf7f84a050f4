#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_integration_policy_info
short_description: Read Fleet integration policies
version_added: 1.0.0
description:
  - Read one integration policy by id, or those of the space, optionally by name, package or
    agent policy, in Fleet's simplified format. Secret vars are references, never values.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  id:
    description: The id of the integration policy to read. An unknown id returns an empty list.
    type: str
  name:
    description: Only the policy with this name.
    type: str
  package:
    description: Only policies of this package, for example V(osquery_manager).
    type: str
  agent_policy_id:
    description: Only policies attached to this agent policy.
    type: str
seealso:
  - module: stackops.kibana.fleet_integration_policy
'''

EXAMPLES = r'''
- name: The Osquery Manager policies of the space
  stackops.kibana.fleet_integration_policy_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    package: osquery_manager
  register: osquery_policies
'''

RETURN = r'''
integration_policies:
  description: The integration policies found, in the simplified format.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 5d0a0f5c-0f5e-4bd7-9f3c-0a7b1b8a2d11
      name: osquery-linux
      package: {name: osquery_manager, title: Osquery Manager, version: 1.18.0}
      policy_ids: [linux-servers]
      inputs: {osquery_manager-osquery: {enabled: true, streams: {}}}
      revision: 1
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_integration_policies import (
    INTEGRATION_POLICY_INFO_OPTIONS,
    integration_policy_info,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec


SPEC = info_spec(integration_policy_info, INTEGRATION_POLICY_INFO_OPTIONS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
