"""Rule snooze schedules (POST /api/alerting/rule/{id}/snooze_schedule, which kibana_rule's
`snooze` option sends) against Kibana's API integration test
x-pack/platform/test/alerting_api_integration/spaces_only/tests/alerting/group4/snooze.ts
(SNOOZE). Rows S1-S11 of tests/emulator/FIDELITY.md (the unsnooze route is row L18)."""

import datetime

import pytest

from .test_emulator_alerting_rules import RULE, create, iso
from .test_fidelity_alerting_rules_lifecycle import internal_get

NOW = iso(datetime.datetime.now(datetime.timezone.utc))
# the texts SNOOZE asserts for dates and `every` (newer releases; see the last test)
NEWER_WORDING = pytest.mark.kibana_min("9.2")
SCHEDULE = {"custom": {"duration": "240h", "start": NOW, "recurring": {"occurrences": 1}}}


def snooze(kibana, rule_id, schedule):
    return kibana.api("POST", "%s/%s/snooze_schedule" % (RULE, rule_id), {"schedule": schedule})


def test_snooze_answer_and_stored_schedule(kibana):
    # S1 SNOOZE "should handle snooze rule request appropriately": the answer echoes the
    # schedule with its id and timezone UTC; the internal GET shows one schedule with
    # rRule.dtstart = start, duration in ms, mute_all false
    rule = create(kibana, enabled=False)
    resp = snooze(kibana, rule["id"], SCHEDULE)
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert answer == {"schedule": {"id": answer["schedule"]["id"], "custom": dict(
        SCHEDULE["custom"], duration="240h", timezone="UTC")}}
    stored = internal_get(kibana, rule["id"]).json()
    assert len(stored["snooze_schedule"]) == 1
    assert stored["snooze_schedule"][0]["rRule"]["dtstart"] == NOW
    assert stored["snooze_schedule"][0]["duration"] == 864000000
    assert stored["mute_all"] is False


def test_at_most_five_snooze_schedules(kibana):
    # S2 SNOOZE "should prevent more than 5 schedules from being added to a rule"
    rule = create(kibana, enabled=False)
    for duration, recurring in (("240h", {"occurrences": 1}), ("20h", {"every": "1d"}),
                                ("24h", {"every": "1w"}), ("20h", {"every": "1M"}),
                                ("24h", {"every": "1y"})):
        resp = snooze(kibana, rule["id"], {"custom": {"duration": duration, "start": NOW,
                                                      "recurring": recurring}})
        assert resp.status_code == 200, resp.text
    resp = snooze(kibana, rule["id"], {"custom": {"duration": "20h", "start": NOW,
                                                  "recurring": {"occurrences": 2}}})
    assert resp.status_code == 400
    assert resp.json()["message"] == "Rule cannot have more than 5 snooze schedules"


@pytest.mark.parametrize("custom, message", [
    # S3-S11 SNOOZE "validation": each 400 message word for word
    pytest.param({"start": "invalid", "duration": "240h"},
                 "[request body.schedule.custom.start]: Invalid schedule start date: invalid",
                 marks=NEWER_WORDING),
    ({"start": NOW, "duration": "invalid"},
     "[request body.schedule.custom.duration]: Invalid schedule duration format: invalid"),
    ({"start": NOW, "duration": "-1"},
     "[request body.schedule.custom.duration]: Invalid schedule duration format: -1"),
    pytest.param(dict(SCHEDULE["custom"], recurring={"every": "invalid"}),
                 "[request body.schedule.custom.recurring.every]: 'every' string of recurring "
                 "schedule is not valid : invalid", marks=NEWER_WORDING),
    (dict(SCHEDULE["custom"], recurring={"onWeekDay": ["invalid"]}),
     "[request body.schedule.custom.recurring.onWeekDay]: Invalid onWeekDay values in recurring "
     "schedule: invalid"),
    (dict(SCHEDULE["custom"], recurring={"onMonthDay": [35]}),
     "[request body.schedule.custom.recurring.onMonthDay.0]: Value must be equal to or lower "
     "than [31]."),
    (dict(SCHEDULE["custom"], recurring={"onMonth": [14]}),
     "[request body.schedule.custom.recurring.onMonth.0]: Value must be equal to or lower than "
     "[12]."),
    pytest.param(dict(SCHEDULE["custom"], recurring={"end": "invalid"}),
                 "[request body.schedule.custom.recurring.end]: Invalid schedule end date: "
                 "invalid", marks=NEWER_WORDING),
    (dict(SCHEDULE["custom"], recurring={"occurrences": 0}),
     "[request body.schedule.custom.recurring.occurrences]: Value must be equal to or greater "
     "than [1]."),
])
def test_snooze_validation(kibana, custom, message):
    rule = create(kibana, enabled=False)
    resp = snooze(kibana, rule["id"], {"custom": custom})
    assert resp.status_code == 400
    assert resp.json()["message"] == message


def test_older_releases_word_the_dates_differently(kibana):
    # kibana-api/alerting-rules.md: older releases answer `Invalid snooze start date` and
    # `string is not a valid every ...` (the emulator switches at 9.2: the release that changed
    # the texts is unverified)
    kibana.config(kibana_version="9.1.0")
    rule = create(kibana, enabled=False)
    resp = snooze(kibana, rule["id"], {"custom": {"start": "invalid", "duration": "240h"}})
    assert resp.json()["message"] == \
        "[request body.schedule.custom.start]: Invalid snooze start date: invalid"
    resp = snooze(kibana, rule["id"], {"custom": dict(SCHEDULE["custom"], recurring={"every": "x"})})
    assert resp.json()["message"] == ("[request body.schedule.custom.recurring.every]: string "
                                      "is not a valid every of recurring schedule: x")


def test_update_api_key(kibana):
    # U1 x-pack/platform/test/alerting_api_integration/security_and_spaces/group2/tests/alerting/
    # update_api_key.ts "should handle update alert api key request appropriately" (superuser):
    # 204 with an empty body, api_key_owner is the caller, the revision stays 0
    rule = create(kibana)
    resp = kibana.api("POST", "%s/%s/_update_api_key" % (RULE, rule["id"]))
    assert resp.status_code == 204 and resp.content == b""
    read = kibana.api("GET", "%s/%s" % (RULE, rule["id"])).json()
    assert read["api_key_owner"] == "elastic" and read["revision"] == 0
    # U2 same file "shouldn't update alert api key from another space": 404, the full body
    resp = kibana.api("POST", "%s/%s/_update_api_key" % (RULE, rule["id"]), space="ops")
    assert resp.status_code == 404
    assert resp.json() == {"statusCode": 404, "error": "Not Found",
                           "message": "Saved object [alert/%s] not found" % rule["id"]}
