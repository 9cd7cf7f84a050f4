"""Issue 9 (what was left): the paging options of the _info modules have the upper bounds Kibana
enforces, refused before any request naming the option.

- Fleet's GetAgentPoliciesRequestSchema (x-pack/platform/plugins/shared/fleet/server/types/
  rest_spec/agent_policy.ts): "perPage should be less or equal to 100 when fetching full
  policies or agent count." (README.md §pagination of ../shared/kibana-api).
- Agent policies, osquery packs and saved queries are read by a saved-object find, which
  searches from perPage * (page - 1) for perPage hits (src/core/packages/saved-objects/
  api-server-internal/src/lib/apis/find.ts); Elasticsearch refuses a search whose from + size
  exceeds index.max_result_window (10,000 by default): a page size above 10,000, and a page
  reaching past item 10,000, can never be answered."""

import pytest

pytestmark = pytest.mark.both_paths

CASES = [
    ("fleet_agent_policy_info", {"per_page": 10001}, "per_page must be between 1 and 10000, got 10001"),
    ("fleet_agent_policy_info", {"per_page": 101, "with_agent_count": True},
     "per_page must be between 1 and 100 (Fleet's limit with with_agent_count or full), got 101"),
    ("fleet_agent_policy_info", {"page": 10001, "per_page": 1}, "page must be between 1 and 10000"),
    ("fleet_agent_policy_info", {"page": 101, "per_page": 100},
     "page 101 of 100 per_page reaches item 10100"),
    ("fleet_agent_policy_info", {"page": 2 ** 63, "per_page": 1}, "page must be between 1 and"),
    ("osquery_pack_info", {"page_size": 10 ** 12}, "page_size must be between 1 and 10000"),
    ("osquery_pack_info", {"page": 3, "page_size": 5000}, "page 3 of 5000 page_size reaches item 15000"),
    ("osquery_pack_info", {"page": -1}, "page must be between 1 and 10000, got -1"),
    ("osquery_saved_query_info", {"page_size": 10001}, "page_size must be between 1 and 10000"),
    ("osquery_saved_query_info", {"page": 11, "page_size": 1000}, "reaches item 11000"),
]


@pytest.mark.parametrize("module,options,words", CASES)
def test_paging_beyond_kibanas_bounds_is_refused_before_any_request(
        kibana, run, module, options, words):
    result = run(module, **options)
    assert result.failed and words in result["msg"], result.get("msg")
    assert "unexpected" not in result["msg"]
    assert kibana.requests() == []


@pytest.mark.parametrize("module,options", [
    ("fleet_agent_policy_info", {"page": 100, "per_page": 100}),
    ("fleet_agent_policy_info", {"per_page": 10000}),
    ("fleet_agent_policy_info", {"per_page": 100, "full": True}),
    ("osquery_pack_info", {"page": 1, "page_size": 10000}),
    ("osquery_saved_query_info", {"page": 10000, "page_size": 1}),
])
def test_paging_at_the_bounds_is_sent(kibana, run, module, options):
    result = run(module, **options)
    assert not result.failed, result["msg"]
    assert kibana.requests()
