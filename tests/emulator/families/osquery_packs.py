"""Placeholder: this family is being written (see its notes file in shared/kibana-api)."""

from ..app import Family


class OsqueryPacks(Family):
    name = "osquery_packs"
