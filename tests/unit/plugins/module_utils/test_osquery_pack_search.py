"""Finding an osquery pack by name: a search request where Kibana's pack find takes `search`
(x-pack/platform/plugins/shared/osquery/server/routes/pack/find_pack_route.ts: a
simple_query_string on name and description), every pack paged through where it does not."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from tests.harness import put_collection_on_path

put_collection_on_path()

from ansible_collections.stackops.kibana.plugins.module_utils._osquery_packs import (  # noqa: E402
    OsqueryPackResource,
    search_phrase,
)


class PackFind(object):
    """A stand-in client for GET /api/osquery/packs: `honours_search` says whether it filters by
    the search (as Kibana versions with `search` do) or answers with every pack."""

    def __init__(self, packs, honours_search):
        self.packs = packs
        self.honours_search = honours_search
        self.calls = []

    def pages(self, path, params=None, **kwargs):
        self.calls.append(dict(params or {}))
        search = (params or {}).get("search")
        if search and self.honours_search:
            words = search.strip('"').lower()
            return iter([p for p in self.packs
                         if words in (p["name"] + " " + p.get("description", "")).lower()])
        return iter(list(self.packs))


def packs(count):
    return [{"name": "pack-%04d" % n, "description": "", "saved_object_id": "id-%d" % n,
             "queries": {}, "policy_ids": []} for n in range(count)]


def finder(client, name):
    resource = OsqueryPackResource.__new__(OsqueryPackResource)
    resource.client, resource.params, resource._listing = client, {"name": name}, None
    return resource


def test_a_pack_is_found_with_one_search_request():
    client = PackFind(packs(1000), honours_search=True)
    [found] = finder(client, "pack-0500").find()
    assert found["id"] == "id-500"
    assert client.calls == [{"search": '"pack-0500"'}]


def test_a_search_that_finds_nothing_is_confirmed_on_the_full_listing():
    """A search missing a pack (analysis, an odd name) must not make a duplicate: absence is
    confirmed by listing every pack."""
    client = PackFind(packs(3) + [{"name": "odd name", "saved_object_id": "odd"}],
                      honours_search=True)
    client.honours_search = True
    resource = finder(client, "missing")
    assert resource.find() == []
    assert client.calls == [{"search": '"missing"'}, {}]


def test_a_kibana_that_ignores_search_is_paged_through_once():
    client = PackFind(packs(250), honours_search=False)
    assert finder(client, "absent").find() == []
    [found] = finder(client, "pack-0007").find()
    assert found["id"] == "id-7"
    # the answer held packs that do not mention the name: it was the listing, reused
    assert all(call == {"search": call["search"]} for call in client.calls)


def test_search_phrase_keeps_operators_out():
    assert search_phrase('a "b" -c | d\\') == '"a \\"b\\" -c | d\\\\"'
