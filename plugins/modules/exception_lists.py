#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: exception_lists
short_description: Manage every exception list of a Kibana space in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.exception_list), in the tradition of Ansible's resource
    modules. Each element of O(config) declares one exception list with the options of
    M(stackops.kibana.exception_list); O(state) says what happens to them and to the space's
    other exception lists.
  - One read of the space's exception lists serves every element (the items of each declared
    list with O(config[].items) take one read per list); only the exception lists that
    differ are written, several at a time. Every failure is reported with the element it
    concerns, and the other exception lists are still converged (listed in RV(results) and
    RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.exception_list), so a set task
    and single-object tasks converge the same exception lists to the same state.
  - Lists of the V(agnostic) namespace are shared by every space. They can be declared, but
    O(state=overridden) never deletes an undeclared one and O(state=gathered) does not return them.
  - With O(state=replaced) and O(state=overridden), a list's declared O(config[].items) are
    all its items (O(config[].purge_items=true)).
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
    - 'The exception lists of the space, one element each. An element takes exactly the options
      of M(stackops.kibana.exception_list) (without O(state) and O(space_id): the set''s own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      list_id:
        description:
        - The list's human-readable id, unique in its namespace. It identifies the list together
          with O(config[].namespace_type) (and the space for V(single) lists).
        - Required unless O(config[].duplicate_from) is given. Mutually exclusive with O(config[].duplicate_from),
          because Kibana gives a duplicated list a new random C(list_id).
        type: str
      namespace_type:
        description:
        - V(single) lists belong to the space of C(space_id); V(agnostic) lists are shared by
          every space and are reached from any C(space_id).
        - Kibana cannot move a list between namespaces; another value means another list.
        type: str
        choices:
        - single
        - agnostic
        default: single
      name:
        description:
        - The list's display name (not unique). Required to create a list.
        - With O(config[].duplicate_from), the copy's name, by which the copy is found on later
          runs.
        type: str
      description:
        description:
        - The list's description. Kibana requires one, so a new list without it gets V("").
        type: str
      type:
        description:
        - The list type. Required to create a list (not with O(config[].duplicate_from), where
          the copy keeps its source's type).
        - Kibana cannot change the type of an existing list, so a different value fails unless
          O(config[].recreate=true).
        - V(endpoint) and the other C(endpoint_*) types are normally managed by Elastic Defend.
        type: str
        choices:
        - detection
        - rule_default
        - endpoint
        - endpoint_trusted_apps
        - endpoint_events
        - endpoint_host_isolation_exceptions
        - endpoint_blocklists
      tags:
        description: The list's tags, compared in any order.
        type: list
        elements: str
      meta:
        description: Free-form metadata. Only the keys given here are compared and changed.
        type: dict
      os_types:
        description:
        - The list's operating systems. Kibana ignores them on lists (see the description);
          set C(os_types) on the items instead, which Kibana keeps.
        type: list
        elements: str
        choices:
        - linux
        - macos
        - windows
      items:
        description:
        - The list's items. Each is identified by its O(config[].items[].item_id); items not
          declared here are kept unless O(config[].purge_items=true).
        - When not given, the list's items are neither read nor touched.
        - On ansible-core 2.19 and later, thousands of items are best read from a JSON file
          with the C(ansible.builtin.file) lookup and the C(from_json) filter. Written in the
          playbook or in a vars file, every string of every item is a template that these versions
          render before the module runs, which takes several times as long. Earlier versions
          render items written in the task fastest.
        type: list
        elements: dict
        suboptions:
          item_id:
            description:
            - The item's human-readable id. Kibana requires it to be unique across every list
              of the namespace (not only this list).
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
            - The conditions, all of which must match. Each entry is a dict with a C(type) and
              the keys of that type, checked before any request.
            - C(match) and C(wildcard) take C(field), C(value) (a string) and C(operator).
            - C(match_any) takes C(field), C(value) (a list of strings) and C(operator).
            - C(exists) takes C(field) and C(operator).
            - C(list) takes C(field), C(list) (C(id) and C(type) of a value list) and C(operator).
            - C(nested) takes C(field) and C(entries) (C(match), C(match_any) or C(exists) entries,
              each with its own operator) and no operator.
            - C(operator) is V(included) or V(excluded).
            type: list
            elements: dict
            required: true
          os_types:
            description: The operating systems the item applies to, compared in any order.
            type: list
            elements: str
            choices:
            - linux
            - macos
            - windows
          tags:
            description: The item's tags, compared in any order.
            type: list
            elements: str
          meta:
            description: Free-form metadata. Only the keys given here are compared.
            type: dict
          expire_time:
            description:
            - When the item expires, as an ISO 8601 UTC date-time such as V(2030-01-31T00:00:00.000Z)
              (Kibana 8.7.2 and later; not for endpoint lists).
            type: str
          comments:
            description:
            - Comment texts the item must hold. Kibana's comments are append-only, so texts
              the item does not hold yet are added after its existing comments, existing comments
              keep their ids, and comments not listed here are never removed or rewritten.
            type: list
            elements: str
      purge_items:
        description:
        - Delete the list's items that are not declared in O(config[].items). Needs O(config[].items);
          V(items=[]) with V(purge_items=true) empties the list.
        type: bool
        default: false
      duplicate_from:
        description:
        - The C(list_id) of a V(detection) or V(rule_default) list (in the same namespace and
          space) to copy with Kibana's C(_duplicate) when the list does not exist yet. Kibana
          copies the items (with new random C(item_id)s and without their comments) and names
          the copy C(<name> [Duplicate]) with a new random C(list_id); the module then renames
          it to O(config[].name) and converges the other options and O(config[].items).
        - The copy is found by O(config[].name) and O(config[].namespace_type), never the source.
          Several lists with that name make the module fail and list their ids.
        type: str
      include_expired_exceptions:
        description: With O(config[].duplicate_from), V(false) leaves the expired items out
          of the copy.
        type: bool
        default: true
      recreate:
        description:
        - When O(config[].type) differs from the existing list's type, delete the list with
          all its items and create it again with the declared items.
        - Items that are not declared would be lost, so this fails unless they are declared
          or O(config[].purge_items=true).
        type: bool
        default: false
  state:
    description:
      - V(merged) creates and updates the declared exception lists, touching only the options
        they set;
        nothing else is changed.
      - V(replaced) makes each declared exception list exactly as declared; options it leaves
        unset go
        back to Kibana's defaults (empty description, no tags, no operating systems; with items
        declared, no other items). Other exception lists are not touched.
      - V(overridden) is V(replaced), and every other exception list of the space (or of
        O(scope_tags)) is deleted,
        except immutable lists, which are kept and listed in RV(kept). The deletions are listed in
        RV(deleted), and shown first in diff and check mode. O(config=[]) deletes every
        exception list
        of the space (or of O(scope_tags)) that can be deleted.
      - V(deleted) deletes the declared exception lists (found by O(config[].list_id) or
        O(config[].name)); other exception lists are not touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns the space's exception lists in RV(gathered), in the
        shape O(config) takes; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  scope_tags:
    description:
      - With O(state=overridden), only the exception lists carrying every one of these tags are
        part of
        the set (deleted when not declared); exception lists without them are left alone.
    type: list
    elements: str
seealso:
  - module: stackops.kibana.exception_list
  - module: stackops.kibana.exception_list_info
'''

EXAMPLES = r'''
- name: The exception lists of the security space are these
  stackops.kibana.exception_lists:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    state: overridden
    config:
      - list_id: trusted-hosts
        name: Trusted hosts
        type: detection
        items:
          - item_id: build-server
            name: Build server
            entries:
              - {field: host.name, type: match, operator: included, value: build-01}

- name: Export the exception lists of a space
  stackops.kibana.exception_lists:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    state: gathered
  register: lists
'''

RETURN = r'''
exception_lists:
  description:
    - The declared exception lists as Kibana stores them after the run (in check mode, as expected),
      in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.exception_list) returns it
      (C(changed), C(operations), ...) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The exception lists deleted as not declared (O(state=overridden)), each with C(id) and
      C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
kept:
  description:
    - The exception lists not declared that O(state=overridden) did not delete because Kibana
      does not
      let them be changed (immutable lists), with C(id), C(name) and C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), the space's exception lists in the shape O(config) takes, each
      with all its items.
      Immutable lists are listed in RV(read_only) instead.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the exception lists that cannot be declared (C(id), C(name),
    C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._exception_lists import (
    EXCEPTION_LIST_MODULE_KWARGS,
    EXCEPTION_LIST_OPTIONS,
    ExceptionListResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(ExceptionListResource, EXCEPTION_LIST_OPTIONS, EXCEPTION_LIST_MODULE_KWARGS, scope_tags=True)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
