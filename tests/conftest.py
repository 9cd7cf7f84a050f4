"""Fixtures shared by the test suite: one emulator per session (reset before each test)."""

import os
import re

import pytest

from tests.harness import (
    EXECUTIONS,
    EmulatorAPI,
    connection,
    default_execution,
    put_collection_on_path,
    run_module,
)

put_collection_on_path()

from tests.emulator.server import EmulatorServer  # noqa: E402  (after the path setup)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "both_paths: run the test twice, its `run` fixture taking the module path "
        "then the action path (tests under tests/unit/safety/ always do)")
    config.addinivalue_line("markers", "kibana_min(version): needs this Kibana version or later "
                                       "(skipped when STACKOPS_KIBANA_VERSION is older)")
    config.addinivalue_line("markers", "kibana_below(version): asserts what Kibanas older than "
                                       "this version do (skipped when the emulator plays this "
                                       "version or a newer one)")


def pytest_generate_tests(metafunc):
    """Tests marked both_paths, and every test under tests/unit/safety/, run on both paths."""
    if "execution" not in metafunc.fixturenames:
        return
    path = str(metafunc.definition.path)
    if (metafunc.definition.get_closest_marker("both_paths")
            or "%stests%sunit%ssafety%s" % ((os.sep,) * 4) in path):
        metafunc.parametrize("execution", EXECUTIONS, indirect=True)


@pytest.fixture
def execution(request):
    """The path `run` takes: `module` or `action` (see tests.harness.run_module)."""
    return getattr(request, "param", None) or default_execution()


# The Kibana version the emulator plays by default (its default, 9.4, when unset): e.g.
# STACKOPS_KIBANA_VERSION=8.19.3 runs the suite against an 8.x Kibana. Tests that need a newer
# Kibana carry @pytest.mark.kibana_min("9.0") and are skipped below it; tests of what an older
# Kibana does differently carry @pytest.mark.kibana_below("9.1") and run only in such a mode.
KIBANA_VERSION = os.environ.get("STACKOPS_KIBANA_VERSION") or None


def version_tuple(number):
    return tuple(int(p) for p in re.findall(r"\d+", number)[:3])


def session_version():
    """The version the session's emulator plays (its default when the variable is unset)."""
    from tests.emulator.app import DEFAULT_KIBANA_VERSION
    return version_tuple(KIBANA_VERSION or DEFAULT_KIBANA_VERSION)


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("kibana_min")
    if marker and session_version() < version_tuple(marker.args[0]):
        pytest.skip("needs Kibana %s, the emulator plays %s" % (marker.args[0], KIBANA_VERSION))
    marker = item.get_closest_marker("kibana_below")
    if marker and session_version() >= version_tuple(marker.args[0]):
        pytest.skip("asserts Kibana before %s, the emulator plays %s"
                    % (marker.args[0], KIBANA_VERSION or "its default"))


@pytest.fixture(scope="session")
def emulator_server():
    server = EmulatorServer(kibana_version=KIBANA_VERSION).start()
    yield server
    server.stop()


@pytest.fixture
def kibana(emulator_server):
    """The emulator's API, reset to a fresh Kibana with the space `ops` created."""
    api = EmulatorAPI(emulator_server.url, emulator_server.emulator)
    api.reset()
    api.create_space("ops")
    api.clear_log()
    return api


@pytest.fixture
def conn(kibana):
    """Connection options for a module task against the emulator."""
    return connection(kibana.url)


@pytest.fixture
def run(conn, execution):
    """run(module, check_mode=False, diff=False, **options) with the connection options set,
    through the module or the action path (`execution`)."""
    def call(module, check_mode=False, diff=False, **options):
        args = dict(conn)
        args.update(options)
        return run_module(module, args, check_mode=check_mode, diff=diff, execution=execution)
    return call
