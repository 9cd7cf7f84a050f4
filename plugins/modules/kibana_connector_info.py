#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_connector_info
short_description: Read Kibana action connectors
version_added: 1.0.0
description:
  - Read one connector by id or name, or every connector of a space (optionally of one type),
    including preconfigured and system connectors. Secrets are never returned.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  id:
    description: The id of the connector to read. An unknown id returns an empty list.
    type: str
  name:
    description: Only connectors with this exact name (names are not unique).
    type: str
  connector_type_id:
    description: Only connectors of this type, for example V(.webhook).
    type: str
seealso:
  - module: stackops.kibana.kibana_connector
'''

EXAMPLES = r'''
- name: Every webhook connector of the default space
  stackops.kibana.kibana_connector_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    connector_type_id: .webhook
  register: webhooks

- name: One connector by name
  stackops.kibana.kibana_connector_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: alert-history
  register: found
'''

RETURN = r'''
connectors:
  description: The connectors found, as Kibana returns them, without secrets.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61
      name: alert-history
      connector_type_id: .index
      config: {index: alert-history, refresh: true, executionTimeField: null}
      is_preconfigured: false
      is_deprecated: false
      is_system_action: false
      referenced_by_count: 2
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._connectors import (
    CONNECTOR_INFO_OPTIONS,
    connector_info,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec


SPEC = info_spec(connector_info, CONNECTOR_INFO_OPTIONS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
