"""Placeholder: this family is being written (see its notes file in shared/kibana-api)."""

from ..app import Family


class ExceptionLists(Family):
    name = "exception_lists"
