"""The import rule of docs/architecture.md: the core imports no face, faces never import each other, nothing
below the faces imports bottle or the HTTP layer. Read from the source text, so a violation fails here
whether or not the import ever runs."""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "argus_lite"

FACES = ("argus", "prodmanager", "cachet", "console")
ENTRY = ("argus_lite", "argus_lite.app", "argus_lite.cli", "argus_lite.serve", "argus_lite.testing")
HTTP = ("argus_lite.web", "argus_lite.errors", "argus_lite.openapi")
HTTP_PACKAGES = ("argus_lite.ops",)     # the HTTP layer every app has whatever its faces: health, metrics
HTTP_LIBRARIES = ("bottle", "waitress", "webtest")


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path):
    return path.name == "__init__.py"


def imported_names(path):
    return names_in_source(path.read_text(), module_name(path), is_package(path))


def names_in_source(text, name, is_package):
    """Every module name an import statement names, relative imports made absolute; `from X import a` names
    X.a when that is a module of ours, else X (whose __init__ holds a)."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            origin = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                names.add(submodule if is_our_module(submodule) else origin)
    return names


def is_our_module(name):
    parts = name.split(".")
    if parts[0] != "argus_lite":
        return False
    target = PACKAGE.joinpath(*parts[1:])
    return target.with_suffix(".py").is_file() or (target / "__init__.py").is_file()


def layer(name):
    """entry, face:<name>, http or core for a module of ours; library for anything else."""
    if name in ENTRY:
        return "entry"
    if name in HTTP or any(name == package or name.startswith(package + ".") for package in HTTP_PACKAGES):
        return "http"
    parts = name.split(".")
    if parts[0] != "argus_lite":
        return "library"
    if len(parts) > 1 and parts[1] in FACES:
        return f"face:{parts[1]}"
    return "core"


def violations(importer, imported):
    """Why importer may not import imported, or None when the rule allows it."""
    source, target = layer(importer), layer(imported)
    if target == "library":
        if source == "core" and imported.split(".")[0] in HTTP_LIBRARIES:
            return "the core imports no HTTP library"
        return None
    if target == "entry" and source != "entry":
        return "only the entry points import the package root, app, cli, serve or testing"
    if source == "core" and target != "core":
        return f"the core imports no {target}"
    if source.startswith("face:") and target.startswith("face:") and source != target:
        return "faces never import each other"
    if source == "http" and target.startswith("face:"):
        return "the HTTP layer imports no face"
    return None


def broken_rules(paths):
    found = []
    for path in paths:
        importer = module_name(path)
        for imported in sorted(imported_names(path)):
            if imported.split(".")[0] == "argus_lite" and not is_our_module(imported):
                continue                   # `from argus_lite.x import some_function`: x was checked
            reason = violations(importer, imported)
            if reason:
                found.append(f"{importer} imports {imported}: {reason}")
    return found


def test_every_module_keeps_the_import_rule():
    assert broken_rules(sorted(PACKAGE.rglob("*.py"))) == []


@pytest.mark.parametrize("importer, imported, reason", [
    ("argus_lite.core.events", "argus_lite.argus.auth", "the core imports no face:argus"),
    ("argus_lite.models.incidents", "argus_lite.web", "the core imports no http"),
    ("argus_lite.query.engine", "bottle", "the core imports no HTTP library"),
    ("argus_lite.argus.routes.acks", "argus_lite.cachet.readers", "faces never import each other"),
    ("argus_lite.web", "argus_lite.argus.answers", "the HTTP layer imports no face"),
    ("argus_lite.core.incidents", "argus_lite.app",
     "only the entry points import the package root, app, cli, serve or testing"),
])
def test_the_rule_refuses_what_the_architecture_forbids(importer, imported, reason):
    assert violations(importer, imported) == reason


@pytest.mark.parametrize("importer, imported", [
    ("argus_lite.argus.routes.acks", "argus_lite.core.events"),
    ("argus_lite.argus.routes.acks", "argus_lite.web"),
    ("argus_lite.argus.auth", "bottle"),
    ("argus_lite.core.incidents", "argus_lite.models.incidents"),
    ("argus_lite.app", "argus_lite.argus"),
    ("argus_lite.web", "bottle"),
])
def test_the_rule_allows_the_arrows_of_the_architecture(importer, imported):
    assert violations(importer, imported) is None


def test_relative_imports_are_read_as_the_modules_they_name():
    text = "from ..models import Event\nfrom .. import web\nfrom . import tokens\nimport bottle\n"
    assert names_in_source(text, "argus_lite.core.events", is_package=False) == {
        "argus_lite.models", "argus_lite.web", "argus_lite.core.tokens", "bottle"}
    assert "argus_lite.argus.routes" in names_in_source("from . import routes", "argus_lite.argus", is_package=True)
