#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.kibana contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: kibana_rule
short_description: Manage Kibana alerting rules
version_added: 1.0.0
description:
  - Create, update and delete Kibana alerting rules (C(/api/alerting/rule)) in a space, with their
    actions, enabled and muted state, and snooze schedules.
  - Idempotent. Only the options you set are compared. What Kibana adds never causes a change,
    for example the C(params) defaults of a rule type (C(aggType), C(groupBy),
    C(excludeHitsFromPreviousRun), C(searchType)), an action's C(uuid) and C(connector_type_id),
    a C(frequency.throttle) of V(null), and everything Kibana keeps up to date itself
    (C(revision), C(execution_status), C(last_run), C(next_run), C(monitoring), C(api_key_owner),
    C(updated_at), ...).
  - Every write to a rule re-keys it, that is, Kibana creates a new API key for the rule from the
    credentials of the calling user, and the rule then runs with that user's privileges. This is why
    the module sends nothing when nothing differs.
  - An update sends the whole rule, as the update API requires, built from the stored rule with
    the options you set laid over it, so C(tags), C(params) and C(actions) you do not set are
    kept. The update API cannot change O(rule_type_id) or O(consumer); see O(recreate).
  - Kibana 8.19 and 9.1 or later replace a rule's artifacts (the dashboards and investigation
    guide linked to it in the UI) with those an update sends, and clears them when it sends none, while the public rule
    API does not return them. Before an update the module therefore reads them from the rule
    route the UI uses (C(/internal/alerting/rule/<id>), one more read, only when an update is due)
    and sends them back, with O(artifacts) laid over them. When that read is not possible (a proxy
    or C(server.restrictInternalApis) closing internal routes) the module fails before any write
    instead of clearing them; set O(artifacts) to state what the rule keeps.
  - O(enabled) is changed through C(_enable) and C(_disable), O(muted) through C(_mute_all) and
    C(_unmute_all), O(snooze_schedules) through the snooze schedule API; a rule created with
    O(enabled=false) is created disabled.
author:
  - stackops.kibana developers (@stackops)
extends_documentation_fragment:
  - stackops.kibana.connection
  - stackops.kibana.connection.SPACE
  - stackops.kibana.attributes
  - stackops.kibana.attributes.RESOURCE_MODULE
options:
  id:
    description:
      - The rule id. Kibana 8.17 and later accept any string; earlier versions need a UUID of
        version 1 to 5 (or the nil UUID), in any letter case, for a caller-chosen id. A version 5
        UUID from the C(ansible.builtin.to_uuid) filter pins a stable id on every version.
      - When not given, the rule is found by O(name); several rules with that name make the module
        fail and list their ids.
    type: str
  name:
    description:
      - The rule's display name. Names are not unique in Kibana.
      - Required when O(id) is not given, and to create a rule.
    type: str
  rule_type_id:
    description:
      - The rule type, for example V(.es-query), V(.index-threshold) or
        V(observability.rules.custom_threshold).
      - Required to create a rule. Kibana cannot change it on an existing rule; see O(recreate).
    type: str
  consumer:
    description:
      - The feature that owns the rule, for example V(alerts), V(stackAlerts), V(observability),
        V(logs) or V(siem). It must be allowed for the rule type.
      - Required to create a rule. Kibana cannot change it on an existing rule; see O(recreate).
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
      - The rule's tags, compared as a set. V([]) removes every tag; not setting the option keeps
        the current tags.
    type: list
    elements: str
  enabled:
    description:
      - Whether the rule runs. Kibana enables a new rule unless this is V(false).
    type: bool
  actions:
    description:
      - The rule's actions, compared in order. Each action given is compared only on the
        suboptions set; an existing action of the same connector (and group) keeps its C(uuid)
        and the keys you do not set.
      - When set, the rule gets exactly these actions; V([]) removes them all. Not setting the
        option keeps the current actions.
    type: list
    elements: dict
    suboptions:
      id:
        description:
          - The id of the connector that runs the action.
          - Exactly one of O(actions[].id) and O(actions[].connector_name) is required.
        type: str
      connector_name:
        description:
          - The name of the connector that runs the action, looked up in the rule's space. A
            missing name, or a name several connectors share, fails before anything is written.
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
            O(notify_when) or O(throttle).
          - Kibana 8.6 and later need it on every action unless the rule-level O(notify_when) or
            O(throttle) is set (in the task, or already on the rule and kept). Without either,
            the module fails before any request, in check mode too.
        type: dict
        suboptions:
          summary:
            description: Whether the action sends a summary of alerts instead of one run per alert.
            type: bool
            required: true
          notify_when:
            description: When the action runs.
            type: str
            required: true
            choices: [onActionGroupChange, onActiveAlert, onThrottleInterval]
          throttle:
            description:
              - With O(actions[].frequency.notify_when=onThrottleInterval), the shortest time
                between two runs, like V(1h). Not shorter than O(schedule).
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
                description: Kibana filter objects (as the UI stores them); V([]) when not set.
                type: list
                elements: dict
              dsl:
                description:
                  - The query as Elasticsearch query DSL (a JSON string). Kibana builds it from
                    O(actions[].alerts_filter.query.kql) when not given.
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
                description: The time zone of O(actions[].alerts_filter.timeframe.hours), for example V(Europe/Paris).
                type: str
                required: true
      use_alert_data_for_template:
        description: Whether the action's templates can use the alert's data.
        type: bool
  notify_when:
    description:
      - Deprecated in Kibana 8.13, required before Kibana 8.6. When the rule's actions run, for all
        actions of the rule. Prefer O(actions[].frequency).
      - Cannot be combined with O(actions[].frequency).
    type: str
    choices: [onActionGroupChange, onActiveAlert, onThrottleInterval]
  throttle:
    description:
      - Deprecated in Kibana 8.13. The shortest time between two runs of the rule's actions, like
        V(1h). Prefer O(actions[].frequency.throttle).
      - Cannot be combined with O(actions[].frequency). Kibana keeps a rule-level throttle once set;
        only recreating the rule removes it.
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
      - The rule's own flapping detection settings instead of the space's (Kibana 8.16 and later).
    type: dict
    suboptions:
      look_back_window:
        description: The number of recent runs looked at, 2 to 20.
        type: int
        required: true
      status_change_threshold:
        description: The number of status changes within the window that make an alert flapping, 2 to 20.
        type: int
        required: true
      enabled:
        description: Whether flapping detection is on for the rule (Kibana 9.3 and later).
        type: bool
  muted:
    description:
      - Whether every alert of the rule is muted (C(_mute_all)); muted rules run but do not run
        their actions.
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
      - When the stored artifacts cannot be read, an update sends exactly this option, so state
        all of them then (V({}) for a rule that has none).
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
        added and, unless O(purge_snooze_schedules=false), the rule's other schedules are
        deleted; V([]) deletes them all. Not setting the option keeps the current schedules.
      - A schedule matches a stored one when its start, duration, time zone and recurrence are
        equal. Kibana allows 5 schedules per rule and drops schedules that have ended, so list only
        current ones.
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
            description: The date after which the snooze no longer recurs (not with O(snooze_schedules[].recurring.occurrences)).
            type: str
          occurrences:
            description: How many times the snooze recurs.
            type: int
          on_week_day:
            description: Days of the week, V(MO) to V(SU), or the nth weekday of the month like V(+1MO) or V(-1FR).
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
      - Delete the rule's snooze schedules that O(snooze_schedules) does not list. V(false) only
        adds the missing ones.
      - Ignored when O(snooze_schedules) is not set.
    type: bool
    default: true
  update_api_key:
    description:
      - Rotate the rule's API key (C(_update_api_key)), so that the rule runs with the calling
        user's privileges. Reports a change on every run of an existing rule.
      - Not needed when the same run creates or updates an enabled rule, which re-keys it anyway.
    type: bool
    default: false
  recreate:
    description:
      - When O(rule_type_id) or O(consumer) differs from the existing rule's, delete the rule and
        create it again from the task's options, with the same id. The rule's run history, and
        the snooze schedules not in O(snooze_schedules), are lost.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the rule, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Actions without O(actions[].frequency) are refused by Kibana 8.6 and later unless the rule-level
    O(notify_when) or O(throttle) is set; a rule with per-action frequencies never gets a rule-level
    O(notify_when) from this module.
seealso:
  - module: stackops.kibana.kibana_rule_info
  - module: stackops.kibana.kibana_connector
'''

EXAMPLES = r'''
- name: An ES|QL query rule that logs to a server-log connector found by name
  stackops.kibana.kibana_rule:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    id: 0f6c7c1e-9f53-4b8e-9a51-6f0a3d1b2c01
    name: my Elasticsearch query ESQL rule
    rule_type_id: .es-query
    consumer: stackAlerts
    schedule: 1d
    params:
      searchType: esqlQuery
      esqlQuery:
        esql: >-
          FROM kibana_sample_data_logs | KEEP bytes, clientip, host, geo.dest
          | WHERE geo.dest != "GB" | STATS sumbytes = sum(bytes) BY clientip, host
          | WHERE sumbytes > 5000 | SORT sumbytes DESC | LIMIT 10
      size: 0
      threshold: [0]
      thresholdComparator: ">"
      timeField: "@timestamp"
      timeWindowSize: 1
      timeWindowUnit: d
    actions:
      - connector_name: rules-server-log
        group: query matched
        params:
          level: info
          message: !unsafe "Elasticsearch query rule '{{ rule.name }}' is active: {{ context.value }}"
        frequency:
          summary: false
          notify_when: onActiveAlert

- name: An index threshold rule in the security space, created disabled
  stackops.kibana.kibana_rule:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    space_id: security
    name: failed logins
    rule_type_id: .index-threshold
    consumer: alerts
    schedule: 5m
    enabled: false
    tags: [security, logins]
    params:
      index: [auth-logs]
      timeField: "@timestamp"
      aggType: count
      groupBy: top
      termField: user.name
      termSize: 5
      thresholdComparator: ">"
      threshold: [10]
      timeWindowSize: 5
      timeWindowUnit: m
    actions:
      - connector_name: rules-server-log
        group: threshold met
        params:
          message: !unsafe "{{ context.group }} failed {{ context.value }} times"
        frequency:
          summary: false
          notify_when: onActionGroupChange
        alerts_filter:
          timeframe:
            days: [1, 2, 3, 4, 5]
            hours: {start: "08:00", end: "18:00"}
            timezone: Europe/Paris

- name: Retag a rule made in the UI; nothing else of it changes
  stackops.kibana.kibana_rule:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: disk usage
    tags: [infra, disks]

- name: Mute a rule and snooze it every Sunday night
  stackops.kibana.kibana_rule:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: disk usage
    muted: true
    snooze_schedules:
      - start: "2030-01-06T22:00:00.000Z"
        duration: 6h
        timezone: Europe/Paris
        recurring:
          every: 1w
          on_week_day: [SU]

- name: Remove a rule
  stackops.kibana.kibana_rule:
    kibana_url: https://kibana.example.com:5601
    api_key: "{{ kibana_api_key }}"
    name: disk usage
    state: absent
'''

RETURN = r'''
rule:
  description:
    - The rule as Kibana stored it (after the change).
    - In check mode, the rule Kibana is expected to store.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: 0f6c7c1e-9f53-4b8e-9a51-6f0a3d1b2c01
    name: my Elasticsearch query ESQL rule
    rule_type_id: .es-query
    consumer: stackAlerts
    enabled: true
    mute_all: false
    muted_alert_ids: []
    schedule: {interval: 1d}
    tags: []
    params:
      searchType: esqlQuery
      esqlQuery: {esql: "FROM kibana_sample_data_logs | LIMIT 10"}
      size: 0
      threshold: [0]
      thresholdComparator: ">"
      timeField: "@timestamp"
      timeWindowSize: 1
      timeWindowUnit: d
      aggType: count
      groupBy: all
      excludeHitsFromPreviousRun: true
    actions:
      - id: 5f8e2c52-4f5e-4a57-bd2b-1a0fdc1e7d61
        uuid: bfe370a3-531b-4855-bbe6-ad739f578844
        group: query matched
        params: {level: info, message: "rule is active"}
        frequency: {summary: false, notify_when: onActiveAlert, throttle: null}
        connector_type_id: .server-log
    notify_when: null
    throttle: null
    revision: 0
    api_key_owner: elastic
    execution_status: {status: pending, last_execution_date: "2025-01-01T00:00:00.000Z"}
operations:
  description:
    - The writes sent to an existing rule (or that check mode would send), in order, among
      V(disable), V(update), V(enable), V(unsnooze), V(snooze), V(mute_all), V(unmute_all) and
      V(update_api_key).
  returned: when an existing rule changed
  type: list
  elements: str
  sample: [update, enable]
'''

from ansible_collections.stackops.kibana.plugins.module_utils._alerting_rules import (
    RULE_MODULE_KWARGS,
    RULE_OPTIONS,
    RuleResource,
)
from ansible_collections.stackops.kibana.plugins.module_utils._module import resource_spec


SPEC = resource_spec(RuleResource, RULE_OPTIONS, **RULE_MODULE_KWARGS)


def main():
    SPEC.main()


if __name__ == "__main__":
    main()
