#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_integration_info
short_description: Read Fleet integrations (packages)
version_added: 1.0.0
description:
  - Read one package, installed or not, or the installed packages (every package Fleet knows
    with O(installed_only=false)).
  - Listing every package needs Fleet's package registry; an unreachable registry is reported
    clearly.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  name:
    description: The package to read. An unknown package returns an empty list.
    type: str
  installed_only:
    description: Only installed packages.
    type: bool
    default: true
seealso:
  - module: stackops.kibana.fleet_integration
'''

EXAMPLES = r'''
- name: Is Osquery Manager installed, and at which version?
  stackops.kibana.fleet_integration_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: osquery_manager
    installed_only: false
  register: osquery
'''

RETURN = r'''
integrations:
  description: The packages found. C(version) is the installed version (null when not installed).
  returned: always
  type: list
  elements: dict
  sample:
    - name: osquery_manager
      title: Osquery Manager
      version: 1.18.0
      status: installed
      latest_version: 1.18.0
      install_source: registry
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_integrations import (
    INTEGRATION_INFO_OPTIONS,
    integration_info,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec


SPEC = info_spec(integration_info, INTEGRATION_INFO_OPTIONS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
