#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: osquery_saved_query_info
short_description: Read Osquery saved queries from Kibana
version_added: 1.0.0
description:
  - Read one Osquery saved query by O(saved_object_id) or O(id), or every saved query of a space,
    including the prebuilt ones.
  - Saved queries are returned in the form M(stackops.kibana.osquery_saved_query) takes, so a
    result can be written back as a task.
  - Every page of the list is read unless O(page) asks for one.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  saved_object_id:
    description: The saved object id of the saved query to read. An unknown one returns an empty
      list.
    type: str
  id:
    description: Only the saved query with this id (the human id, unique per space).
    type: str
  page:
    description:
      - Return only this page (from 1) of O(page_size) saved queries; the default is every page.
      - O(page) times O(page_size) must not exceed 10000, the result window of Kibana's find.
    type: int
  page_size:
    description: The number of saved queries per page of Kibana's list, between 1 and 10000.
    type: int
    default: 100
seealso:
  - module: stackops.kibana.osquery_saved_query
'''

EXAMPLES = r'''
- name: Every saved query of the security space
  stackops.kibana.osquery_saved_query_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
  register: saved

- name: One saved query by its id
  stackops.kibana.osquery_saved_query_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: listening_ports
  register: found
'''

RETURN = r'''
saved_queries:
  description:
    - The saved queries found, each with its C(saved_object_id), C(id), C(query), C(interval)
      (a number), C(platform) (a list, left out when not set), C(ecs_mapping) keyed by ECS
      field and C(prebuilt).
  returned: always
  type: list
  elements: dict
  sample:
    - saved_object_id: 42ba9c50-0cc5-11ed-aa1d-2b27890bc90d
      id: listening_ports
      description: Processes listening on a port
      query: SELECT pid, port, address FROM listening_ports;
      interval: 600
      platform: [linux, darwin]
      ecs_mapping: {client.port: {field: port}}
      prebuilt: false
total:
  description:
    - The number of saved queries found; with O(page), the number of saved queries of the space.
  returned: always
  type: int
  sample: 1
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec
from ansible_collections.stackops.kibana.plugins.module_utils._osquery_saved_queries import (
    OSQUERY_SAVED_QUERY_INFO_KWARGS,
    OSQUERY_SAVED_QUERY_INFO_OPTIONS,
    osquery_saved_query_info,
)


SPEC = info_spec(osquery_saved_query_info, OSQUERY_SAVED_QUERY_INFO_OPTIONS,
                 **OSQUERY_SAVED_QUERY_INFO_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
