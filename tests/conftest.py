"""Fixtures shared by the test suite: one emulator per session (reset before each test)."""

import pytest

from tests.harness import EmulatorAPI, connection, put_collection_on_path, run_module

put_collection_on_path()

from tests.emulator.server import EmulatorServer  # noqa: E402  (after the path setup)


@pytest.fixture(scope="session")
def emulator_server():
    server = EmulatorServer().start()
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
def run(conn):
    """run(module, check_mode=False, diff=False, **options) with the connection options set."""
    def call(module, check_mode=False, diff=False, **options):
        args = dict(conn)
        args.update(options)
        return run_module(module, args, check_mode=check_mode, diff=diff)
    return call
