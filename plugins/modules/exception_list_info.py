#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: exception_list_info
short_description: Read Kibana security exception lists and their items
version_added: 1.0.0
description:
  - Read one exception list by O(list_id), or the lists of a space selected by O(name),
    O(type) or a KQL O(filter) (all of them when none is given), paging through
    C(/api/exception_lists/_find).
  - With O(include_items=true), each list comes with all its items, read with paginated
    C(items/_find) at the largest page size.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  list_id:
    description:
      - The C(list_id) of the list to read, looked up in each of O(namespace_type). An unknown
        list_id returns an empty list.
    type: str
  namespace_type:
    description:
      - The namespaces to read from. V(single) lists belong to the space of O(space_id);
        V(agnostic) lists are shared by every space.
    type: list
    elements: str
    choices: [single, agnostic]
    default: [single, agnostic]
  name:
    description: Only lists with this exact name (names are not unique).
    type: str
  type:
    description: Only lists of this type.
    type: str
    choices: [detection, rule_default, endpoint, endpoint_trusted_apps, endpoint_events,
              endpoint_host_isolation_exceptions, endpoint_blocklists]
  filter:
    description:
      - A KQL filter on the lists' saved-object attributes, passed to Kibana, for example
        V(exception-list.attributes.tags:ci) (agnostic lists use C(exception-list-agnostic)).
    type: str
  include_items:
    description: Return every item of each list under its C(items) key.
    type: bool
    default: false
seealso:
  - module: stackops.kibana.exception_list
'''

EXAMPLES = r'''
- name: One list with all its items
  stackops.kibana.exception_list_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    list_id: trusted-build-hosts
    include_items: true
  register: trusted

- name: Every detection list of the space and the shared ones
  stackops.kibana.exception_list_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    type: detection
  register: detection_lists

- name: Lists tagged ci, by KQL
  stackops.kibana.exception_list_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    namespace_type: [single]
    filter: exception-list.attributes.tags:ci
  register: ci_lists
'''

RETURN = r'''
exception_lists:
  description:
    - The lists found, as Kibana returns them; with O(include_items=true), each has an C(items)
      key with all its items.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 9e5fc75a-a3da-46c5-96e3-a2ec59c6bb85
      list_id: trusted-build-hosts
      namespace_type: single
      type: detection
      name: Trusted build hosts
      description: Build servers whose tooling looks like an attack
      tags: [ci]
      os_types: []
      immutable: false
      version: 1
      items:
        - id: 459c5e7e-f8b2-4f0b-b136-c1fc702f72da
          item_id: build-01
          list_id: trusted-build-hosts
          type: simple
          name: build-01 compilers
          description: ""
          entries:
            - {type: match, field: host.name, value: build-01, operator: included}
          namespace_type: single
          os_types: [linux]
          tags: []
          comments: []
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._exception_lists import (
    EXCEPTION_LIST_INFO_KWARGS,
    EXCEPTION_LIST_INFO_OPTIONS,
    exception_list_info,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec


SPEC = info_spec(exception_list_info, EXCEPTION_LIST_INFO_OPTIONS, **EXCEPTION_LIST_INFO_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
