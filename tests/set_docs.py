"""The `config` option of each set module documents exactly the options of its single-object
module: this writes it from that module's DOCUMENTATION (one source; the set module's argument
spec is built from the same *_OPTIONS). `python -m tests.set_docs` rewrites the set modules;
tests/unit/plugins/modules/test_set_docs.py fails when one is out of date.

References to options (O(name)) become O(config[].name); references to options a set entry does
not take (state, space_id) become plain code."""

import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = os.path.join(ROOT, "plugins", "modules")
#: set module -> (single-object module, plural words for the description)
SET_MODULES = {
    "kibana_connectors": ("kibana_connector", "connectors"),
    "kibana_rules": ("kibana_rule", "rules"),
    "fleet_agent_policies": ("fleet_agent_policy", "agent policies"),
    "osquery_packs": ("osquery_pack", "osquery packs"),
    "exception_lists": ("exception_list", "exception lists"),
    "kibana_spaces": ("kibana_space", "spaces"),
    "fleet_integration_policies": ("fleet_integration_policy", "integration policies"),
}
NOT_PER_ENTRY = ("state", "space_id")
BLOCK = re.compile(r"^  config:\n(?:(?:    .*|)\n)*", re.M)


def documentation(module):
    with open(os.path.join(MODULES, module + ".py")) as handle:
        text = handle.read()
    match = re.search(r"DOCUMENTATION = r'''\n(.*?)'''", text, re.S)
    return text, match


def _refs(value, options):
    def option(match):
        name = re.split(r"[.=\[]", match.group(1))[0]
        if name in options:
            return "O(config[].%s)" % match.group(1)
        return "C(%s)" % match.group(1)
    if isinstance(value, str):
        return re.sub(r"O\(([^)]*)\)", option, value)
    if isinstance(value, list):
        return [_refs(v, options) for v in value]
    if isinstance(value, dict):
        return dict((k, _refs(v, options)) for k, v in value.items())
    return value


def config_block(single, words):
    _text, match = documentation(single)
    doc = yaml.safe_load(match.group(1))
    options = doc["options"]
    in_space = "stackops.kibana.connection.SPACE" in doc.get("extends_documentation_fragment", [])
    entry = dict((k, v) for k, v in options.items() if k not in NOT_PER_ENTRY)
    entry = _refs(entry, set(entry))
    doc = {"config": {
        "description": [
            "The %s of %s, one element each. An element takes exactly the options of "
            "M(stackops.kibana.%s) (without O(state)%s: the set's own)." % (
                words, "the space" if in_space else "Kibana", single,
                " and O(space_id)" if in_space else ""),
            "Required with every O(state) but V(gathered), which takes none.",
        ],
        "type": "list",
        "elements": "dict",
        "suboptions": entry,
    }}
    dumped = yaml.safe_dump(doc, sort_keys=False, width=88, default_flow_style=False,
                            allow_unicode=True)
    return "".join("  " + line + "\n" if line else "\n" for line in dumped.splitlines())


def render(module):
    single, words = SET_MODULES[module]
    text, match = documentation(module)
    doc = match.group(1)
    new_doc = BLOCK.sub(lambda _m: config_block(single, words), doc, count=1)
    return text[:match.start(1)] + new_doc + text[match.end(1):]


def stale():
    """The set modules whose config documentation differs from their single-object module's."""
    out = []
    for module in sorted(SET_MODULES):
        path = os.path.join(MODULES, module + ".py")
        if os.path.exists(path):
            with open(path) as handle:
                if handle.read() != render(module):
                    out.append(module)
    return out


def main():
    for module in sorted(SET_MODULES):
        path = os.path.join(MODULES, module + ".py")
        if os.path.exists(path):
            text = render(module)
            with open(path, "w") as handle:
                handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
