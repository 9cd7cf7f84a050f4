"""What a release needs besides working modules: the licence, the changelog and its fragments,
files that every supported ansible-core's sanity test accepts, execution-environment metadata."""

import ast
import hashlib
import re

import pytest
import yaml

from tests.harness import REPO

GALAXY = yaml.safe_load((REPO / "galaxy.yml").read_text())
FRAGMENTS = sorted((REPO / "changelogs" / "fragments").glob("*.y*ml"))


def test_license_is_the_full_gpl3_text():
    text = (REPO / "LICENSE").read_text()
    assert GALAXY["license"] == ["GPL-3.0-or-later"]
    # The canonical GPL-3.0 text, as shipped by ansible-core and the FSF.
    assert hashlib.md5(text.encode()).hexdigest() == "1ebbd3e34237af26da5dc08a4e440464"


def test_the_changelog_holds_this_version_with_a_release_summary():
    changelog = yaml.safe_load((REPO / "changelogs" / "changelog.yaml").read_text())
    release = changelog["releases"][GALAXY["version"]]
    assert release["changes"]["release_summary"].strip()
    assert "v%s" % GALAXY["version"] in (REPO / "CHANGELOG.rst").read_text()


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda p: p.name)
def test_fragments_do_not_announce_new_modules(fragment):
    """New modules are announced by version_added in their DOCUMENTATION, which the changelog
    tool turns into its 'New Modules' section; a fragment would announce them twice."""
    text = fragment.read_text()
    assert not re.search(r"\bnew module\b|version_added", text, re.I), fragment.name


def modules_version_added():
    for path in sorted((REPO / "plugins" / "modules").glob("*.py")):
        match = re.search(r"^version_added: (\S+)$", path.read_text(), re.M)
        yield path.stem, match and match.group(1).strip("'\"")


def test_no_module_is_newer_than_the_collection():
    def key(version):
        return tuple(int(part) for part in version.split("."))
    for module, version in modules_version_added():
        assert version and key(version) <= key(GALAXY["version"]), module


UNIT_PLUGIN_TESTS = sorted(p for p in (REPO / "tests" / "unit" / "plugins").rglob("*.py")
                           if p.read_text().strip())


@pytest.mark.parametrize("path", UNIT_PLUGIN_TESTS, ids=lambda p: str(p.relative_to(REPO)))
def test_unit_tests_of_plugins_have_the_boilerplate_ansible_core_2_16_requires(path):
    """ansible-core 2.16's sanity (future-import-boilerplate, metaclass-boilerplate) checks the
    files under tests/unit/plugins/ as it checks plugins: without these two lines the oldest
    supported line fails sanity."""
    tree = ast.parse(path.read_text())
    futures = [node for node in tree.body if isinstance(node, ast.ImportFrom)
               and node.module == "__future__"]
    assert futures and {"absolute_import", "division", "print_function"} <= {
        alias.name for node in futures for alias in node.names}, path
    assigned = [target.id for node in tree.body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)]
    assert "__metaclass__" in assigned, path


def test_no_plugin_imports_ansible_module_utils_six():
    """ansible-core 2.21's sanity (pylint ansible-bad-import-from) refuses it: the standard
    library does the job on the Python 3 versions the modules support."""
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "plugins").rglob("*.py")
                 if re.search(r"^\s*(from|import) ansible\.module_utils\.six\b", path.read_text(), re.M)]
    assert offenders == []


def test_the_awx_credential_type_injects_the_variables_the_modules_read():
    """docs/docsite/rst/awx.rst: every injected variable is one the connection options read,
    and every authentication method can be fed; every secret input is marked secret."""
    from ansible_collections.stackops.kibana.plugins.module_utils._connection import (
        AUTH_ENVIRONMENT, CONNECTION_ARGSPEC)
    text = (REPO / "docs" / "docsite" / "rst" / "awx.rst").read_text()
    blocks = [yaml.safe_load(re.sub(r"^    ", "", block, flags=re.M)) for block in
              re.findall(r"^\.\. code-block:: yaml\n\n((?:    .*\n|\n)+)", text, re.M)]
    inputs = next(b for b in blocks if isinstance(b, dict) and "fields" in b)
    injectors = next(b for b in blocks if isinstance(b, dict) and "env" in b)
    readable = set(AUTH_ENVIRONMENT.values()) | set(CONNECTION_ARGSPEC["kibana_url"]["fallback"][1])
    readable |= set(CONNECTION_ARGSPEC["password"]["fallback"][1])
    assert set(injectors["env"]) <= readable
    assert set(AUTH_ENVIRONMENT.values()) | {"KIBANA_PASSWORD"} <= set(injectors["env"])
    fields = {field["id"]: field for field in inputs["fields"]}
    for variable, template in injectors["env"].items():
        field = re.search(r"{{ (\w+) }}", template).group(1)
        assert field in fields, variable
        secret = CONNECTION_ARGSPEC.get(field, {}).get("no_log", False)
        assert bool(fields[field].get("secret")) == secret, field
