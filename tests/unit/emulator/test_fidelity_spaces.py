"""Spaces: the emulator against Kibana's API integration suites
x-pack/test/spaces_api_integration/common/suites/{create,update,get,get_all,delete}.agnostic.ts
(SUITES; their older copies without `.agnostic` assert the same bodies) and the route tests and
schemas x-pack/platform/plugins/shared/spaces/server/routes/api/external/*.ts (ROUTES). Rows
SP1-SP14 of tests/emulator/FIDELITY.md.

The suites run every case at `/api/...` and at `/s/space_1/api/...`
(common/lib/space_test_utils.ts getTestScenariosForSpace), so each test here runs at both."""

import pytest

SPACES = "/api/spaces/space"

# SUITES create.agnostic.ts expectSolutionSpecifiedResult / get_all.agnostic.ts space_3: what
# a space with solution `es` answers as disabledFeatures ("automatically added to the space when
# a solution is set").
ES_SOLUTION_DISABLED = sorted([
    "apm", "infrastructure", "inventory", "logs", "observabilityCases", "observabilityCasesV2",
    "securitySolutionAssistant", "securitySolutionAttackDiscovery", "securitySolutionCases",
    "securitySolutionCasesV2", "siem", "slo", "uptime"])


@pytest.fixture(params=["default", "space_1"])
def at(request, kibana):
    """The URL space the suite's scenario calls the spaces API from."""
    kibana.api("POST", SPACES, {"id": "space_1", "name": "Space 1",
                                "description": "This is the first test space"})
    kibana.api("POST", SPACES, {"id": "space_2", "name": "Space 2",
                                "description": "This is the second test space"})
    kibana.clear_log()
    return request.param


def test_create_answers_exactly_what_was_stored(kibana, at):
    # SP1 SUITES create "should return 200": the exact answer
    body = {"name": "marketing", "id": "marketing", "description": "a description",
            "color": "#5c5959", "disabledFeatures": []}
    resp = kibana.api("POST", SPACES, body, space=at)
    assert resp.status_code == 200, resp.text
    assert resp.json() == body


def test_create_of_an_existing_id_is_a_bare_409(kibana, at):
    # SP2 SUITES create "when it already exists": only error, message, statusCode
    resp = kibana.api("POST", SPACES, {"name": "space_1", "id": "space_1", "color": "#ffffff",
                                       "description": "a description", "disabledFeatures": []},
                      space=at)
    assert resp.status_code == 409
    assert resp.json() == {"statusCode": 409, "error": "Conflict",
                           "message": "A space with the identifier space_1 already exists."}


def test_create_ignores_reserved(kibana, at):
    # SP3 SUITES create "should return 200 and ignore _reserved"
    resp = kibana.api("POST", SPACES, {"name": "reserved space", "id": "reserved",
                                       "description": "a description", "color": "#5c5959",
                                       "_reserved": True, "disabledFeatures": []}, space=at)
    assert resp.json() == {"name": "reserved space", "id": "reserved",
                           "description": "a description", "color": "#5c5959",
                           "disabledFeatures": []}
    # ... and it is not reserved: it can be deleted
    assert kibana.api("DELETE", SPACES + "/reserved", space=at).status_code == 204


def test_create_with_solution_es_answers_the_features_it_disables(kibana, at):
    # SP4 SUITES create "when solution is specified" (skipped in serverless) and get_all
    # space_3: the exact disabled features
    resp = kibana.api("POST", SPACES, {"name": "space with solution", "id": "solution",
                                       "description": "a description", "color": "#5c5959",
                                       "solution": "es", "disabledFeatures": []}, space=at)
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    answer["disabledFeatures"] = sorted(answer["disabledFeatures"])
    assert answer == {"id": "solution", "name": "space with solution",
                      "description": "a description", "color": "#5c5959", "solution": "es",
                      "disabledFeatures": ES_SOLUTION_DISABLED}
    listed = next(s for s in kibana.api("GET", SPACES, space=at).json() if s["id"] == "solution")
    assert sorted(listed["disabledFeatures"]) == ES_SOLUTION_DISABLED


def test_update_ignores_reserved_either_way(kibana, at):
    # SP5 SUITES update "space_1": `_reserved: true` sent, not answered
    resp = kibana.api("PUT", SPACES + "/space_1", {
        "name": "space 1", "id": "space_1", "description": "a description", "color": "#5c5959",
        "_reserved": True, "disabledFeatures": []}, space=at)
    assert resp.json() == {"name": "space 1", "id": "space_1", "description": "a description",
                           "color": "#5c5959", "disabledFeatures": []}
    # SP6 SUITES update "default space": `_reserved: false` sent, the default stays reserved
    resp = kibana.api("PUT", SPACES + "/default", {
        "name": "the new default", "id": "default", "description": "a description",
        "color": "#ffffff", "_reserved": False, "disabledFeatures": []}, space=at)
    assert resp.json() == {"name": "the new default", "id": "default",
                           "description": "a description", "color": "#ffffff",
                           "disabledFeatures": [], "_reserved": True}


def test_update_of_an_unknown_space_is_404_and_creates_nothing(kibana, at):
    # SP7 SUITES update "when space doesn't exist"; ROUTES put.test.ts "should not allow a new
    # space to be created"
    resp = kibana.api("PUT", SPACES + "/marketing", {
        "name": "marketing", "id": "marketing", "description": "a description",
        "color": "#5c5959", "disabledFeatures": []}, space=at)
    assert resp.status_code == 404
    assert resp.json() == {"error": "Not Found", "message": "Not Found", "statusCode": 404}
    assert kibana.api("GET", SPACES + "/marketing").status_code == 404


def test_update_without_disabled_features_stores_the_default(kibana, at):
    # SP8 ROUTES put.test.ts "should allow an empty description", "should not require
    # disabledFeatures" (the schema's default [] is written)
    kibana.api("PUT", SPACES + "/space_1", {"id": "space_1", "name": "Space 1",
                                            "disabledFeatures": ["foo"]}, space=at)
    resp = kibana.api("PUT", SPACES + "/space_1", {"id": "space_1", "name": "my updated space",
                                                   "description": ""}, space=at)
    assert resp.status_code == 200, resp.text
    assert resp.json()["description"] == "" and resp.json()["disabledFeatures"] == []


def test_get_answers_the_space_and_404_for_an_unknown_one(kibana, at):
    # SP9 SUITES get: the exact bodies of a space, the default space and 'not-a-space'
    assert kibana.api("GET", SPACES + "/space_1", space=at).json() == {
        "id": "space_1", "name": "Space 1", "description": "This is the first test space",
        "disabledFeatures": []}
    assert kibana.api("GET", SPACES + "/default", space=at).json() == {
        "id": "default", "name": "Default", "color": "#00bfb3",
        "description": "This is your default space!", "_reserved": True, "disabledFeatures": []}
    resp = kibana.api("GET", SPACES + "/not-a-space", space=at)
    assert resp.status_code == 404
    assert resp.json() == {"error": "Not Found", "message": "Not Found", "statusCode": 404}


@pytest.mark.parametrize("query", [{}, {"purpose": "copySavedObjectsIntoSpace"},
                                   {"purpose": "shareSavedObjectsIntoSpace"},
                                   {"purpose": "any"}])
def test_get_all_for_every_purpose(kibana, at, query):
    # SP10 SUITES get_all "undefined purpose", "copySavedObjectsIntoSpace purpose",
    # "shareSavedObjectsIntoSpace purpose"; ROUTES get_all.ts (purpose: any|copy...|share...)
    resp = kibana.api("GET", SPACES, params=query, space=at)
    assert resp.status_code == 200, resp.text
    spaces = {s["id"]: s for s in resp.json()}
    assert {"default", "space_1", "space_2"} <= set(spaces)
    assert spaces["space_2"] == {"id": "space_2", "name": "Space 2",
                                 "description": "This is the second test space",
                                 "disabledFeatures": []}
    assert all("authorizedPurposes" not in s for s in spaces.values())


def test_get_all_with_authorized_purposes(kibana, at):
    # SP11 SUITES get_all "include_authorized_purposes=true": every space carries
    # authorizedPurposes (all true for a superuser: createExpectAllPurposesResults)
    resp = kibana.api("GET", SPACES, params={"include_authorized_purposes": "true"}, space=at)
    assert resp.status_code == 200, resp.text
    for space in resp.json():
        assert space["authorizedPurposes"] == {"any": True, "copySavedObjectsIntoSpace": True,
                                               "findSavedObjects": True,
                                               "shareSavedObjectsIntoSpace": True}


@pytest.mark.parametrize("query, message", [
    ({"purpose": "read"}, "[request query.purpose]: types that failed validation:\n"
     "- [request query.purpose.0]: expected value to equal [any]\n"
     "- [request query.purpose.1]: expected value to equal [copySavedObjectsIntoSpace]\n"
     "- [request query.purpose.2]: expected value to equal [shareSavedObjectsIntoSpace]"),
    ({"purpose": "any", "include_authorized_purposes": "true"},
     "[request query]: include_authorized_purposes can only be false when purpose is specified"),
    ({"bogus": "1"}, "[request query.bogus]: definition for this key is missing"),
])
def test_get_all_query_validation(kibana, query, message):
    # SP12 ROUTES get_all.ts: the query schema and its object-level validate()
    resp = kibana.api("GET", SPACES, params=query)
    assert resp.status_code == 400
    assert resp.json()["message"] == message


def test_delete_answers(kibana, at):
    # SP13 SUITES delete: 204 with an empty body; the default space 400 with the exact body;
    # an unknown space 404 with the exact body
    resp = kibana.api("DELETE", SPACES + "/space_2", space=at)
    assert resp.status_code == 204 and resp.content == b""
    resp = kibana.api("DELETE", SPACES + "/default", space=at)
    assert resp.status_code == 400
    assert resp.json() == {"error": "Bad Request", "statusCode": 400,
                           "message": "The default space cannot be deleted because it is reserved."}
    resp = kibana.api("DELETE", SPACES + "/space_7", space=at)
    assert resp.status_code == 404
    assert resp.json() == {"error": "Not Found", "statusCode": 404, "message": "Not Found"}


def test_create_without_disabled_features_stores_the_default(kibana):
    # SP14 ROUTES post.test.ts "should not require disabledFeatures to be specified"
    resp = kibana.api("POST", SPACES, {"id": "my-space-id", "name": "my new space",
                                       "description": "with a description"})
    assert resp.json() == {"id": "my-space-id", "name": "my new space",
                           "description": "with a description", "disabledFeatures": []}
