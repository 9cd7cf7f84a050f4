# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """Connection options shared by every module of the collection."""

    DOCUMENTATION = r'''
options:
  kibana_url:
    description:
      - Base URL of Kibana, including any base path when Kibana is served behind a proxy,
        for example V(https://kibana.example.com:5601) or V(https://proxy.example.com/kibana).
      - If not set, the value of the E(KIBANA_ENDPOINT) or E(KIBANA_URL) environment variable is used.
      - Requests go through the forward proxy named by E(HTTPS_PROXY) or E(HTTP_PROXY) unless
        E(NO_PROXY) matches the host.
      - Must not hold credentials (V(https://user:password@host)); such a URL is refused before
        any request, without repeating the password. Use O(username) and O(password),
        O(api_key) or O(bearer_token).
    type: str
    required: true
  username:
    description:
      - User name for HTTP basic authentication. Requires O(password).
      - Exactly one of O(username), O(api_key) or O(bearer_token) must be given.
      - When the task sets none of them, the E(KIBANA_USERNAME), E(KIBANA_API_KEY) and
        E(KIBANA_BEARER_TOKEN) environment variables are used (exactly one of them); a method set in
        the task always wins over the environment.
    type: str
  password:
    description:
      - Password for HTTP basic authentication.
      - If not set, the value of the E(KIBANA_PASSWORD) environment variable is used.
    type: str
  api_key:
    description:
      - An Elasticsearch API key in its encoded form (the C(encoded) value Elasticsearch returns
        when the key is created), sent in the C(Authorization) header with the C(ApiKey) scheme.
      - If no authentication option is set in the task, the value of the E(KIBANA_API_KEY)
        environment variable is used.
    type: str
  bearer_token:
    description:
      - An Elasticsearch access token or service account token, sent in the C(Authorization)
        header with the C(Bearer) scheme.
      - If no authentication option is set in the task, the value of the E(KIBANA_BEARER_TOKEN)
        environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify Kibana's TLS certificate. Only set to V(false) on trusted test systems;
        every task then warns that the certificate is not verified.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or a directory of hashed certificates) with the certificate authorities used to
        verify Kibana's certificate. A missing or unreadable file, or one without a PEM
        certificate, fails before any request, naming this option.
      - When not set, the CA bundle named by the E(REQUESTS_CA_BUNDLE), E(CURL_CA_BUNDLE) or
        E(SSL_CERT_FILE) environment variable is used (the first one set), as other Python and
        command-line tools on the host do, so a CA set up once for them also works here; without
        any, the certificate authorities that ship with C(requests) (certifi) are used. O(ca_path)
        always wins over the environment.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS. Requires O(client_key) unless the file also holds
        the key. The files are checked before any request (they must exist, be readable and hold
        a certificate and its unencrypted key).
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert), unencrypted. Requires O(client_cert).
    type: path
  request_timeout:
    description:
      - Seconds to wait for Kibana to answer one request; a number above 0 and at most 3600.
      - Requests are retried up to three times within a time budget after connection errors
        that happened before anything was sent, and after HTTP 429 and 503 (Kibana did not
        process the request), honouring C(Retry-After) up to 10 seconds. Idempotent requests
        (GET, PUT, DELETE) are also retried after a read time-out, a dropped connection and HTTP
        502 and 504. A create (POST) whose answer is lost is never sent again blindly; the module
        looks the object up first. TLS certificate errors are not retried.
      - No retry starts later than twice this value after the first try, so one call lasts at
        most about three times this value.
    type: float
    default: 30
notes:
  - All modules of this collection are in the action group C(stackops.kibana.kibana), so the
    connection options can be set once with C(module_defaults) using C(group/stackops.kibana.kibana).
  - Requests carry the C(kbn-xsrf) header and the C(elastic-api-version) header set to C(2023-10-31).
requirements:
  - requests (on the host that runs the module, normally the controller)
'''

    SPACE = r'''
options:
  space_id:
    description:
      - The Kibana space the object lives in. Requests go to C(/s/<space_id>/api/...), or to
        C(/api/...) for the V(default) space.
      - A space id as Kibana defines it (lower case letters C(a-z), digits C(0-9), C(_) and
        C(-)); any other value (C(..), C(/), upper case, spaces, ...) is refused before any
        request. Null or an empty string mean the V(default) space.
    type: str
    default: default
'''
