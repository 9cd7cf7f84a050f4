#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_connectors
short_description: Manage every action connector of a Kibana space in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.kibana_connector), in the tradition of Ansible's resource
    modules. Each element of O(config) declares one connector with the options of
    M(stackops.kibana.kibana_connector); O(state) says what happens to them and to the space's
    other connectors.
  - One read of the space's connectors serves every element; only the connectors that differ are
    written, several at a time. Every failure is reported with the element it concerns, and the
    other connectors are still converged (listed in RV(results) and RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.kibana_connector), so a set task
    and single-object tasks converge the same connectors to the same state.
  - Preconfigured (C(kibana.yml)) and system connectors are never changed or deleted; with
    O(state=overridden) they are left alone and listed in RV(kept).
  - Secrets are write-only in Kibana, so V(replaced) cannot compare them either (see
    O(config[].secrets_update)), and V(gathered) never returns them.
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
    - 'The connectors of the space, one element each. An element takes exactly the options of
      M(stackops.kibana.kibana_connector) (without O(state) and O(space_id): the set''s own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      id:
        description:
        - The connector id. A caller-chosen id must be what the Kibana version accepts. Before
          Kibana 9.4 it must be a UUID of version 1 to 5 (or the nil UUID), in any letter case;
          a version 5 UUID from the C(ansible.builtin.to_uuid) filter pins a stable id in a
          playbook. From Kibana 9.4 it must be a lowercase slug of letters, digits and hyphens,
          at most 36 characters (for example V(ops-webhook)); a lowercase UUID also fits, an
          upper-case one does not.
        - When not given, the connector is found by O(config[].name); several connectors with
          that name make the module fail and list their ids.
        type: str
      name:
        description:
        - The connector's display name. Names are not unique in Kibana.
        - Required when O(config[].id) is not given, and to create a connector.
        type: str
      connector_type_id:
        description:
        - The connector type, for example V(.webhook), V(.index), V(.server-log), V(.email),
          V(.slack), V(.slack_api), V(.pagerduty).
        - Required to create a connector. Kibana cannot change the type of an existing connector,
          so a different value fails unless O(config[].recreate=true).
        type: str
      config:
        description:
        - The type-specific configuration. Only the keys given here are compared and changed;
          other keys Kibana stores are kept.
        - A key set to V(null) is removed from the connector; Kibana then stores its default
          for that key if the type has one, which counts as removed.
        type: dict
      secrets:
        description:
        - The type-specific secrets (passwords, tokens, webhook URLs). Write-only, never returned
          and never shown in a diff. See O(config[].secrets_update).
        type: dict
      secrets_update:
        description:
        - V(on_create) sends O(config[].secrets) when the connector is created, when Kibana
          reports its secrets missing, and together with any other change (Kibana replaces the
          stored secrets on every update). An unchanged connector is left alone, so rotated
          secrets are not noticed.
        - V(always) sends O(config[].secrets) on every run and so always reports C(changed);
          use it to push rotated secrets.
        - Kibana never returns secrets and has no field where a version of them could be kept
          (a connector has a name, a type, a config its type validates and the secrets), so
          no module can tell a rotated secret from an unchanged one. The play can. Let the task
          that rotates the secret (writes it to the vault or file the play reads it from) notify
          a handler that runs this module with V(always). Runs without a rotation then report
          C(ok) and send nothing; see the example and C(docs/examples/connector-secret-rotation.yml).
        type: str
        choices:
        - on_create
        - always
        default: on_create
      recreate:
        description:
        - When O(config[].connector_type_id) differs from the existing connector's type, delete
          the connector and create it again (with the same O(config[].id) when given). Rules
          that use the connector keep referring to its id.
        type: bool
        default: false
  state:
    description:
      - V(merged) creates and updates the declared connectors, touching only the config keys
        they set; nothing else is changed.
      - V(replaced) makes each declared connector exactly as declared; config keys it does not
        set go back to Kibana's defaults for the type (for example C(method=post) on
        V(.webhook)). Other connectors are not touched.
      - V(overridden) is V(replaced), and every other connector of the space is deleted, except
        preconfigured and system connectors, which are kept and listed in RV(kept). The
        deletions are listed in RV(deleted), and shown first in diff and check mode.
        O(config=[]) deletes every connector of the space that can be deleted.
      - V(deleted) deletes the declared connectors (found by O(config[].id) or
        O(config[].name)); other connectors are not touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns the space's connectors in RV(gathered), in the
        shape O(config) takes, without secrets; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
notes:
  - Rules refer to connectors by id, so declare O(config[].id) to keep ids stable across Kibanas
    (an export with O(state=gathered) keeps them).
seealso:
  - module: stackops.kibana.kibana_connector
  - module: stackops.kibana.kibana_connector_info
'''

EXAMPLES = r'''
- name: These are the connectors of the ops space (others are deleted)
  stackops.kibana.kibana_connectors:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: ops
    state: overridden
    config:
      - id: 5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61
        name: ops-webhook
        connector_type_id: .webhook
        config:
          url: https://hooks.example.com/kibana
        secrets:
          user: kibana
          password: "{{ webhook_password }}"
      - name: alert-history
        connector_type_id: .index
        config:
          index: alert-history

- name: Add or update two connectors, leave the rest alone
  stackops.kibana.kibana_connectors:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    config:
      - name: server-log
        connector_type_id: .server-log
      - name: alert-history
        connector_type_id: .index
        config:
          index: alert-history-v2

- name: Export the connectors of a space
  stackops.kibana.kibana_connectors:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: ops
    state: gathered
  register: ops_connectors

- name: Remove two connectors
  stackops.kibana.kibana_connectors:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: deleted
    config:
      - name: server-log
      - id: 5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61
'''

RETURN = r'''
connectors:
  description:
    - The declared connectors as Kibana stores them after the run (in check mode, as expected),
      without secrets, in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.kibana_connector) returns it
      (C(changed), C(operations)) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The connectors deleted as not declared (O(state=overridden)), each with C(id) and C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{id: 0c2d1e7e-4b1a-4c55-9d0e-6f1f5c2b8a11, name: old-webhook}]
kept:
  description:
    - Connectors not declared that O(state=overridden) did not delete because Kibana does not
      let them be deleted (preconfigured, system), with C(id), C(name) and C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), the space's connectors in the shape O(config) takes (C(id),
      C(name), C(connector_type_id), C(config)), never their secrets. Preconfigured and system
      connectors are listed in RV(read_only) instead.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the connectors that cannot be declared (C(id), C(name),
    C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._connectors import (
    CONNECTOR_MODULE_KWARGS,
    CONNECTOR_OPTIONS,
    ConnectorResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(ConnectorResource, CONNECTOR_OPTIONS, CONNECTOR_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
