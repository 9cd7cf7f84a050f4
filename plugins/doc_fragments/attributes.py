# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The attributes every module documents (each module states its level of support)."""

    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check mode and predict the result without sending any write to Kibana.
  diff_mode:
    description: Returns the changed fields before and after the change, with secrets masked.
'''

    RESOURCE_MODULE = r'''
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
'''

    INFO_MODULE = r'''
attributes:
  check_mode:
    support: full
    details: This module only reads from Kibana.
  diff_mode:
    support: N/A
    details: This module only reads from Kibana.
'''
