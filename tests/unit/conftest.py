"""Registers the markers for every pytest that runs these tests: plain pytest (pytest.ini) and
`ansible-test units`, which uses its own configuration file and --strict-markers."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs ansible-playbook or another subprocess")
