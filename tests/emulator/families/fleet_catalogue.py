"""The emulator's small package registry: a few real integrations, as their manifests describe
them (tests/emulator/contract/fleet-epm-packages.md, "Catalogue").

Each package's policy templates, inputs, data streams and vars are taken from the packages'
manifests in elastic/integrations (packages/<name>/manifest.yml and
packages/<name>/data_stream/*/manifest.yml) and elastic/endpoint-package
(package/endpoint/manifest.yml), cut down to a few data streams each. Versions other than the
manifests' own are [unverified]: the registry holds many; these are plausible ones."""

import copy


def var(name, kind="text", title=None, multi=False, required=False, default=None, secret=False,
        show_user=True):
    spec = {"name": name, "type": kind, "title": title or name, "multi": multi,
            "required": required, "show_user": show_user}
    if default is not None:
        spec["default"] = default
    if secret:
        spec["secret"] = True
    return spec


PROCESSORS = var("processors", "yaml", "Processors", show_user=False)
TAGS = var("tags", "text", "Tags", multi=True, show_user=False)

# packages/system/manifest.yml (policy template `system`, its four inputs and their vars) and
# data_stream/{auth,syslog,cpu,memory,security}/manifest.yml
SYSTEM = {
    "name": "system", "title": "System", "type": "integration",
    "description": "Collect system logs and metrics from your servers with Elastic Agent.",
    "categories": ["os_system"], "owner": {"github": "elastic/obs-infraobs-integrations",
                                           "type": "elastic"},
    "policy_templates": [{
        "name": "system", "title": "System logs and metrics",
        "description": "Collect logs and metrics from System instances",
        "inputs": [
            {"type": "logfile", "title": "Collect logs from System instances"},
            {"type": "winlog", "title": "Collect events from the Windows event log"},
            {"type": "system/metrics", "title": "Collect metrics from System instances",
             "vars": [var("system.hostfs", "text", "Proc Filesystem Directory")]},
            {"type": "httpjson", "title": "Collect logs from third-party REST API (experimental)",
             "vars": [
                 var("url", "text", "URL of Splunk Enterprise Server", required=True,
                     default="https://server.example.com:8089"),
                 var("enable_request_tracer", "bool", "Enable request tracing", show_user=False),
                 var("username", "text", "Splunk REST API Username"),
                 var("password", "password", "Splunk REST API Password", secret=True),
                 var("token", "password", "Splunk Authorization Token", secret=True),
                 var("preserve_original_event", "bool", "Preserve original event", required=True,
                     default=False),
                 var("ssl", "yaml", "SSL Configuration", show_user=False),
             ]},
        ],
    }],
    "data_streams": [
        {"type": "logs", "dataset": "system.auth", "title": "System auth logs",
         "streams": [{"input": "logfile", "title": "System auth logs (log)", "vars": [
             var("ignore_older", "text", "Ignore events older than", default="72h",
                 show_user=False),
             var("paths", "text", "Paths", multi=True, required=True,
                 default=["/var/log/auth.log*", "/var/log/secure*"])]}]},
        {"type": "logs", "dataset": "system.syslog", "title": "System syslog logs",
         "streams": [{"input": "logfile", "title": "System syslog logs (log)", "vars": [
             var("paths", "text", "Paths", multi=True, required=True,
                 default=["/var/log/messages*", "/var/log/syslog*", "/var/log/system*"]),
             TAGS, PROCESSORS]}]},
        {"type": "metrics", "dataset": "system.cpu", "title": "System cpu metrics",
         "streams": [{"input": "system/metrics", "title": "System cpu metrics", "vars": [
             var("period", "text", "Period", required=True, default="10s"),
             var("cpu.metrics", "text", "Cpu Metrics", multi=True, required=True,
                 default=["percentages", "normalized_percentages"]),
             TAGS, PROCESSORS]}]},
        {"type": "metrics", "dataset": "system.memory", "title": "System memory metrics",
         "streams": [{"input": "system/metrics", "title": "System memory metrics", "vars": [
             var("period", "text", "Period", required=True, default="10s"),
             TAGS, PROCESSORS]}]},
        {"type": "logs", "dataset": "system.security", "title": "Security logs",
         "streams": [
             {"input": "winlog", "title": "Security", "vars": [
                 var("preserve_original_event", "bool", "Preserve original event",
                     required=True, default=False),
                 var("ignore_older", "text", "Ignore events older than", default="72h"),
                 TAGS, PROCESSORS]},
             {"input": "httpjson", "title": "Windows Security Events via Splunk Enterprise REST API",
              "enabled": False, "vars": [
                  var("interval", "text", "Interval to query Splunk Enterprise REST API",
                      required=True, default="10s"),
                  var("search", "text", "Splunk search string", required=True,
                      default='search sourcetype="XmlWinEventLog:Security"'),
                  TAGS, PROCESSORS]}]},
    ],
}

# packages/osquery_manager/manifest.yml and data_stream/result/manifest.yml
OSQUERY_MANAGER = {
    "name": "osquery_manager", "title": "Osquery Manager", "type": "integration",
    "description": "Deploy Osquery with Elastic Agent, then run and schedule queries in Kibana",
    "categories": ["security"], "owner": {"github": "elastic/security-defend-workflows",
                                          "type": "elastic"},
    "policy_templates": [{
        "name": "osquery_manager", "title": "Osquery Manager", "multiple": False,
        "description": "Send interactive or scheduled queries to the osquery instances executed "
                       "by the elastic-agent.",
        "inputs": [{"type": "osquery", "title": "Send queries to osquery instances"}],
    }],
    "data_streams": [
        {"type": "logs", "dataset": "osquery_manager.result", "title": "Osquery Manager queries",
         "streams": [{"input": "osquery", "title": "Osquery Manager configuration", "vars": [
             var("query", "text", "The query to be executed."),
             var("interval", "text", "An interval in seconds to run the query"),
             var("id", "text", "Query ID (should be unique per query)")]}]},
    ],
}

# elastic/endpoint-package package/endpoint/manifest.yml: one template, one input without
# streams or vars (Elastic Defend's policy is the input's `config`, not vars)
ENDPOINT = {
    "name": "endpoint", "title": "Elastic Defend", "type": "integration",
    "description": "Protect your hosts and cloud workloads with threat prevention, detection, "
                   "and deep security data visibility.",
    "categories": ["security"], "owner": {"github": "elastic/security-defend-workflows",
                                          "type": "elastic"},
    "policy_templates": [{"name": "endpoint", "title": "Elastic Defend", "multiple": False,
                          "description": "Interact with the endpoint.",
                          "inputs": [{"type": "endpoint", "title": "Elastic Defend"}]}],
    "data_streams": [],
}

# packages/log/manifest.yml (Custom Logs) and data_stream/log/manifest.yml
LOG = {
    "name": "log", "title": "Custom Logs", "type": "integration",
    "description": "Collect custom logs with Elastic Agent.",
    "categories": ["custom"], "owner": {"github": "elastic/integrations", "type": "elastic"},
    "policy_templates": [{"name": "logs", "title": "Custom logs",
                          "description": "Collect your custom log files.",
                          "inputs": [{"type": "logfile", "title": "Custom log file"}]}],
    "data_streams": [
        {"type": "logs", "dataset": "log.log", "title": "Log Dataset",
         "streams": [{"input": "logfile", "title": "Collect log files", "vars": [
             var("paths", "text", "Log file path", multi=True, required=True),
             var("data_stream.dataset", "text", "Dataset name", required=True, default="generic"),
             TAGS, PROCESSORS,
             var("custom", "yaml", "Custom configurations", default="")]}]},
    ],
}

# packages/tcp/manifest.yml (1.18.1: one template `tcp`, input `tcp`) and
# data_stream/generic/manifest.yml; 1.16.0 and 1.17.0 are the versions the Terraform provider's
# acceptance tests install and upgrade between [tf internal/fleet/integration/testdata/
# TestAccResourceIntegrationWithPolicy], their vars taken as 1.18.1's [unverified]
TCP = {
    "name": "tcp", "title": "Custom TCP Logs", "type": "integration",
    "description": "Collect raw TCP data from listening TCP port with Elastic Agent.",
    "categories": ["custom", "custom_logs"],
    "owner": {"github": "elastic/sec-deployment-and-devices", "type": "elastic"},
    "policy_templates": [{
        "name": "tcp", "title": "Custom TCP Logs",
        "description": "Collect raw TCP data from listening TCP port with Elastic Agent.",
        "inputs": [{"type": "tcp", "title": "Custom TCP Logs"}],
    }],
    "data_streams": [
        {"type": "logs", "dataset": "tcp.generic", "title": "Custom TCP Logs",
         "streams": [{"input": "tcp", "title": "Custom TCP Logs", "vars": [
             var("listen_address", "text", "Listen Address", required=True, default="localhost"),
             var("listen_port", "text", "Listen port", required=True, default=8080),
             var("data_stream.dataset", "text", "Dataset name", required=True,
                 default="tcp.generic"),
             var("pipeline", "text", "Ingest Pipeline"),
             var("max_message_size", "text", "Max Message Size", show_user=False),
             var("framing", "text", "Framing", show_user=False),
             var("line_delimiter", "text", "Line Delimiter", show_user=False),
             var("max_connections", "text", "Max Connections", show_user=False),
             var("timeout", "text", "Timeout", show_user=False),
             var("keep_null", "bool", "Keep Null Values", show_user=False),
             PROCESSORS,
             var("tags", "text", "Tags", multi=True),
             var("syslog", "bool", "Syslog Parsing"),
             var("syslog_options", "yaml", "Syslog Configuration", show_user=False,
                 default="field: message\n#format: auto\n#timezone: Local\n"),
             var("preserve_original_event", "bool", "Preserve original event", required=True,
                 default=False),
             var("ssl", "yaml", "SSL Configuration", show_user=False, default=(
                 "#certificate: |\n#    -----BEGIN CERTIFICATE-----\n#    ...\n"
                 "#    -----END CERTIFICATE-----\n#key: |\n#    -----BEGIN PRIVATE KEY-----\n"
                 "#    ...\n#    -----END PRIVATE KEY-----\n")),
             var("custom", "yaml", "Custom configurations", default="")]}]},
    ],
}

# Packages Fleet itself installs (Fleet Server, the agent's monitoring): minimal.
FLEET_SERVER = {
    "name": "fleet_server", "title": "Fleet Server", "type": "integration", "categories": [],
    "description": "Centrally manage Elastic Agents with the Fleet Server integration.",
    "policy_templates": [{"name": "fleet_server", "title": "Fleet Server", "multiple": False,
                          "inputs": [{"type": "fleet-server", "title": "Fleet Server", "vars": [
                              var("host", "text", "Host", multi=True, default=["0.0.0.0"]),
                              var("port", "integer", "Port", multi=True, default=[8220])]}]}],
    "data_streams": [],
}
ELASTIC_AGENT = {
    "name": "elastic_agent", "title": "Elastic Agent", "type": "integration", "categories": [],
    "description": "Collect logs and metrics from Elastic Agents.",
    "policy_templates": [], "data_streams": [],
}

# name -> (manifest, versions oldest first, bundled with Kibana)
# Bundled packages are served without the registry [src fleet/server/services/epm/registry/
# index.ts getBundledPackageByName]; which ones Kibana bundles is [unverified] beyond
# fleet_server, elastic_agent and endpoint.
CATALOGUE = {
    "system": (SYSTEM, ["1.60.0", "1.64.1", "1.68.0"], False),
    "osquery_manager": (OSQUERY_MANAGER, ["1.16.0", "1.18.0"], False),
    "endpoint": (ENDPOINT, ["8.17.0", "9.1.0"], True),
    "log": (LOG, ["2.3.2", "2.4.0"], False),
    "tcp": (TCP, ["1.16.0", "1.17.0", "1.18.1"], False),
    "fleet_server": (FLEET_SERVER, ["1.6.0"], True),
    "elastic_agent": (ELASTIC_AGENT, ["2.3.0"], True),
}


def versions(name):
    return list(CATALOGUE[name][1]) if name in CATALOGUE else []


def latest(name):
    return CATALOGUE[name][1][-1] if name in CATALOGUE else None


def bundled(name):
    return name in CATALOGUE and CATALOGUE[name][2]


def manifest(name, version):
    """The package's manifest at that version, or None when the registry has no such version."""
    if name not in CATALOGUE or version not in CATALOGUE[name][1]:
        return None
    info = copy.deepcopy(CATALOGUE[name][0])
    info["version"] = version
    info["release"] = "ga"
    info.setdefault("vars", [])
    return info


def version_key(version):
    """Semver order for the catalogue's plain x.y.z versions."""
    return tuple(int(part) for part in version.split("-")[0].split("."))
