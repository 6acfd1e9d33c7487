"""What `pip install .` and the wheel carry: every package of the source tree and every file that is not
Python (templates, static files, SQL). A package left out of setup.cfg installs an argus_lite without that
face, which no other test would notice, since the tests import the source tree."""
import configparser
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def options():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def test_every_package_of_the_source_tree_is_listed():
    listed = set(options()["options"]["packages"].split())
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for init in (ROOT / "argus_lite").rglob("__init__.py") if "__pycache__" not in init.parts}
    assert found - listed == set()
    assert listed - found == {"argus_lite.sql"}          # sql/, mapped by package_dir


def test_every_file_that_is_not_python_is_package_data():
    data = options()["options.package_data"]
    carried = set()
    for package, patterns in data.items():
        folder = ROOT / "sql" if package == "argus_lite.sql" else ROOT.joinpath(*package.split("."))
        for pattern in patterns.split(","):
            carried |= set(folder.glob(pattern.strip()))
    files = {path for path in (ROOT / "argus_lite").rglob("*")
             if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    assert files - carried == set()
    assert any(path.suffix == ".sql" for path in carried)
