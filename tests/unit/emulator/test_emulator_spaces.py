"""The emulator's spaces family (tests/emulator/contract/spaces.md), over HTTP.

Kibana paths cited below are under x-pack/platform/plugins/shared/spaces/server/."""

import pytest

SPACES = "/api/spaces/space"


def error(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["statusCode"] == status and set(body) >= {"error", "message"}
    return body["message"]


def test_default_space_is_reserved_with_kibanas_defaults(kibana):
    # default_space/create_default_space.ts
    space = kibana.api("GET", SPACES + "/default").json()
    assert space == {"id": "default", "name": "Default", "description": "This is your default space!",
                     "color": "#00bfb3", "disabledFeatures": [], "_reserved": True}


def test_create_adds_disabled_features_and_leaves_unset_fields_out(kibana):
    # lib/space_schema.ts: disabledFeatures defaults to []; spaces_client.ts
    # transformSavedObjectToSpace: undefined attributes are not in the answer
    resp = kibana.api("POST", SPACES, {"id": "marketing", "name": "  Marketing "})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"id": "marketing", "name": "Marketing", "disabledFeatures": []}
    assert kibana.api("GET", SPACES + "/marketing").json() == resp.json()


def test_create_keeps_every_field(kibana):
    body = {"id": "sec-1", "name": "Sec", "description": "d", "color": "#AABBCC", "initials": "SE",
            "imageUrl": "data:image/png;base64,iVBOR", "disabledFeatures": ["dev_tools"],
            "solution": "classic"}
    assert kibana.api("POST", SPACES, body).json() == body


def test_a_solution_view_answers_with_the_features_it_disables(kibana):
    # lib/utils/space_solution_disabled_features.ts: not classic -> the features of the other
    # solutions' categories, not the stored list
    body = {"id": "sec", "name": "Sec", "disabledFeatures": ["dev_tools"], "solution": "security"}
    space = kibana.api("POST", SPACES, body).json()
    assert "dev_tools" not in space["disabledFeatures"] and "apm" in space["disabledFeatures"]
    assert "siemV2" not in space["disabledFeatures"]
    # classic again: the list sent is the space's own again (the schema's default [] when
    # left out)
    space = kibana.api("PUT", SPACES + "/sec", {"id": "sec", "name": "Sec", "solution": "classic",
                                                "disabledFeatures": ["ml"]})
    assert space.json()["disabledFeatures"] == ["ml"]


@pytest.mark.parametrize("field, value, message", [
    # lib/space_schema.ts, each rule with its message
    ("id", "Bad Id", "[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed"),
    ("id", "a/b", "[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed"),
    ("id", "ops\n", "[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed"),
    ("name", "", "[request body.name]: value has length [0] but it must have a minimum length of [1]."),
    ("initials", "ABC",
     "[request body.initials]: value has length [3] but it must have a maximum length of [2]."),
    ("color", "red", "[request body.color]: must be a 6 digit hex color, starting with a #"),
    ("imageUrl", "https://x/y.png", "[request body.imageUrl]: must start with 'data:image'"),
    ("disabledFeatures", ["f%d" % i for i in range(101)],
     "[request body.disabledFeatures]: array size is [101], but cannot be greater than [100]"),
    ("bogus", 1, "[request body.bogus]: definition for this key is missing"),
])
def test_create_validation(kibana, field, value, message):
    body = {"id": "valid", "name": "Valid"}
    body[field] = value
    assert error(kibana.api("POST", SPACES, body), 400) == message


def test_name_is_required(kibana):
    message = error(kibana.api("POST", SPACES, {"id": "x"}), 400)
    assert message == "[request body.name]: expected value of type [string] but got [undefined]"


def test_solution_must_be_one_of_the_solution_views(kibana):
    # lib/space_schema.ts solutionSchema: es, oblt, security, classic
    message = error(kibana.api("POST", SPACES, {"id": "x", "name": "x", "solution": "search"}), 400)
    assert message.startswith("[request body.solution]: types that failed validation")
    assert "expected value to equal [security]" in message


def test_solution_is_unknown_before_8_18(kibana):
    # [tf] internal/kibana/spaces/acc_test.go minSelfManagedVersionForSpaceSolution = 8.18.0
    kibana.config(kibana_version="8.17.4")
    message = error(kibana.api("POST", SPACES, {"id": "x", "name": "x", "solution": "es"}), 400)
    assert message == "[request body.solution]: definition for this key is missing"
    kibana.config(kibana_version="8.18.0")
    assert kibana.api("POST", SPACES, {"id": "x", "name": "x", "solution": "es"}).status_code == 200


def test_duplicate_id_is_a_409(kibana):
    # routes/api/external/post.ts: Boom.conflict
    kibana.api("POST", SPACES, {"id": "dup", "name": "Dup"})
    message = error(kibana.api("POST", SPACES, {"id": "dup", "name": "Other"}), 409)
    assert message == "A space with the identifier dup already exists."


def test_get_all_sorted_by_name(kibana):
    # spaces_client.ts getAll: sortField name.keyword
    kibana.api("POST", SPACES, {"id": "zzz", "name": "Alpha"})
    names = [s["name"] for s in kibana.api("GET", SPACES).json()]
    assert names == sorted(names) and {"Alpha", "Default", "ops"} <= set(names)


def test_unknown_space_is_a_404(kibana):
    # routes/api/external/{get,put,delete}.ts: response.notFound()
    assert error(kibana.api("GET", SPACES + "/nope"), 404) == "Not Found"
    assert error(kibana.api("PUT", SPACES + "/nope", {"id": "nope", "name": "n"}), 404) == "Not Found"
    assert error(kibana.api("DELETE", SPACES + "/nope"), 404) == "Not Found"


def test_put_is_a_partial_update_of_the_attributes(kibana):
    # spaces_client.ts update: repository.update merges the attributes; left-out ones stay
    # (terraform-provider-elasticstack issue #1881, TestAccResourceSpace_ClearEmptyFields)
    kibana.api("POST", SPACES, {"id": "p", "name": "P", "description": "keep", "color": "#000000"})
    resp = kibana.api("PUT", SPACES + "/p", {"id": "p", "name": "P2", "initials": "PP"})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"id": "p", "name": "P2", "description": "keep", "color": "#000000",
                           "initials": "PP", "disabledFeatures": []}
    resp = kibana.api("PUT", SPACES + "/p", {"id": "p", "name": "P2", "description": ""})
    assert resp.json()["description"] == ""


def test_put_validates_like_post(kibana):
    kibana.api("POST", SPACES, {"id": "p", "name": "P"})
    message = error(kibana.api("PUT", SPACES + "/p", {"id": "p", "name": "P", "color": "#12"}), 400)
    assert message == "[request body.color]: must be a 6 digit hex color, starting with a #"


def test_default_space_can_be_updated_but_not_deleted(kibana):
    # spaces_client.ts delete: Boom.badRequest for a reserved space
    resp = kibana.api("PUT", SPACES + "/default", {"id": "default", "name": "Home"})
    assert resp.json()["name"] == "Home" and resp.json()["_reserved"] is True
    message = error(kibana.api("DELETE", SPACES + "/default"), 400)
    assert message == "The default space cannot be deleted because it is reserved."


def test_delete_is_204_and_the_space_is_gone(kibana):
    # routes/api/external/delete.ts: response.noContent()
    kibana.api("POST", SPACES, {"id": "gone", "name": "Gone"})
    resp = kibana.api("DELETE", SPACES + "/gone")
    assert resp.status_code == 204 and resp.content == b""
    assert kibana.api("GET", SPACES + "/gone").status_code == 404
    # and its space-scoped APIs with it
    assert kibana.api("GET", "/api/actions/connectors", space="gone").status_code == 404
