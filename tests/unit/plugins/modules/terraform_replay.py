"""Replays a Terraform elasticstack provider acceptance test as tasks of our modules.

A case is the provider test's steps in order; a step is the tasks its configuration becomes (a
connector a rule uses, then the rule). Each step is applied, then applied again: the second run
must report ok and send no write, which is what Terraform's post-apply empty plan checks. A task
made with `handler()` runs once per step (a rotation handler: `secrets_update: always`)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def task(module, **args):
    return (module, args, False)


def handler(module, **args):
    return (module, args, True)


def replay(kibana, run, steps):
    """Apply every step twice; returns the first run's results of the last step."""
    results = []
    for number, step in enumerate(steps, 1):
        results = []
        for module, args, _once in step:
            applied = run(module, **args)
            assert not applied.failed, (number, module, applied.get("msg"))
            results.append(applied)
        if number == 1:
            assert any(result.get("changed") for result in results), number
        kibana.clear_log()
        for module, args, once in step:
            if once:
                continue
            again = run(module, **args)
            assert not again.failed, (number, module, again.get("msg"))
            assert not again["changed"], (number, module, again.get("diff"), again)
        assert kibana.writes() == [], (number, kibana.writes())
    return results
