#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_spaces
short_description: Manage every space of Kibana in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.kibana_space), in the tradition of Ansible's resource
    modules. Each element of O(config) declares one space with the options of
    M(stackops.kibana.kibana_space); O(state) says what happens to them and to
    Kibana's other spaces.
  - One read of Kibana's spaces serves every element; only the spaces that
    differ are written, several at a time. Every failure is reported with the element it
    concerns, and the other spaces are still converged (listed in RV(results) and RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.kibana_space), so a set task
    and single-object tasks converge the same spaces to the same state.
  - Spaces are not inside a space, so this module has no C(space_id). Deleting a space deletes
    every object in it; O(state=overridden) deletes every space that is not declared, so use it
    only for a Kibana whose spaces are all kept as code, and look at its check mode first.
  - The default space is reserved. It can be declared and updated, and O(state=overridden)
    never deletes it (it is listed in RV(kept)).
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  config:
    description:
    - 'The spaces of Kibana, one element each. An element takes exactly the options of M(stackops.kibana.kibana_space)
      (without O(state): the set''s own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      id:
        description:
        - The space id, part of the space's URLs (C(/s/<id>/app/...)). It cannot be changed.
        - Lower case letters, digits, C(_) and C(-) only (the rule Kibana applies); any other
          id is refused before any request.
        type: str
        required: true
      name:
        description:
        - The display name. Required to create a space. Kibana trims leading and trailing blanks.
        type: str
      description:
        description: A description of the space. V('') clears it.
        type: str
      color:
        description:
        - The avatar's background color, a 6 digit hex color starting with C(#), for example
          V(#00BFB3). Kibana picks one from the name when it is not set.
        type: str
      initials:
        description: One or two characters shown in the space avatar.
        type: str
      image_url:
        description:
        - The avatar image as a data URL (C(data:image/png;base64,...)), shown instead of the
          initials; 64x64 works best. V('') removes it.
        type: str
      disabled_features:
        description:
        - The features hidden in the space, for example V(dev_tools), V(ml), V(fleet), V(siem).
        - The whole list is managed (compared as a set); V([]) enables every feature.
        type: list
        elements: str
      solution:
        description:
        - The solution view of the space's navigation. Kibana 8.18 or later (self-managed);
          the module reads the version from C(/api/status) before it sends a new solution and
          fails on an older Kibana, in check mode too. Serverless projects have no solution
          views.
        - Once set, a solution can be changed but not removed.
        type: str
        choices:
        - es
        - oblt
        - security
        - classic
  state:
    description:
      - V(merged) creates and updates the declared spaces, touching only the options they set;
        nothing else is changed.
      - V(replaced) makes each declared space exactly as declared; options it leaves unset go
        back to Kibana's defaults (no description, no image, no disabled features unless the
        solution derives them). Kibana derives initials and color from the name, and a
        solution cannot be removed, so those stay. Other spaces are not touched.
      - V(overridden) is V(replaced), and every other space is deleted with all its objects,
        except the default space, which is kept and listed in RV(kept). The deletions are
        listed in RV(deleted), and shown first in diff and check mode. O(config=[]) deletes
        every space but the default one.
      - V(deleted) deletes the declared spaces (found by O(config[].id)); other spaces are not
        touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns Kibana's spaces in RV(gathered), in the
        shape O(config) takes; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
seealso:
  - module: stackops.kibana.kibana_space
  - module: stackops.kibana.kibana_space_info
'''

EXAMPLES = r'''
- name: The spaces of this Kibana are these (the default space is kept)
  stackops.kibana.kibana_spaces:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: overridden
    config:
      - id: default
        name: Default
      - id: ops
        name: Operations
        color: "#00BFB3"
        disabled_features: [dev_tools]

- name: Export the spaces
  stackops.kibana.kibana_spaces:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: gathered
  register: spaces
'''

RETURN = r'''
spaces:
  description:
    - The declared spaces as Kibana stores them after the run (in check mode, as expected),
      in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.kibana_space) returns it
      (C(changed), C(operations), ...) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The spaces deleted as not declared (O(state=overridden)), each with C(id) and C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
kept:
  description:
    - The spaces not declared that O(state=overridden) did not delete because Kibana does not
      let them be changed (the default space), with C(id), C(name) and C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), Kibana's spaces in the shape O(config) takes.
      No space is read-only (the default space is gathered too); none are listed in RV(read_only) instead.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the spaces that cannot be declared (C(id), C(name),
    C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._spaces import (
    SPACE_OPTIONS,
    SpaceResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(SpaceResource, SPACE_OPTIONS, space=False)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
