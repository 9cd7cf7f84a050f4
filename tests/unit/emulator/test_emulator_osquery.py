"""The emulator's Osquery packs family (kibana-api/osquery-packs.md), beyond what the shared
conformance suite checks: response shapes, Fleet targeting, RRULE schedules, copy, prebuilt
packs and the version modes.

The `kibana` fixture is a fresh emulator (Kibana 9.4) with space `ops`."""

import pytest

PACKS = "/api/osquery/packs"
POLICIES = "/api/fleet/agent_policies"
QUERIES = {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600,
                      "ecs_mapping": {"host.uptime": {"field": "total_seconds"}}}}
RRULE = {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "start_date": "2025-01-01T00:00:00Z"}


def create(kibana, space=None, status=200, **fields):
    body = {"name": fields.pop("name", "pack_1"), "queries": fields.pop("queries", QUERIES)}
    body.update(fields)
    resp = kibana.api("POST", PACKS, body, space=space)
    assert resp.status_code == status, resp.text
    return resp.json()["data"] if status == 200 else resp.json()


def get(kibana, pack_id, space=None):
    resp = kibana.api("GET", f"{PACKS}/{pack_id}", space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def put(kibana, pack_id, body, status=200, space=None):
    resp = kibana.api("PUT", f"{PACKS}/{pack_id}", body, space=space)
    assert resp.status_code == status, resp.text
    return resp.json()["data"] if status == 200 else resp.json()


def error(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"statusCode", "error", "message"} and body["statusCode"] == status
    return body["message"]


def agent_policy(kibana, name, osquery=True, space=None):
    resp = kibana.api("POST", POLICIES, {"name": name, "namespace": "default"}, space=space)
    assert resp.status_code == 200, resp.text
    policy_id = resp.json()["item"]["id"]
    if osquery:
        kibana.control("POST", f"/fleet/agent_policies/{policy_id}/package_policies",
                       {"package": "osquery_manager"})
    return policy_id


def revision(kibana, policy_id):
    return kibana.api("GET", f"{POLICIES}/{policy_id}").json()["item"]["revision"]


def find(kibana, space=None, **params):
    resp = kibana.api("GET", PACKS, params=params, space=space)
    assert resp.status_code == 200, resp.text
    return resp.json()


def prebuilt(pack):
    """A prebuilt pack: `read_only` (9.4 find items) or, where find items have no read_only
    (old handlers), the `version` only prebuilt packs carry (osquery-packs.md)."""
    return bool(pack.get("read_only")) or pack.get("version") is not None


def user_packs(body):
    return [p for p in body["data"] if not prebuilt(p)]


# --------------------------------------------------------------------------- shapes


def test_create_response_is_the_mixed_shape(kibana):
    queries = {"q": {"query": "SELECT 1;", "interval": "60", "saved_query_id": "sq-1"}}
    data = create(kibana, queries=queries, shards={"*": 50}, description="d")
    # queries as sent (numeric strings coerced, unknown keys echoed), shards as an array,
    # no policy_ids, no read_only; 9.4 adds per-query schedule_id/start_date.
    assert data["queries"]["q"]["interval"] == 60
    assert data["queries"]["q"]["saved_query_id"] == "sq-1"
    if kibana.at_least("9.4"):
        assert data["queries"]["q"]["schedule_id"] and data["queries"]["q"]["start_date"]
    else:
        assert not {"schedule_id", "start_date"} & set(data["queries"]["q"])
    assert data["shards"] == [{"key": "*", "value": 50}]
    assert "policy_ids" not in data and "read_only" not in data
    assert data["created_by"] == "elastic" and data["updated_by"] == "elastic"
    assert "enabled" not in data  # never sent: stored as undefined


def test_saved_query_id_and_default_platform_are_dropped(kibana):
    queries = {"a": {"query": "SELECT 1;", "saved_query_id": "sq",
                     "platform": "linux,windows,darwin"},
               "b": {"query": "SELECT 2;", "platform": "windows,linux,darwin", "ecs_mapping": {}}}
    pack = get(kibana, create(kibana, queries=queries)["saved_object_id"])
    assert set(pack["queries"]["a"]) == (
        {"query", "schedule_id"} if kibana.at_least("9.4") else {"query"})
    assert pack["queries"]["b"]["platform"] == "windows,linux,darwin"
    assert "ecs_mapping" not in pack["queries"]["b"]
    assert pack["type"] == "osquery-pack" and pack["namespaces"] == ["default"]
    assert pack["shards"] == {} and pack["policy_ids"] == [] and pack["read_only"] is False


def test_find_items_are_in_storage_format(kibana):
    pack_id = create(kibana, shards={"*": 10})["saved_object_id"]
    [item] = user_packs(find(kibana))
    assert item["saved_object_id"] == pack_id
    assert item["queries"][0]["id"] == "uptime"
    assert item["queries"][0]["ecs_mapping"] == [{"key": "host.uptime",
                                                  "value": {"field": "total_seconds"}}]
    assert "shards" not in item


def test_find_pages_and_sorts(kibana):
    for number in range(3):
        create(kibana, name=f"pack_{number}")
    body = find(kibana, page=2, pageSize=2)
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)  # + 2 prebuilt packs
    names = [p["name"] for p in find(kibana, sort="name", sortOrder="asc")["data"]]
    assert names == sorted(names)
    newest = find(kibana)["data"][0]
    assert newest["name"] == "pack_2"  # updated_at desc by default


def test_find_query_validation(kibana):
    assert error(kibana.api("GET", PACKS, params={"pageSize": "many"}), 400) == \
        '[request query]: Invalid value "many" supplied to "pageSize"'
    assert error(kibana.api("GET", PACKS, params={"sortOrder": "up"}), 400) == \
        '[request query]: Invalid value "up" supplied to "sortOrder"'
    error(kibana.api("GET", PACKS, params={"sort": "createdAt"}), 400)


# --------------------------------------------------------------------------- validation


def test_io_ts_messages(kibana):
    resp = kibana.api("POST", PACKS, {"queries": {"q": {"interval": "x"}}, "enabled": None,
                                      "policy_ids": ["a", 3]})
    assert error(resp, 400) == (
        '[request body]: Invalid value "undefined" supplied to "name",'
        'Invalid value "undefined" supplied to "queries,q,query",'
        'Invalid value "x" supplied to "queries,q,interval",'
        'Invalid value "null" supplied to "enabled",'
        'Invalid value "3" supplied to "policy_ids"')
    resp = kibana.api("POST", PACKS, {"name": "p", "queries": QUERIES, "description": 5})
    assert error(resp, 400) == '[request body]: Invalid value "5" supplied to "description"'


def test_unknown_keys_are_ignored_and_ecs_both_field_and_value_accepted(kibana):
    queries = {"q": {"query": "SELECT 1;",
                     "ecs_mapping": {"a.b": {"field": "x", "value": "y"}}}}
    data = create(kibana, queries=queries, whatever=True)
    assert "whatever" not in get(kibana, data["saved_object_id"])
    resp = kibana.api("POST", PACKS, {"name": "p2", "queries": {
        "q": {"query": "SELECT 1;", "ecs_mapping": {"a.b": {"value": 5}}}}})
    assert error(resp, 400) == \
        '[request body]: Invalid value "5" supplied to "queries,q,ecs_mapping,a.b,value"'


def test_names_are_unique_per_space(kibana):
    create(kibana, name="same")
    assert error(kibana.api("POST", PACKS, {"name": "same", "queries": {}}), 409) == \
        'Pack with name "same" already exists.'
    create(kibana, name="same", space="ops")  # another space: fine
    create(kibana, name="other")
    other = find(kibana)["data"][0]["saved_object_id"]
    assert put(kibana, other, {"name": "same"}, status=409)["message"] == \
        'Pack with name "same" already exists.'


# --------------------------------------------------------------------------- update


@pytest.mark.kibana_min("9.4")  # new handlers; before: test_old_handlers_before_9_4
def test_put_is_partial_but_clears_description(kibana):
    pack = create(kibana, description="keep?", enabled=False, shards={"*": 30})
    data = put(kibana, pack["saved_object_id"], {"name": "renamed"})
    assert data["name"] == "renamed" and data["description"] == ""
    assert data["enabled"] is False and list(data["queries"]) == ["uptime"]
    assert data["shards"] == {"*": 30}  # 9.4: omitted shards are kept
    assert data["policy_ids"] == []
    data = put(kibana, pack["saved_object_id"], {"shards": {}})
    assert data["shards"] == {}


@pytest.mark.kibana_min("9.4")  # schedule ids come with the RRULE-era handlers
def test_put_keeps_schedule_ids_of_kept_queries(kibana):
    pack = create(kibana)
    schedule_id = get(kibana, pack["saved_object_id"])["queries"]["uptime"]["schedule_id"]
    data = put(kibana, pack["saved_object_id"], {"queries": {
        "uptime": {"query": "SELECT 2;"}, "new": {"query": "SELECT 3;"}}})
    assert data["queries"]["uptime"]["schedule_id"] == schedule_id
    assert data["queries"]["new"]["schedule_id"] not in (None, schedule_id)


def test_unknown_ids_are_404(kibana):
    missing = "00000000-0000-4000-8000-000000000000"
    assert error(kibana.api("GET", f"{PACKS}/{missing}"), 404) == \
        f"Saved object [osquery-pack/{missing}] not found"
    put_message = error(kibana.api("PUT", f"{PACKS}/{missing}", {}), 404)
    error(kibana.api("DELETE", f"{PACKS}/{missing}"), 404)
    if kibana.at_least("9.4"):
        assert put_message == f"Pack {missing} not found"
        assert error(kibana.api("POST", f"{PACKS}/{missing}/copy"), 404) == \
            f'Pack with id "{missing}" not found.'
    else:  # the old handler surfaces the saved-object 404; no copy route at all
        assert put_message == f"Saved object [osquery-pack/{missing}] not found"
        error(kibana.api("POST", f"{PACKS}/{missing}/copy"), 404)


def test_packs_are_per_space(kibana):
    pack = create(kibana, space="ops")
    error(kibana.api("GET", f"{PACKS}/{pack['saved_object_id']}"), 404)
    assert get(kibana, pack["saved_object_id"], space="ops")["namespaces"] == ["ops"]
    assert user_packs(find(kibana)) == []
    kibana.api("DELETE", "/api/spaces/space/ops")
    assert pack["saved_object_id"] not in kibana.emulator.state["osquery_packs"]["packs"]


# --------------------------------------------------------------------------- Fleet


def test_policy_ids_must_carry_osquery_manager(kibana):
    good = agent_policy(kibana, "with-osquery")
    plain = agent_policy(kibana, "plain", osquery=False)
    resp = kibana.api("POST", PACKS, {"name": "p", "queries": QUERIES,
                                      "policy_ids": [good, plain, "nope", plain]})
    assert error(resp, 400) == f"The following policy ids are invalid: {plain}, nope"
    pack = create(kibana, policy_ids=[good], shards={good: 50})
    data = get(kibana, pack["saved_object_id"])
    assert data["policy_ids"] == [good] and data["shards"] == {good: 50}


def test_enabled_pack_is_deployed_and_bumps_revisions(kibana):
    first = agent_policy(kibana, "first")
    second = agent_policy(kibana, "second")
    start = revision(kibana, first)
    pack = create(kibana, enabled=True, policy_ids=[first])
    pack_id = pack["saved_object_id"]
    assert revision(kibana, first) == start + 1
    put(kibana, pack_id, {"policy_ids": [second]})
    assert revision(kibana, first) == start + 2  # removed from the first
    deployment = kibana.control("GET", f"/osquery/packs/{pack_id}/deployment")
    assert deployment["deployed_policy_ids"] == [second]
    put(kibana, pack_id, {"enabled": False})
    assert kibana.control("GET", f"/osquery/packs/{pack_id}/deployment")[
        "deployed_policy_ids"] == []
    second_revision = revision(kibana, second)
    kibana.api("DELETE", f"{PACKS}/{pack_id}")
    assert revision(kibana, second) == second_revision  # disabled: nothing to remove


def test_global_pack_targets_every_osquery_policy(kibana):
    first = agent_policy(kibana, "first")
    agent_policy(kibana, "plain", osquery=False)
    pack = create(kibana, shards={"*": 100}, policy_ids=["ignored"])
    assert get(kibana, pack["saved_object_id"])["policy_ids"] == [first]


# --------------------------------------------------------------------------- schedules


@pytest.mark.kibana_min("9.4")  # RRULE scheduling; before: test_old_handlers_before_9_4
@pytest.mark.parametrize("rrule_schedule, message", [
    ({"rrule": "FREQ=DAILY", "start_date": "2024-01-01"},
     "rrule_schedule.start_date must be an RFC 3339 datetime (e.g. 2024-01-01T00:00:00Z)"),
    ({"rrule": "FREQ=DAILY", "start_date": "2024-02-30T00:00:00Z"},
     "rrule_schedule.start_date must be an RFC 3339 datetime (e.g. 2024-01-01T00:00:00Z)"),
    ({"rrule": "FREQ=DAILY", "start_date": "2024-01-02T00:00:00Z",
      "end_date": "2024-01-01T00:00:00Z"},
     "rrule_schedule.end_date must be after rrule_schedule.start_date"),
    ({"rrule": "BYDAY=MO", "start_date": "2024-01-01T00:00:00Z"},
     "rrule_schedule.rrule is invalid: RRULE is missing required FREQ part"),
    ({"rrule": "FREQ=DAILY;INTERVAL=0", "start_date": "2024-01-01T00:00:00Z"},
     'rrule_schedule.rrule is invalid: RRULE INTERVAL must be a positive integer, got "0"'),
    ({"rrule": "FREQ=MONTHLY;BYDAY=0MO", "start_date": "2024-01-01T00:00:00Z"},
     'rrule_schedule.rrule is invalid: Invalid RRULE BYDAY value: "0MO"'),
    ({"rrule": "FREQ=WEEKLY;BYDAY=MO,XX", "start_date": "2024-01-01T00:00:00Z"},
     'rrule_schedule.rrule is invalid: Invalid RRULE BYDAY value: "XX"'),
    ({"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "splay": "13h"},
     "rrule_schedule.splay must not exceed 43200 seconds (12 hours)"),
    ({"rrule": "FREQ=DAILY", "start_date": "2024-01-01T00:00:00Z", "splay": "soon"},
     None),
])
def test_rrule_schedule_validation(kibana, rrule_schedule, message):
    body = create(kibana, status=400, schedule_type="rrule", rrule_schedule=rrule_schedule,
                  queries={"q": {"query": "SELECT 1;"}})
    if message:
        assert body["message"] == message
    else:
        assert body["message"].startswith("rrule_schedule.splay is invalid")


@pytest.mark.kibana_min("9.4")
def test_rrule_pack_round_trips_and_merges_on_update(kibana):
    schedule = dict(RRULE, rrule="FREQ=HOURLY;BYMINUTE=5;COUNT=3", splay="1h30m")
    pack = create(kibana, schedule_type="rrule", rrule_schedule=schedule,
                  queries={"q": {"query": "SELECT 1;"}})
    data = get(kibana, pack["saved_object_id"])
    assert data["schedule_type"] == "rrule" and data["rrule_schedule"] == schedule
    data = put(kibana, pack["saved_object_id"], {"rrule_schedule": {"splay": "5m"}})
    assert data["rrule_schedule"] == dict(schedule, splay="5m")
    data = put(kibana, pack["saved_object_id"], {"schedule_type": "interval", "interval": 300})
    assert data["schedule_type"] == "interval" and data["interval"] == 300
    assert "rrule_schedule" not in data


@pytest.mark.kibana_min("9.4")
def test_ordinal_byday_is_a_well_formed_part(kibana):
    """RFC 5545 weekdaynum ([+/-]1..53 + day): the notes accept any well-formed parts."""
    schedule = dict(RRULE, rrule="FREQ=MONTHLY;BYDAY=1MO,-1FR,+53SU")
    pack = create(kibana, schedule_type="rrule", rrule_schedule=schedule,
                  queries={"q": {"query": "SELECT 1;"}})
    assert get(kibana, pack["saved_object_id"])["rrule_schedule"] == schedule


@pytest.mark.kibana_min("9.4")
def test_schedule_mode_rules(kibana):
    def refused(**fields):
        return create(kibana, status=400, **fields)["message"]
    assert refused(schedule_type="interval") == \
        'Pack schedule_type "interval" requires pack-level interval'
    assert refused(interval=60) == 'Pack interval requires schedule_type "interval"'
    assert refused(schedule_type="rrule", rrule_schedule=RRULE,
                   queries={"q": {"query": "x", "schedule_type": "interval"}}).startswith(
        'Query "q" schedule_type "interval" does not match pack schedule_type "rrule"')
    assert refused(queries={"q": {"query": "x", "schedule_type": "rrule",
                                  "rrule_schedule": RRULE}}).startswith(
        'Query "q" specifies schedule_type/rrule_schedule but the pack has no schedule_type')
    # A bare per-query interval is dropped in an interval-mode pack.
    pack = create(kibana, schedule_type="interval", interval=60,
                  queries={"q": {"query": "x", "interval": 10},
                           "r": {"query": "y", "interval": 20, "schedule_type": "interval"}})
    data = get(kibana, pack["saved_object_id"])
    assert "interval" not in data["queries"]["q"] and data["queries"]["r"]["interval"] == 20


# --------------------------------------------------------------------------- copy, prebuilt


@pytest.mark.kibana_min("9.4")  # [spec] copy "Added in 9.4.0"
def test_copy_names_and_resets(kibana):
    policy = agent_policy(kibana, "osq")
    pack = create(kibana, name="base", enabled=True, policy_ids=[policy], shards={policy: 20})
    copied = kibana.api("POST", f"{PACKS}/{pack['saved_object_id']}/copy").json()["data"]
    assert copied["name"] == "base_copy" and copied["enabled"] is False
    assert copied["policy_ids"] == [] and copied["shards"] == []
    assert isinstance(copied["queries"], list) and copied["queries"][0]["id"] == "uptime"
    assert copied["saved_object_id"] != pack["saved_object_id"]
    again = kibana.api("POST", f"{PACKS}/{pack['saved_object_id']}/copy").json()["data"]
    assert again["name"] == "base_copy_2"
    assert get(kibana, copied["saved_object_id"])["policy_ids"] == []


def test_prebuilt_packs_are_read_only(kibana):
    packs = [p for p in find(kibana)["data"] if prebuilt(p)]
    assert {p["name"] for p in packs} == {"hardware-monitoring", "osquery-monitoring"}
    # old handlers' find items have no read_only (osquery-packs.md)
    assert all(p.get("read_only") is (True if kibana.at_least("9.4") else None) for p in packs)
    pack_id = packs[0]["saved_object_id"]
    data = get(kibana, pack_id)
    assert data["read_only"] is True and data["version"] == 1
    assert put(kibana, pack_id, {"name": "mine"}, status=400)["message"] == \
        "You cannot update a prebuilt pack."
    if kibana.at_least("9.4"):  # the copy route ([spec] "Added in 9.4.0")
        copied = kibana.api("POST", f"{PACKS}/{pack_id}/copy").json()["data"]
        assert "version" not in copied
        assert get(kibana, copied["saved_object_id"])["read_only"] is False
    assert kibana.api("DELETE", f"{PACKS}/{pack_id}").json() == {}


def test_seed_prebuilt_in_another_space(kibana):
    seeded = kibana.control("POST", "/osquery/packs/prebuilt", {
        "name": "vuln-management", "space": "ops", "version": 3,
        "queries": {"q": {"query": "SELECT 1;"}}})["data"]
    assert seeded["read_only"] is True and seeded["namespaces"] == ["ops"]


# --------------------------------------------------------------------------- versions


def test_old_handlers_before_9_4(kibana):
    kibana.config(kibana_version="8.17.0")
    pack = create(kibana, shards={"*": 30}, description="x",
                  schedule_type="rrule", rrule_schedule={"nonsense": True},
                  queries={"q": {"query": "SELECT 1;", "platform": "linux,windows,darwin"}})
    assert "schedule_id" not in pack["queries"]["q"] and "schedule_type" not in pack
    pack_id = pack["saved_object_id"]
    data = put(kibana, pack_id, {"name": "renamed"})
    # The saved object itself, with object-shaped queries; omitted shards are cleared.
    assert data["id"] == pack_id and data["type"] == "osquery-pack"
    assert data["attributes"]["name"] == "renamed" and data["attributes"]["shards"] == []
    assert data["attributes"]["queries"] == {"q": {"query": "SELECT 1;"}}
    missing = "00000000-0000-4000-8000-000000000000"
    assert error(kibana.api("PUT", f"{PACKS}/{missing}", {}), 404) == \
        f"Saved object [osquery-pack/{missing}] not found"
    error(kibana.api("POST", f"{PACKS}/{pack_id}/copy"), 404)
    assert "read_only" not in user_packs(find(kibana))[0]
