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


def test_serverless_reports_its_number(kibana, run):
    kibana.fault(method="GET", path="^/api/status$", status=200,
                 body={"name": "kibana", "version": {"number": "9.4.0",
                                                     "build_flavor": "serverless"}})
    result = run("kibana_space_info")
    assert not result.failed and result["kibana_version"] == "9.4.0", result


@pytest.mark.parametrize("version", [
    {"build_flavor": "traditional"},
    {"number": ""},
    {"number": "unknown"},
    {"number": {"major": 9}},
    "9.4.0",
    None,
])
def test_a_status_answer_without_a_version_number_fails_clearly(kibana, run, version):
    """An authenticated /api/status always carries version.number (the redacted answer, without
    it, is for anonymous callers): anything else came from something in between and is a failure,
    never "no version"."""
    body = {"name": "kibana", "status": {"overall": {"level": "available"}}}
    if version is not None:
        body["version"] = version
    kibana.fault(method="GET", path="^/api/status$", status=200, body=body)
    result = run("kibana_space_info")
    assert result.failed and result["msg"].startswith("GET /api/status failed: HTTP 200 with no "
                                                      "version number"), result
    assert "kibana_version" not in result and "Traceback" not in result["msg"]


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
