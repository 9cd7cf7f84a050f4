"""Test helpers: the collection on sys.path, the emulator's test API, and running a module's
real code in-process (its AnsibleModule, argument validation, no_log filtering, exit_json)."""

import contextlib
import hashlib
import importlib
import io
import json
import os
import pathlib
import re
import sys
import tempfile

import requests

try:
    from ansible.module_utils.common.parameters import PASS_VARS
except ImportError:  # pragma: no cover
    PASS_VARS = {}

REPO = pathlib.Path(__file__).resolve().parents[1]
COLLECTION = "ansible_collections.stackops.kibana"
COLLECTION_NAME = "stackops.kibana"


def collections_path():
    """A directory holding ansible_collections/stackops/kibana -> this repo (the repo root is
    the collection); reused when it exists, e.g. under ansible-test's copy. The directory is
    private to this checkout (named after its path), and a link found pointing elsewhere is
    replaced: a test must never import another checkout's code."""
    for parent in REPO.parents:
        if parent.name == "ansible_collections":
            return str(parent.parent)
    digest = hashlib.sha256(str(REPO).encode("utf-8")).hexdigest()[:16]
    root = pathlib.Path(tempfile.gettempdir()) / ("stackops-kibana-collections-" + digest)
    link = root / "ansible_collections" / "stackops" / "kibana"
    if not (link.is_symlink() and link.resolve() == REPO):
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.parent / ("kibana.%d" % os.getpid())
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(REPO, target_is_directory=True)
        os.replace(str(tmp), str(link))
    return str(root)


def put_collection_on_path():
    path = collections_path()
    if path not in sys.path:
        sys.path.insert(0, path)
    return path


class EmulatorAPI:
    """The emulator's test-only API (/_emulator/) and plain authenticated calls."""

    def __init__(self, url, emulator=None):
        self.url = url
        self.emulator = emulator
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.auth = ("elastic", "changeme")

    def reset(self):
        self.session.post(self.url + "/_emulator/reset").raise_for_status()

    def requests(self):
        return self.session.get(self.url + "/_emulator/requests").json()

    def clear_log(self):
        self.session.delete(self.url + "/_emulator/requests").raise_for_status()

    def writes(self):
        return [r for r in self.requests() if r["method"] not in ("GET", "HEAD")]

    def fault(self, **fault):
        self.session.post(self.url + "/_emulator/faults", json=fault).raise_for_status()

    def config(self, **config):
        self.session.post(self.url + "/_emulator/config", json=config).raise_for_status()

    def version(self):
        """The Kibana version the emulator plays now, as a tuple: (9, 4, 0)."""
        number = self.control("GET", "/config")["kibana_version"]
        return tuple(int(p) for p in re.findall(r"\d+", number)[:3])

    def at_least(self, number):
        """Whether the emulator plays Kibana `number` ("9.1") or a newer one."""
        return self.version() >= tuple(int(p) for p in number.split("."))

    def control(self, method, path, body=None):
        resp = self.session.request(method, self.url + "/_emulator" + path, json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def api(self, method, path, body=None, params=None, space=None):
        """An authenticated Kibana API call (kbn-xsrf set); returns the response."""
        if space and space != "default":
            path = "/s/%s%s" % (space, path)
        return self.session.request(method, self.url + path, json=body, params=params,
                                    headers={"kbn-xsrf": "tests"})

    def create_user(self, username, password, spaces):
        """A user holding every Kibana privilege in `spaces` only (403 elsewhere)."""
        return self.control("POST", "/users", {"username": username, "password": password,
                                               "spaces": list(spaces)})

    def create_space(self, space_id):
        resp = self.api("POST", "/api/spaces/space", {"id": space_id, "name": space_id})
        assert resp.status_code in (200, 409), resp.text


class ModuleResult(dict):
    """exit_json/fail_json output, plus `failed` always present."""

    @property
    def failed(self):
        return bool(self.get("failed"))


@contextlib.contextmanager
def patch_module_args_before_2_19(args):
    """What ansible.module_utils.testing.patch_module_args does, for older ansible-core."""
    from ansible.module_utils import basic
    saved = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved


EXECUTIONS = ("module", "action")


def default_execution():
    """The path run_module takes when the caller does not say: STACKOPS_TEST_EXECUTION
    (`module`, the default, or `action`), so that a whole test run can take the action path."""
    execution = os.environ.get("STACKOPS_TEST_EXECUTION") or "module"
    if execution not in EXECUTIONS:
        raise ValueError("STACKOPS_TEST_EXECUTION must be one of %s" % ", ".join(EXECUTIONS))
    return execution


def run_module(name, args, check_mode=False, diff=False, execution=None):
    """Run plugins/modules/<name>.py with these args; return its JSON result.

    `execution="module"`: the module's main() (its AnsibleModule, argument validation, no_log
    filtering, exit_json). `execution="action"`: what its action plugin runs on the
    controller (plugins/plugin_utils/_module_action.module_output, ArgumentSpecValidator and
    the same engine). Both read the environment as the task would see it."""
    execution = execution or default_execution()
    if execution == "action":
        return _run_action_path(name, args, check_mode, diff)
    if execution != "module":
        raise ValueError("execution must be one of %s" % ", ".join(EXECUTIONS))
    from ansible.module_utils.common import warnings as module_warnings
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core before 2.19 (the 2.16 line of the CI matrix)
        patch_module_args = patch_module_args_before_2_19

    # AnsibleModule keeps warnings in process globals: start each run clean, as a new process would.
    module_warnings._global_warnings.clear()
    module_warnings._global_deprecations.clear()
    module = importlib.import_module("%s.plugins.modules.%s" % (COLLECTION, name))
    args = dict(args)
    args["_ansible_check_mode"] = check_mode
    args["_ansible_diff"] = diff
    args["_ansible_module_name"] = "%s.%s" % (COLLECTION_NAME, name)
    # ansible-core 2.21 returns `invocation` only when the controller asks for it
    # (INJECT_INVOCATION); ask, as the in-process action path shows it too
    if "inject_invocation" in PASS_VARS:
        args.setdefault("_ansible_inject_invocation", True)
    out = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(out), module_context():
        try:
            module.main()
        except SystemExit:
            pass
    text = out.getvalue()
    try:
        result = ModuleResult(json.loads(text[text.index("{"):]))
    except ValueError:
        raise AssertionError("module printed no JSON result: %r" % text)
    # In-process, warnings come out as serialised WarningSummary objects: keep their text.
    if "warnings" in result:
        result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w
                              for w in result["warnings"]]
    return result


@contextlib.contextmanager
def module_context():
    """Once controller code is imported (an action plugin, ansible.errors), ansible-core >= 2.19
    sends AnsibleModule's warnings to the display instead of the result: a module process
    has no controller code, so neither has a module run here."""
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core < 2.19
        yield
        return
    saved = getattr(_internal, "is_controller", False)
    _internal.is_controller = False
    try:
        yield
    finally:
        _internal.is_controller = saved


def _run_action_path(name, args, check_mode, diff):
    from ansible_collections.stackops.kibana.plugins.plugin_utils._module_action import (
        module_output,
    )

    module = importlib.import_module("%s.plugins.modules.%s" % (COLLECTION, name))
    output = module_output(module.SPEC, dict(args), "%s.%s" % (COLLECTION_NAME, name),
                           check_mode, diff)
    return ModuleResult(output)


def connection(url):
    return {"kibana_url": url, "username": "elastic", "password": "changeme"}


@contextlib.contextmanager
def environ(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
