"""A small validator that speaks @kbn/config-schema's error dialect (kibana-api/README.md §4).

Used by the families whose routes use config-schema (alerting, connectors, Fleet):
  [request body.name]: expected value of type [string] but got [undefined]
  [request body.foo]: definition for this key is missing
Families validated by zod (exception lists) or io-ts (osquery) word their own messages.
"""

import re

from .errors import bad_request

UNDEFINED = object()
# What Kibana calls a UUID when a saved object with encrypted attributes gets a caller-chosen id
# (connectors before 9.4, rules before 8.17): versions 1 to 5 or the nil UUID, any letter case
# (UUID_REGEX in src/core/packages/saved-objects/utils-server/src/saved_objects_utils.ts).
UUID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
                  r"|00000000-0000-0000-0000-000000000000)$", re.I)
# SavedObjectsErrorHelpers.createBadRequestError(reason) words it "<reason>: Bad Request".
ESO_ID_MESSAGE = ("Predefined IDs are not allowed for saved objects with encrypted attributes "
                  "unless the ID is a UUID.: Bad Request")


def type_name(value):
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"  # config-schema names the received type with a capital: [Object]
    return type(value).__name__


class Field:
    """One field: kind in string|boolean|number|integer|object|array|any, optional default."""

    def __init__(self, kind, required=False, nullable=False, default=UNDEFINED, fields=None,
                 items=None, strict=True, choices=None, validate=None):
        self.kind = kind
        self.required = required
        self.nullable = nullable
        self.default = default
        self.fields = fields  # for object: name -> Field
        self.items = items  # for array: Field
        self.strict = strict
        self.choices = choices
        self.validate = validate  # callable(value) -> error message or None

    def check(self, value, where):
        if value is UNDEFINED:
            if self.required:
                raise bad_request(f"[{where}]: expected value of type [{self.label()}] but got [undefined]")
            return UNDEFINED
        if value is None:
            if self.nullable:
                return None
            raise bad_request(f"[{where}]: expected value of type [{self.label()}] but got [null]")
        ok = {
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "object": isinstance(value, dict),
            "array": isinstance(value, list),
            "any": True,
        }[self.kind]
        if not ok:
            raise bad_request(
                f"[{where}]: expected value of type [{self.label()}] but got [{type_name(value)}]")
        if self.choices is not None and value not in self.choices:
            raise bad_request(
                f"[{where}]: types that failed validation: value must be one of "
                f"{', '.join(repr(c) for c in self.choices)}, got {value!r}")
        if self.kind == "object" and self.fields is not None:
            value = check_object(value, self.fields, where, strict=self.strict)
        if self.kind == "array" and self.items is not None:
            value = [self.items.check(item, f"{where}.{i}") for i, item in enumerate(value)]
        if self.validate is not None:
            problem = self.validate(value)
            if problem:
                raise bad_request(f"[{where}]: {problem}")
        return value

    def label(self):
        return {"integer": "number"}.get(self.kind, self.kind)


def check_object(body, fields, where="request body", strict=True):
    """Validate a dict against fields; unknown keys -> 400 when strict. Returns a new dict with
    defaults applied (keys left undefined are omitted)."""
    if not isinstance(body, dict):
        raise bad_request(f"[{where}]: expected a plain object value, but found [{type_name(body)}] instead.")
    if strict:
        for key in body:
            if key not in fields:
                raise bad_request(f"[{where}.{key}]: definition for this key is missing")
    out = {} if strict else dict(body)
    for name, field in fields.items():
        value = field.check(body.get(name, UNDEFINED), f"{where}.{name}")
        if value is UNDEFINED and field.default is not UNDEFINED:
            value = field.default() if callable(field.default) else field.default
        if value is not UNDEFINED:
            out[name] = value
    return out


def body_or_empty(body, where="request body"):
    if body is None:
        raise bad_request(f"[{where}]: expected a plain object value, but found [null] instead.")
    return body
