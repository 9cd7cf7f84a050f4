"""The error dialect of @kbn/zod, for connector type schemas from Kibana 9.3.

Connector config/secrets schemas moved from @kbn/config-schema to zod (kibana PR #238309, 9.3;
PR #250664 refers to "the migration from kbn-cfg-schema to zod"), and the actions framework
(x-pack/platform/plugins/shared/actions/server/lib/validate_with_schema.ts) words a failure
`error validating connector type config|secrets: <text>`:
- 9.3, zod v3: <text> = formatZodError(err) (actions/server/lib/format_zod_error.ts, PR #240507):
  `Field "apiUrl": Required`, or `3 errors:\n [1]: Field "apiUrl": Required;\n [2]: ...`.
- 9.4, zod v4 (PR #252702 moved @kbn/connector-schemas to zod v4, PR #258854 dropped v3):
  <text> = z.prettifyError(err): `✖ Invalid input: expected string, received undefined\n  → at
  apiUrl` (validate_with_schema.test.ts, actions_client.test.ts snapshots).

The schemas are the same `Field` objects schema.py checks in config-schema's dialect (older
Kibana); this module reads them as zod would: `required` = no `.optional()` and no default,
`one_of` = z.enum, an AnyOf of objects = z.union, `coerce` = z.coerce.number(), `values` =
z.record's value schema, `default_through_optional` = `.default(x).optional()`.
"""

import json
import math
import re

from .schema import UNDEFINED, AnyOf, Literal, type_name

V3 = "v3"
V4 = "v4"


class Issue:
    def __init__(self, path, code, **info):
        self.path = path
        self.code = code
        self.info = info

    def fatal(self, dialect):
        """Whether the issue aborts a union option: v4 aborts on every issue but a refinement's;
        v3 only marks an object with unknown keys (or a refinement) dirty, not invalid."""
        if self.code in ("custom", "too_small", "too_big"):
            return False
        if self.code == "unrecognized_keys":
            return dialect == V4
        return True


def parsed_type(value, dialect):
    """zod's name of a received value: config-schema's, in lower case (`array`, `object`)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN" if dialect == V4 else "nan"
    return type_name(value).lower()


def is_enum(field):
    return isinstance(field, AnyOf) and all(isinstance(a, Literal) for a in field.alternatives)


def js_number(value):
    """Number(value), as z.coerce.number() converts before checking."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        try:
            return float(text) if not re.fullmatch(r"[+-]?\d+", text) else int(text)
        except ValueError:
            return float("nan")
    if isinstance(value, (list, dict)):
        return float("nan")
    return value


def parse(field, value, path, issues, dialect):
    """The parsed value (UNDEFINED when absent), appending Issue objects for what fails."""
    if value is UNDEFINED:
        if field.default is not UNDEFINED:
            if getattr(field, "default_through_optional", False) and dialect == V3:
                return UNDEFINED  # v3's ZodOptional answers undefined before the default
            return field.default() if callable(field.default) else field.default
        if not field.required:
            return UNDEFINED
    if value is None and field.nullable:
        return None
    if is_enum(field):
        values = [a.value for a in field.alternatives]
        if isinstance(value, str) and value in values:
            return value
        if dialect == V3 and not isinstance(value, str):
            issues.append(Issue(path, "invalid_type", expected=" | ".join(
                "'%s'" % v for v in values), received=parsed_type(value, dialect)))
        else:
            issues.append(Issue(path, "invalid_enum", values=values, received=value))
        return UNDEFINED
    if isinstance(field, AnyOf):
        return parse_union(field, value, path, issues, dialect)
    if getattr(field, "coerce", False):
        value = js_number(value)
    expected = field.kind if field.kind != "integer" else "number"
    if getattr(field, "values", None) is not None and dialect == V4:
        expected = "record"
    ok = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value)),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "any": value is not UNDEFINED,
    }[field.kind]
    if not ok:
        issues.append(Issue(path, "invalid_type", expected=expected,
                            received=parsed_type(value, dialect)))
        return UNDEFINED
    if field.validate is not None:
        check_limits(field, value, path, issues)
    if field.kind == "object" and field.fields is not None:
        value = parse_object(field.fields, value, path, issues, dialect, strict=field.strict)
    elif field.kind == "object" and getattr(field, "values", None) is not None:
        value = {k: parse(field.values, v, path + [k], issues, dialect) for k, v in value.items()}
    elif field.kind == "array" and field.items is not None:
        value = [parse(field.items, v, path + [i], issues, dialect) for i, v in enumerate(value)]
    return value


def check_limits(field, value, path, issues):
    """.min()/.max() checks (schema.py min_length, array_size, between): too_small/too_big on
    the length of a string or array, or on a number; another validator is a refinement."""
    limits = getattr(field.validate, "limits", None)
    if limits is None:
        problem = field.validate(value)
        if problem:
            issues.append(Issue(path, "custom", message=problem))
        return
    low, high = limits
    size = value if field.kind in ("number", "integer") else len(value)
    origin = "number" if field.kind in ("number", "integer") else field.kind
    if low is not None and size < low:
        issues.append(Issue(path, "too_small", origin=origin, limit=low))
    elif high is not None and size > high:
        issues.append(Issue(path, "too_big", origin=origin, limit=high))


def parse_object(fields, value, path, issues, dialect, strict=True):
    out = {} if strict else dict(value)
    for name, field in fields.items():
        parsed = parse(field, value.get(name, UNDEFINED), path + [name], issues, dialect)
        if parsed is not UNDEFINED:
            out[name] = parsed
    unknown = [key for key in value if key not in fields]
    if strict and unknown:
        issues.append(Issue(path, "unrecognized_keys", keys=unknown))
    return out


def parse_union(field, value, path, issues, dialect):
    branches = []
    for alternative in field.alternatives:
        found = []
        parsed = parse(alternative, value, path, found, dialect)
        if not found:
            return parsed
        branches.append((parsed, found))
    usable = [b for b in branches if not any(i.fatal(dialect) for i in b[1])]
    if usable:
        # v3 returns the first dirty option, v4 the only non-aborted one.
        if dialect == V3 or len(usable) == 1:
            issues.extend(usable[0][1])
            return usable[0][0]
    issues.append(Issue(path, "invalid_union", branches=[b[1] for b in branches]))
    return UNDEFINED


# ----------------------------------------------------------------------------- messages

def message(issue, dialect):
    info = issue.info
    if issue.code == "invalid_type":
        if dialect == V3:
            if info["received"] == "undefined":
                return "Required"
            return "Expected %s, received %s" % (info["expected"], info["received"])
        return "Invalid input: expected %s, received %s" % (info["expected"], info["received"])
    if issue.code == "invalid_enum":
        values = info["values"]
        if dialect == V3:
            return "Invalid enum value. Expected %s, received '%s'" % (
                " | ".join("'%s'" % v for v in values), info["received"])
        if len(values) == 1:
            return "Invalid input: expected %s" % json.dumps(values[0])
        return "Invalid option: expected one of %s" % "|".join(json.dumps(v) for v in values)
    if issue.code == "unrecognized_keys":
        keys = info["keys"]
        if dialect == V3:
            return "Unrecognized key(s) in object: %s" % ", ".join("'%s'" % k for k in keys)
        plural = "s" if len(keys) > 1 else ""
        return "Unrecognized key%s: %s" % (plural, ", ".join(json.dumps(k) for k in keys))
    if issue.code == "invalid_union":
        return "Invalid input"
    if issue.code in ("too_small", "too_big"):
        return size_message(issue.code == "too_small", info["origin"], info["limit"], dialect)
    return info["message"]


def size_message(small, origin, limit, dialect):
    """zod's too_small/too_big texts (v3 locale en, v4 locale en)."""
    if dialect == V3:
        word = {"string": "String must contain", "array": "Array must contain",
                "number": "Number must be"}[origin]
        if origin == "number":
            return "%s %s %s" % (word, "greater than or equal to" if small else
                                 "less than or equal to", limit)
        unit = "character(s)" if origin == "string" else "element(s)"
        return "%s %s %s %s" % (word, "at least" if small else "at most", limit, unit)
    head = "Too small" if small else "Too big"
    sign = ">=" if small else "<="
    if origin == "number":
        return "%s: expected number to be %s%s" % (head, sign, limit)
    unit = "characters" if origin == "string" else "items"
    return "%s: expected %s to have %s%s %s" % (head, origin, sign, limit, unit)


def dot_path(path):
    """zod v4 toDotPath: `a.b[0]`, `["x-y"]` for keys that are not identifiers."""
    out = ""
    for segment in path:
        if isinstance(segment, int):
            out += "[%d]" % segment
        elif re.search(r"[^\w$]", segment):
            out += "[%s]" % json.dumps(segment)
        else:
            out += ("." if out else "") + segment
    return out


def prettify(issues):
    """z.prettifyError: issues sorted by path length (stable), one `✖` line each."""
    lines = []
    for issue in sorted(issues, key=lambda i: len(i.path)):
        lines.append("✖ " + message(issue, V4))
        if issue.path:
            lines.append("  → at " + dot_path(issue.path))
    return "\n".join(lines)


def js_keys(node):
    """Object key order in JavaScript: integer-like keys ascending, then insertion order."""
    keys = [k for k in node if k != "_errors"]
    numeric = sorted((k for k in keys if re.fullmatch(r"0|[1-9]\d*", k)), key=int)
    return numeric + [k for k in keys if k not in numeric]


MAX_ERRORS = 5


def format_v3(issues):
    """formatZodError over ZodError.format(): union branches flattened, one entry per field."""
    tree = {"_errors": []}

    def collect(found):
        for issue in found:
            if issue.code == "invalid_union":
                for branch in issue.info["branches"]:
                    collect(branch)
            elif not issue.path:
                tree["_errors"].append(message(issue, V3))
            else:
                node = tree
                for segment in issue.path:
                    node = node.setdefault(str(segment), {"_errors": []})
                node["_errors"].append(message(issue, V3))

    collect(issues)
    messages = list(tree["_errors"])

    def walk(node, prefix):
        for key in js_keys(node):
            child, name = node[key], ("%s.%s" % (prefix, key) if prefix else key)
            if child["_errors"]:
                messages.append('Field "%s": %s' % (name, ", ".join(child["_errors"])))
            else:
                walk(child, name)

    walk(tree, "")
    total = len(messages)
    if total > MAX_ERRORS:
        messages = messages[:MAX_ERRORS] + ["and %d more" % (total - MAX_ERRORS)]
    if total == 1:
        return "; ".join(messages)
    return "%d errors:\n %s" % (total, ";\n ".join(
        "[%d]: %s" % (n, m) for n, m in enumerate(messages, 1)))


def validate(value, fields, dialect):
    """(parsed object, None) or (None, the formatted failure) for a strict root object."""
    issues = []
    if not isinstance(value, dict):
        issues.append(Issue([], "invalid_type", expected="object",
                            received=parsed_type(value, dialect)))
        parsed = None
    else:
        parsed = parse_object(fields, value, [], issues, dialect)
    if not issues:
        return parsed, None
    return None, (prettify(issues) if dialect == V4 else format_v3(issues))


def validate_union(value, alternatives, dialect):
    """A root z.union of objects (the .gen-ai config and secrets)."""
    issues = []
    parsed = parse(AnyOf(*alternatives, required=True), value, [], issues, dialect)
    if not issues:
        return parsed, None
    return None, (prettify(issues) if dialect == V4 else format_v3(issues))
