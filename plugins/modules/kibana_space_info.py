#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_space_info
short_description: Read Kibana spaces
version_added: 1.0.0
description:
  - Read one space by id, or every space the user can see (optionally those with a name).
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  id:
    description:
      - The id of the space to read. An unknown id returns an empty list; an id Kibana would
        refuse is refused before any request.
    type: str
  name:
    description: Only spaces with this exact name.
    type: str
seealso:
  - module: stackops.kibana.kibana_space
'''

EXAMPLES = r'''
- name: Every space
  stackops.kibana.kibana_space_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
  register: all_spaces

- name: One space
  stackops.kibana.kibana_space_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: security
  register: found
'''

RETURN = r'''
spaces:
  description: The spaces found, with the option names of M(stackops.kibana.kibana_space).
  returned: always
  type: list
  elements: dict
  sample:
    - id: default
      name: Default
      description: This is your default space!
      color: "#00bfb3"
      disabled_features: []
      reserved: true
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec
from ansible_collections.stackops.kibana.plugins.module_utils._spaces import (
    SPACE_INFO_OPTIONS,
    space_info,
)


SPEC = info_spec(space_info, SPACE_INFO_OPTIONS, space=False)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
