#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: osquery_pack
short_description: Manage Osquery packs in Kibana
version_added: 1.0.0
description:
  - Create, update, copy and delete Osquery packs (C(/api/osquery/packs)) in a space, with their
    queries, ECS mappings, agent policies, shards and interval or RRULE schedules.
  - A pack is found by O(name), which Kibana keeps unique per space, or by O(id). Kibana chooses
    the id of a new pack; it is returned as C(id) in RV(pack).
  - Idempotent. Only the options you set are compared, and nothing is sent when nothing differs.
    Kibana answers in three shapes (queries as an object, as an array, or mixed) and leaves a
    query's platform out when it is every platform; the module compares and returns the object
    form you write, so an unchanged pack is never reported as changed.
  - O(queries), O(shards) and a query's C(ecs_mapping) are complete sets. An update replaces them
    with what you give, so queries, shards or mappings that only exist in Kibana are removed.
    Fields of a query you leave out keep their stored values; set them to change them.
  - Every update sends the pack's description, agent policies and shards, because Kibana clears
    an omitted description (and older versions omitted policies and shards).
  - The schedule options (O(schedule_type), O(interval), O(rrule_schedule)) and O(copy_from) need
    Kibana 9.4 or later. The module reads the version from C(/api/status) when you use them and
    fails with a clear message on an older Kibana, which would otherwise silently drop the
    schedule.
  - Schedules are checked before any request, as Kibana checks them (RFC 3339 dates, O(rrule_schedule.end_date)
    after O(rrule_schedule.start_date), splay as a Go duration of at most 12 hours, RRULE syntax,
    length limits).
  - Prebuilt packs (installed by the Osquery Manager integration, C(read_only)) are refused for
    update and delete; copy one with O(copy_from) to make your own version.
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
      - The pack id (its C(saved_object_id)). Kibana generates it, so an unknown id fails; create
        a pack by O(name).
      - With O(id), a different O(name) renames the pack.
    type: str
  name:
    description:
      - The pack name, unique per space. Identifies the pack when O(id) is not given.
    type: str
  description:
    description: The pack description.
    type: str
  enabled:
    description:
      - Whether the pack runs. An enabled pack is written into the Osquery Manager integration of
        its agent policies, which gives those policies a new revision.
      - Kibana creates a pack disabled when this is not set.
    type: bool
  policy_ids:
    description:
      - The ids of the agent policies the pack runs on. Each needs the Osquery Manager
        integration, otherwise Kibana refuses the pack.
      - Order does not matter.
    type: list
    elements: str
  policies:
    description:
      - The agent policies the pack runs on, by name; resolved to their ids through Fleet in
        O(space_id). Each must exist and have the Osquery Manager integration.
    type: list
    elements: str
  shards:
    description:
      - The percentage (1 to 100) of each agent policy's hosts that run the pack, keyed by agent
        policy id, by a name listed in O(policies), or V(*) for every agent policy with Osquery
        Manager (a global pack, which cannot be combined with O(policy_ids) or O(policies)).
      - The complete set; V({}) removes every shard.
    type: dict
  queries:
    description:
      - The pack's queries, keyed by query id. Required to create a pack (unless O(copy_from)).
      - "Each query is a dict with C(query) (the SQL, required unless C(saved_query_id) is set),
        C(saved_query_id), C(interval) (seconds),
        C(timeout) (seconds), C(platform) (a list of V(linux), V(darwin), V(windows); every
        platform when left out), C(version) (the minimum osquery version), C(snapshot),
        C(removed), C(ecs_mapping) and, for a pack with O(schedule_type=rrule), C(rrule_schedule)
        (the same keys as O(rrule_schedule))."
      - "C(ecs_mapping) maps an ECS field to a dict with exactly one of C(field) (an osquery
        column) or C(value) (a constant, or a list of constants), for example
        C({client.port: {field: port}, tags: {value: [osquery]}})."
      - "C(saved_query_id) names a saved query of the pack's space (see
        M(stackops.kibana.osquery_saved_query)) by its id or saved object id. Kibana does not
        store it and never reads the saved query, so the module does what Kibana's UI does: it
        copies the saved query's C(query), C(timeout), C(platform), C(version), C(snapshot),
        C(removed), C(ecs_mapping) and, in a pack without O(schedule_type), C(interval) into the
        pack query, for the keys the query does not set. A later change of the saved query
        reaches the pack on the next run."
      - A per-query override uses the pack's schedule mode only, C(interval) with
        O(schedule_type=interval) or without a schedule type, C(rrule_schedule) with
        O(schedule_type=rrule).
    type: dict
  schedule_type:
    description:
      - How the pack is scheduled. V(interval) runs every O(interval) seconds, V(rrule) follows
        O(rrule_schedule). When not set, each query runs at its own C(interval).
      - Needs Kibana 9.4 or later.
    type: str
    choices: [interval, rrule]
  interval:
    description:
      - The pack-level interval in seconds, with O(schedule_type=interval).
    type: int
  rrule_schedule:
    description:
      - The pack's recurrence, with O(schedule_type=rrule). Kibana merges it into the stored
        schedule, so keys left out keep their stored values.
    type: dict
    suboptions:
      rrule:
        description:
          - An RFC 5545 RRULE without DTSTART, for example V(FREQ=WEEKLY;BYDAY=MO,WE,FR). At most
            2048 characters.
        type: str
        required: true
      start_date:
        description:
          - The first run, an RFC 3339 date-time such as V(2025-01-01T00:00:00Z). A bare date is
            refused.
        type: str
        required: true
      end_date:
        description: The end of the schedule, an RFC 3339 date-time after O(rrule_schedule.start_date).
        type: str
      splay:
        description:
          - A random delay before each run, a Go duration such as V(30s), V(5m) or V(1h); at
            most V(12h).
        type: str
      timeout:
        description: The query timeout in seconds (osquerybeat uses 60 when not set).
        type: int
  copy_from:
    description:
      - Create the pack as a copy of another pack of the space (its id or name), for example a
        prebuilt one, then give it O(name) and the other options. The copy starts disabled, with
        no agent policies and no shards.
      - Only used when the pack does not exist yet. Needs Kibana 9.4 or later.
    type: str
  state:
    description:
      - V(present) creates or updates the pack, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - A pack runs on hosts only when its agent policies have the Osquery Manager integration; add
    it to the policies in Fleet.
seealso:
  - module: stackops.kibana.osquery_pack_info
  - module: stackops.kibana.fleet_agent_policy
'''

EXAMPLES = r'''
- name: A pack of two queries with ECS mappings, on two agent policies found by name
  stackops.kibana.osquery_pack:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: ports-and-users
    description: Listening ports and logged-in users
    enabled: true
    policies: [Linux servers, Windows servers]
    shards:
      Linux servers: 50
    queries:
      listening_ports:
        query: SELECT * FROM listening_ports;
        interval: 600
        platform: [linux, windows]
        ecs_mapping:
          client.port: {field: port}
          tags: {value: [osquery, ports]}
      logged_in_users:
        query: SELECT * FROM logged_in_users;
        interval: 3600
        snapshot: true

- name: A weekly RRULE schedule with an override for one query (Kibana 9.4 or later)
  stackops.kibana.osquery_pack:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: weekly-inventory
    schedule_type: rrule
    rrule_schedule:
      rrule: FREQ=WEEKLY;BYDAY=MO,WE,FR
      start_date: "2025-01-06T06:00:00Z"
      splay: 30m
    queries:
      programs:
        query: SELECT name, version FROM programs;
        platform: [windows]
      packages:
        query: SELECT name, version FROM deb_packages;
        platform: [linux]
        rrule_schedule:
          rrule: FREQ=DAILY
          start_date: "2025-01-06T06:00:00Z"

- name: My own version of a prebuilt pack
  stackops.kibana.osquery_pack:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: hardware-monitoring-ops
    copy_from: hardware-monitoring
    description: Hardware changes on the ops fleet
    policy_ids: [2b820230-4b54-11ed-b107-4bfe66d759e4]
    enabled: true

- name: Remove a pack
  stackops.kibana.osquery_pack:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: weekly-inventory
    state: absent
'''

RETURN = r'''
pack:
  description:
    - The pack as Kibana stored it (after the change), in the object form of the options, with
      its C(id). A query's C(platform) is left out when it is every platform.
    - In check mode, the pack Kibana is expected to store (C(id) is null for a new pack).
    - An unchanged pack found by O(name) is returned from Kibana's pack list, which has no
      C(shards); they are returned when O(shards) is set or the pack changed.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: 3c42c847-eb30-4452-80e0-728584042334
    name: ports-and-users
    description: Listening ports and logged-in users
    enabled: true
    policy_ids: [2b820230-4b54-11ed-b107-4bfe66d759e4]
    shards: {2b820230-4b54-11ed-b107-4bfe66d759e4: 50}
    queries:
      listening_ports:
        query: SELECT * FROM listening_ports;
        interval: 600
        platform: [linux, windows]
        ecs_mapping: {client.port: {field: port}}
    read_only: false
    created_at: "2025-02-26T13:37:30.452Z"
    created_by: elastic
    updated_at: "2025-02-26T13:37:30.452Z"
    updated_by: elastic
operations:
  description: The writes sent to update an existing pack (or that check mode would send).
  returned: when an existing pack changed
  type: list
  elements: str
  sample: [update]
copied_from:
  description: The id of the pack copied with O(copy_from).
  returned: when the pack was created as a copy
  type: str
  sample: 5d1c5a52-0f5e-4d2b-9c1e-7a4c0d3b9e01
'''

from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec
from ansible_collections.stackops.kibana.plugins.module_utils._osquery_packs import (
    OSQUERY_PACK_MODULE_KWARGS,
    OSQUERY_PACK_OPTIONS,
    OsqueryPackResource,
)


SPEC = resource_spec(OsqueryPackResource, OSQUERY_PACK_OPTIONS, **OSQUERY_PACK_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
