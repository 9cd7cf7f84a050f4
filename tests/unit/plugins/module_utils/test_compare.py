"""Overlay comparison: only what the user set counts (traps 2 and 3)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.stackops.kibana.plugins.module_utils._compare import (
    differences,
    drop_none,
    overlay,
)


@pytest.mark.parametrize("desired,current", [
    ({}, {"revision": 3}),
    ({"config": {"url": "u"}}, {"config": {"url": "u", "method": "post", "headers": None}}),
    ({"config": {"headers": None}}, {"config": {}}),  # a nested null is the same as absent
    ({"tags": ["b", "a"]}, {"tags": ["a", "b"]}),  # tags are a set
    ({"channels": [{"name": "#ops"}]}, {"channels": [{"id": "", "name": "#ops"}]}),
    ({"n": 1}, {"n": 1.0}),
])
def test_no_difference(desired, current):
    assert differences(desired, current, unordered=("tags",)) == []


@pytest.mark.parametrize("desired,current,paths", [
    ({"enabled": False}, {"enabled": True}, ["enabled"]),
    ({"enabled": False}, {}, ["enabled"]),  # False is a value, not "unset"
    ({"count": 0}, {"count": None}, ["count"]),
    ({"name": ""}, {"name": "x"}, ["name"]),
    ({"tags": []}, {"tags": ["a"]}, ["tags"]),
    ({"flag": True}, {"flag": 1}, ["flag"]),  # booleans are not numbers
    ({"list": ["a", "b"]}, {"list": ["b", "a"]}, ["list[0]", "list[1]"]),  # order matters here
    ({"config": {"url": "u", "method": "put"}}, {"config": {"url": "u", "method": "post"}},
     ["config.method"]),
    ({"headers": None}, {"headers": {"a": "b"}}, ["headers"]),
])
def test_difference(desired, current, paths):
    assert differences(desired, current, unordered=("tags",)) == paths


def test_overlay_keeps_what_the_user_did_not_set():
    current = {"name": "a", "config": {"url": "u", "method": "post"}, "tags": ["x"]}
    merged = overlay(current, {"config": {"url": "v"}, "tags": [], "name": None})
    assert merged == {"name": "a", "config": {"url": "v", "method": "post"}, "tags": []}
    assert current["config"]["url"] == "u"  # not mutated


def test_drop_none():
    assert drop_none({"a": None, "b": {"c": None, "d": 1}, "e": [{"f": None}]}) == {"b": {"d": 1}, "e": [{}]}
