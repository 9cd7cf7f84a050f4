"""Check mode sends no write, ever: every resource and set module, for a create, an update and a
delete, on both paths; and it predicts what the real run then does (changed alike, and nothing
left to do after the real run)."""

import pytest

from tests.harness import run_module
from tests.unit.safety.scenarios import MODULES


@pytest.mark.parametrize("module,scenario", [
    (module, scenario) for module in sorted(MODULES) for scenario in ("create", "update", "delete")
    if scenario in MODULES[module].scenarios])
def test_check_mode_writes_nothing_and_predicts_the_run(kibana, conn, execution, module,
                                                        scenario):
    spec = MODULES[module]
    if scenario != "create":
        spec.make(conn)
    kibana.clear_log()
    task = spec.task(conn, scenario)
    checked = run_module(module, dict(task), check_mode=True, diff=True, execution=execution)
    assert not checked.failed, checked["msg"]
    assert kibana.writes() == []
    done = run_module(module, dict(task), diff=True, execution=execution)
    assert not done.failed, done["msg"]
    assert checked["changed"] and done["changed"]
    assert checked.get("operations") == done.get("operations")
    again = run_module(module, dict(task), check_mode=True, execution=execution)
    assert not again.failed and not again["changed"], again
