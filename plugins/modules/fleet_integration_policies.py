#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_integration_policies
short_description: Manage every integration policy of a Kibana space in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.fleet_integration_policy), in the tradition of Ansible's
    resource
    modules. Each element of O(config) declares one integration policy with the options of
    M(stackops.kibana.fleet_integration_policy); O(state) says what happens to them and to the
    space's
    other integration policies.
  - One read of the space's integration policies serves every element and the agent policy names
    of all their O(config[].agent_policies) are resolved with one more read; only the
    integration policies that
    differ are written, several at a time. Every failure is reported with the element it
    concerns, and the other integration policies are still converged (listed in RV(results) and
    RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.fleet_integration_policy),
    so a set task
    and single-object tasks converge the same integration policies to the same state.
  - Each element is a whole policy rebuilt by Fleet from the package's defaults, so Fleet's
    defaults for vars an element does not set are kept with every state; V(replaced) resets
    only the description.
  - Secret vars are never gathered (Fleet returns references), so give them in
    O(config[].secrets).
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
    - 'The integration policies of the space, one element each. An element takes exactly the
      options of M(stackops.kibana.fleet_integration_policy) (without O(state) and O(space_id):
      the set''s own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      id:
        description:
        - The integration policy id. When not given, the policy is found by O(config[].name)
          in the space (Fleet keeps names unique per space).
        type: str
      name:
        description: The integration policy name. Required to create one.
        type: str
      package:
        description:
        - The integration package, for example V(osquery_manager), V(system), V(log). Required
          to create a policy; it cannot change on an existing one.
        type: str
      package_version:
        description:
        - Pin the package version of the policy. When not set, the installed version is used,
          and a package that is not installed is an error (install it first).
        type: str
      agent_policy_ids:
        description:
        - The agent policies that run the integration, by id. The whole list is managed.
        - Mutually exclusive with O(config[].agent_policies).
        type: list
        elements: str
      agent_policies:
        description:
        - The agent policies that run the integration, by name (resolved in the space; an unknown
          or ambiguous name fails before any write).
        type: list
        elements: str
      namespace:
        description: The data stream namespace; Fleet uses the agent policy's when not set.
        type: str
      description:
        description: A description of the integration policy.
        type: str
      vars:
        description: Package-level vars, by name. Only the vars given are compared.
        type: dict
      inputs:
        description:
        - The inputs in Fleet's simplified form, keyed by C(<policy template>-<input type>)
          (for example C(system-logfile), C(osquery_manager-osquery), C(logs-logfile)), each
          with C(enabled), C(vars) and C(streams) keyed by data stream C(<package>.<dataset>)
          (for example C(system.auth)), each with C(enabled) and C(vars).
        - Only the inputs, streams and vars given are compared; the others keep their current
          values (their defaults on create). Unknown inputs, streams or vars, and values of
          the wrong type, are refused by Fleet with its message.
        type: dict
      secrets:
        description:
        - The values of secret vars, in the shape of O(config[].vars) and O(config[].inputs),
          that is a dict with the keys C(vars) (package-level secret vars) and C(inputs) (per
          input C(vars), and per stream C(vars) under C(streams)).
        - Never compared, never returned; a secret var given in O(config[].vars) or O(config[].inputs)
          is refused.
        type: dict
      secrets_update:
        description:
        - V(on_create) sends O(config[].secrets) when the policy is created only; V(always)
          sends them on every run (and so always reports a change; use it to rotate them).
        type: str
        choices:
        - on_create
        - always
        default: on_create
  state:
    description:
      - V(merged) creates and updates the declared integration policies, touching only the
        options they set;
        nothing else is changed.
      - V(replaced) makes each declared integration policy exactly as declared; options it
        leaves unset go
        back to Kibana's defaults (no description; vars and inputs an element does not set keep
        the package's values). Other integration policies are not touched.
      - V(overridden) is V(replaced), and every other integration policy of the space is deleted,
        except managed ones (C(is_managed=true), which Fleet refuses to delete), kept and listed
        in RV(kept). The deletions are listed in
        RV(deleted), and shown first in diff and check mode. O(config=[]) deletes every
        integration policy
        of the space that can be deleted.
      - V(deleted) deletes the declared integration policies (found by O(config[].id) or
        O(config[].name)); other integration policies are not touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns the space's integration policies in
        RV(gathered), in the
        shape O(config) takes; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
seealso:
  - module: stackops.kibana.fleet_integration_policy
  - module: stackops.kibana.fleet_integration_policy_info
'''

EXAMPLES = r'''
- name: The integration policies of the space are these
  stackops.kibana.fleet_integration_policies:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: overridden
    config:
      - name: system-hosts
        package: system
        agent_policies: [Linux servers]
        namespace: prod

- name: Export the integration policies of a space
  stackops.kibana.fleet_integration_policies:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: gathered
  register: integration_policies
'''

RETURN = r'''
integration_policies:
  description:
    - The declared integration policies as Kibana stores them after the run (in check mode, as
      expected),
      in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.fleet_integration_policy) returns it
      (C(changed), C(operations), ...) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The integration policies deleted as not declared (O(state=overridden)), each with C(id)
      and C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
kept:
  description:
    - The integration policies not declared that O(state=overridden) did not delete because
      Fleet does not let them be changed (managed ones), with C(id), C(name) and C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), the space's integration policies in the shape O(config) takes
      (without secret vars; the package version is not pinned, the installed one is used).
      Managed ones are listed in RV(read_only) instead.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the integration policies that cannot be declared (C(id),
    C(name), C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_integration_policies import (
    INTEGRATION_POLICY_MODULE_KWARGS,
    INTEGRATION_POLICY_OPTIONS,
    IntegrationPolicyResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(IntegrationPolicyResource, INTEGRATION_POLICY_OPTIONS,
                INTEGRATION_POLICY_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
