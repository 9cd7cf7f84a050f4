#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: osquery_saved_query
short_description: Manage Osquery saved queries in Kibana
version_added: 1.0.0
description:
  - Create, update and delete Osquery saved queries (C(/api/osquery/saved_queries)) in a space,
    with the SQL, its interval, timeout, platforms, minimum osquery version, result type and ECS
    mapping.
  - A saved query is found by O(id), the human id Kibana keeps unique per space, or by
    O(saved_object_id), the id Kibana generates (with both, a different O(id) renames the saved
    query).
  - Idempotent. Only the options you set are compared, and nothing is sent when nothing differs.
    Kibana returns the interval as text after a create and as a number after an update, and a
    query without platform runs on every platform; neither is reported as a change.
  - Every update sends the description, because Kibana clears an omitted one. O(ecs_mapping) is
    a complete set; V({}) removes every mapping.
  - Prebuilt saved queries (installed by the Osquery Manager integration, C(prebuilt)) are
    refused for update and delete.
  - A pack query can be built from a saved query with the C(saved_query_id) key of
    M(stackops.kibana.osquery_pack)'s O(stackops.kibana.osquery_pack#module:queries).
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
      - The saved query's id, as shown in Kibana's saved query list (for example
        V(listening_ports)). Kibana keeps it unique per space. Required to create a saved query.
    type: str
  saved_object_id:
    description:
      - The saved object id Kibana generated for the saved query. Identifies it when given; an
        unknown one fails, since Kibana chooses it.
    type: str
  query:
    description: The SQL. Required to create a saved query.
    type: str
  description:
    description: The description. Kibana clears it when an update leaves it out; the module
      always sends the stored or given one.
    type: str
  interval:
    description: How often the query runs in a pack, in seconds (at least 1). Required to create
      a saved query, as Kibana requires it.
    type: int
  timeout:
    description: How long the query may run, in seconds, from 60 to 86400.
    type: int
  platform:
    description:
      - The platforms the query runs on. Every platform when not set. Order does not matter.
    type: list
    elements: str
    choices: [linux, windows, darwin]
  version:
    description: The minimum osquery version, for example V(5.0.0).
    type: str
  snapshot:
    description: Whether the query reports snapshots (every row) rather than differences.
    type: bool
  removed:
    description: Whether differential results include removed rows.
    type: bool
  ecs_mapping:
    description:
      - "Maps an ECS field to a dict with exactly one of C(field) (an osquery column) or C(value)
        (a constant, or a list of constants), for example
        C({host.uptime: {field: total_seconds}, tags: {value: [osquery]}})."
      - The complete set; V({}) removes every mapping.
    type: dict
  state:
    description:
      - V(present) creates or updates the saved query, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: stackops.kibana.osquery_saved_query_info
  - module: stackops.kibana.osquery_pack
'''

EXAMPLES = r'''
- name: A saved query in the security space
  stackops.kibana.osquery_saved_query:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    id: listening_ports
    description: Processes listening on a port
    query: SELECT pid, port, address FROM listening_ports;
    interval: 600
    timeout: 120
    platform: [linux, darwin]
    ecs_mapping:
      client.port: {field: port}
      tags: {value: [osquery, network]}

- name: Remove it
  stackops.kibana.osquery_saved_query:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    id: listening_ports
    state: absent
'''

RETURN = r'''
saved_query:
  description:
    - The saved query as Kibana holds it after the task (predicted in check mode, with
      C(saved_object_id) null for a new one), its C(platform) as a list (left out when it is
      every platform) and C(ecs_mapping) keyed by ECS field.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    saved_object_id: 42ba9c50-0cc5-11ed-aa1d-2b27890bc90d
    id: listening_ports
    description: Processes listening on a port
    query: SELECT pid, port, address FROM listening_ports;
    interval: 600
    timeout: 120
    platform: [linux, darwin]
    ecs_mapping: {client.port: {field: port}}
    prebuilt: false
    created_at: "2025-02-26T13:37:30.452Z"
    created_by: elastic
    updated_at: "2025-02-26T13:37:30.452Z"
    updated_by: elastic
operations:
  description: The writes sent to update an existing saved query (or that check mode would send).
  returned: when an existing saved query changed
  type: list
  elements: str
  sample: [update]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec
from ansible_collections.stackops.kibana.plugins.module_utils._osquery_saved_queries import (
    OSQUERY_SAVED_QUERY_MODULE_KWARGS,
    OSQUERY_SAVED_QUERY_OPTIONS,
    OsquerySavedQueryResource,
)


SPEC = resource_spec(OsquerySavedQueryResource, OSQUERY_SAVED_QUERY_OPTIONS,
                     **OSQUERY_SAVED_QUERY_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
