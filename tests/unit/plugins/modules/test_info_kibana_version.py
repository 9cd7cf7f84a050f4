"""Every _info module returns the target's `kibana_version`, as /api/status reports it, so that
a play can guard tasks that need a newer Kibana (docs/examples/osquery.yml does)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest
import yaml

MODULES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "modules")
INFO_MODULES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith("_info.py"))


def test_every_info_module_is_covered():
    assert len(INFO_MODULES) >= 9 and "osquery_pack_info" in INFO_MODULES


@pytest.mark.parametrize("module", INFO_MODULES)
def test_kibana_version_follows_the_target(kibana, run, module):
    played = kibana.api("GET", "/api/status").json()["version"]["number"]
    result = run(module)
    assert not result.failed, result
    assert result["kibana_version"] == played and not result["changed"]
    assert "/api/status" in [r["path"] for r in kibana.requests()]
    kibana.config(kibana_version="8.19.3")
    assert run(module)["kibana_version"] == "8.19.3"
    kibana.config(kibana_version="9.4.0")
    assert run(module)["kibana_version"] == "9.4.0"


@pytest.mark.parametrize("version, reported", [
    ({"number": "9.4.0", "build_flavor": "serverless"}, "9.4.0"),  # serverless has a number too
    ({"build_flavor": "traditional"}, None),
    ({"number": ""}, None),
    ({"number": {"major": 9}}, None),
    ("9.4.0", None),  # not Kibana's shape: no version rather than a guess
])
def test_kibana_version_of_odd_status_answers(kibana, run, version, reported):
    kibana.fault(method="GET", path="^/api/status$", status=200,
                 body={"name": "kibana", "version": version})
    result = run("kibana_space_info")
    assert not result.failed and result["kibana_version"] == reported, result


def test_a_status_answer_that_is_not_json_fails_clearly(kibana, run):
    kibana.fault(method="GET", path="^/api/status$", kind="html")
    result = run("kibana_connector_info")
    assert result.failed and result["msg"].startswith("GET /api/status failed"), result
    assert "Traceback" not in result["msg"]


@pytest.mark.parametrize("module", INFO_MODULES)
def test_kibana_version_is_documented(module):
    with open(os.path.join(MODULES_DIR, module + ".py")) as source:
        text = source.read()
    returned = yaml.safe_load(text.split("RETURN = r'''", 1)[1].split("'''", 1)[0])
    assert returned["kibana_version"]["returned"] == "always"
    assert returned["kibana_version"]["type"] == "str"
