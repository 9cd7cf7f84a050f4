"""The argument specs of every module, as the modules build them."""

from ansible_collections.stackops.kibana.plugins.module_utils import (  # noqa: F401
    _alerting_rules as rules,
    _connectors as connectors,
    _exception_lists as lists,
    _fleet_agent_policies as policies,
    _osquery_packs as packs,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import argument_spec

MODULE_SPECS = {
    "kibana_rule": argument_spec(rules.RULE_OPTIONS),
    "kibana_connector": argument_spec(connectors.CONNECTOR_OPTIONS),
    "fleet_agent_policy": argument_spec(policies.AGENT_POLICY_OPTIONS),
    "osquery_pack": argument_spec(packs.OSQUERY_PACK_OPTIONS),
    "exception_list": argument_spec(lists.EXCEPTION_LIST_OPTIONS),
    "kibana_rule_info": argument_spec(rules.RULE_INFO_OPTIONS, state=False),
    "kibana_connector_info": argument_spec(connectors.CONNECTOR_INFO_OPTIONS, state=False),
    "fleet_agent_policy_info": argument_spec(policies.AGENT_POLICY_INFO_OPTIONS, state=False),
    "osquery_pack_info": argument_spec(packs.OSQUERY_PACK_INFO_OPTIONS, state=False),
    "exception_list_info": argument_spec(lists.EXCEPTION_LIST_INFO_OPTIONS, state=False),
}

RESOURCE_SPECS = [
    (rules.RuleResource, rules.RULE_OPTIONS),
    (connectors.ConnectorResource, connectors.CONNECTOR_OPTIONS),
    (policies.AgentPolicyResource, policies.AGENT_POLICY_OPTIONS),
    (packs.OsqueryPackResource, packs.OSQUERY_PACK_OPTIONS),
    (lists.ExceptionListResource, lists.EXCEPTION_LIST_OPTIONS),
]


def dict_option_paths(spec, prefix=""):
    """Dotted paths ('[]' for list elements) of every dict option with sub-options, and of the
    dict elements of every list option with sub-options."""
    found = []
    for name, option in spec.items():
        if option.get("options") is None:
            continue
        where = prefix + name + ("[]" if option.get("type") == "list" else "")
        found.append(where)
        found.extend(dict_option_paths(option["options"], where + "."))
    return found
