"""Placeholder: this family is being written (see its notes file in shared/kibana-api)."""

from ..app import Family


class AlertingRules(Family):
    name = "alerting_rules"
