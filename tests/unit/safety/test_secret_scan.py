"""Finding 7 of issue 9, end to end: the example playbooks and every failure path run through
ansible-playbook at -vvv --diff; no credential (password, API key, bearer token) and no connector
secret appears in any output, in raw, JSON-escaped, URL-encoded or base64 form, nor in the
emulator's request log, except connector secrets in the bodies of connector creates/updates."""

import base64
import json
import os
import subprocess
import sys
import urllib.parse

import pytest

from tests.emulator.app import API_KEY, BEARER_TOKEN
from tests.harness import REPO, collections_path

WEBHOOK_SECRET = 'scan-hook "pass"/+1ü'
WRONG_PASSWORD = 'scan-pw"/+2ü'
WRONG_TOKEN = "scan-token/+3="
URL_PASSWORD = "scan-url-pw-4"
KEY_ID, KEY_SECRET = base64.b64decode(API_KEY).decode().split(":")
CREDENTIALS = [API_KEY, KEY_ID + ":" + KEY_SECRET, KEY_SECRET, BEARER_TOKEN, WRONG_PASSWORD,
               "elastic:" + WRONG_PASSWORD, WRONG_TOKEN, URL_PASSWORD]
CONNECTOR_SECRETS = [WEBHOOK_SECRET]


def forms(secret):
    """Every form a secret is searched in."""
    return {"raw": secret, "json": json.dumps(secret)[1:-1],
            "json-unicode": json.dumps(secret, ensure_ascii=False)[1:-1],
            "json-twice": json.dumps(json.dumps(secret))[3:-3],
            "url": urllib.parse.quote(secret, safe=""), "url-plus": urllib.parse.quote_plus(secret),
            "base64": base64.b64encode(secret.encode()).decode()}


def leaks(text, secrets):
    return ["%s form of %r" % (name, secret) for secret in secrets
            for name, form in forms(secret).items() if form in text]


def ansible_playbook(kibana, path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), KIBANA_URL=kibana.url,
               KIBANA_API_KEY=API_KEY, DEMO_WEBHOOK_PASSWORD=WEBHOOK_SECRET,
               SCAN_PASSWORD=WRONG_PASSWORD, SCAN_TOKEN=WRONG_TOKEN, SCAN_URL_PASSWORD=URL_PASSWORD,
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0")
    for name in ("KIBANA_USERNAME", "KIBANA_PASSWORD", "KIBANA_BEARER_TOKEN"):
        env.pop(name, None)
    bindir = os.path.dirname(sys.executable)
    done = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", "localhost,", "-c",
                           "local", "-vvv", "--diff", str(path)], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    return done.stdout + done.stderr


def echo(kibana, method, path, secrets, status=400, **extra):
    """Kibana (or a proxy) echoing every form of the secrets in its error message."""
    message = "rejected: " + " ".join(f for s in secrets for f in forms(s).values())
    kibana.fault(method=method, path=path, status=status,
                 body={"statusCode": status, "error": "Bad Request", "message": message}, **extra)


FAILURES = """
- name: Every failure path, at -vvv --diff
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/stackops.kibana.kibana:
      kibana_url: "{{ lookup('ansible.builtin.env', 'KIBANA_URL') }}"
      api_key: "{{ lookup('ansible.builtin.env', 'KIBANA_API_KEY') }}"
  vars:
    hook:
      connector_type_id: .webhook
      config: {url: https://hooks.example.com/scan, hasAuth: true}
      secrets: {user: kibana, password: "{{ lookup('ansible.builtin.env', 'DEMO_WEBHOOK_PASSWORD') }}"}
  tasks:
    - name: A connector create answered with an error that quotes the secrets
      stackops.kibana.kibana_connector: "{{ hook | combine({'name': 'scan-hook'}) }}"
      ignore_errors: true
    - name: A connector update answered with an error that quotes the secrets
      stackops.kibana.kibana_connector:
        id: 5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61
        name: ops-webhook
        connector_type_id: .webhook
        config: {url: https://hooks.example.com/changed}
        secrets: {user: kibana, password: "{{ lookup('ansible.builtin.env', 'DEMO_WEBHOOK_PASSWORD') }}"}
        secrets_update: always
      ignore_errors: true
    - name: A look-up answered with an error that quotes the credentials
      stackops.kibana.kibana_rule_info: {}
      ignore_errors: true
    - name: A look-up answered with an HTML page
      stackops.kibana.fleet_agent_policy: {name: scan-policy, namespace: default}
      ignore_errors: true
    - name: A wrong password, quoted back in every form
      stackops.kibana.osquery_pack:
        name: scan_pack
        api_key: "{{ omit }}"
        username: elastic
        password: "{{ lookup('ansible.builtin.env', 'SCAN_PASSWORD') }}"
      ignore_errors: true
    - name: A wrong bearer token, quoted back in every form
      stackops.kibana.exception_list:
        list_id: scan-list
        name: scan
        type: detection
        api_key: "{{ omit }}"
        bearer_token: "{{ lookup('ansible.builtin.env', 'SCAN_TOKEN') }}"
      ignore_errors: true
    - name: Credentials inside kibana_url
      stackops.kibana.kibana_connector:
        name: scan-url
        kibana_url: "http://elastic:{{ lookup('ansible.builtin.env', 'SCAN_URL_PASSWORD') }}@127.0.0.1:9"
      ignore_errors: true
    - name: A CA file that is not there
      stackops.kibana.kibana_connector:
        name: scan-tls
        kibana_url: https://127.0.0.1:9
        ca_path: /nonexistent/ca.pem
      ignore_errors: true
    - name: A request_timeout that is not a number of seconds
      stackops.kibana.kibana_connector: {name: scan-timeout, request_timeout: nan}
      ignore_errors: true
    - name: Nobody listening
      stackops.kibana.kibana_connector: "{{ hook | combine({'name': 'scan-refused', 'kibana_url': 'http://127.0.0.1:9', 'request_timeout': 1}) }}"
      ignore_errors: true
"""


@pytest.mark.slow
def test_no_secret_in_any_output_or_request_log(kibana, tmp_path):
    kibana.create_space("security")
    outputs = [ansible_playbook(kibana, REPO / "docs" / "examples" / "site.yml")]
    assert "failed=0" in outputs[0], outputs[0][-3000:]
    # each echo quotes the credentials the task uses (a module can only hide what it knows)
    api_key = [API_KEY, KEY_ID + ":" + KEY_SECRET, KEY_SECRET]
    echo(kibana, "POST", "^/api/actions/connector(/[^/]+)?$", api_key + CONNECTOR_SECRETS)
    echo(kibana, "PUT", "^/api/actions/connector/", api_key + CONNECTOR_SECRETS, status=500)
    echo(kibana, "GET", "^/api/alerting/rules/_find$", api_key)
    kibana.fault(method="GET", path="^/api/fleet/agent_policies$", kind="html")
    echo(kibana, "GET", "^/api/osquery/packs$", [WRONG_PASSWORD, "elastic:" + WRONG_PASSWORD],
         status=401)
    echo(kibana, "GET", "^/api/exception_lists$", [WRONG_TOKEN], status=401)
    playbook = tmp_path / "failures.yml"
    # the secrets come from the environment, as from a vault: ansible-core quotes a failed
    # task's source lines, which must not hold them
    playbook.write_text(FAILURES)
    outputs.append(ansible_playbook(kibana, playbook))
    assert "failed=0" in outputs[1] and "ignored=10" in outputs[1], outputs[1][-5000:]
    for failure in ("returned HTTP 400: rejected: ********", "returned HTTP 500: rejected:",
                    "text/html", "returned HTTP 401: rejected: ********",
                    "kibana_url must not hold credentials",
                    "ca_path: /nonexistent/ca.pem does not exist", "request_timeout must be",
                    "cannot connect"):
        assert failure in outputs[1], failure  # each failure path was taken
    text = "\n".join(outputs)
    assert leaks(text, CREDENTIALS + CONNECTOR_SECRETS) == []
    log = kibana.requests()
    carried = [e for e in log if leaks(json.dumps(e), CONNECTOR_SECRETS)]
    assert carried and all(e["method"] in ("POST", "PUT") and e["path"].startswith(
        "/api/actions/connector") for e in carried), carried
    assert leaks(json.dumps(log), CREDENTIALS) == []
