"""The engine on its own: no AnsibleModule, just params, flags and a client (so it can run in
a controller-side action plugin)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.stackops.kibana.plugins.module_utils import _module
from ansible_collections.stackops.kibana.plugins.module_utils._client import (
    KibanaClient,
    authorization_header,
)
from ansible_collections.stackops.kibana.plugins.module_utils._connectors import ConnectorResource
from ansible_collections.stackops.kibana.plugins.module_utils._engine import (
    Resource,
    Step,
    ensure,
    only_named,
)
from ansible_collections.stackops.kibana.plugins.module_utils._errors import (
    KibanaTransportError,
    ResourceError,
)

PARAMS = {"id": None, "name": "engine-made", "connector_type_id": ".index",
          "config": {"index": "engine"}, "secrets": None, "secrets_update": "on_create",
          "recreate": False}


def test_ensure_runs_without_ansible_module(kibana):
    client = KibanaClient(kibana.url, authorization_header("elastic", "changeme"))
    first = ensure(ConnectorResource(client, dict(PARAMS)), "present", check_mode=False, diff_mode=True)
    stored_config = {"index": "engine", "refresh": False, "executionTimeField": None}
    assert first["changed"] and first["connector"]["config"] == stored_config
    second = ensure(ConnectorResource(client, dict(PARAMS)), "present")
    assert not second["changed"]
    assert [r["method"] for r in kibana.requests()] == ["GET", "POST", "GET"]


class MemoryResource(Resource):
    """A resource kept in a dict, to test the engine's decisions without HTTP."""

    name = "thing"
    title = "thing"
    create_only = ("kind",)
    store = None

    def read(self, object_id):
        return copy.deepcopy(self.store.get(object_id))

    def find(self):
        return [copy.deepcopy(t) for t in self.store.values() if t["name"] == self.params["name"]]

    def desired(self):
        return {k: self.params[k] for k in ("name", "kind", "size") if self.params.get(k) is not None}

    def create(self, desired):
        thing = dict(desired, id="t%d" % (len(self.store) + 1), revision=1)
        self.store[thing["id"]] = thing
        return copy.deepcopy(thing)

    def update(self, current, desired):
        if self.params.get("ignored_by_server"):
            return current  # "success" that changed nothing (trap 5)
        self.store[current["id"]].update(desired, revision=current["revision"] + 1)
        return None

    def delete(self, current):
        del self.store[current["id"]]


def make(store, **params):
    resource = MemoryResource(None, dict({"id": None, "name": "a", "recreate": False}, **params))
    resource.store = store
    return resource


def test_unset_is_not_false_and_server_fields_do_not_count():
    store = {}
    ensure(make(store, kind="x", size=0), "present")
    store["t1"]["revision"] = 7  # server-owned
    assert not ensure(make(store, kind="x", size=0), "present")["changed"]
    assert not ensure(make(store), "present")["changed"]  # nothing set: nothing compared
    assert ensure(make(store, size=None, kind="x"), "present")["changed"] is False
    assert ensure(make(store, size=1), "present")["changed"]


def test_check_mode_writes_nothing_and_predicts():
    store = {}
    result = ensure(make(store, kind="x", size=3), "present", check_mode=True)
    assert result["changed"] and store == {}
    assert result["thing"] == {"name": "a", "kind": "x", "size": 3, "id": None}
    ensure(make(store, kind="x", size=3), "present")
    predicted = ensure(make(store, size=4), "present", check_mode=True, diff_mode=True)
    assert predicted["thing"]["size"] == 4 and store["t1"]["size"] == 3
    assert predicted["diff"] == {"before": {"size": 3}, "after": {"size": 4}}


def test_create_only_change_fails_naming_the_field_or_recreates():
    store = {}
    ensure(make(store, kind="x"), "present")
    with pytest.raises(ResourceError) as err:
        ensure(make(store, kind="y"), "present")
    assert "kind cannot be changed" in str(err.value) and "recreate" in str(err.value)
    result = ensure(make(store, kind="y", recreate=True), "present")
    assert result["changed"] and result["thing"]["kind"] == "y" and len(store) == 1


def test_ambiguous_natural_key_lists_the_ids():
    store = {"t1": {"id": "t1", "name": "a"}, "t2": {"id": "t2", "name": "a"}}
    with pytest.raises(ResourceError) as err:
        ensure(make(store, size=1), "present")
    assert "2 things match name='a' (ids: t1, t2)" in str(err.value)
    resource = make(store, size=1)
    resource.title, resource.plural = "policy", "policies"
    with pytest.raises(ResourceError) as err:
        ensure(resource, "present")
    assert "2 policies match name='a'" in str(err.value)


class LockedResource(MemoryResource):
    def read_only_reason(self, current):
        return "locked" if current.get("locked") else None


@pytest.mark.parametrize("state,action", [("present", "updated"), ("absent", "deleted")])
def test_read_only_objects_are_refused_only_when_a_write_is_due(state, action):
    store = {"t1": {"id": "t1", "name": "a", "size": 1, "locked": True}}
    resource = LockedResource(None, {"id": None, "name": "a", "size": 2, "recreate": False})
    resource.store = store
    with pytest.raises(ResourceError) as err:
        ensure(resource, state)
    assert str(err.value) == "thing t1 (a) is locked: Kibana does not allow it to be %s." % action
    assert store["t1"]["size"] == 1
    resource.params["size"] = 1
    assert not ensure(resource, "present")["changed"]


def test_only_named_names_the_option():
    one = {"id": "c1", "name": "n"}
    assert only_named([one], "opt", "thing", "things", "n", "ops", "set id") is one
    with pytest.raises(ResourceError, match=r"^opt: no thing named 'n' in space 'ops'$"):
        only_named([], "opt", "thing", "things", "n", "ops", "set id")
    with pytest.raises(ResourceError) as err:
        only_named([one, dict(one, id="c0")], "opt", "thing", "things", "n", "ops", "set id")
    assert str(err.value) == "opt: 2 things are named 'n' in space 'ops' (ids: c0, c1): set id"


class CountingResource(MemoryResource):
    """Counts reads; its `size` is a child object's, written by a step that leaves it as it was."""

    reads = 0

    def read(self, object_id):
        CountingResource.reads += 1
        return super(CountingResource, self).read(object_id)

    def plan(self, current, desired):
        if desired.get("size") == current.get("size"):
            return []

        def write_child():
            self.store[current["id"]]["size"] = desired["size"]
        return [Step("child", write_child, reread=False)]


def test_steps_that_leave_the_object_as_it_was_are_not_read_again():
    store = {"t1": {"id": "t1", "name": "a", "size": 1}}
    resource = CountingResource(None, {"id": "t1", "name": "a", "recreate": False, "size": 2})
    resource.store = store
    CountingResource.reads = 0
    result = ensure(resource, "present")
    assert result["changed"] and result["operations"] == ["child"]
    assert result["thing"]["size"] == 2 and store["t1"]["size"] == 2
    assert CountingResource.reads == 1  # the lookup only


class LostAnswerResource(MemoryResource):
    """Its create's answer is lost after the request was sent; the object was not made."""

    creates = 0

    def create(self, desired):
        LostAnswerResource.creates += 1
        raise KibanaTransportError("POST", "/things", "connection reset", maybe_sent=True)


@pytest.mark.parametrize("retry", [True, False])
def test_a_lost_create_without_caller_id_is_waited_for_never_sent_again(retry):
    resource = make({}, size=1)
    resource.__class__ = LostAnswerResource
    resource.retry_lost_create = retry
    LostAnswerResource.creates = 0
    with pytest.raises(ResourceError if retry else KibanaTransportError) as err:
        ensure(resource, "present")
    assert LostAnswerResource.creates == 1
    if retry:
        assert "may still appear. Run the task again: it adopts the thing" in str(err.value)


def test_a_lost_create_with_a_caller_id_is_sent_again_once_with_the_same_id():
    resource = make({}, size=1)
    resource.__class__ = LostAnswerResource
    resource.caller_id = True
    LostAnswerResource.creates = 0
    with pytest.raises(KibanaTransportError):
        ensure(resource, "present")
    assert LostAnswerResource.creates == 2


def test_the_resource_knows_the_modes():
    resource = make({}, size=1)
    ensure(resource, "present", check_mode=True, diff_mode=True)
    assert (resource.check_mode, resource.diff_mode) == (True, True)
    resource = make({}, size=1)
    ensure(resource, "present")
    assert (resource.check_mode, resource.diff_mode) == (False, False)


def test_a_write_the_server_ignored_is_reported():
    store = {}
    ensure(make(store, size=1), "present")
    result = ensure(make(store, size=2, ignored_by_server=True), "present")
    assert any("still differs at: size" in w for w in result["warnings"])


def test_absent_and_absent_again():
    store = {}
    ensure(make(store, size=1), "present")
    assert ensure(make(store), "absent", check_mode=True)["changed"] and store
    assert ensure(make(store), "absent")["changed"] and not store
    assert not ensure(make(store), "absent")["changed"]


def test_missing_requests_fails_with_missing_required_lib(monkeypatch, run):
    monkeypatch.setattr(_module, "HAS_REQUESTS", False)
    result = run("kibana_connector", name="x", connector_type_id=".server-log")
    assert result.failed and "Failed to import the required Python library (requests)" in result["msg"]


class HalfMadeResource(MemoryResource):
    """Its create stores the object without `size` (a second write that never ran), then the
    answer is lost."""

    def create(self, desired):
        super(HalfMadeResource, self).create(dict((k, v) for k, v in desired.items() if k != "size"))
        raise KibanaTransportError("POST", "/things", "connection reset", maybe_sent=True)


def test_an_object_made_before_its_answer_was_lost_is_found_and_converged():
    store = {}
    resource = make(store, kind="x", size=5)
    resource.__class__ = HalfMadeResource
    result = ensure(resource, "present")
    assert result["changed"] and len(store) == 1
    assert store["t1"]["size"] == 5 and result["thing"]["size"] == 5
