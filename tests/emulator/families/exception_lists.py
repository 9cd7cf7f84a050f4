"""Security exception lists and items, per kibana-api/exception-lists.md.

Lists and items share Kibana's saved-object types `exception-list` (namespace_type `single`, one
space) and `exception-list-agnostic` (every space). Identity travels in the query string (GET,
DELETE) or the body (PUT); there are no path ids. Request validation is zod (shape A, worded as
zod does); errors raised by the handlers use the SIEM shape {message, status_code}.

Storage: records keyed by saved-object id in the state store, plus in-memory indexes by
(scope, list_id), (scope, item_id) and list membership, so that item lookups are O(1) and an
items/_find walks only the items of the lists asked for. A scope is "agnostic" or "single:<space>".

Documents are stored in their response form and never mutated in place below the top level
(updates build new nested lists/dicts), so a response can be a shallow copy of the stored dict.
"""

import base64
import copy
import datetime
import json
import math
import re

from ..app import Family, new_id, now_iso
from ..errors import KibanaError, bad_request

SO_TYPES = {"single": "exception-list", "agnostic": "exception-list-agnostic"}
NAMESPACE_TYPES = ["agnostic", "single"]
LIST_TYPES = ["detection", "rule_default", "endpoint", "endpoint_trusted_apps", "endpoint_events",
              "endpoint_host_isolation_exceptions", "endpoint_blocklists"]
OS_TYPES = ["linux", "macos", "windows"]
# The Elasticsearch types a value list (`list` entries) can have (lists' ListType enum).
VALUE_LIST_TYPES = ["binary", "boolean", "byte", "date", "date_nanos", "date_range", "double",
                    "double_range", "float", "float_range", "geo_point", "geo_shape", "half_float",
                    "integer", "integer_range", "ip", "ip_range", "keyword", "long", "long_range",
                    "shape", "short", "text"]
# Only these list types can be duplicated; others answer 405 (source of the _duplicate service).
DUPLICABLE_TYPES = ("detection", "rule_default")
# Fields an item of an `endpoint` list may not match on (create handler, [src]).
ENDPOINT_DISALLOWED_FIELDS = ["file.Ext.quarantine_path", "file.Ext.quarantine_result",
                              "process.entity_id", "process.parent.entity_id", "process.ancestry"]
# Items per list: the create handler rolls back an item that takes a list past this size.
MAX_EXCEPTION_LIST_SIZE = 10000
DEFAULT_PAGE, DEFAULT_PER_PAGE = 1, 20  # saved-objects find defaults ([unverified] for this API)
EXPIRE_TIME_SINCE = (8, 7, 2)

DEFAULT_QUIRKS = {
    # Notes, "List – create body": the create handler does not pass os_types to storage [src].
    "list_os_types_on_create": False,
    # Notes, "List – update body": the update service does not write os_types [src].
    "list_os_types_on_update": False,
    # Notes, hazard 3 (Kibana #244818): item os_types read back as [] although stored.
    "item_os_types_read_empty": False,
    # Notes, hazard 2 (Kibana #159230, 8.7-era): PUT by item_id alone creates a second item.
    "item_update_by_item_id_duplicates": False,
    # Lets tests reach the list-size rollback without creating 10,000 items.
    "max_list_size": MAX_EXCEPTION_LIST_SIZE,
}


# ====================================================================== zod-style validation
#
# Just enough of zod v3 to word errors as Kibana's buildRouteValidationWithZod does:
# "[request body]: entries.0.value: Required, name: Expected string, received number".
# Unknown object keys are stripped (zod's default; the notes leave strictness unverified).

MISSING = object()
MAX_ZOD_ERRORS = 5  # stringifyZodError keeps five messages, then "and N more"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def zod_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "nan" if math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def quoted_choices(values):
    return " | ".join(f"'{v}'" for v in values)


class Schema:
    """A zod schema. Issues are (path, message, fatal); a fatal one aborts (as a type error
    does in zod), a non-fatal one only makes the result dirty (length checks, refinements)."""

    optional_ = False
    default = MISSING

    def optional(self, default=MISSING):
        clone = copy.copy(self)
        clone.optional_ = True
        clone.default = default
        return clone

    def run(self, value, path, issues):
        if value is MISSING:
            if self.optional_:
                return self.default() if callable(self.default) else self.default
            issues.append((path, "Required", True))
            return MISSING
        return self.check(value, path, issues)

    def check(self, value, path, issues):
        return value


class Str(Schema):
    def __init__(self, min_length=0, non_blank=False, datetime_=False):
        self.min_length = min_length
        self.non_blank = non_blank
        self.datetime = datetime_

    def check(self, value, path, issues):
        if not isinstance(value, str):
            issues.append((path, f"Expected string, received {zod_type(value)}", True))
            return MISSING
        if len(value) < self.min_length:
            issues.append((path, f"String must contain at least {self.min_length} character(s)",
                           False))
        if self.non_blank and value.strip() == "":
            issues.append((path, "No empty strings allowed", False))
        if self.datetime and not DATETIME.match(value):
            issues.append((path, "Invalid datetime", False))
        return value


def non_empty():
    """NonEmptyString: z.string().min(1).superRefine(isNonEmptyString)."""
    return Str(min_length=1, non_blank=True)


class Enum(Schema):
    def __init__(self, values):
        self.values = list(values)

    def check(self, value, path, issues):
        if not isinstance(value, str):
            issues.append((path, f"Expected {quoted_choices(self.values)}, received "
                                 f"{zod_type(value)}", True))
            return MISSING
        if value not in self.values:
            issues.append((path, f"Invalid enum value. Expected {quoted_choices(self.values)}, "
                                 f"received '{value}'", True))
            return MISSING
        return value


class Literal(Schema):
    def __init__(self, value):
        self.value = value

    def check(self, value, path, issues):
        if value != self.value:
            issues.append((path, f"Invalid literal value, expected {json.dumps(self.value)}", True))
            return MISSING
        return value


class Int(Schema):
    """z.number().int().min(n), or z.coerce.number()... for query strings."""

    def __init__(self, minimum=None, coerce=False):
        self.minimum = minimum
        self.coerce = coerce

    def check(self, value, path, issues):
        if self.coerce and isinstance(value, str):
            text = value.strip()
            try:
                # Number("") is 0 in JavaScript; Python-only spellings (1_000) are NaN there.
                value = 0 if not text else float("nan") if "_" in text else float(text)
            except ValueError:
                value = float("nan")
        if zod_type(value) != "number":
            issues.append((path, f"Expected number, received {zod_type(value)}", True))
            return MISSING
        if math.isinf(value) or value != int(value):
            issues.append((path, "Expected integer, received float", True))
            return MISSING
        value = int(value)
        if self.minimum is not None and value < self.minimum:
            issues.append((path, f"Number must be greater than or equal to {self.minimum}", False))
        return value


class Arr(Schema):
    def __init__(self, item, min_length=0):
        self.item = item
        self.min_length = min_length

    def check(self, value, path, issues):
        if not isinstance(value, list):
            issues.append((path, f"Expected array, received {zod_type(value)}", True))
            return MISSING
        if len(value) < self.min_length:
            issues.append((path, f"Array must contain at least {self.min_length} element(s)",
                           False))
        return [self.item.run(v, path + (i,), issues) for i, v in enumerate(value)]


class ArrFromString(Arr):
    """ArrayFromString: a comma-separated query value ("" is []) or a repeated parameter."""

    def check(self, value, path, issues):
        if isinstance(value, str):
            value = [] if value == "" else value.split(",")
        return super().check(value, path, issues)


class Obj(Schema):
    def __init__(self, fields):
        self.fields = fields  # [(name, schema)] in zod's declaration order

    def check(self, value, path, issues):
        if not isinstance(value, dict):
            issues.append((path, f"Expected object, received {zod_type(value)}", True))
            return MISSING
        out = {}
        for name, schema in self.fields:
            parsed = schema.run(value.get(name, MISSING), path + (name,), issues)
            if parsed is not MISSING:
                out[name] = parsed
        return out


class Meta(Schema):
    """z.object({}).catchall(z.unknown()): any object, kept as sent."""

    def check(self, value, path, issues):
        if not isinstance(value, dict):
            issues.append((path, f"Expected object, received {zod_type(value)}", True))
            return MISSING
        return value


class Union(Schema):
    """z.union: the first option that parses; else a dirty option's issues; else all issues
    (stringifyZodError flattens invalid_union into its members' issues)."""

    def __init__(self, options):
        self.options = options

    def check(self, value, path, issues):
        attempts = []
        for option in self.options:
            found = []
            parsed = option.check(value, path, found)
            if not found:
                return parsed
            attempts.append(found)
        dirty = next((found for found in attempts if not any(f[2] for f in found)), None)
        issues.extend(dirty if dirty is not None else [i for found in attempts for i in found])
        return MISSING


class Discriminated(Schema):
    def __init__(self, key, options):
        self.key = key
        self.options = options  # discriminator value -> Obj

    def check(self, value, path, issues):
        if not isinstance(value, dict):
            issues.append((path, f"Expected object, received {zod_type(value)}", True))
            return MISSING
        option = self.options.get(value.get(self.key)) if isinstance(value.get(self.key), str) \
            else None
        if option is None:
            issues.append((path + (self.key,), "Invalid discriminator value. Expected "
                           f"{quoted_choices(self.options)}", True))
            return MISSING
        return option.check(value, path, issues)


def zod_parse(schema, value, where):
    """Parse or raise the core-shaped 400 that Kibana's route validation produces."""
    issues = []
    parsed = schema.run(value, (), issues)
    if not issues:
        return parsed
    messages = [f"{'.'.join(str(p) for p in path)}: {message}" if path else message
                for path, message, _fatal in issues]
    if len(messages) > MAX_ZOD_ERRORS:
        messages = messages[:MAX_ZOD_ERRORS] + [f"and {len(messages) - MAX_ZOD_ERRORS} more"]
    raise bad_request(f"[{where}]: {', '.join(messages)}")


def parse_body(schema, call):
    # [unverified] A missing body is validated as {} (field-level "Required" messages).
    return zod_parse(schema, {} if call.body is None else call.body, "request body")


def parse_query(schema, call):
    """Kibana's query parser gives a string, or an array for a repeated parameter."""
    raw = {}
    for name, values in call.query.lists():
        raw[name] = values[0] if len(values) == 1 else list(values)
    return zod_parse(schema, raw, "request query")


# ---------------------------------------------------------------------- schemas

OPERATOR = Enum(["excluded", "included"])
ENTRY_MATCH = Obj([("type", Literal("match")), ("field", non_empty()), ("value", non_empty()),
                   ("operator", OPERATOR)])
ENTRY_MATCH_ANY = Obj([("type", Literal("match_any")), ("field", non_empty()),
                       ("value", Arr(non_empty(), min_length=1)), ("operator", OPERATOR)])
ENTRY_LIST = Obj([("type", Literal("list")), ("field", non_empty()),
                  ("list", Obj([("id", non_empty()), ("type", Enum(VALUE_LIST_TYPES))])),
                  ("operator", OPERATOR)])
ENTRY_EXISTS = Obj([("type", Literal("exists")), ("field", non_empty()), ("operator", OPERATOR)])
ENTRY_NESTED = Obj([("type", Literal("nested")), ("field", non_empty()),
                    ("entries", Arr(Union([ENTRY_MATCH, ENTRY_MATCH_ANY, ENTRY_EXISTS]),
                                    min_length=1))])
ENTRY_WILDCARD = Obj([("type", Literal("wildcard")), ("field", non_empty()),
                      ("value", non_empty()), ("operator", OPERATOR)])
ENTRY = Discriminated("type", {"match": ENTRY_MATCH, "match_any": ENTRY_MATCH_ANY,
                               "list": ENTRY_LIST, "exists": ENTRY_EXISTS,
                               "nested": ENTRY_NESTED, "wildcard": ENTRY_WILDCARD})
# [unverified] The zod entries array has no minimum (the notes: "at least one in practice").
ENTRIES = Arr(ENTRY)
NAMESPACE = Enum(NAMESPACE_TYPES)

CREATE_LIST = Obj([
    ("name", Str()),
    ("description", Str()),
    ("type", Enum(LIST_TYPES)),
    ("list_id", non_empty().optional()),
    ("namespace_type", NAMESPACE.optional("single")),
    ("os_types", Arr(Enum(OS_TYPES)).optional()),
    ("tags", Arr(Str()).optional(list)),
    ("meta", Meta().optional()),
    ("version", Int(minimum=1).optional(1)),
])
UPDATE_LIST = Obj([
    ("_version", Str().optional()),
    ("id", non_empty().optional()),
    ("list_id", non_empty().optional()),
    ("name", Str()),
    ("description", Str()),
    ("type", Enum(LIST_TYPES)),
    ("namespace_type", NAMESPACE.optional("single")),
    ("os_types", Arr(Enum(OS_TYPES)).optional(list)),
    ("tags", Arr(Str()).optional()),  # omitted -> unchanged (partial saved-object update)
    ("meta", Meta().optional()),
    ("version", Int(minimum=1).optional()),
])
CREATE_ITEM = Obj([
    ("item_id", non_empty().optional()),
    ("list_id", non_empty()),
    ("type", Literal("simple")),
    ("name", non_empty()),
    ("description", Str()),
    ("entries", ENTRIES),
    ("namespace_type", NAMESPACE.optional("single")),
    ("os_types", Arr(Enum(OS_TYPES)).optional(list)),
    ("tags", Arr(non_empty()).optional(list)),
    ("meta", Meta().optional()),
    ("expire_time", Str(datetime_=True).optional()),
    ("comments", Arr(Obj([("comment", non_empty())])).optional(list)),
])
UPDATE_ITEM = Obj([
    ("_version", Str().optional()),
    ("id", non_empty().optional()),
    ("item_id", non_empty().optional()),
    ("list_id", non_empty().optional()),  # accepted, but an item never moves lists
    ("type", Literal("simple")),
    ("name", non_empty()),
    ("description", Str()),
    ("entries", ENTRIES),
    ("namespace_type", NAMESPACE.optional("single")),
    ("os_types", Arr(Enum(OS_TYPES)).optional(list)),
    ("tags", Arr(non_empty()).optional(list)),  # the handler substitutes [] (overwrite)
    ("meta", Meta().optional()),
    ("expire_time", Str(datetime_=True).optional()),
    ("comments", Arr(Obj([("id", non_empty().optional()), ("comment", non_empty())]))
     .optional(list)),
])
LIST_IDENTITY = Obj([("id", non_empty().optional()), ("list_id", non_empty().optional()),
                     ("namespace_type", NAMESPACE.optional("single"))])
ITEM_IDENTITY = Obj([("id", non_empty().optional()), ("item_id", non_empty().optional()),
                     ("namespace_type", NAMESPACE.optional("single"))])
SUMMARY_QUERY = Obj([("id", non_empty().optional()), ("list_id", non_empty().optional()),
                     ("namespace_type", NAMESPACE.optional("single")),
                     ("filter", Str().optional())])
SORT_ORDER = Enum(["desc", "asc"])
FIND_LISTS = Obj([
    ("filter", Str().optional()),
    ("namespace_type", ArrFromString(NAMESPACE).optional(lambda: ["single"])),
    ("page", Int(minimum=1, coerce=True).optional()),
    ("per_page", Int(minimum=1, coerce=True).optional()),
    ("sort_field", Str().optional()),
    ("sort_order", SORT_ORDER.optional()),
])
FIND_ITEMS = Obj([
    ("list_id", ArrFromString(non_empty())),
    ("filter", ArrFromString(non_empty()).optional(list)),
    ("namespace_type", ArrFromString(NAMESPACE).optional(lambda: ["single"])),
    ("search", Str().optional()),
    ("page", Int(minimum=0, coerce=True).optional()),
    ("per_page", Int(minimum=0, coerce=True).optional()),
    ("sort_field", non_empty().optional()),
    ("sort_order", SORT_ORDER.optional()),
])
DUPLICATE_QUERY = Obj([
    ("list_id", non_empty()),
    ("namespace_type", NAMESPACE),
    ("include_expired_exceptions", Enum(["true", "false"]).optional()),
])


# ====================================================================== KQL filters
#
# `filter` is KQL over saved-object attributes, e.g.
#   exception-list.attributes.list_id:"a" and not exception-list.attributes.tags:(x or y*)
# Supported: and/or/not, parentheses, field:value, field:(value list), field:*, quoted phrases,
# `*` wildcards in unquoted values, and range operators (< <= > >=). Attributes are keyword
# fields (exact, case-sensitive); a trailing `.text` (name.text, tags.text) matches words.

class KqlError(Exception):
    pass


# Attribute names of the exception-list mapping: a filter naming anything else is rejected.
KNOWN_ATTRIBUTES = {"comments", "created_at", "created_by", "description", "entries",
                    "expire_time", "immutable", "item_id", "list_id", "list_type", "meta",
                    "name", "os_types", "tags", "tie_breaker_id", "type", "updated_by",
                    "version"}
ROOT_FIELDS = {"updated_at", "created_at"}


class KqlLiteral:
    def __init__(self, text, quoted, pattern=None):
        self.text = text
        self.quoted = quoted
        self.pattern = pattern  # compiled regex when the unquoted value has wildcards

    @property
    def is_exists(self):
        return not self.quoted and self.pattern is not None and self.text.strip("*") == ""


class KqlParser:
    SPECIAL = set('\\():<>"{}')
    KEYWORDS = ("or", "and", "not")

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def parse(self):
        node = self.or_query()
        self.skip_space()
        if self.pos < len(self.text):
            raise KqlError(f'Expected AND, OR, end of input but "{self.text[self.pos]}" found.')
        return node

    # ---- lexical helpers
    def skip_space(self):
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.pos > start

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def keyword(self, word, leading_space=True):
        """Or/And need spaces on both sides; Not only after it."""
        start = self.pos
        spaced = self.skip_space()
        end = self.pos + len(word)
        if (spaced or not leading_space) and self.text[self.pos:end].lower() == word \
                and end < len(self.text) and self.text[end].isspace():
            self.pos = end
            return True
        self.pos = start
        return False

    def at_keyword(self, index):
        """Whitespace at `index` followed by a keyword and whitespace ends an unquoted value."""
        j = index
        while j < len(self.text) and self.text[j].isspace():
            j += 1
        rest = self.text[j:j + 4].lower()
        return any(rest.startswith(k) and len(rest) > len(k) and rest[len(k)].isspace()
                   for k in self.KEYWORDS)

    def literal(self):
        self.skip_space()
        if self.peek() == '"':
            return self.quoted()
        return self.unquoted()

    def quoted(self):
        self.pos += 1
        chars = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return KqlLiteral("".join(chars), quoted=True)
            chars.append(char)
            self.pos += 1
        raise KqlError('Expected """ but end of input found.')

    def unquoted(self):
        parts = []  # (char, is_wildcard)
        kept, end = 0, self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                if self.pos + 1 >= len(self.text):
                    raise KqlError("Expected escape sequence but end of input found.")
                parts.append((self.text[self.pos + 1], False))
                self.pos += 2
            elif char in self.SPECIAL:
                break
            elif char.isspace():
                if self.at_keyword(self.pos):
                    break
                parts.append((char, False))
                self.pos += 1
                continue  # trailing spaces are not part of the value
            else:
                parts.append((char, char == "*"))
                self.pos += 1
            kept, end = len(parts), self.pos
        parts, self.pos = parts[:kept], end
        if not parts:
            found = f'"{self.peek()}"' if self.peek() else "end of input"
            raise KqlError(f"Expected value but {found} found.")
        text = "".join(c for c, _w in parts)
        pattern = None
        if any(w for _c, w in parts):
            pattern = re.compile("".join(".*" if w else re.escape(c) for c, w in parts), re.S)
        return KqlLiteral(text, quoted=False, pattern=pattern)

    # ---- grammar
    def or_query(self):
        node = self.and_query()
        while self.keyword("or"):
            node = ("or", node, self.and_query())
        return node

    def and_query(self):
        node = self.not_query()
        while self.keyword("and"):
            node = ("and", node, self.not_query())
        return node

    def not_query(self):
        if self.keyword("not", leading_space=False):
            return ("not", self.sub_query())
        return self.sub_query()

    def sub_query(self):
        self.skip_space()
        if self.peek() == "(":
            self.pos += 1
            node = self.or_query()
            self.skip_space()
            if self.peek() != ")":
                raise KqlError('Expected ")" but ' + (f'"{self.peek()}"' if self.peek()
                                                      else "end of input") + " found.")
            self.pos += 1
            return node
        field = self.literal()
        after_field = self.pos
        self.skip_space()
        char = self.peek()
        if char in ("<", ">"):
            op = char
            self.pos += 1
            if self.peek() == "=":
                op += "="
                self.pos += 1
            return ("range", field.text, op, self.literal())
        if char == ":":
            self.pos += 1
            return ("field", field.text, self.value_list())
        self.pos = after_field
        return ("free", field.text)

    def value_list(self):
        self.skip_space()
        if self.peek() == "(":
            self.pos += 1
            node = self.or_values()
            self.skip_space()
            if self.peek() != ")":
                raise KqlError('Expected ")" but ' + (f'"{self.peek()}"' if self.peek()
                                                      else "end of input") + " found.")
            self.pos += 1
            return node
        return ("value", self.literal())

    def or_values(self):
        node = self.and_values()
        while self.keyword("or"):
            node = ("or", node, self.and_values())
        return node

    def and_values(self):
        node = self.not_values()
        while self.keyword("and"):
            node = ("and", node, self.not_values())
        return node

    def not_values(self):
        if self.keyword("not", leading_space=False):
            return ("not", self.value_list())
        return self.value_list()


def compile_filter(text, allowed_types):
    """Parse a KQL filter and check its fields as the saved-objects client does; returns a
    predicate (so_type, source) -> bool, or None for an empty filter. Raises a SIEM-shaped
    400 (the saved-objects Bad Request passed through by transformError) [unverified wording]."""
    if text is None or not text.strip():
        return None
    try:
        tree = KqlParser(text).parse()
    except KqlError as err:
        raise KibanaError(400, f"{err}: Bad Request", siem=True)
    resolved = _resolve_fields(tree, allowed_types)
    return lambda so_type, source: _evaluate(resolved, so_type, source)


def _resolve_fields(node, allowed_types):
    kind = node[0]
    if kind in ("and", "or"):
        return (kind, _resolve_fields(node[1], allowed_types),
                _resolve_fields(node[2], allowed_types))
    if kind == "not":
        return ("not", _resolve_fields(node[1], allowed_types))
    field = node[1]
    so_type, _dot, rest = field.partition(".")
    if kind == "free" or so_type not in SO_TYPES.values():
        raise KibanaError(400, f"This key '{field}' need to be wrapped by a saved object type "
                               f"like {','.join(allowed_types)}: Bad Request", siem=True)
    if so_type not in allowed_types:
        raise KibanaError(400, f"This type {so_type} is not allowed: Bad Request", siem=True)
    if rest.startswith("attributes."):
        path = rest[len("attributes."):].split(".")
        known = path[0] in KNOWN_ATTRIBUTES
    else:
        path = rest.split(".")
        known = rest in ROOT_FIELDS
    if not known:
        raise KibanaError(400, f"This key '{field}' does NOT exist in {so_type} saved object "
                               "index patterns: Bad Request", siem=True)
    text_match = len(path) > 1 and path[-1] == "text"
    if text_match:
        path = path[:-1]
    return (kind, so_type, path, text_match) + tuple(node[2:])


def _values_at(source, path):
    values = [source]
    for key in path:
        nxt = []
        for value in values:
            if isinstance(value, dict) and key in value:
                item = value[key]
                nxt.extend(item if isinstance(item, list) else [item])
            elif isinstance(value, list):
                nxt.extend(v[key] for v in value if isinstance(v, dict) and key in v)
        values = nxt
    flat = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return [v for v in flat if v is not None and not isinstance(v, dict)]


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _words(text):
    return re.findall(r"\w+", text.lower())


def _literal_matches(literal, value, text_match):
    value = _as_text(value)
    if text_match:
        words = _words(value)
        wanted = _words(literal.text)
        if literal.quoted:  # a phrase: the words in sequence
            return any(words[i:i + len(wanted)] == wanted for i in range(len(words)))
        return any(w in words for w in wanted)
    if literal.pattern is not None:
        return literal.pattern.fullmatch(value) is not None
    return value == literal.text


def _compare(left, right):
    """-1/0/1 for dates, numbers or strings, as Elasticsearch range queries compare them."""
    for convert in (_parse_datetime, float):
        try:
            a, b = convert(left), convert(right)
        except (TypeError, ValueError):
            continue
        if a is not None and b is not None:
            return (a > b) - (a < b)
    return (left > right) - (left < right)


def _evaluate(node, so_type, source):
    kind = node[0]
    if kind == "or":
        return _evaluate(node[1], so_type, source) or _evaluate(node[2], so_type, source)
    if kind == "and":
        return _evaluate(node[1], so_type, source) and _evaluate(node[2], so_type, source)
    if kind == "not":
        return not _evaluate(node[1], so_type, source)
    _kind, field_type, path, text_match = node[:4]
    if field_type != so_type:
        return False  # another type's attribute is absent from this document
    values = _values_at(source, path)
    if kind == "range":
        op, literal = node[4], node[5]
        checks = {"<": lambda c: c < 0, "<=": lambda c: c <= 0,
                  ">": lambda c: c > 0, ">=": lambda c: c >= 0}[op]
        return any(checks(_compare(_as_text(v), literal.text)) for v in values)
    return _match_values(node[4], values, text_match)


def _match_values(node, values, text_match):
    kind = node[0]
    if kind == "or":
        return _match_values(node[1], values, text_match) or \
            _match_values(node[2], values, text_match)
    if kind == "and":
        return _match_values(node[1], values, text_match) and \
            _match_values(node[2], values, text_match)
    if kind == "not":
        return not _match_values(node[1], values, text_match)
    literal = node[1]
    if literal.is_exists:
        return bool(values)
    return any(_literal_matches(literal, v, text_match) for v in values)


def _parse_datetime(text):
    if not isinstance(text, str):
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


# ====================================================================== the family

def scope_of(namespace_type, space):
    return "agnostic" if namespace_type == "agnostic" else f"single:{space}"


def list_not_found(list_uuid=None, list_id=None):
    """getErrorMessageExceptionList: the saved-object id wins over the list_id."""
    if list_uuid is not None:
        return KibanaError(404, f'exception list id: "{list_uuid}" does not exist', siem=True)
    return KibanaError(404, f'exception list list_id: "{list_id}" does not exist', siem=True)


def item_not_found(item_uuid=None, item_id=None):
    if item_uuid is not None:
        return KibanaError(404, f'exception list item id: "{item_uuid}" does not exist', siem=True)
    return KibanaError(404, f'exception list item item_id: "{item_id}" does not exist', siem=True)


def decode_version(version):
    """A saved-object version: base64 of "[seq_no,primary_term]"."""
    try:
        decoded = json.loads(base64.b64decode(version, validate=True).decode())
    except (ValueError, UnicodeDecodeError):
        decoded = None
    if not (isinstance(decoded, list) and len(decoded) == 2
            and all(isinstance(p, int) and not isinstance(p, bool) for p in decoded)):
        raise KibanaError(400, f"Invalid version [{version}]", siem=True)
    return tuple(decoded)


class ExceptionLists(Family):
    name = "exception_lists"

    def __init__(self, emulator):
        self._list_keys = {}  # (scope, list_id) -> list saved-object id
        self._item_keys = {}  # (scope, item_id) -> item saved-object id
        self._members = {}  # (scope, list_id) -> {item saved-object id: None}, insertion order
        super().__init__(emulator)

    def routes(self):
        base = "/api/exception_lists"
        return [
            ("POST", base, "create_list"),
            ("GET", base, "read_list"),
            ("PUT", base, "update_list"),
            ("DELETE", base, "delete_list"),
            ("GET", f"{base}/_find", "find_lists"),
            ("POST", f"{base}/_duplicate", "duplicate_list"),
            ("GET", f"{base}/summary", "summary"),
            ("POST", f"{base}/items", "create_item"),
            ("GET", f"{base}/items", "read_item"),
            ("PUT", f"{base}/items", "update_item"),
            ("DELETE", f"{base}/items", "delete_item"),
            ("GET", f"{base}/items/_find", "find_items"),
        ]

    def emulator_routes(self):
        return [
            ("GET", "/exception_lists/quirks", "get_quirks"),
            ("POST", "/exception_lists/quirks", "set_quirks"),
        ]

    # ------------------------------------------------------------------ state

    @property
    def store(self):
        """{"lists": {id: record}, "items": {id: record}, "seq": last _version number,
        "order": last creation number, "quirks": {...}}; a record is {"scope", "order" (its
        creation number), "doc" (the stored document, in response form)}."""
        return self.emulator.store("exception_lists")

    def reset(self):
        store = self.store
        store.clear()
        store.update({"lists": {}, "items": {}, "seq": 0, "order": 0,
                      "quirks": dict(DEFAULT_QUIRKS)})
        self._list_keys.clear()
        self._item_keys.clear()
        self._members.clear()

    def forget_space(self, space):
        scope = scope_of("single", space)
        for list_uuid in [i for i, r in self.store["lists"].items() if r["scope"] == scope]:
            self._delete_list_record(list_uuid)
        for item_uuid in [i for i, r in self.store["items"].items() if r["scope"] == scope]:
            self._delete_item_record(item_uuid)

    @property
    def quirks(self):
        return self.store["quirks"]

    def _next_version(self):
        """A fresh saved-object version, e.g. WzExNDY1LDFd = base64("[11465,1]")."""
        self.store["seq"] += 1
        return base64.b64encode(f"[{self.store['seq']},1]".encode()).decode()

    @staticmethod
    def _check_version(record, sent_version):
        """A stale _version is a saved-object version conflict [message unverified]."""
        if sent_version is None:
            return
        if decode_version(sent_version) != decode_version(record["doc"]["_version"]):
            so_type = SO_TYPES[record["doc"]["namespace_type"]]
            raise KibanaError(409, f"Saved object [{so_type}/{record['doc']['id']}] conflict",
                              siem=True)

    # ------------------------------------------------------------------ lookups

    def _find_list(self, scope, list_uuid=None, list_id=None):
        """By saved-object id when given (list_id is then ignored), else by list_id."""
        if list_uuid is not None:
            record = self.store["lists"].get(list_uuid)
            return record if record is not None and record["scope"] == scope else None
        found = self._list_keys.get((scope, list_id))
        return self.store["lists"][found] if found else None

    def _find_item(self, scope, item_uuid=None, item_id=None):
        if item_uuid is not None:
            record = self.store["items"].get(item_uuid)
            return record if record is not None and record["scope"] == scope else None
        found = self._item_keys.get((scope, item_id))
        return self.store["items"][found] if found else None

    def _render_list(self, record):
        return dict(record["doc"])

    def _render_item(self, record):
        item = dict(record["doc"])
        if self.quirks["item_os_types_read_empty"]:
            item["os_types"] = []
        return item

    # ------------------------------------------------------------------ storage

    def _put_list(self, scope, doc):
        self.store["lists"][doc["id"]] = {"scope": scope, "order": self._bump_order(), "doc": doc}
        self._list_keys[(scope, doc["list_id"])] = doc["id"]
        self._members.setdefault((scope, doc["list_id"]), {})

    def _put_item(self, scope, doc, index=True):
        self.store["items"][doc["id"]] = {"scope": scope, "order": self._bump_order(), "doc": doc}
        if index:
            self._item_keys[(scope, doc["item_id"])] = doc["id"]
        self._members.setdefault((scope, doc["list_id"]), {})[doc["id"]] = None

    def _bump_order(self):
        """Creation order: the order a _find without sort_field returns documents in."""
        self.store["order"] += 1
        return self.store["order"]

    def _delete_item_record(self, item_uuid):
        record = self.store["items"].pop(item_uuid)
        doc, scope = record["doc"], record["scope"]
        if self._item_keys.get((scope, doc["item_id"])) == item_uuid:
            del self._item_keys[(scope, doc["item_id"])]
        members = self._members.get((scope, doc["list_id"]))
        if members is not None:
            members.pop(item_uuid, None)
        return record

    def _delete_list_record(self, list_uuid):
        """Deletes a list and, as Kibana does, every item of it (same list_id and namespace)."""
        record = self.store["lists"].pop(list_uuid)
        key = (record["scope"], record["doc"]["list_id"])
        for item_uuid in list(self._members.get(key, {})):
            self._delete_item_record(item_uuid)
        self._members.pop(key, None)
        if self._list_keys.get(key) == list_uuid:
            del self._list_keys[key]
        return record

    # ------------------------------------------------------------------ lists

    def create_list(self, call):
        body = parse_body(CREATE_LIST, call)
        scope = scope_of(body["namespace_type"], call.space)
        list_id = body.get("list_id") or new_id()
        if (scope, list_id) in self._list_keys:
            raise KibanaError(409, f'exception list id: "{list_id}" already exists', siem=True)
        os_types = body.get("os_types", []) if self.quirks["list_os_types_on_create"] else []
        doc = self._new_list_doc(call, body, list_id, os_types=os_types, version=body["version"])
        self._put_list(scope, doc)
        return self._render_list(self.store["lists"][doc["id"]])

    def _new_list_doc(self, call, fields, list_id, os_types, version, immutable=False):
        now, user = now_iso(), call.user
        doc = {"id": new_id(), "list_id": list_id, "type": fields["type"], "name": fields["name"],
               "description": fields["description"],
               "namespace_type": fields["namespace_type"], "os_types": list(os_types),
               "tags": list(fields.get("tags", [])), "immutable": immutable,
               "version": version, "_version": self._next_version(),
               "tie_breaker_id": new_id(), "created_at": now, "created_by": user,
               "updated_at": now, "updated_by": user}
        if fields.get("meta") is not None:
            doc["meta"] = fields["meta"]
        return doc

    def read_list(self, call):
        query = parse_query(LIST_IDENTITY, call)
        if query.get("id") is None and query.get("list_id") is None:
            raise KibanaError(400, "id or list_id required", siem=True)
        record = self._find_list(scope_of(query["namespace_type"], call.space),
                                 query.get("id"), query.get("list_id"))
        if record is None:
            raise list_not_found(query.get("id"), query.get("list_id"))
        return self._render_list(record)

    def update_list(self, call):
        body = parse_body(UPDATE_LIST, call)
        if body.get("id") is None and body.get("list_id") is None:
            # Yes, 404 (the handler's own choice).
            raise KibanaError(404, "either id or list_id need to be defined", siem=True)
        record = self._find_list(scope_of(body["namespace_type"], call.space),
                                 body.get("id"), body.get("list_id"))
        if record is None:
            raise list_not_found(body.get("id"), body.get("list_id"))
        self._check_version(record, body.get("_version"))
        doc = dict(record["doc"])
        # A partial saved-object update: keys left undefined (tags, meta) are not written.
        doc.update({"name": body["name"], "description": body["description"],
                    "type": body["type"], "updated_at": now_iso(),
                    "updated_by": call.user, "_version": self._next_version(),
                    "version": body.get("version", doc["version"] + 1)})
        for key in ("tags", "meta"):
            if key in body:
                doc[key] = body[key]
        if self.quirks["list_os_types_on_update"]:
            doc["os_types"] = body["os_types"]
        record["doc"] = doc
        return self._render_list(record)

    def delete_list(self, call):
        query = parse_query(LIST_IDENTITY, call)
        if query.get("id") is None and query.get("list_id") is None:
            raise KibanaError(400, 'Either "list_id" or "id" needs to be defined in the request',
                              siem=True)
        record = self._find_list(scope_of(query["namespace_type"], call.space),
                                 query.get("id"), query.get("list_id"))
        if record is None:
            raise list_not_found(query.get("id"), query.get("list_id"))
        self._delete_list_record(record["doc"]["id"])
        return self._render_list(record)

    def find_lists(self, call):
        query = parse_query(FIND_LISTS, call)
        namespaces = list(dict.fromkeys(query["namespace_type"]))
        scopes = {scope_of(ns, call.space) for ns in namespaces}
        matches = compile_filter(query.get("filter"), [SO_TYPES[ns] for ns in namespaces])
        found = []
        for record in self.store["lists"].values():
            if record["scope"] not in scopes:
                continue
            if matches and not matches(SO_TYPES[record["doc"]["namespace_type"]],
                                       dict(record["doc"], list_type="list")):
                continue
            found.append(record)
        return self._page(found, query, self._render_list)

    def duplicate_list(self, call):
        query = parse_query(DUPLICATE_QUERY, call)
        scope = scope_of(query["namespace_type"], call.space)
        source = self._find_list(scope, list_id=query["list_id"])
        if source is None:
            raise KibanaError(404, f'exception list id: "{query["list_id"]}" does not exist',
                              siem=True)
        if source["doc"]["type"] not in DUPLICABLE_TYPES:
            raise KibanaError(405, f"unable to duplicate exception list with list_id: "
                                   f"{query['list_id']} - action not allowed", siem=True)
        include_expired = query.get("include_expired_exceptions", "true") == "true"
        original = source["doc"]
        doc = self._new_list_doc(call, dict(original, name=f"{original['name']} [Duplicate]"),
                                 new_id(), os_types=[], version=1,
                                 immutable=original["immutable"])
        self._put_list(scope, doc)
        now = datetime.datetime.now(datetime.timezone.utc)
        for item_uuid in list(self._members.get((scope, original["list_id"]), {})):
            # the service copies what is stored (Kibana #244818 hides os_types in responses only)
            item = self.store["items"][item_uuid]["doc"]
            expires = _parse_datetime(item.get("expire_time"))
            if not include_expired and expires is not None and expires <= now:
                continue
            # Copies get new item_ids and no comments (the duplicate service).
            copied = self._new_item_doc(call, dict(item, list_id=doc["list_id"], comments=[]),
                                        new_id())
            self._put_item(scope, copied)
        return self._render_list(self.store["lists"][doc["id"]])

    def summary(self, call):
        query = parse_query(SUMMARY_QUERY, call)
        if query.get("id") is None and query.get("list_id") is None:
            raise KibanaError(400, "id or list_id required", siem=True)
        scope = scope_of(query["namespace_type"], call.space)
        record = self._find_list(scope, query.get("id"), query.get("list_id"))
        if record is None:
            raise list_not_found(query.get("id"), query.get("list_id"))
        so_type = SO_TYPES[query["namespace_type"]]
        matches = compile_filter(query.get("filter"), [so_type])
        counts = {"windows": 0, "linux": 0, "macos": 0, "total": 0}
        for item_uuid in self._members.get((scope, record["doc"]["list_id"]), {}):
            item = self.store["items"][item_uuid]["doc"]  # aggregated on what is stored
            if matches and not matches(so_type, dict(item, list_type="item")):
                continue
            counts["total"] += 1
            for os_type in item["os_types"]:
                counts[os_type] += 1
        return counts

    # ------------------------------------------------------------------ items

    def create_item(self, call):
        body = parse_body(CREATE_ITEM, call)
        if self.emulator.version_tuple() < EXPIRE_TIME_SINCE:
            body.pop("expire_time", None)  # not part of the schema before 8.7.2: stripped
        scope = scope_of(body["namespace_type"], call.space)
        parent = self._find_list(scope, list_id=body["list_id"])
        if parent is None:
            raise KibanaError(404, f'exception list id: "{body["list_id"]}" does not exist',
                              siem=True)
        item_id = body.get("item_id") or new_id()
        if (scope, item_id) in self._item_keys:
            raise KibanaError(409, f'exception list item id: "{item_id}" already exists',
                              siem=True)
        if parent["doc"]["type"] == "endpoint":
            self._check_endpoint_entries(body["entries"])
        members = self._members.get((scope, body["list_id"]), {})
        if len(members) >= self.quirks["max_list_size"]:
            # Kibana creates the item, counts, then deletes it again: nothing is left behind.
            limit = self.quirks["max_list_size"]
            raise KibanaError(400, "Failed to add exception item, exception list would exceed "
                                   f"max size of {limit}", siem=True)
        doc = self._new_item_doc(call, body, item_id)
        self._put_item(scope, doc)
        return self._render_item(self.store["items"][doc["id"]])

    def _new_item_doc(self, call, fields, item_id, item_uuid=None, created=None):
        now, user = now_iso(), call.user
        doc = {"id": item_uuid or new_id(), "item_id": item_id, "list_id": fields["list_id"],
               "type": fields["type"], "name": fields["name"],
               "description": fields["description"], "entries": fields["entries"],
               "namespace_type": fields["namespace_type"],
               "os_types": list(fields.get("os_types", [])), "tags": list(fields.get("tags", [])),
               "comments": fields["comments_built"] if "comments_built" in fields else [
                   {"comment": c["comment"], "created_at": now, "created_by": user,
                    "id": new_id()} for c in fields.get("comments", [])],
               "_version": self._next_version(), "tie_breaker_id": new_id(),
               "created_at": now, "created_by": user, "updated_at": now, "updated_by": user}
        if created is not None:
            doc.update(created)
        for key in ("meta", "expire_time"):
            if fields.get(key) is not None:
                doc[key] = fields[key]
        return doc

    @staticmethod
    def _check_endpoint_entries(entries):
        """Endpoint lists take match/match_any/wildcard/nested entries only, and not on a few
        fields [src]; the io-ts messages come back as an array [unverified wording]."""
        problems = []
        for entry in entries:
            nested = entry.get("entries", []) if entry["type"] == "nested" else []
            for candidate in [entry] + nested:
                allowed = ("match", "match_any") if candidate is not entry \
                    else ("match", "match_any", "wildcard", "nested")
                if candidate["type"] not in allowed:
                    problems.append(f'Invalid value "{candidate["type"]}" supplied to "type"')
        if problems:
            raise KibanaError(400, problems, siem=True)
        for entry in entries:
            if entry["field"] in ENDPOINT_DISALLOWED_FIELDS:
                raise KibanaError(400, f"cannot add endpoint exception item on field "
                                       f"{entry['field']}", siem=True)

    def read_item(self, call):
        query = parse_query(ITEM_IDENTITY, call)
        if query.get("id") is None and query.get("item_id") is None:
            raise KibanaError(400, "id or item_id required", siem=True)
        record = self._find_item(scope_of(query["namespace_type"], call.space),
                                 query.get("id"), query.get("item_id"))
        if record is None:
            raise item_not_found(query.get("id"), query.get("item_id"))
        return self._render_item(record)

    def update_item(self, call):
        body = parse_body(UPDATE_ITEM, call)
        if not _comments_append_only(body["comments"]):
            # siemResponse.error with an array body: "message" is an array here.
            raise KibanaError(400, ['item "comments" are append only'], siem=True)
        if body.get("id") is None and body.get("item_id") is None:
            raise KibanaError(404, "either id or item_id need to be defined", siem=True)
        if self.emulator.version_tuple() < EXPIRE_TIME_SINCE:
            body.pop("expire_time", None)
        scope = scope_of(body["namespace_type"], call.space)
        record = self._find_item(scope, body.get("id"), body.get("item_id"))
        if record is None:
            raise item_not_found(body.get("id"), body.get("item_id"))
        self._check_version(record, body.get("_version"))
        old = record["doc"]
        item_id = body.get("item_id") or old["item_id"]
        if item_id != old["item_id"] and (scope, item_id) in self._item_keys:
            # [unverified] Kibana would store a second item with this item_id; refuse instead.
            raise KibanaError(409, f'exception list item id: "{item_id}" already exists',
                              siem=True)
        # An overwrite: whatever was not sent goes back to its default (tags, os_types, meta,
        # expire_time); the parent list and creation stamps stay.
        fields = dict(body, list_id=old["list_id"],
                      comments_built=_merge_comments(old["comments"], body["comments"],
                                                     call.user))
        created = {"created_at": old["created_at"], "created_by": old["created_by"],
                   "tie_breaker_id": old["tie_breaker_id"]}
        duplicate = self.quirks["item_update_by_item_id_duplicates"] and body.get("id") is None
        if duplicate:
            # The 8.7-era bug: the overwrite was written under a new saved-object id.
            doc = self._new_item_doc(call, fields, item_id, created=created)
            self._put_item(scope, doc, index=False)
            return self._render_item(self.store["items"][doc["id"]])
        doc = self._new_item_doc(call, fields, item_id, item_uuid=old["id"], created=created)
        if item_id != old["item_id"]:
            del self._item_keys[(scope, old["item_id"])]
            self._item_keys[(scope, item_id)] = old["id"]
        record["doc"] = doc
        return self._render_item(record)

    def delete_item(self, call):
        query = parse_query(ITEM_IDENTITY, call)
        if query.get("id") is None and query.get("item_id") is None:
            raise KibanaError(400, 'Either "item_id" or "id" needs to be defined in the request',
                              siem=True)
        record = self._find_item(scope_of(query["namespace_type"], call.space),
                                 query.get("id"), query.get("item_id"))
        if record is None:
            raise item_not_found(query.get("id"), query.get("item_id"))
        self._delete_item_record(record["doc"]["id"])
        return self._render_item(record)

    def find_items(self, call):
        query = parse_query(FIND_ITEMS, call)
        list_ids, namespaces = query["list_id"], query["namespace_type"]
        filters = [f for f in query["filter"] if f]
        if len(list_ids) != len(namespaces):
            raise KibanaError(400, "list_id and namespace_id need to have the same comma "
                                   "separated number of values. Expected list_id length: "
                                   f"{len(list_ids)} to equal namespace_type length: "
                                   f"{len(namespaces)}", siem=True)
        if filters and len(filters) != len(list_ids):
            raise KibanaError(400, "list_id and filter need to have the same comma separated "
                                   f"number of values. Expected list_id length: {len(list_ids)} "
                                   f"to equal filter length: {len(filters)}", siem=True)
        # The query ORs one clause per list: (list_type:item AND list_id:"<i>") AND (filter i).
        wanted = {}  # (scope, list_id) -> (so_type, [predicate or None]) for existing lists
        for index, (list_id, namespace) in enumerate(zip(list_ids, namespaces)):
            scope = scope_of(namespace, call.space)
            if self._find_list(scope, list_id=list_id) is None:
                continue
            predicate = compile_filter(filters[index], [SO_TYPES[namespace]]) if filters else None
            wanted.setdefault((scope, list_id), (SO_TYPES[namespace], []))[1].append(predicate)
        if not wanted:  # only when none of the lists exists
            raise KibanaError(404, f'exception list id: "{",".join(list_ids)}" does not exist',
                              siem=True)
        search = _compile_search(query.get("search"))
        found = []
        for (scope, list_id), (so_type, predicates) in wanted.items():
            match_all = None in predicates
            for item_uuid in self._members.get((scope, list_id), {}):
                record = self.store["items"][item_uuid]
                if not match_all or search:
                    # Elasticsearch filters what is stored, not what a read shows.
                    source = dict(record["doc"], list_type="item")
                    if not match_all and not any(p(so_type, source) for p in predicates):
                        continue
                    if search and not search(source):
                        continue
                found.append(record)
        if len(wanted) > 1:
            found.sort(key=lambda r: r["order"])
        return self._page(found, query, self._render_item)

    # ------------------------------------------------------------------ _find helpers

    def _page(self, records, query, render):
        """Sort (by sort_field, else creation order), then slice one page. No per_page cap:
        the notes give none for these routes, so per_page=10000 returns up to 10,000."""
        sort_field = query.get("sort_field")
        if sort_field:
            path = _sort_path(sort_field)
            keyed = [(_sort_value(r["doc"], path), r) for r in records]
            present = [(value, r) for value, r in keyed if value is not None]
            present.sort(key=lambda pair: pair[0], reverse=query.get("sort_order") == "desc")
            # Documents without the field come last in either order, as in Elasticsearch.
            records = [r for _v, r in present] + [r for value, r in keyed if value is None]
        # [unverified] page 0 (allowed by the items schema) reads as page 1.
        page = max(query.get("page") or DEFAULT_PAGE, 1)
        per_page = query.get("per_page")
        per_page = DEFAULT_PER_PAGE if per_page is None else per_page
        start = (page - 1) * per_page
        data = [render(r) for r in records[start:start + per_page]]
        return {"data": data, "page": page, "per_page": per_page, "total": len(records)}

    # ------------------------------------------------------------------ /_emulator/

    def get_quirks(self, call):
        return dict(self.quirks)

    def set_quirks(self, call):
        body = call.body or {}
        unknown = set(body) - set(DEFAULT_QUIRKS)
        if unknown:
            raise bad_request(f"unknown exception-list quirks: {sorted(unknown)}")
        self.quirks.update(body)
        return dict(self.quirks)


def _comments_append_only(comments):
    """validateCommentsToUpdate: once a new comment (no id) appears, none with an id may
    follow."""
    seen_new = False
    for comment in comments:
        if comment.get("id") is None:
            seen_new = True
        elif seen_new:
            return False
    return True


def _merge_comments(existing, sent, user):
    """transformUpdateCommentsToComments (current source): existing comments are kept as they
    are - even when left out of the PUT - and comments without an id are appended with a new
    id and created_* stamps. Comments sent with an id are not edited."""
    now = now_iso()
    added = [{"comment": c["comment"], "created_at": now, "created_by": user, "id": new_id()}
             for c in sent if c.get("id") is None]
    return list(existing) + added


def _sort_path(sort_field):
    """Accept "name", "exception-list.name" or "exception-list.attributes.name"."""
    head, _dot, rest = sort_field.partition(".")
    if head in SO_TYPES.values() and rest:
        sort_field = rest
    if sort_field.startswith("attributes."):
        sort_field = sort_field[len("attributes."):]
    return sort_field.split(".")


def _sort_value(doc, path):
    values = _values_at(doc, path)
    if not values:
        return None
    value = values[0]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, _as_text(value))


def _compile_search(text):
    """`search` is a simple_query_string over all fields; approximated as: any of the words
    (a trailing * matches a prefix) appears in any string value, case-insensitively
    [unverified]."""
    if text is None or not text.strip():
        return None
    terms = [t.lower() for t in text.split() if t.strip("*")]
    if not terms:
        return None

    def words_of(value, out):
        if isinstance(value, dict):
            for v in value.values():
                words_of(v, out)
        elif isinstance(value, list):
            for v in value:
                words_of(v, out)
        elif isinstance(value, str):
            out.update(_words(value))
            out.add(value.lower())
        return out

    def matches(source):
        words = words_of(source, set())
        for term in terms:
            if term.endswith("*"):
                if any(w.startswith(term.rstrip("*")) for w in words):
                    return True
            elif term in words:
                return True
        return False
    return matches
