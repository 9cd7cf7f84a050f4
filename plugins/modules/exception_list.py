#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: exception_list
short_description: Manage Kibana security exception lists with all their items
version_added: 1.0.0
description:
  - Create, update and delete a security exception list (C(/api/exception_lists)) and converge
    the items declared in the same task, in a space or across every space.
  - Built for large lists. Every item of the list is read with paginated C(items/_find) at the
    largest page size (10,000), compared in memory, and only the items that differ are written,
    one request each (create, overwrite-update with the item's C(id) and C(_version), delete).
    A list of 5,000 unchanged items costs two requests.
  - Idempotent. Only the options you set are compared, on the list and on each item; what
    Kibana adds (C(_version), C(version), timestamps, empty C(tags), C(os_types) and
    C(comments)) never causes a change, and nothing is sent when nothing differs.
  - Items whose C(os_types) read back as an empty list (Kibana issue 244818) are not taken for
    a change, and their stored C(os_types) are kept when the item is updated; the module asks
    Kibana which items store which operating system with filtered C(items/_find) requests when
    that matters.
  - Kibana's exception list API ignores list-level O(os_types) on create and on update (in
    every version whose source was read). While the list holds none, O(os_types) alone never
    causes a write, which could change nothing; the module says so in one warning. They are
    sent along with any other update, and compared once Kibana holds some.
  - When an item write fails (after one retry on a stale C(_version)), the module stops and
    reports the item, Kibana's message and the items already written (C(written)).
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
attributes:
  check_mode:
    support: full
    details: Items are read, compared and counted as for a real run; nothing is written.
  diff_mode:
    support: full
    details: The list's changed fields and, under C(items), only the items that change.
options:
  list_id:
    description:
      - The list's human-readable id, unique in its namespace. It identifies the list together
        with O(namespace_type) (and the space for V(single) lists).
      - Required unless O(duplicate_from) is given. Mutually exclusive with O(duplicate_from),
        because Kibana gives a duplicated list a new random C(list_id).
    type: str
  namespace_type:
    description:
      - V(single) lists belong to the space of O(space_id); V(agnostic) lists are shared by every
        space and are reached from any O(space_id).
      - Kibana cannot move a list between namespaces; another value means another list.
    type: str
    choices: [single, agnostic]
    default: single
  name:
    description:
      - The list's display name (not unique). Required to create a list.
      - With O(duplicate_from), the copy's name, by which the copy is found on later runs.
    type: str
  description:
    description:
      - The list's description. Kibana requires one, so a new list without it gets V("").
    type: str
  type:
    description:
      - The list type. Required to create a list (not with O(duplicate_from), where the copy
        keeps its source's type).
      - Kibana cannot change the type of an existing list, so a different value fails unless
        O(recreate=true).
      - V(endpoint) and the other C(endpoint_*) types are normally managed by Elastic Defend.
    type: str
    choices: [detection, rule_default, endpoint, endpoint_trusted_apps, endpoint_events,
              endpoint_host_isolation_exceptions, endpoint_blocklists]
  tags:
    description: The list's tags, compared in any order.
    type: list
    elements: str
  meta:
    description: Free-form metadata. Only the keys given here are compared and changed.
    type: dict
  os_types:
    description:
      - The list's operating systems. Kibana ignores them on lists (see the description); set
        C(os_types) on the items instead, which Kibana keeps.
    type: list
    elements: str
    choices: [linux, macos, windows]
  items:
    description:
      - The list's items. Each is identified by its O(items[].item_id); items not declared here
        are kept unless O(purge_items=true).
      - When not given, the list's items are neither read nor touched.
      - On ansible-core 2.19 and later, thousands of items are best read from a JSON file
        with the C(ansible.builtin.file) lookup and the C(from_json) filter. Written in the
        playbook or in a vars file, every string of every item is a template that these
        versions render before the module runs, which takes several times as long. Earlier
        versions render items written in the task fastest.
    type: list
    elements: dict
    suboptions:
      item_id:
        description:
          - The item's human-readable id. Kibana requires it to be unique across every list of
            the namespace (not only this list).
        type: str
        required: true
      name:
        description: The item's name.
        type: str
        required: true
      description:
        description: The item's description (V("") when not given on create).
        type: str
      entries:
        description:
          - The conditions, all of which must match. Each entry is a dict with a C(type) and the
            keys of that type, checked before any request.
          - C(match) and C(wildcard) take C(field), C(value) (a string) and C(operator).
          - C(match_any) takes C(field), C(value) (a list of strings) and C(operator).
          - C(exists) takes C(field) and C(operator).
          - C(list) takes C(field), C(list) (C(id) and C(type) of a value list) and C(operator).
          - C(nested) takes C(field) and C(entries) (C(match), C(match_any) or C(exists)
            entries, each with its own operator) and no operator.
          - C(operator) is V(included) or V(excluded).
        type: list
        elements: dict
        required: true
      os_types:
        description: The operating systems the item applies to, compared in any order.
        type: list
        elements: str
        choices: [linux, macos, windows]
      tags:
        description: The item's tags, compared in any order.
        type: list
        elements: str
      meta:
        description: Free-form metadata. Only the keys given here are compared.
        type: dict
      expire_time:
        description:
          - When the item expires, as an ISO 8601 UTC date-time such as
            V(2030-01-31T00:00:00.000Z) (Kibana 8.7.2 and later; not for endpoint lists).
        type: str
      comments:
        description:
          - Comment texts the item must hold. Kibana's comments are append-only, so texts the
            item does not hold yet are added after its existing comments, existing comments keep
            their ids, and comments not listed here are never removed or rewritten.
        type: list
        elements: str
  purge_items:
    description:
      - Delete the list's items that are not declared in O(items). Needs O(items); V(items=[])
        with V(purge_items=true) empties the list.
    type: bool
    default: false
  duplicate_from:
    description:
      - The C(list_id) of a V(detection) or V(rule_default) list (in the same namespace and
        space) to copy with Kibana's C(_duplicate) when the list does not exist yet. Kibana
        copies the items (with new random C(item_id)s and without their comments) and names the
        copy C(<name> [Duplicate]) with a new random C(list_id); the module then renames it to
        O(name) and converges the other options and O(items).
      - The copy is found by O(name) and O(namespace_type), never the source. Several lists
        with that name make the module fail and list their ids.
    type: str
  include_expired_exceptions:
    description: With O(duplicate_from), V(false) leaves the expired items out of the copy.
    type: bool
    default: true
  recreate:
    description:
      - When O(type) differs from the existing list's type, delete the list with all its items
        and create it again with the declared items.
      - Items that are not declared would be lost, so this fails unless they are declared or
        O(purge_items=true).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the list and its items, V(absent) deletes the list with
        all its items.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Rules that use the list see each item write at once. Items are created and updated before
    others are deleted, so a rule is never left without an exception that stays declared.
seealso:
  - module: stackops.kibana.exception_list_info
'''

EXAMPLES = r'''
- name: A detection exception list with its items
  stackops.kibana.exception_list:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    list_id: trusted-build-hosts
    name: Trusted build hosts
    description: Build servers whose tooling looks like an attack
    type: detection
    tags: [ci]
    items:
      - item_id: build-01
        name: build-01 compilers
        entries:
          - {type: match, field: host.name, value: build-01, operator: included}
          - {type: match_any, field: process.name, value: [gcc, ld, make], operator: included}
        os_types: [linux]
        comments: [Approved in SEC-1234]
      - item_id: temp-scanner
        name: Temporary scanner
        entries:
          - {type: wildcard, field: process.executable, value: /opt/scanner/*, operator: included}
        expire_time: "2030-01-31T00:00:00.000Z"
    purge_items: true

- name: Thousands of items kept in a file, in a list shared by every space
  stackops.kibana.exception_list:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    list_id: known-good-hashes
    namespace_type: agnostic
    name: Known good hashes
    type: detection
    # a JSON list of items: {item_id, name, entries}; read by a lookup, they are plain data
    # (written in the playbook or a vars file, ansible-core 2.19+ renders each of their
    # strings as a template first, several times slower; before 2.19, the reverse)
    items: "{{ lookup('ansible.builtin.file', 'known-good-hashes.json') | from_json }}"
    purge_items: true

- name: Copy a list, without its expired items, under a new name
  stackops.kibana.exception_list:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    duplicate_from: trusted-build-hosts
    include_expired_exceptions: false
    name: Trusted build hosts (staging)
  register: staging_copy

- name: Delete a list with its items
  stackops.kibana.exception_list:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    list_id: trusted-build-hosts
    state: absent
'''

RETURN = r'''
exception_list:
  description:
    - The list as Kibana stored it (after the change), without its items.
    - In check mode, the list Kibana is expected to store. Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: 9e5fc75a-a3da-46c5-96e3-a2ec59c6bb85
    list_id: trusted-build-hosts
    namespace_type: single
    type: detection
    name: Trusted build hosts
    description: Build servers whose tooling looks like an attack
    tags: [ci]
    os_types: []
    immutable: false
    version: 2
    _version: WzEyLDFd
    tie_breaker_id: 6fa670bd-666d-4c9c-9f1e-d1dbc516e985
    created_at: "2025-01-09T16:19:50.280Z"
    created_by: elastic
    updated_at: "2025-01-09T16:21:02.114Z"
    updated_by: elastic
item_counts:
  description:
    - How many items were created, updated and deleted, and how many were left as they were
      (the ones predicted in check mode).
    - C(deleted) includes the items deleted with a recreated list; C(copied) (with
      O(duplicate_from), when the copy was made) counts the items Kibana copied.
  returned: when O(items) is given and O(state=present)
  type: dict
  sample: {created: 1, updated: 2, deleted: 0, unchanged: 4997}
changed_items:
  description:
    - The item_ids created, updated and deleted (in check mode, the ones that would be); the
      items themselves are never returned, and the result's C(invocation) counts O(items)
      instead of echoing them (C("5000 items (not echoed)")).
  returned: when O(items) is given and O(state=present)
  type: dict
  sample: {created: [build-07], updated: [build-01], deleted: []}
operations:
  description: The writes sent to an existing list (or that check mode would send).
  returned: when an existing list or its items changed
  type: list
  elements: str
  sample: [update, create_items, update_items, delete_items]
written:
  description:
    - On a failed item write, the item_ids already created, updated and deleted before it.
  returned: when an item write failed
  type: dict
  sample: {created: [build-01], updated: [], deleted: []}
failed_item:
  description: On a failed item write, the item_id of the (first, in declaration order) item
    that failed.
  returned: when an item write failed
  type: str
  sample: temp-scanner
failed_items:
  description:
    - On failed item writes, every item that failed with its error message. Items are written
      8 at a time, so several can fail in one run; every other item of that kind of write was
      written (listed in RV(written)), and deletes do not start after a failed create or update.
  returned: when an item write failed
  type: dict
  sample: {temp-scanner: "POST /api/exception_lists/items returned HTTP 400: ..."}
'''

from ansible_collections.stackops.kibana.plugins.module_utils._exception_lists import (
    EXCEPTION_LIST_MODULE_KWARGS,
    EXCEPTION_LIST_OPTIONS,
    ExceptionListResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec


SPEC = resource_spec(ExceptionListResource, EXCEPTION_LIST_OPTIONS, **EXCEPTION_LIST_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
