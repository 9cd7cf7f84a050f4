#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: osquery_pack_info
short_description: Read Osquery packs from Kibana
version_added: 1.0.0
description:
  - Read one Osquery pack by id or name, or every pack of a space, including the prebuilt
    (C(read_only)) ones.
  - Packs are returned in the object form that M(stackops.kibana.osquery_pack) takes, whatever
    shape Kibana answers in, so a result can be written back as a task.
  - Every page of the pack list is read unless O(page) asks for one. The list does not carry a
    pack's shards, so each pack found is then read once more.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  id:
    description: The id of the pack to read. An unknown id returns an empty list.
    type: str
  name:
    description: Only the pack with this exact name.
    type: str
  page:
    description:
      - Return only this page (from 1) of O(page_size) packs; the default is every page.
      - O(page) times O(page_size) must not exceed 10000, the result window of Kibana's find.
    type: int
  page_size:
    description: The number of packs per page of Kibana's list, between 1 and 10000.
    type: int
    default: 100
    aliases: [pageSize]
seealso:
  - module: stackops.kibana.osquery_pack
'''

EXAMPLES = r'''
- name: Every pack of the security space
  stackops.kibana.osquery_pack_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
  register: packs

- name: One pack by name
  stackops.kibana.osquery_pack_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: hardware-monitoring
  register: found

- name: The first 20 packs
  stackops.kibana.osquery_pack_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    page: 1
    page_size: 20
  register: first_page
'''

RETURN = r'''
packs:
  description:
    - The packs found, each with its C(id), queries keyed by query id (a query's C(platform) as a
      list, left out when it is every platform), C(ecs_mapping) keyed by ECS field, C(shards)
      keyed by agent policy id, and C(read_only) true for prebuilt packs.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 5d1c5a52-0f5e-4d2b-9c1e-7a4c0d3b9e01
      name: hardware-monitoring
      description: Monitor for hardware changes
      enabled: false
      policy_ids: []
      shards: {}
      queries:
        kernel_modules:
          query: SELECT * FROM kernel_modules;
          interval: 3600
          platform: [linux]
          version: 1.4.5
      read_only: true
      version: 1
total:
  description:
    - The number of packs found; with O(page), the number of packs of the space.
  returned: always
  type: int
  sample: 2
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec
from ansible_collections.stackops.kibana.plugins.module_utils._osquery_packs import (
    OSQUERY_PACK_INFO_KWARGS,
    OSQUERY_PACK_INFO_OPTIONS,
    osquery_pack_info,
)


SPEC = info_spec(osquery_pack_info, OSQUERY_PACK_INFO_OPTIONS, **OSQUERY_PACK_INFO_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
