"""A small validator that speaks @kbn/config-schema's error dialect (kibana-api/README.md §4).

Used by the families whose routes use config-schema (alerting, connectors, Fleet):
  [request body.name]: expected value of type [string] but got [undefined]
  [request body.foo]: definition for this key is missing
Families validated by zod (exception lists) or io-ts (osquery) word their own messages.
"""

import re

from .errors import KibanaError, bad_request

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
    # Joi (config-schema) checks the declared keys first and reports unknown keys after them:
    # security_and_spaces/group2/tests/alerting/update.ts gets the bad-interval error for a
    # body that also carries the undeclared `rule_type_id`.
    out = {} if strict else dict(body)
    for name, field in fields.items():
        value = field.check(body.get(name, UNDEFINED), f"{where}.{name}")
        if value is UNDEFINED and field.default is not UNDEFINED:
            value = field.default() if callable(field.default) else field.default
        if value is not UNDEFINED:
            out[name] = value
    if strict:
        for key in body:
            if key not in fields:
                raise bad_request(f"[{where}.{key}]: definition for this key is missing")
    return out


def body_or_empty(body, where="request body"):
    if body is None:
        raise bad_request(f"[{where}]: expected a plain object value, but found [null] instead.")
    return body


# --------------------------------------------------------------------------- config-schema bits
# Wordings of @kbn/config-schema types beyond plain ones (literal, oneOf, never, ranges), used by
# the alerting and connector type schemas.


class Literal(Field):
    """schema.literal(value)."""

    def __init__(self, value, **kwargs):
        super().__init__("any", **kwargs)
        self.value = value

    def shown(self):
        # JavaScript's rendering of the expected value: null, true, false
        if self.value is None or isinstance(self.value, bool):
            return {None: "null", True: "true", False: "false"}[self.value]
        return self.value

    def check(self, value, where):
        if value is UNDEFINED and self.required:
            raise bad_request(f"[{where}]: expected value to equal [{self.shown()}]")
        if value is UNDEFINED or (value is None and self.nullable):
            return value
        if value != self.value or isinstance(value, bool) != isinstance(self.value, bool) \
                or (value is None) != (self.value is None):
            raise bad_request(f"[{where}]: expected value to equal [{self.shown()}]")
        return value


class AnyOf(Field):
    """schema.oneOf([...]): the first alternative that validates wins."""

    def __init__(self, *alternatives, **kwargs):
        super().__init__("any", **kwargs)
        self.alternatives = alternatives

    def check(self, value, where):
        if value is UNDEFINED:
            if self.required:
                raise bad_request(f"[{where}]: expected at least one defined value but got [undefined]")
            return UNDEFINED
        if value is None and self.nullable:
            return None
        if len(self.alternatives) == 1:
            # A one-type oneOf reports that type's own error (connector_types/openai.ts API
            # test: `[0.apiProvider]: expected value to equal [Azure OpenAI]`).
            return self.alternatives[0].check(value, where)
        failures = []
        for index, alternative in enumerate(self.alternatives):
            try:
                return alternative.check(value, f"{where}.{index}")
            except KibanaError as err:
                failures.append(f"- {err.message}")
        raise bad_request(f"[{where}]: types that failed validation:\n" + "\n".join(failures))


class Never(Field):
    """schema.never(): the key must be absent (conditional schemas' other branch)."""

    def __init__(self):
        super().__init__("any")

    def check(self, value, where):
        if value is not UNDEFINED:
            raise bad_request(f"[{where}]: a value wasn't expected to be present")
        return UNDEFINED


def one_of(*values, **kwargs):
    return AnyOf(*(Literal(v) for v in values), **kwargs)


def all_of(*checks):
    """Several `validate` callables, first problem wins."""
    def check(value):
        for one in checks:
            problem = one(value)
            if problem:
                return problem
        return None
    return check


def limited(check, low, high):
    """Tag a checker with its bounds (zod.py words them in zod's dialect)."""
    check.limits = (low, high)
    return check


def min_length(low):
    return limited(lambda v: (f"value has length [{len(v)}] but it must have a minimum length of "
                              f"[{low}]." if len(v) < low else None), low, None)


def between(low=None, high=None):
    def check(value):
        if low is not None and value < low:
            return f"Value must be equal to or greater than [{low}]."
        if high is not None and value > high:
            return f"Value must be equal to or lower than [{high}]."
        return None
    return limited(check, low, high)


def array_size(low=None, high=None):
    def check(value):
        if low is not None and len(value) < low:
            return f"array size is [{len(value)}], but cannot be smaller than [{low}]"
        if high is not None and len(value) > high:
            return f"array size is [{len(value)}], but cannot be greater than [{high}]"
        return None
    return limited(check, low, high)


def text(low=1, **kwargs):
    """schema.string({minLength})."""
    return Field("string", validate=min_length(low), **kwargs)


def check_root(params, fields, strict=True):
    """A rule type's params object: config-schema names its keys without a prefix ([index]: ...)
    and (Joi) checks known keys before reporting unknown ones."""
    out = {} if strict else dict(params)
    for name, field in fields.items():
        value = field.check(params.get(name, UNDEFINED), name)
        if value is UNDEFINED and field.default is not UNDEFINED:
            value = field.default() if callable(field.default) else field.default
        if value is not UNDEFINED:
            out[name] = value
    if strict:
        for key in params:
            if key not in fields:
                raise bad_request(f"[{key}]: definition for this key is missing")
    return out
