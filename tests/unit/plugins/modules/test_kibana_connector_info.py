"""kibana_connector_info: the criteria combine (kibana_connector's tests cover the rest)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def test_id_name_and_type_combine(kibana, run):
    hook = run("kibana_connector", name="ops-webhook", connector_type_id=".webhook",
               config={"url": "https://hooks.example.com/kibana"})["connector"]
    found = run("kibana_connector_info", id=hook["id"], name="ops-webhook")["connectors"]
    assert [c["id"] for c in found] == [hook["id"]]
    # an id with another connector's name, or type, matches nothing, as the docs say
    assert run("kibana_connector_info", id=hook["id"], name="other")["connectors"] == []
    assert run("kibana_connector_info", id=hook["id"], connector_type_id=".index")["connectors"] == []
    assert run("kibana_connector_info", name="ops-webhook",
               connector_type_id=".index")["connectors"] == []
