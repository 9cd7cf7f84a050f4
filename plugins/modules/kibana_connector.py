#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_connector
short_description: Manage Kibana action connectors
version_added: 1.0.0
description:
  - Create, update and delete Kibana action connectors (C(/api/actions/connector)) in a space.
  - Idempotent. Only the options you set are compared; the defaults Kibana adds to a connector's
    C(config) (for example C(method=post) on C(.webhook)) never cause a change, and nothing is
    sent when nothing differs.
  - Secrets are write-only in Kibana and cannot be compared. They are sent when the connector is
    created, when Kibana reports them missing (C(is_missing_secrets), for example after a saved
    object import), with every update of the connector, and on every run with
    O(secrets_update=always).
  - Preconfigured connectors (from C(kibana.yml)) and system connectors cannot be updated or
    deleted; the module fails with a clear message when asked to.
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
      - The connector id. A caller-chosen id must be what the Kibana version accepts. Before
        Kibana 9.4 it must be a UUID of version 1 to 5 (or the nil UUID), in any letter case; a
        version 5 UUID from the C(ansible.builtin.to_uuid) filter pins a stable id in a playbook.
        From Kibana 9.4 it must be a lowercase slug of letters, digits and hyphens, at most 36
        characters (for example V(ops-webhook)); a lowercase UUID also fits, an upper-case one
        does not.
      - When not given, the connector is found by O(name); several connectors with that name
        make the module fail and list their ids.
    type: str
  name:
    description:
      - The connector's display name. Names are not unique in Kibana.
      - Required when O(id) is not given, and to create a connector.
    type: str
  connector_type_id:
    description:
      - The connector type, for example V(.webhook), V(.index), V(.server-log), V(.email),
        V(.slack), V(.slack_api), V(.pagerduty).
      - Required to create a connector. Kibana cannot change the type of an existing connector,
        so a different value fails unless O(recreate=true).
    type: str
  config:
    description:
      - The type-specific configuration. Only the keys given here are compared and changed;
        other keys Kibana stores are kept.
      - A key set to V(null) is removed from the connector; Kibana then stores its default for
        that key if the type has one, which counts as removed.
    type: dict
  secrets:
    description:
      - The type-specific secrets (passwords, tokens, webhook URLs). Write-only, never returned
        and never shown in a diff. See O(secrets_update).
    type: dict
  secrets_update:
    description:
      - V(on_create) sends O(secrets) when the connector is created, when Kibana reports its
        secrets missing, and together with any other change (Kibana replaces the stored secrets on
        every update). An unchanged connector is left alone, so rotated secrets are not noticed.
      - V(always) sends O(secrets) on every run and so always reports C(changed); use it to push
        rotated secrets.
      - Kibana never returns secrets and has no field where a version of them could be kept (a
        connector has a name, a type, a config its type validates and the secrets), so no
        module can tell a rotated secret from an unchanged one. The play can. Let the task that
        rotates the secret (writes it to the vault or file the play reads it from) notify a
        handler that runs this module with V(always). Runs without a rotation then report C(ok)
        and send nothing; see the example and C(docs/examples/connector-secret-rotation.yml).
    type: str
    choices: [on_create, always]
    default: on_create
  recreate:
    description:
      - When O(connector_type_id) differs from the existing connector's type, delete the connector
        and create it again (with the same O(id) when given). Rules that use the connector keep
        referring to its id.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the connector, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: stackops.kibana.kibana_connector_info
'''

EXAMPLES = r'''
- name: A webhook connector whose password is sent on create, with an id pinned by to_uuid
  stackops.kibana.kibana_connector:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: "{{ 'ops-webhook' | ansible.builtin.to_uuid }}"
    name: ops-webhook
    connector_type_id: .webhook
    config:
      url: https://hooks.example.com/kibana
      hasAuth: true
    secrets:
      user: kibana
      password: "{{ webhook_password }}"

- name: An index connector in the security space, found by name
  stackops.kibana.kibana_connector:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: alert-history
    connector_type_id: .index
    config:
      index: alert-history
      refresh: true

- name: Push a rotated Slack token
  stackops.kibana.kibana_connector:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: slack-ops
    connector_type_id: .slack_api
    secrets:
      token: "{{ slack_token }}"
    secrets_update: always

# Rotation without "changed" on every run: the rotating task notifies a handler.
- name: Store the new webhook password (the rotation)
  ansible.builtin.copy:
    content: "{{ new_webhook_password }}"
    dest: /etc/kibana-secrets/webhook-password
    mode: "0600"
  no_log: true
  notify: Push the webhook password to Kibana

# in the play's handlers:
- name: Push the webhook password to Kibana
  stackops.kibana.kibana_connector:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: ops-webhook
    connector_type_id: .webhook
    secrets:
      user: kibana
      password: "{{ lookup('ansible.builtin.file', '/etc/kibana-secrets/webhook-password') }}"
    secrets_update: always

- name: Remove a connector
  stackops.kibana.kibana_connector:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: alert-history
    state: absent
'''

RETURN = r'''
connector:
  description:
    - The connector as Kibana stored it (after the change), without secrets.
    - In check mode, the connector Kibana is expected to store.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: 5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61
    name: ops-webhook
    connector_type_id: .webhook
    config: {url: https://hooks.example.com/kibana, method: post, hasAuth: true, headers: null}
    is_preconfigured: false
    is_deprecated: false
    is_missing_secrets: false
    is_system_action: false
operations:
  description: The writes sent to update an existing connector (or that check mode would send).
  returned: when an existing connector changed
  type: list
  elements: str
  sample: [update]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._connectors import (
    CONNECTOR_MODULE_KWARGS,
    CONNECTOR_OPTIONS,
    ConnectorResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec


SPEC = resource_spec(ConnectorResource, CONNECTOR_OPTIONS, **CONNECTOR_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
