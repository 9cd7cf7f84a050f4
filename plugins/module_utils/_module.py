# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The thin AnsibleModule layer: merge the option specs once, build the client, run the
engine or an info query, and turn every error into a clean fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.stackops.kibana.plugins.module_utils._arguments import (
    check_values,
    shape_errors,
)
from ansible_collections.stackops.kibana.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)
from ansible_collections.stackops.kibana.plugins.module_utils._connection import (
    CONNECTION_ARGSPEC,
    SPACE_ARGSPEC,
    auth_from_environment,
    client_from_params,
)
from ansible_collections.stackops.kibana.plugins.module_utils._engine import ensure
from ansible_collections.stackops.kibana.plugins.module_utils._errors import KibanaError
from ansible_collections.stackops.kibana.plugins.module_utils._sets import converge, set_options

STATE_ARGSPEC = dict(state=dict(type="str", default="present", choices=["present", "absent"]))


def _secret_leaves(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in _secret_leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in _secret_leaves(v)]
    return ["%s" % value] if value not in (None, "") else []


class CheckedModule(AnsibleModule):
    """AnsibleModule that refuses wrong-shaped dict options (shape_errors) before ansible-core's
    own validation can fail on them without naming the option."""

    def _set_internal_properties(self, argument_spec=None, module_parameters=None):
        super(CheckedModule, self)._set_internal_properties(argument_spec, module_parameters)
        if argument_spec is not None or module_parameters is not None:
            return
        errors = shape_errors(self.argument_spec, self.params)
        if errors:
            # validation has not run yet: keep the no_log values out of the failure's invocation
            for name, option in self.argument_spec.items():
                if option.get("no_log"):
                    self.no_log_values.update(_secret_leaves(self.params.get(name)))
            self.fail_json(msg="; ".join(errors))


def argument_spec(options, space=True, state=True):
    spec = dict(CONNECTION_ARGSPEC)
    if space:
        spec.update(SPACE_ARGSPEC)
    if state:
        spec.update(STATE_ARGSPEC)
    spec.update(options)
    return spec


def run(options, work, space=True, state=True, **module_kwargs):
    """Build the module, then `work(client, params, check_mode, diff_mode)` -> result."""
    module = CheckedModule(argument_spec=argument_spec(options, space, state),
                           supports_check_mode=True, **module_kwargs)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    for secret in auth_from_environment(module.params):
        module.no_log_values.add(secret)
    try:
        check_values(module.params)
        client = client_from_params(module.params)
        result = work(client, module.params, module.check_mode, module._diff)
    except KibanaError as err:
        module.fail_json(msg=err.message, **err.details)
    except Exception as err:  # pylint: disable=broad-exception-caught
        # a bug of ours, or an answer Kibana's contract does not allow: a message, not a
        # traceback (which -vvv still shows)
        module.fail_json(msg="unexpected error (%s): %s" % (type(err).__name__, err),
                         exception=traceback.format_exc())
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)


def run_resource(resource_class, options, **module_kwargs):
    """A resource module: state present/absent through the engine."""
    def work(client, params, check_mode, diff_mode):
        return ensure(resource_class(client, params), params["state"], check_mode, diff_mode)
    run(options, work, **module_kwargs)


def run_set(resource_class, options, module_kwargs=None, scope_tags=False, space=True):
    """A set module: a `config` list of the single-object module's options, state merged,
    replaced, overridden, deleted or gathered (_sets.py)."""
    def work(client, params, check_mode, diff_mode):
        return converge(resource_class, options, client, params, check_mode, diff_mode)
    run(set_options(options, module_kwargs, scope_tags), work, space=space, state=False)


def run_info(query, options, **module_kwargs):
    """An _info module: `query(client, params)` -> result dict; never changes anything."""
    def work(client, params, check_mode, diff_mode):
        result = query(client, params)
        result["changed"] = False
        return result
    run(options, work, state=False, **module_kwargs)
