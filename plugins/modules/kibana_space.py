#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_space
short_description: Manage Kibana spaces
version_added: 1.0.0
description:
  - Create, update and delete Kibana spaces (C(/api/spaces/space)).
  - Idempotent. Only the options you set are compared, and nothing is sent when nothing differs.
    O(disabled_features) is compared as a set.
  - The C(default) space is reserved. It can be updated (its name, color, disabled features,
    ...) but Kibana does not let it be deleted; O(state=absent) on it fails, in check mode too.
  - Deleting a space deletes every saved object in it (rules, connectors, packs, ...) in Kibana.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  id:
    description:
      - The space id, part of the space's URLs (C(/s/<id>/app/...)). It cannot be changed.
      - Lower case letters, digits, C(_) and C(-) only (the rule Kibana applies); any other id is
        refused before any request.
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
      - The solution view of the space's navigation. Kibana 8.18 or later (self-managed); the
        module reads the version from C(/api/status) before it sends a new solution and fails
        on an older Kibana, in check mode too. Serverless projects have no solution views.
      - Once set, a solution can be changed but not removed.
    type: str
    choices: [es, oblt, security, classic]
  state:
    description:
      - V(present) creates or updates the space, V(absent) deletes it with all its objects.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Spaces are not inside a space, so this module has no C(space_id) option.
seealso:
  - module: stackops.kibana.kibana_space_info
'''

EXAMPLES = r'''
- name: A space for the security team, with the security solution view
  stackops.kibana.kibana_space:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: security
    name: Security
    description: Detections, exceptions and osquery packs
    color: "#BD271E"
    initials: SE
    disabled_features: [dev_tools, canvas]
    solution: security

- name: Rename the default space (it can be updated, never deleted)
  stackops.kibana.kibana_space:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: default
    name: Operations

- name: Remove a space and everything in it
  stackops.kibana.kibana_space:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: sandbox
    state: absent
'''

RETURN = r'''
space:
  description:
    - The space as Kibana stored it (after the change), with the module's option names.
    - In check mode, the space Kibana is expected to store. Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: security
    name: Security
    description: Detections, exceptions and osquery packs
    color: "#BD271E"
    initials: SE
    disabled_features: [dev_tools, canvas]
    solution: security
    reserved: false
operations:
  description: The writes sent to update an existing space (or that check mode would send).
  returned: when an existing space changed
  type: list
  elements: str
  sample: [update]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec
from ansible_collections.stackops.kibana.plugins.module_utils._spaces import (
    SPACE_OPTIONS,
    SpaceResource,
)


SPEC = resource_spec(SpaceResource, SPACE_OPTIONS, space=False)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
