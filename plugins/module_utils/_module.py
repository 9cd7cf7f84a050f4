# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module declared once: its argument spec, its AnsibleModule keyword arguments and its work
function are one `ModuleSpec`, which both the module's main() and the controller-side action
plugin (plugins/plugin_utils/_module_action.py) run. Every module file reads

    SPEC = resource_spec(ConnectorResource, CONNECTOR_OPTIONS, **CONNECTOR_MODULE_KWARGS)

    def main():
        SPEC.main()

The work itself (`ModuleSpec.execute`) knows nothing of AnsibleModule: validated parameters in,
a result or the keyword arguments of a failure out."""

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
    url_secrets,
)
from ansible_collections.stackops.kibana.plugins.module_utils._engine import ensure
from ansible_collections.stackops.kibana.plugins.module_utils._errors import KibanaError
from ansible_collections.stackops.kibana.plugins.module_utils._sets import converge, set_options
from ansible_collections.stackops.kibana.plugins.module_utils._version import reported_version

STATE_ARGSPEC = dict(state=dict(type="str", default="present", choices=["present", "absent"]))


def _secret_leaves(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in _secret_leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in _secret_leaves(v)]
    return ["%s" % value] if value not in (None, "") else []


def shape_failure(spec, params, no_log_values):
    """The message for wrong-shaped dict options (shape_errors), checked before ansible-core's
    own validation can fail on them without naming the option; None when there are none.
    Validation has not run yet: the no_log options' values are added to `no_log_values`, always
    (ansible-core's own sub-option failures return before it collects them, and the failure's
    invocation would show the password)."""
    for name, option in spec.items():
        if option.get("no_log"):
            no_log_values.update(_secret_leaves(params.get(name)))
    errors = shape_errors(spec, params)
    return "; ".join(errors) if errors else None


class CheckedModule(AnsibleModule):
    """AnsibleModule that refuses wrong-shaped dict options (shape_failure) first, and whose
    every output (the result, the message, `invocation` at -vvv) masks a password written
    inside kibana_url (refused, but shown in `invocation` otherwise)."""

    def exit_json(self, **kwargs):
        self.no_log_values.update(url_secrets((self.params or {}).get("kibana_url")))
        super(CheckedModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self.no_log_values.update(url_secrets((self.params or {}).get("kibana_url")))
        super(CheckedModule, self).fail_json(msg, **kwargs)

    def _set_internal_properties(self, argument_spec=None, module_parameters=None):
        super(CheckedModule, self)._set_internal_properties(argument_spec, module_parameters)
        if argument_spec is not None or module_parameters is not None:
            return
        msg = shape_failure(self.argument_spec, self.params, self.no_log_values)
        if msg:
            self.fail_json(msg=msg)


def argument_spec(options, space=True, state=True):
    spec = dict(CONNECTION_ARGSPEC)
    if space:
        spec.update(SPACE_ARGSPEC)
    if state:
        spec.update(STATE_ARGSPEC)
    spec.update(options)
    return spec


class ModuleSpec(object):
    """One module: `argument_spec`, `module_kwargs` (required_one_of, mutually_exclusive, ...)
    and `work(client, params, check_mode, diff_mode) -> result`."""

    #: the family's Resource class (resource and set modules; None for _info modules)
    resource_class = None

    def __init__(self, options, work, space=True, state=True, not_echoed=(), **module_kwargs):
        self.argument_spec = argument_spec(options, space, state)
        self.module_kwargs = module_kwargs
        self.work = work
        #: list options the result's invocation counts instead of echoing (a list of 5,000
        #: exception items would otherwise come back whole with every result)
        self.not_echoed = not_echoed

    def execute(self, params, check_mode, diff_mode, no_log_values):
        """Run the work on validated `params` (auth taken from the environment when the task
        sets none; its secrets are added to `no_log_values`). Returns (result, failure): the
        result dict (its `warnings` included), or the keyword arguments of fail_json."""
        result, failure = self._execute(params, check_mode, diff_mode, no_log_values)
        if self.not_echoed:
            echoed = dict(params)
            for name in self.not_echoed:
                if isinstance(echoed.get(name), list):
                    echoed[name] = "%d items (not echoed)" % len(echoed[name])
            (result if failure is None else failure)["invocation"] = {"module_args": echoed}
        return result, failure

    def _execute(self, params, check_mode, diff_mode, no_log_values):
        if not HAS_REQUESTS:
            return None, dict(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        no_log_values.update(auth_from_environment(params))
        no_log_values.update(url_secrets(params.get("kibana_url")))
        try:
            check_values(params)
            client = client_from_params(params)
            # every encoded form of the credentials (base64 of user:password, the decoded API
            # key, ...), masked wherever they would show, as no_log values are
            no_log_values.update(client.secret_values)
            result = self.work(client, params, check_mode, diff_mode)
            if client.warnings:
                result["warnings"] = client.warnings + list(result.get("warnings") or [])
            return result, None
        except KibanaError as err:
            return None, dict(msg=err.message, **err.details)
        except Exception as err:  # pylint: disable=broad-exception-caught
            # a bug of ours, or an answer Kibana's contract does not allow: a message, not a
            # traceback (which -vvv still shows)
            return None, dict(msg="unexpected error (%s): %s" % (type(err).__name__, err),
                              exception=traceback.format_exc())

    def main(self):
        """The module's entry point: (Checked)AnsibleModule validates, runs `execute`, exits."""
        module = CheckedModule(argument_spec=self.argument_spec, supports_check_mode=True,
                               **self.module_kwargs)
        result, failure = self.execute(module.params, module.check_mode, module._diff,
                                       module.no_log_values)
        if failure is not None:
            module.fail_json(**failure)
        for warning in result.pop("warnings", []):
            module.warn(warning)
        module.exit_json(**result)


def resource_spec(resource_class, options, **module_kwargs):
    """A resource module: state present/absent through the engine."""
    def work(client, params, check_mode, diff_mode):
        return ensure(resource_class(client, params), params["state"], check_mode, diff_mode)
    spec = ModuleSpec(options, work, not_echoed=getattr(resource_class, "not_echoed", ()),
                      **module_kwargs)
    spec.resource_class = resource_class
    return spec


def set_spec(resource_class, options, module_kwargs=None, scope_tags=False, space=True):
    """A set module: a `config` list of the single-object module's options, state merged,
    replaced, overridden, deleted or gathered (_sets.py)."""
    def work(client, params, check_mode, diff_mode):
        return converge(resource_class, options, client, params, check_mode, diff_mode)
    spec = ModuleSpec(set_options(options, module_kwargs, scope_tags), work, space=space,
                      state=False)
    spec.resource_class = resource_class
    return spec


def info_spec(query, options, **module_kwargs):
    """An _info module: `query(client, params)` -> result dict, with the target's
    `kibana_version` (for plays whose tasks depend on it); never changes anything."""
    def work(client, params, check_mode, diff_mode):
        result = query(client, params)
        result["kibana_version"] = reported_version(client)
        result["changed"] = False
        return result
    return ModuleSpec(options, work, state=False, **module_kwargs)


# The forms of before ModuleSpec, kept for modules written against them.
def run(options, work, space=True, state=True, **module_kwargs):
    """Build the module, then `work(client, params, check_mode, diff_mode)` -> result."""
    ModuleSpec(options, work, space, state, **module_kwargs).main()


def run_resource(resource_class, options, **module_kwargs):
    resource_spec(resource_class, options, **module_kwargs).main()


def run_info(query, options, **module_kwargs):
    info_spec(query, options, **module_kwargs).main()
