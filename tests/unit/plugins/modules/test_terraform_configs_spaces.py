"""The Terraform provider's space acceptance tests (elastic/terraform-provider-elasticstack
internal/kibana/spaces/testdata/<test>/<step>/space.tf with acc_test.go, HEAD f2df95a) replayed as
kibana_space tasks: every step converges (second run ok, no write).

Mapping: space_id -> id, the other attributes keep their names. Terraform's `solution` steps are
gated to 8.18 (minSelfManagedVersionForSpaceSolution), as the module is. The data source tests
(TestAccSpacesDataSource*) become kibana_space_info reads of the space the step created."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from tests.unit.plugins.modules.terraform_replay import replay, task

IMAGE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDw"
         "ADhgGAWjR9awAAAABJRU5ErkJggg==")


def space(**options):
    return task("kibana_space", id="tf-space", **options)


CREATE = space(name="Name tf-space", description="Test Space")

# (pytest id = provider test/steps, steps)
CASES = [
    ("TestAccResourceSpace/create+update+with_single_initials+with_solution+with_solution_oblt+create", [
        [CREATE],
        [space(name="Updated tf-space", description="Updated space description",
               disabled_features=["ingestManager", "enterpriseSearch"], initials="AB",
               color="#FFFFFF", image_url=IMAGE)],
        [space(name="Initials tf-space", description="Single initial test", initials="Z",
               disabled_features=[])],
        [space(name="Solution tf-space", description="Test Space with Solution",
               solution="security")],
        [space(name="Oblt tf-space", description="Test Space with Oblt Solution",
               solution="oblt")],
        [CREATE]]),
    ("TestAccResourceSpace_ClearEmptyFields/with_description+empty_description", [
        [space(name="Clear-Empty tf-space", description="initial description")],
        [space(name="Clear-Empty tf-space", description="")]]),
    ("TestAccResourceSpace_importState/create", [[CREATE]]),
    ("TestAccSpaceResourceFromSDK/create+upgrade", [
        [space(name="SDK tf-space", description="Space created by the legacy SDK provider")]] * 2),
    ("TestAccResourceSpace_disabledFeaturesSolutionValidation/omitted_solution+classic_solution", [
        [space(name="Name tf-space", disabled_features=["ingestManager"])],
        [space(name="Name tf-space", solution="classic", disabled_features=["ingestManager"])]]),
    ("TestAccSpacesDataSource_multipleSpaces/read", [[
        task("kibana_space", id="tf-space", name="Test Coverage Space",
             description="Test space for data source coverage", initials="TC",
             color="#E8478B")]]),
    ("TestAccSpacesDataSource_noDescription/read", [[
        task("kibana_space", id="tf-space", name="Test No Description Space")]]),
    ("TestAccSpacesDataSource_withImageURL/read", [[
        task("kibana_space", id="tf-space", name="Test Image URL Space", image_url=IMAGE)]]),
]


@pytest.mark.parametrize("name, steps", CASES, ids=[c[0] for c in CASES])
def test_provider_space_config_converges(kibana, run, name, steps):
    replay(kibana, run, steps)
    if "DataSource" in name:
        listed = run("kibana_space_info", id="tf-space")["spaces"]
        assert [s["name"] for s in listed] == [steps[-1][0][1]["name"]]


def test_provider_default_space_config_is_ok_on_the_first_run(kibana, run):
    """TestAccResourceSpace_DefaultSpace/default_space: Terraform imports the default space and
    applies its own values; the module adopts it by id: nothing to change, nothing written."""
    result = run("kibana_space", id="default", name="Default",
                 description="This is your default space!")
    assert not result.failed and not result["changed"], result.get("msg")
    assert kibana.writes() == []


def test_provider_refused_disabled_features_with_a_solution_before_any_request(kibana, run):
    """TestAccResourceSpace_disabledFeaturesSolutionValidation/security_solution: the provider
    refuses disabled_features with solution security at plan time ("can only be set when
    solution equals classic"); so does the module, in check mode too, before any request
    (Kibana would store the list and answer the solution's derived one: a change on every run)."""
    for check_mode in (True, False):
        result = run("kibana_space", check_mode=check_mode, id="tf-space", name="Name tf-space",
                     solution="security", disabled_features=["ingestManager"])
        assert result.failed and "disabled_features" in result["msg"], result.get("msg")
    assert kibana.requests() == []
