#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_rule_info
short_description: Read Kibana alerting rules
version_added: 1.0.0
description:
  - Read one alerting rule by id, the rules with a name, tags or rule type, or every rule of a
    space. The criteria combine; all matching rules are read, page by page
    (C(/api/alerting/rules/_find)).
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.INFO_MODULE
options:
  id:
    description: The id of the rule to read. An unknown id returns an empty list.
    type: str
  name:
    description: Only rules with this exact name (names are not unique).
    type: str
  tags:
    description: Only rules that have every one of these tags.
    type: list
    elements: str
  rule_type_id:
    description: Only rules of this type, for example V(.es-query).
    type: str
seealso:
  - module: stackops.kibana.kibana_rule
'''

EXAMPLES = r'''
- name: Every rule of the security space tagged logins
  stackops.kibana.kibana_rule_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    tags: [logins]
  register: login_rules

- name: Every Elasticsearch query rule
  stackops.kibana.kibana_rule_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    rule_type_id: .es-query
  register: query_rules

- name: One rule by name
  stackops.kibana.kibana_rule_info:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: disk usage
  register: found
'''

RETURN = r'''
rules:
  description: The rules found, as Kibana returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 0f6c7c1e-9f53-4b8e-9a51-6f0a3d1b2c01
      name: failed logins
      rule_type_id: .index-threshold
      consumer: alerts
      enabled: false
      tags: [security, logins]
      schedule: {interval: 5m}
      params: {index: [auth-logs], timeField: "@timestamp", aggType: count, groupBy: all}
      actions: []
      mute_all: false
      execution_status: {status: pending, last_execution_date: "2025-01-01T00:00:00.000Z"}
kibana_version:
  description: The version the target Kibana reports in C(/api/status).
  returned: always
  type: str
  sample: 9.4.0
'''

from ansible_collections.stackops.kibana.plugins.module_utils._alerting_rules import (
    RULE_INFO_OPTIONS,
    rule_info,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import info_spec


SPEC = info_spec(rule_info, RULE_INFO_OPTIONS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
