"""The argument specs of every module, as the modules declare them (each module's SPEC): a
module added later is covered by every test that reads them."""

import importlib
import pkgutil

from ansible_collections.stackops.kibana.plugins import modules as _modules


def _specs():
    found = {}
    for info in pkgutil.iter_modules(_modules.__path__):
        module = importlib.import_module("%s.%s" % (_modules.__name__, info.name))
        found[info.name] = module.SPEC
    return found


#: module name -> its ModuleSpec
SPECS = _specs()

#: module name -> its argument spec (connection options included)
MODULE_SPECS = dict((name, spec.argument_spec) for name, spec in SPECS.items())


def is_set(spec):
    return "merged" in (spec.argument_spec.get("state") or {}).get("choices", ())


#: the single-object resource modules, the set modules and the _info modules
RESOURCE_MODULES = sorted(name for name, spec in SPECS.items()
                          if spec.resource_class is not None and not is_set(spec))
SET_MODULES = sorted(name for name, spec in SPECS.items() if is_set(spec))
INFO_MODULES = sorted(name for name, spec in SPECS.items() if spec.resource_class is None)

#: (Resource class, the options of one object) of every resource and set module: a set's
#: `config` elements take the single-object module's options
RESOURCE_SPECS = [
    (spec.resource_class,
     spec.argument_spec["config"]["options"] if is_set(spec) else spec.argument_spec)
    for name, spec in sorted(SPECS.items()) if spec.resource_class is not None]


def dict_option_paths(spec, prefix=""):
    """Dotted paths ('[]' for list elements) of every dict option with sub-options, and of the
    dict elements of every list option with sub-options."""
    found = []
    for name, option in spec.items():
        if option.get("options") is None:
            continue
        where = prefix + name + ("[]" if option.get("type") == "list" else "")
        found.append(where)
        found.extend(dict_option_paths(option["options"], where + "."))
    return found
