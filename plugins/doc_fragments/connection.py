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
      - Whether to verify Kibana's TLS certificate. Only set to V(false) on trusted test systems.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the certificate authorities used to verify Kibana's certificate.
    type: path
  client_cert:
    description:
      - PEM client certificate for mutual TLS. Requires O(client_key) unless the file also holds the key.
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert).
    type: path
  request_timeout:
    description:
      - Seconds to wait for Kibana to answer one request.
      - Idempotent requests (GET, PUT, DELETE) are retried up to three times after connection
        errors and HTTP 429, 502, 503 and 504, honouring C(Retry-After) up to 10 seconds. No retry
        starts later than this many seconds after the first try, so one call lasts at most about
        twice this value. A create (POST) is never retried blindly.
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
