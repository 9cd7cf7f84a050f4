# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs stackops.kibana.fleet_integration_policies on the controller when the task runs there (see _module_action)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.stackops.kibana.plugins.modules.fleet_integration_policies import SPEC
from ansible_collections.stackops.kibana.plugins.plugin_utils._module_action import ModuleAction


class ActionModule(ModuleAction):
    spec = SPEC
