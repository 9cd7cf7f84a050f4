"""The set modules document their config elements with exactly their single-object module's
options, and take exactly those options (one source: the family's *_OPTIONS)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib

import pytest
import yaml

from tests import set_docs

COLLECTION = "ansible_collections.stackops.kibana.plugins"


def test_set_module_docs_are_generated_from_the_single_object_modules():
    assert set_docs.stale() == [], "run: python -m tests.set_docs"


@pytest.mark.parametrize("module", sorted(set_docs.SET_MODULES))
def test_config_elements_take_the_single_object_options(module):
    try:
        set_module = importlib.import_module("%s.modules.%s" % (COLLECTION, module))
    except ImportError:
        pytest.skip("%s not built yet" % module)
    single = importlib.import_module("%s.modules.%s" % (COLLECTION, set_docs.SET_MODULES[module][0]))
    set_doc = yaml.safe_load(set_module.DOCUMENTATION)["options"]
    single_doc = yaml.safe_load(single.DOCUMENTATION)["options"]
    assert set(set_doc["config"]["suboptions"]) == set(single_doc) - {"state", "space_id"}
    assert set_doc["state"]["choices"] == ["merged", "replaced", "overridden", "deleted",
                                           "gathered"]
