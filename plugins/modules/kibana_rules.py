#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_rules
short_description: Manage every rule of a Kibana space in one task
version_added: 1.0.0
description:
  - The set form of M(stackops.kibana.kibana_rule), in the tradition of Ansible's resource
    modules. Each element of O(config) declares one rule with the options of
    M(stackops.kibana.kibana_rule); O(state) says what happens to them and to the space's
    other rules.
  - One read of the space's rules serves every element and the connector names of all their
    actions are resolved with one more read; only the rules that
    differ are written, several at a time. Every failure is reported with the element it
    concerns, and the other rules are still converged (listed in RV(results) and RV(deleted)).
  - Comparison, validation and safety are those of M(stackops.kibana.kibana_rule), so a set task
    and single-object tasks converge the same rules to the same state.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  config:
    description:
    - 'The rules of the space, one element each. An element takes exactly the options of M(stackops.kibana.kibana_rule)
      (without O(state) and O(space_id): the set''s own).'
    - Required with every O(state) but V(gathered), which takes none.
    type: list
    elements: dict
    suboptions:
      id:
        description:
        - The rule id. Kibana 8.17 and later accept any string; earlier versions need a UUID
          of version 1 to 5 (or the nil UUID), in any letter case, for a caller-chosen id. A
          version 5 UUID from the C(ansible.builtin.to_uuid) filter pins a stable id on every
          version.
        - When not given, the rule is found by O(config[].name); several rules with that name
          make the module fail and list their ids.
        type: str
      name:
        description:
        - The rule's display name. Names are not unique in Kibana.
        - Required when O(config[].id) is not given, and to create a rule.
        type: str
      rule_type_id:
        description:
        - The rule type, for example V(.es-query), V(.index-threshold) or V(observability.rules.custom_threshold).
        - Required to create a rule. Kibana cannot change it on an existing rule; see O(config[].recreate).
        type: str
      consumer:
        description:
        - The feature that owns the rule, for example V(alerts), V(stackAlerts), V(observability),
          V(logs) or V(siem). It must be allowed for the rule type.
        - Required to create a rule. Kibana cannot change it on an existing rule; see O(config[].recreate).
        type: str
      schedule:
        description:
        - How often the rule runs, as an interval like V(30s), V(5m), V(1h) or V(1d).
        - Required to create a rule.
        type: str
      params:
        description:
        - The rule type's parameters, as the create API takes them (camelCase keys).
        - Only the keys given here are compared and changed; other keys Kibana stores (its defaults
          included) are kept. Set a key to V(null) to remove it from the rule; Kibana then stores
          the rule type's default for that key if it has one, which counts as removed.
        type: dict
      tags:
        description:
        - The rule's tags, compared as a set. V([]) removes every tag; not setting the option
          keeps the current tags.
        type: list
        elements: str
      enabled:
        description:
        - Whether the rule runs. Kibana enables a new rule unless this is V(false).
        type: bool
      actions:
        description:
        - The rule's actions, compared in order. Each action given is compared only on the suboptions
          set; an existing action of the same connector (and group) keeps its C(uuid) and the
          keys you do not set.
        - When set, the rule gets exactly these actions; V([]) removes them all. Not setting
          the option keeps the current actions.
        type: list
        elements: dict
        suboptions:
          id:
            description:
            - The id of the connector that runs the action.
            - Exactly one of O(config[].actions[].id) and O(config[].actions[].connector_name)
              is required.
            type: str
          connector_name:
            description:
            - The name of the connector that runs the action, looked up in the rule's space.
              A missing name, or a name several connectors share, fails before anything is written.
            type: str
          group:
            description:
            - The action group that runs the action, for example V(query matched) (C(.es-query)),
              V(threshold met) (C(.index-threshold)) or V(recovered).
            - Required by Kibana for a new action.
            type: str
          params:
            description:
            - The connector's parameters (Mustache templates), for example C(message) and C(level)
              for a C(.server-log) connector.
            type: dict
          frequency:
            description:
            - When the action runs (Kibana 8.6 and later). Cannot be combined with the rule-level
              O(config[].notify_when) or O(config[].throttle).
            - Kibana 8.6 and later need it on every action unless the rule-level O(config[].notify_when)
              or O(config[].throttle) is set (in the task, or already on the rule and kept).
              Without either, the module fails before any request, in check mode too.
            type: dict
            suboptions:
              summary:
                description: Whether the action sends a summary of alerts instead of one run
                  per alert.
                type: bool
                required: true
              notify_when:
                description: When the action runs.
                type: str
                required: true
                choices:
                - onActionGroupChange
                - onActiveAlert
                - onThrottleInterval
              throttle:
                description:
                - With O(config[].actions[].frequency.notify_when=onThrottleInterval), the shortest
                  time between two runs, like V(1h). Not shorter than O(config[].schedule).
                type: str
          alerts_filter:
            description:
            - Which alerts run the action (Kibana 8.9 and later).
            type: dict
            suboptions:
              query:
                description: Only alerts matching this query.
                type: dict
                suboptions:
                  kql:
                    description: A KQL query on the alert fields.
                    type: str
                    required: true
                  filters:
                    description: Kibana filter objects (as the UI stores them); V([]) when not
                      set.
                    type: list
                    elements: dict
                  dsl:
                    description:
                    - The query as Elasticsearch query DSL (a JSON string). Kibana builds it
                      from O(config[].actions[].alerts_filter.query.kql) when not given.
                    type: str
              timeframe:
                description: Only alerts raised within these days and hours.
                type: dict
                suboptions:
                  days:
                    description: ISO days of the week, V(1) (Monday) to V(7) (Sunday).
                    type: list
                    elements: int
                    required: true
                  hours:
                    description: The time of day, in 24-hour V(HH:mm).
                    type: dict
                    required: true
                    suboptions:
                      start:
                        description: Start of the time window, for example V(08:00).
                        type: str
                        required: true
                      end:
                        description: End of the time window, for example V(17:00).
                        type: str
                        required: true
                  timezone:
                    description: The time zone of O(config[].actions[].alerts_filter.timeframe.hours),
                      for example V(Europe/Paris).
                    type: str
                    required: true
          use_alert_data_for_template:
            description: Whether the action's templates can use the alert's data.
            type: bool
      notify_when:
        description:
        - Deprecated in Kibana 8.13, required before Kibana 8.6. When the rule's actions run,
          for all actions of the rule. Prefer O(config[].actions[].frequency).
        - Cannot be combined with O(config[].actions[].frequency).
        type: str
        choices:
        - onActionGroupChange
        - onActiveAlert
        - onThrottleInterval
      throttle:
        description:
        - Deprecated in Kibana 8.13. The shortest time between two runs of the rule's actions,
          like V(1h). Prefer O(config[].actions[].frequency.throttle).
        - Cannot be combined with O(config[].actions[].frequency). Kibana keeps a rule-level
          throttle once set; only recreating the rule removes it.
        type: str
      alert_delay:
        description:
        - Raise an alert only after this many consecutive runs matched (Kibana 8.13 and later).
        type: dict
        suboptions:
          active:
            description: The number of consecutive matching runs.
            type: int
            required: true
      flapping:
        description:
        - The rule's own flapping detection settings instead of the space's (Kibana 8.16 and
          later).
        type: dict
        suboptions:
          look_back_window:
            description: The number of recent runs looked at, 2 to 20.
            type: int
            required: true
          status_change_threshold:
            description: The number of status changes within the window that make an alert flapping,
              2 to 20.
            type: int
            required: true
          enabled:
            description: Whether flapping detection is on for the rule (Kibana 9.3 and later).
            type: bool
      muted:
        description:
        - Whether every alert of the rule is muted (C(_mute_all)); muted rules run but do not
          run their actions.
        - Adding a snooze schedule unmutes a rule in Kibana; the module mutes it again afterwards
          when this is V(true).
        type: bool
      artifacts:
        description:
        - The dashboards and investigation guide linked to the rule (Kibana 8.19, and 9.1 or
          later; Kibana 9.0 has none). Only the keys you set are compared and changed; the others
          keep what is linked in the UI.
        - Kibana returns them only through the rule route the UI uses, so setting this option
          costs one more read on every run.
        - When the stored artifacts cannot be read, an update sends exactly this option, so
          state all of them then (V({}) for a rule that has none).
        - On Kibana 9.0 and versions before 8.19 a task that would send it fails before any
          write (check mode too).
        type: dict
        suboptions:
          dashboards:
            description: Ids of the dashboards linked to the rule, in order.
            type: list
            elements: str
          investigation_guide:
            description: The investigation guide, in Markdown.
            type: str
      snooze_schedules:
        description:
        - Snooze schedules the rule must have (Kibana 8.19 or 9.1 and later). Missing ones are
          added and, unless O(config[].purge_snooze_schedules=false), the rule's other schedules
          are deleted; V([]) deletes them all. Not setting the option keeps the current schedules.
        - A schedule matches a stored one when its start, duration, time zone and recurrence
          are equal. Kibana allows 5 schedules per rule and drops schedules that have ended,
          so list only current ones.
        type: list
        elements: dict
        suboptions:
          start:
            description: When the first snooze starts, as V(YYYY-MM-DDTHH:mm:ss.sssZ).
            type: str
            required: true
          duration:
            description: How long each snooze lasts, like V(30m), V(8h) or V(2d).
            type: str
            required: true
          timezone:
            description: The time zone the schedule recurs in (V(UTC) when not set).
            type: str
          recurring:
            description: How the snooze recurs; not set for a single snooze.
            type: dict
            suboptions:
              every:
                description: The recurrence period, like V(1d), V(2w), V(1M) or V(1y).
                type: str
              end:
                description: The date after which the snooze no longer recurs (not with O(config[].snooze_schedules[].recurring.occurrences)).
                type: str
              occurrences:
                description: How many times the snooze recurs.
                type: int
              on_week_day:
                description: Days of the week, V(MO) to V(SU), or the nth weekday of the month
                  like V(+1MO) or V(-1FR).
                type: list
                elements: str
              on_month_day:
                description: Days of the month, 1 to 31.
                type: list
                elements: int
              on_month:
                description: Months, 1 to 12.
                type: list
                elements: int
      purge_snooze_schedules:
        description:
        - Delete the rule's snooze schedules that O(config[].snooze_schedules) does not list.
          V(false) only adds the missing ones.
        - Ignored when O(config[].snooze_schedules) is not set.
        type: bool
        default: true
      update_api_key:
        description:
        - Rotate the rule's API key (C(_update_api_key)), so that the rule runs with the calling
          user's privileges. Reports a change on every run of an existing rule.
        - Not needed when the same run creates or updates an enabled rule, which re-keys it
          anyway.
        type: bool
        default: false
      recreate:
        description:
        - When O(config[].rule_type_id) or O(config[].consumer) differs from the existing rule's,
          delete the rule and create it again from the task's options, with the same id. The
          rule's run history, and the snooze schedules not in O(config[].snooze_schedules),
          are lost.
        type: bool
        default: false
  state:
    description:
      - V(merged) creates and updates the declared rules, touching only the options they set;
        nothing else is changed.
      - V(replaced) makes each declared rule exactly as declared; options it leaves unset go
        back to Kibana's defaults (no tags, no actions, enabled, not muted, no snooze schedules,
        and no rule params but those the rule type fills in). Other rules are not touched.
      - V(overridden) is V(replaced), and every other rule of the space (or of O(scope_tags)) is
        deleted,
        except none (every rule can be changed), which are kept and listed in RV(kept). The
        deletions are listed in
        RV(deleted), and shown first in diff and check mode. O(config=[]) deletes every rule
        of the space (or of O(scope_tags)) that can be deleted.
      - V(deleted) deletes the declared rules (found by O(config[].id) or
        O(config[].name)); other rules are not touched. O(config=[]) deletes nothing.
      - V(gathered) changes nothing and returns the space's rules in RV(gathered), in the
        shape O(config) takes; O(config) must be empty or left out.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  scope_tags:
    description:
      - With O(state=overridden), only the rules carrying every one of these tags are part of
        the set (deleted when not declared); rules without them are left alone.
    type: list
    elements: str
seealso:
  - module: stackops.kibana.kibana_rule
  - module: stackops.kibana.kibana_rule_info
'''

EXAMPLES = r'''
- name: The rules of the ops space are these (others tagged managed are deleted)
  stackops.kibana.kibana_rules:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: ops
    state: overridden
    scope_tags: [managed]
    config:
      - name: cpu-high
        rule_type_id: .index-threshold
        consumer: alerts
        schedule: 1m
        tags: [managed]
        params:
          index: [metrics-*]
          timeField: "@timestamp"
          aggType: avg
          aggField: system.cpu.total.pct
          thresholdComparator: ">"
          threshold: [0.9]
          timeWindowSize: 5
          timeWindowUnit: m
        actions:
          - connector_name: ops-webhook
            group: threshold met
            params: {body: "CPU high on {{ '{{' }}context.group{{ '}}' }}"}
            frequency: {summary: false, notify_when: onActionGroupChange}

- name: Export the rules of a space
  stackops.kibana.kibana_rules:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: ops
    state: gathered
  register: ops_rules

- name: Delete two rules
  stackops.kibana.kibana_rules:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    state: deleted
    config:
      - name: cpu-high
      - id: 6b1c0a2e-9d44-4b8e-a1f0-3c3f0b3d2e11
'''

RETURN = r'''
rules:
  description:
    - The declared rules as Kibana stores them after the run (in check mode, as expected),
      in the order of O(config). Empty with O(state=deleted).
  returned: unless O(state=gathered)
  type: list
  elements: dict
results:
  description:
    - One result per element of O(config), as M(stackops.kibana.kibana_rule) returns it
      (C(changed), C(operations), ...) with the element's index in C(config_index).
  returned: unless O(state=gathered)
  type: list
  elements: dict
  sample: [{changed: true, operations: [update], config_index: 0}]
deleted:
  description:
    - The rules deleted as not declared (O(state=overridden)), each with C(id) and C(name).
      In check mode, those that would be deleted.
  returned: unless O(state=gathered)
  type: list
  elements: dict
kept:
  description:
    - The rules not declared that O(state=overridden) did not delete because Kibana does not
      let them be changed (none (every rule can be changed)), with C(id), C(name) and C(reason).
  returned: when there are some
  type: list
  elements: dict
gathered:
  description:
    - With O(state=gathered), the space's rules in the shape O(config) takes, with the ids of
      their actions' connectors, without snooze schedules, and with their linked dashboards
      and investigation guide only where Kibana's public rule API returns them.
  returned: when O(state=gathered)
  type: list
  elements: dict
read_only:
  description: With O(state=gathered), the rules that cannot be declared (C(id), C(name),
    C(reason)).
  returned: when O(state=gathered) and there are some
  type: list
  elements: dict
'''

from ansible_collections.stackops.kibana.plugins.module_utils._alerting_rules import (
    RULE_MODULE_KWARGS,
    RULE_OPTIONS,
    RuleResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import set_spec


SPEC = set_spec(RuleResource, RULE_OPTIONS, RULE_MODULE_KWARGS, scope_tags=True)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
