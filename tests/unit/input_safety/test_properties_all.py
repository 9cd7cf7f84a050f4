"""Issue 9's property tests (test_properties.py) for the modules added after it: kibana_space,
fleet_integration, fleet_integration_policy, osquery_saved_query, and every set module, whose
hostile values go inside a `config` element (where a set takes the single-object module's
options) next to a hostile set `state`. The same properties hold for every case: nothing
escapes main(), input refused by us sends no write (and no request when refused by the argument
checks), every request stays in the requested space's API paths, accepted input is idempotent."""

import pytest
from hypothesis import given, strategies as st

from tests.unit.input_safety.specs import SET_MODULES, SPECS
from tests.unit.input_safety.test_identity_and_paths import TASKS
from tests.unit.input_safety.test_properties import (
    HOSTILE_ANY,
    HOSTILE_TEXT,
    SETTINGS,
    SPACES,
    check_case,
    options_of,
)

# one valid task per module not in TASKS (what each needs to create its object)
MORE_TASKS = {
    "kibana_space": dict(id="s1", name="S one"),
    "fleet_integration": dict(name="osquery_manager"),
    "fleet_integration_policy": dict(name="ip", package="osquery_manager",
                                     package_version="1.18.0"),
    "osquery_saved_query": dict(id="sq", query="select 1;", interval=60),
}
SINGLE_TASKS = dict(TASKS, **MORE_TASKS)
SET_STATES = ["merged", "merged", "replaced", "overridden", "deleted", "gathered"]
OUTCOMES = {}


def single_module(set_module):
    """The single-object module whose options a set module's config elements take."""
    resource = SPECS[set_module].resource_class
    return [name for name, spec in SPECS.items() if spec.resource_class is resource
            and name not in SET_MODULES][0]


def hostile_options(draw, module, task):
    for option in draw(st.lists(st.sampled_from(options_of(module)), max_size=3, unique=True)):
        value = draw(st.sampled_from(HOSTILE_ANY + [HOSTILE_TEXT]))
        if value is None:
            task.pop(option, None)
        else:
            task[option] = value
    return task


def in_a_space(draw, module, task):
    if "space_id" in options_of(module, keep_space=True):
        task["space_id"] = draw(st.sampled_from(SPACES))
    return task


@st.composite
def single_arguments(draw, module):
    task = hostile_options(draw, module, dict(SINGLE_TASKS[module]))
    task["state"] = draw(st.sampled_from(["present", "present", "absent"]))
    return in_a_space(draw, module, task)


@st.composite
def set_arguments(draw, module):
    single = single_module(module)
    size = draw(st.integers(min_value=0, max_value=2))
    config = [hostile_options(draw, single, dict(SINGLE_TASKS[single])) for index in range(size)]
    task = {"config": draw(st.sampled_from([config, config, "x", [1], [None], {}]))}
    task["state"] = draw(st.sampled_from(SET_STATES))
    return in_a_space(draw, module, task)


def held(module, outcome):
    counts = OUTCOMES.setdefault(module, {})
    counts[outcome] = counts.get(outcome, 0) + 1


def report(module):
    counts = OUTCOMES[module]
    print("\n%s: %d cases held (%s)" % (module, sum(counts.values()), counts))
    assert sum(counts.values()) >= 250
    assert counts.get("refused", 0) > 0 and counts.get("accepted, idempotent", 0) > 0


@pytest.mark.parametrize("module", sorted(MORE_TASKS))
def test_hostile_arguments_to_newer_modules(kibana, run, module):
    @SETTINGS
    @given(single_arguments(module))
    def case(task):
        held(module, check_case(kibana, run, module, task))

    case()
    report(module)


@pytest.mark.parametrize("module", SET_MODULES)
def test_hostile_arguments_to_set_modules(kibana, run, module):
    @SETTINGS
    @given(set_arguments(module))
    def case(task):
        held(module, check_case(kibana, run, module, task))

    case()
    report(module)
