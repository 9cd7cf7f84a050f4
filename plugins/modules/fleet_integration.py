#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: fleet_integration
short_description: Install, upgrade and remove Fleet integrations (packages)
version_added: 1.0.0
description:
  - Install a Fleet integration package (C(/api/fleet/epm/packages)) at a version or at the
    latest one, upgrade or downgrade it, or remove it.
  - Idempotent on the installed version. Without O(version), a package already installed is
    left at its version; V(latest) upgrades it when Fleet knows a newer one.
  - When Fleet cannot reach the Elastic Package Registry (an air-gapped Kibana), Fleet answers
    with HTTP 502 (C(Error connecting to package registry)) or, for the latest version of a
    package Kibana does not bundle, with a 404; the module reports either clearly, saying what
    to do (a reachable C(xpack.fleet.registryUrl), or an uploaded package).
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  name:
    description:
      - The package name, for example V(system), V(osquery_manager), V(endpoint), V(log).
      - Lower case letters, digits and C(_) only; anything else is refused before any request.
    type: str
    required: true
  version:
    description:
      - The version to hold, for example V(1.18.0), or V(latest) for the newest version Fleet
        knows.
      - When not set, a package that is not installed is installed at its latest version, and an
        installed one is left as it is.
    type: str
  force:
    description:
      - Install a version older than the latest one. Fleet refuses that otherwise (C(... is
        out-of-date and cannot be installed or updated)); the module says so before any write.
      - Also passed to Fleet, which then skips its signature check and reinstalls the package.
    type: bool
    default: false
  prerelease:
    description:
      - Let V(latest) (or an unset O(version) on a first install) mean the newest version
        including prereleases (beta, technical preview), and allow installing one. Passed to
        Fleet on the install; never compared.
    type: bool
    default: false
  ignore_constraints:
    description:
      - Install even when the package's Kibana version constraint does not match. Passed to
        Fleet with an install or an upgrade; never compared.
    type: bool
    default: false
  ignore_mapping_update_errors:
    description:
      - Let an upgrade succeed when Fleet cannot update the mappings of existing data
        streams. Passed to Fleet with an install or an upgrade; never compared.
    type: bool
    default: false
  skip_data_stream_rollover:
    description:
      - Do not roll over the package's data streams when an upgrade changes their mappings.
        Passed to Fleet with an install or an upgrade; never compared.
    type: bool
    default: false
  remove_policies:
    description:
      - With O(state=absent), let Fleet delete the integration policies that use the package.
        Without it the module refuses to remove a package that integration policies use.
      - Fleet refuses anyway while agents run those policies.
    type: bool
    default: false
  state:
    description: V(present) installs the package, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Packages are installed once per Kibana; O(space_id) is the space whose Kibana assets
    (dashboards, saved queries) the package installs.
seealso:
  - module: stackops.kibana.fleet_integration_info
  - module: stackops.kibana.fleet_integration_policy
'''

EXAMPLES = r'''
- name: Osquery Manager at its latest version (left alone once installed)
  stackops.kibana.fleet_integration:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: osquery_manager

- name: The System integration pinned to a version
  stackops.kibana.fleet_integration:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: system
    version: 1.68.0

- name: Keep Custom Logs at the newest version
  stackops.kibana.fleet_integration:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: log
    version: latest

- name: Remove a package nobody uses
  stackops.kibana.fleet_integration:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: log
    state: absent
'''

RETURN = r'''
integration:
  description:
    - The package as Fleet holds it after the change (in check mode, as expected); empty after
      O(state=absent).
  returned: always
  type: dict
  sample:
    name: osquery_manager
    title: Osquery Manager
    version: 1.18.0
    status: installed
    latest_version: 1.18.0
    install_source: registry
operations:
  description: The writes sent to change an installed package (V(upgrade) or V(downgrade)).
  returned: when an installed package changed version
  type: list
  elements: str
  sample: [upgrade]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._fleet_integrations import (
    INTEGRATION_OPTIONS,
    IntegrationResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec


SPEC = resource_spec(IntegrationResource, INTEGRATION_OPTIONS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
