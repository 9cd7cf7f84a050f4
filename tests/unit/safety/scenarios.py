"""One small object per resource module, for the safety tests: the task that makes it, the
options an update changes, the task that deletes it, and how many such objects Kibana holds."""

from tests.harness import run_module

INDEX_PARAMS = {"index": ["metrics-*"], "timeField": "@timestamp", "thresholdComparator": ">",
                "threshold": [90], "timeWindowSize": 5, "timeWindowUnit": "m"}
ENTRY = {"type": "match", "field": "host.name", "value": "web-1", "operator": "included"}


def _names(kibana, path, key, params=None, name_key="name"):
    resp = kibana.api("GET", path, params=params)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    items = body if key is None else body[key]
    return [item.get(name_key) for item in items]


class Module(object):
    def __init__(self, name, present, changes, identity, count):
        self.name = name
        self.present = present
        self.changes = changes  # None: the module has no update to make
        self.identity = identity  # the options that find the object for state=absent
        self._count = count
        self.scenarios = ("create", "delete") if changes is None else (
            "create", "update", "delete")

    def task(self, conn, scenario="create", **extra):
        """The task of a scenario: create, update (the present task with changes) or delete."""
        if scenario == "delete":
            task = dict((k, self.present[k]) for k in self.identity)
            task["state"] = "absent"
        else:
            task = dict(self.present)
            if scenario == "update":
                task.update(self.changes)
        task.update(conn)
        task.update(extra)
        return task

    def make(self, conn):
        done = run_module(self.name, self.task(conn))
        assert not done.failed and done["changed"], done
        return done

    def count(self, kibana):
        return self._count(kibana)


class SetModule(Module):
    """A set module declaring the object of a single-object scenario: merged to create and
    update it, deleted to delete it."""

    def __init__(self, name, single):
        super(SetModule, self).__init__(name, single.present, single.changes, single.identity,
                                        single.count)
        self.single = single

    def task(self, conn, scenario="create", **extra):
        entry = self.single.task({}, scenario)
        state = "deleted" if entry.pop("state", None) == "absent" else "merged"
        task = {"config": [entry], "state": state}
        task.update(conn)
        task.update(extra)
        return task


def _installed(kibana, package):
    resp = kibana.api("GET", "/api/fleet/epm/packages/%s" % package)
    assert resp.status_code == 200, resp.text
    return 1 if resp.json()["item"].get("status") == "installed" else 0


SINGLE = [
    Module("kibana_connector",
           {"name": "fm-connector", "connector_type_id": ".index", "config": {"index": "fm-a"}},
           {"config": {"index": "fm-b"}}, ("name",),
           lambda k: _names(k, "/api/actions/connectors", None).count("fm-connector")),
    Module("kibana_rule",
           {"name": "fm-rule", "rule_type_id": ".index-threshold", "consumer": "alerts",
            "schedule": "1m", "tags": ["a"], "params": INDEX_PARAMS},
           {"tags": ["b"], "schedule": "2m", "enabled": False}, ("name",),
           lambda k: _names(k, "/api/alerting/rules/_find", "data",
                            {"per_page": 100}).count("fm-rule")),
    Module("fleet_agent_policy",
           {"name": "fm-policy", "namespace": "default", "description": "a"},
           {"description": "b"}, ("name",),
           lambda k: _names(k, "/api/fleet/agent_policies", "items",
                            {"perPage": 100}).count("fm-policy")),
    Module("osquery_pack",
           {"name": "fm_pack", "description": "a",
            "queries": {"uptime": {"query": "SELECT * FROM uptime;", "interval": 3600}}},
           {"description": "b"}, ("name",),
           lambda k: _names(k, "/api/osquery/packs", "data", {"pageSize": 100}).count("fm_pack")),
    Module("exception_list",
           {"list_id": "fm-list", "name": "FM list", "description": "a", "type": "detection",
            "items": [{"item_id": "fm-item-1", "name": "one", "entries": [ENTRY]},
                      {"item_id": "fm-item-2", "name": "two", "entries": [ENTRY]}]},
           {"description": "b",
            "items": [{"item_id": "fm-item-1", "name": "one renamed", "entries": [ENTRY]},
                      {"item_id": "fm-item-3", "name": "three", "entries": [ENTRY]}]},
           ("list_id",),
           lambda k: _names(k, "/api/exception_lists/_find", "data", {"per_page": 100},
                            "list_id").count("fm-list")),
    Module("kibana_space", {"id": "fm-space", "name": "FM space", "description": "a"},
           {"description": "b"}, ("id",),
           lambda k: _names(k, "/api/spaces/space", None, name_key="id").count("fm-space")),
    Module("osquery_saved_query",
           {"id": "fm-query", "query": "SELECT * FROM uptime;", "interval": 60,
            "description": "a"},
           {"description": "b"}, ("id",),
           lambda k: _names(k, "/api/osquery/saved_queries", "data", {"pageSize": 100},
                            "id").count("fm-query")),
    Module("fleet_integration", {"name": "osquery_manager"}, None, ("name",),
           lambda k: _installed(k, "osquery_manager")),
    Module("fleet_integration_policy",
           {"name": "fm-integration", "package": "osquery_manager", "package_version": "1.18.0",
            "description": "a"},
           {"description": "b"}, ("name",),
           lambda k: _names(k, "/api/fleet/package_policies", "items",
                            {"perPage": 100}).count("fm-integration")),
]
SETS = {"kibana_connectors": "kibana_connector", "kibana_rules": "kibana_rule",
        "fleet_agent_policies": "fleet_agent_policy", "osquery_packs": "osquery_pack",
        "exception_lists": "exception_list", "kibana_spaces": "kibana_space",
        "fleet_integration_policies": "fleet_integration_policy"}
MODULES = dict((m.name, m) for m in SINGLE)
MODULES.update((name, SetModule(name, MODULES[single])) for name, single in SETS.items())
