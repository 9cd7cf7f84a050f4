#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: osquery_packs
short_description: Manage every osquery pack of a Kibana space in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.osquery_pack), in the tradition of Ansible's resource
    modules. Each element of O(config) declares one osquery pack with the options of
    M(stackops.kibana.osquery_pack); O(state) says what happens to them and to the space's
    other osquery packs.
  - One read of the space's osquery packs serves every element and the agent policy names of all
    their O(config[].policies) are resolved with one more read; only the osquery packs that
    differ are written, several at a time. Every failure is reported with the element it
    concerns, and the other osquery packs are still converged (listed in RV(results) and
    RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.osquery_pack), so a set task
    and single-object tasks converge the same osquery packs to the same state.
  - Kibana chooses the id of a new pack, so packs are declared (and gathered) by name.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  config:
    description:
    - 'The osquery packs of the space, one element each. An element takes exactly the options
      of M(stackops.kibana.osquery_pack) (without O(state) and O(space_id): the set''s own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      id:
        description:
        - The pack id (its C(saved_object_id)). Kibana generates it, so an unknown id fails;
          create a pack by O(config[].name).
        - With O(config[].id), a different O(config[].name) renames the pack.
        type: str
      name:
        description:
        - The pack name, unique per space. Identifies the pack when O(config[].id) is not given.
        type: str
      description:
        description: The pack description.
        type: str
      enabled:
        description:
        - Whether the pack runs. An enabled pack is written into the Osquery Manager integration
          of its agent policies, which gives those policies a new revision.
        - Kibana creates a pack disabled when this is not set.
        type: bool
      policy_ids:
        description:
        - The ids of the agent policies the pack runs on. Each needs the Osquery Manager integration,
          otherwise Kibana refuses the pack.
        - Order does not matter.
        type: list
        elements: str
      policies:
        description:
        - The agent policies the pack runs on, by name; resolved to their ids through Fleet
          in C(space_id). Each must exist and have the Osquery Manager integration.
        type: list
        elements: str
      shards:
        description:
        - The percentage (1 to 100) of each agent policy's hosts that run the pack, keyed by
          agent policy id, by a name listed in O(config[].policies), or V(*) for every agent
          policy with Osquery Manager (a global pack, which cannot be combined with O(config[].policy_ids)
          or O(config[].policies)).
        - The complete set; V({}) removes every shard.
        type: dict
      queries:
        description:
        - The pack's queries, keyed by query id. Required to create a pack (unless O(config[].copy_from)).
        - Each query is a dict with C(query) (the SQL, required unless C(saved_query_id) is
          set), C(saved_query_id), C(interval) (seconds), C(timeout) (seconds), C(platform)
          (a list of V(linux), V(darwin), V(windows); every platform when left out), C(version)
          (the minimum osquery version), C(snapshot), C(removed), C(ecs_mapping) and, for a
          pack with O(config[].schedule_type=rrule), C(rrule_schedule) (the same keys as O(config[].rrule_schedule)).
        - 'C(ecs_mapping) maps an ECS field to a dict with exactly one of C(field) (an osquery
          column) or C(value) (a constant, or a list of constants), for example C({client.port:
          {field: port}, tags: {value: [osquery]}}).'
        - 'C(saved_query_id) names a saved query of the pack''s space (see M(stackops.kibana.osquery_saved_query))
          by its id or saved object id. Kibana does not store it and never reads the saved query,
          so the module does what Kibana''s UI does: it copies the saved query''s C(query),
          C(timeout), C(platform), C(version), C(snapshot), C(removed), C(ecs_mapping) and,
          in a pack without O(config[].schedule_type), C(interval) into the pack query, for
          the keys the query does not set. A later change of the saved query reaches the pack
          on the next run.'
        - A per-query override uses the pack's schedule mode only, C(interval) with O(config[].schedule_type=interval)
          or without a schedule type, C(rrule_schedule) with O(config[].schedule_type=rrule).
        type: dict
      schedule_type:
        description:
        - How the pack is scheduled. V(interval) runs every O(config[].interval) seconds, V(rrule)
          follows O(config[].rrule_schedule). When not set, each query runs at its own C(interval).
        - Needs Kibana 9.4 or later.
        type: str
        choices:
        - interval
        - rrule
      interval:
        description:
        - The pack-level interval in seconds, with O(config[].schedule_type=interval).
        type: int
      rrule_schedule:
        description:
        - The pack's recurrence, with O(config[].schedule_type=rrule). Kibana merges it into
          the stored schedule, so keys left out keep their stored values.
        type: dict
        suboptions:
          rrule:
            description:
            - An RFC 5545 RRULE without DTSTART, for example V(FREQ=WEEKLY;BYDAY=MO,WE,FR).
              At most 2048 characters.
            type: str
            required: true
          start_date:
            description:
            - The first run, an RFC 3339 date-time such as V(2025-01-01T00:00:00Z). A bare date
              is refused.
            type: str
            required: true
          end_date:
            description: The end of the schedule, an RFC 3339 date-time after O(config[].rrule_schedule.start_date).
            type: str
          splay:
            description:
            - A random delay before each run, a Go duration such as V(30s), V(5m) or V(1h);
              at most V(12h).
            type: str
          timeout:
            description: The query timeout in seconds (osquerybeat uses 60 when not set).
            type: int
      copy_from:
        description:
        - Create the pack as a copy of another pack of the space (its id or name), for example
          a prebuilt one, then give it O(config[].name) and the other options. The copy starts
          disabled, with no agent policies and no shards.
        - Only used when the pack does not exist yet. Needs Kibana 9.4 or later.
        type: str
  state:
    description:
      - V(merged) creates and updates the declared osquery packs, touching only the options they
        set;
        nothing else is changed.
      - V(replaced) makes each declared osquery pack exactly as declared; options it leaves unset go
        back to Kibana's defaults (empty description, disabled, no agent policies, no shards).
        Other osquery packs are not touched.
      - V(overridden) is V(replaced), and every other osquery pack of the space is deleted,
        except prebuilt packs installed by the Osquery Manager integration, which are kept and
        listed in RV(kept). The deletions are listed in
        RV(deleted), and shown first in diff and check mode. O(config=[]) deletes every osquery pack
        of the space that can be deleted.
      - V(deleted) deletes the declared osquery packs (found by O(config[].id) or
        O(config[].name)); other osquery packs are not touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns the space's osquery packs in RV(gathered), in the
        shape O(config) takes; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
seealso:
  - module: stackops.kibana.osquery_pack
  - module: stackops.kibana.osquery_pack_info
'''

EXAMPLES = r'''
- name: The osquery packs of the space are these (prebuilt packs are kept)
  stackops.kibana.osquery_packs:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: overridden
    config:
      - name: uptime
        enabled: true
        policies: [Linux servers]
        queries:
          uptime:
            query: SELECT * FROM uptime;
            interval: 3600

- name: Export the osquery packs of a space
  stackops.kibana.osquery_packs:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: gathered
  register: packs
'''

RETURN = r'''
osquery_packs:
  description:
    - The declared osquery packs as Kibana stores them after the run (in check mode, as expected),
      in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.osquery_pack) returns it
      (C(changed), C(operations), ...) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The osquery packs deleted as not declared (O(state=overridden)), each with C(id) and C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
kept:
  description:
    - The osquery packs not declared that O(state=overridden) did not delete because Kibana does not
      let them be changed (prebuilt packs installed by the Osquery Manager integration), with
      C(id), C(name) and C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), the space's osquery packs in the shape O(config) takes (by name,
      without id; a pack's shards are read with one request per pack).
      Prebuilt packs are listed in RV(read_only) instead.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the osquery packs that cannot be declared (C(id), C(name),
    C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._osquery_packs import (
    OSQUERY_PACK_MODULE_KWARGS,
    OSQUERY_PACK_OPTIONS,
    OsqueryPackResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(OsqueryPackResource, OSQUERY_PACK_OPTIONS, OSQUERY_PACK_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
