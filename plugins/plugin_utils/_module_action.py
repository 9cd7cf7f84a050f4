# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin every module of the collection has (plugins/action/<module>.py).

A task that runs on the controller (local connection: `delegate_to: localhost`, implicit
localhost, `connection: local`) runs the module's own `SPEC` in this process: the argument spec
is validated with ansible-core's ArgumentSpecValidator, the same engine and client do the work,
and the result is the one the module would return (changed, diff, warnings, invocation,
no_log masking, failure messages). This saves starting a module process per task (an
interpreter, the AnsiballZ payload, imports), which is nearly all of a task's time.

The module runs as before (`_execute_module`) when the task runs on another host, uses
`become` or `async`, or when the user asks for it: the variable `stackops_kibana_execution`
(or, on the controller, the environment variable STACKOPS_KIBANA_EXECUTION) set to `module`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import gc
import json
import os

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.stackops.kibana.plugins.module_utils._connection import url_secrets
from ansible_collections.stackops.kibana.plugins.module_utils._module import shape_failure

try:  # ansible-core >= 2.19: task arguments go to a module as its "legacy" JSON profile
    from ansible.module_utils.common.json import Direction, get_module_encoder
    ARGS_ENCODER, ARGS_ENCODER_OPTIONS = (
        get_module_encoder("legacy", Direction.CONTROLLER_TO_MODULE), {})
except ImportError:  # ansible-core < 2.19: as module_common.modify_module encodes them
    from ansible.module_utils.common.json import AnsibleJSONEncoder as ARGS_ENCODER
    ARGS_ENCODER_OPTIONS = {"vault_to_text": True}

try:  # ansible-core >= 2.19 records a module's failure as such ("Module failed: ...")
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
    from ansible.module_utils._internal._traceback import traceback_for
except ImportError:  # ansible-core < 2.19: the result as the module printed it
    AnsibleModuleCapturedError = None

EXECUTION_VARIABLE = "stackops_kibana_execution"
EXECUTION_ENVIRONMENT = "STACKOPS_KIBANA_EXECUTION"
EXECUTION_CHOICES = ("auto", "module")

display = Display()


def run_in_process(spec, args, module_name, check_mode, diff_mode, verbosity=0,
                   inject_invocation=True):
    """What `spec.main()` would return for these task arguments, as the controller would read
    it from the module's output."""
    return controller_result(module_output(spec, args, module_name, check_mode, diff_mode,
                                           verbosity, inject_invocation))


def module_output(spec, args, module_name, check_mode, diff_mode, verbosity=0,
                  inject_invocation=True):
    """What `spec.main()` prints for these task arguments: the same validation and messages,
    the same result keys, every no_log value masked (including values from environment
    fallbacks). `inject_invocation`: whether the result carries `invocation` (always before
    ansible-core 2.21; since, only when INJECT_INVOCATION is on, see `invocation_wanted`)."""
    # what the module receives: plain JSON types (no template trust tags, no unsafe wrappers)
    args = OwnedArguments(json.loads(json.dumps(args, cls=ARGS_ENCODER, **ARGS_ENCODER_OPTIONS)))
    no_log_values = set()
    warnings, deprecations = [], []
    params = dict(args)
    shape_msg = shape_failure(spec.argument_spec, params, no_log_values)
    if shape_msg:
        validation = None
    else:
        validation = ArgumentSpecValidator(spec.argument_spec, **spec.module_kwargs).validate(args)
        params.update(validation.validated_parameters)
        no_log_values.update(validation._no_log_values)
        # as AnsibleModule's ModuleArgumentSpecValidator reports them
        warnings = ["Both option {option} and its alias {alias} are set.".format(**w)
                    for w in validation._warnings]
        deprecations = list(validation._deprecations)

    if shape_msg:
        result, failure = None, dict(msg=shape_msg)
    elif validation.errors.errors:
        msg = validation.errors.msg
        if isinstance(validation.errors[0], UnsupportedError):
            msg = "Unsupported parameters for (%s) module: %s" % (module_name, msg)
        result, failure = None, dict(msg=msg)
    else:
        result, failure = spec.execute(params, check_mode, diff_mode, no_log_values)

    if failure is not None:
        output = dict(failure, failed=True)
        if not _traceback_wanted(verbosity):
            output.pop("exception", None)
    else:
        output = dict(result)
        warnings.extend(output.pop("warnings", []))
    if inject_invocation:
        output.setdefault("invocation", {"module_args": params})
    else:  # as AnsibleModule._return_formatted since 2.21: dropped, even a counted echo
        output.pop("invocation", None)
    if warnings:
        output["warnings"] = warnings
    if deprecations:
        output["deprecations"] = deprecations

    # a password inside kibana_url (refused) is masked as well, validation failures included
    no_log_values.update(url_secrets(params.get("kibana_url")))
    # as AnsibleModule._return_formatted: mask every no_log value, keep top-level bools/None
    preserved = dict((k, v) for k, v in output.items() if v is None or isinstance(v, bool))
    output = remove_values(output, no_log_values)
    output.update(preserved)
    # the module's output is JSON: the same plain types (and no template trust) here
    return json.loads(json.dumps(output))


class OwnedArguments(dict):
    """Task arguments decoded just now: a private copy nothing else holds. ArgumentSpecValidator
    starts with a deepcopy of what it validates, which would copy every item of a 5,000-item
    list a second time; this copy needs none (the validator may change its nested values:
    they are ours)."""

    def __deepcopy__(self, memo):
        return dict(self)


def controller_result(output):
    """What ActionBase._execute_module makes of a module's output."""
    if AnsibleModuleCapturedError is not None:
        AnsibleModuleCapturedError.normalize_result_exception(output)
    output["_ansible_parsed"] = True
    for key in ("warnings", "deprecations"):
        if key in output and not output[key]:
            del output[key]
    return output


def invocation_wanted(task_vars):
    """Whether a module's result carries `invocation`: always before ansible-core 2.21; since,
    only when INJECT_INVOCATION (ANSIBLE_INJECT_INVOCATION, `ansible_inject_invocation`) is on,
    off by default (ActionBase._update_module_args sends it as `_ansible_inject_invocation`)."""
    if "INJECT_INVOCATION" not in C.config.get_configuration_definitions():
        return True
    return bool(C.config.get_config_value("INJECT_INVOCATION", variables=task_vars))


def _traceback_wanted(verbosity):
    """Whether a module would include its traceback in a failure: at -vvv before 2.19, when
    tracebacks for errors are enabled (ANSIBLE_DISPLAY_TRACEBACK) since."""
    if AnsibleModuleCapturedError is not None:
        return "error" in traceback_for()
    return verbosity >= 3


@contextlib.contextmanager
def collection_paused():
    """No cyclic garbage collection while the module runs in a worker process, whose heap holds
    the task's templated arguments and the playbook: every full collection walks all of it
    (with 5,000 items declared, half the time of the in-process run); the collector runs
    again, as before, afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def environment(values):
    """os.environ with the task's `environment:` applied, as a module process would see it
    (env fallbacks, proxies); restored afterwards."""
    saved = dict((name, os.environ.get(name)) for name in values)
    try:
        for name, value in values.items():
            os.environ[name] = value if isinstance(value, str) else str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ModuleAction(ActionBase):
    """Base of the collection's action plugins; a subclass sets `spec` to its module's SPEC."""

    spec = None
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        if task_vars is None:
            task_vars = {}
        result = super(ModuleAction, self).run(tmp, task_vars)
        del tmp  # no longer has any effect

        if self._runs_in_process(task_vars):
            task_environment = {}
            self._compute_environment_string(task_environment)
            with environment(task_environment), collection_paused():
                return merge_hash(result, run_in_process(
                    self.spec, dict(self._task.args), self._task.action,
                    bool(self._task.check_mode), bool(self._task.diff), display.verbosity,
                    invocation_wanted(task_vars)))

        # as ansible.builtin.normal
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars,
                                                         wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _runs_in_process(self, task_vars):
        choice = task_vars.get(EXECUTION_VARIABLE)
        if choice is not None:
            choice = self._templar.template(choice)
        else:
            choice = os.environ.get(EXECUTION_ENVIRONMENT) or "auto"
        if choice not in EXECUTION_CHOICES:
            raise AnsibleActionFail("%s (or %s) must be one of %s, got %r" % (
                EXECUTION_VARIABLE, EXECUTION_ENVIRONMENT, ", ".join(EXECUTION_CHOICES), choice))
        return (choice == "auto"
                and getattr(self._connection, "transport", None) == "local"
                and not self._play_context.become
                and not self._task.async_val)
