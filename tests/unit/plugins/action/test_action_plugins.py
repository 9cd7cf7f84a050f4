"""Every module has its action plugin, which runs the module's own SPEC."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import pathlib

import pytest

from tests.harness import COLLECTION, REPO

MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
ACTIONS = sorted(p.stem for p in (REPO / "plugins" / "action").glob("*.py") if p.stem != "__init__")


def test_every_module_has_its_action_plugin():
    assert MODULES and ACTIONS == MODULES


@pytest.mark.parametrize("name", MODULES)
def test_action_plugin_runs_the_module_spec(name):
    module = importlib.import_module("%s.plugins.modules.%s" % (COLLECTION, name))
    action = importlib.import_module("%s.plugins.action.%s" % (COLLECTION, name))
    assert action.ActionModule.spec is module.SPEC
    # the module's main() is SPEC.main(): one declaration for both paths
    source = pathlib.Path(module.__file__).read_text()
    assert "\ndef main():\n    SPEC.main()\n" in source
