"""Finding 7 of issue 9 for the modules added after it: the secrets of a set module's config
entries (kibana_connectors, fleet_integration_policies) and of fleet_integration_policy never
reach a result, a failure message or a diff, in any encoded form, when Kibana (or a proxy)
quotes them back in an error, on both paths."""

import json

import pytest

from tests.harness import run_module
from tests.unit.safety.test_secret_scan import forms, leaks

SECRET = 'set-secret "pw"/+5\u00fc'
NUMBER = 86420975  # a secret var may be a number


def echo(kibana, method, path, secrets):
    message = "rejected: " + " ".join(f for s in secrets for f in forms(s).values())
    kibana.fault(method=method, path=path, status=400,
                 body={"statusCode": 400, "error": "Bad Request", "message": message})


def hook(name):
    return {"name": name, "connector_type_id": ".webhook",
            "config": {"url": "https://hooks.example.com/%s" % name, "hasAuth": True},
            "secrets": {"user": "kibana", "password": SECRET}}


def policy_task():
    return {"name": "splunk", "package": "system", "package_version": "1.68.0",
            "inputs": {"system-httpjson": {"enabled": True,
                                           "vars": {"url": "https://splunk.example.com:8089"}}},
            "secrets": {"inputs": {"system-httpjson": {"vars": {"password": SECRET,
                                                                "token": "%d" % NUMBER}}}}}


POLICY_SECRETS = [SECRET, "%d" % NUMBER]


@pytest.mark.parametrize("module,task,method,path,secrets", [
    ("kibana_connectors", {"config": [hook("a"), hook("b")]}, "POST",
     "^/api/actions/connector(/[^/]+)?$", [SECRET]),
    ("fleet_integration_policy", policy_task(), "POST", "^/api/fleet/package_policies$",
     POLICY_SECRETS),
    ("fleet_integration_policies", {"config": [policy_task()]}, "POST",
     "^/api/fleet/package_policies$", POLICY_SECRETS),
])
def test_secrets_quoted_back_by_kibana_never_show(kibana, conn, execution, module, task, method,
                                                  path, secrets):
    echo(kibana, method, path, secrets)
    for check_mode, diff in ((True, True), (False, True)):
        result = run_module(module, dict(conn, **task), check_mode=check_mode, diff=diff,
                            execution=execution)
        assert leaks(json.dumps(result), secrets) == [], result
    assert result.failed and "rejected: ********" in result["msg"], result.get("msg")
