"""The README's test lab, run as written: its files into a folder of their own, pytest run there alone."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

from tests.conftest import POSTGRES_URL

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
LAB_FILE = re.compile(r"```python\n# (\w+\.py)\n(.*?)```", re.DOTALL)   # a block whose first line names a file


def lab_files():
    section = README.read_text(encoding="utf-8").split("## A test lab", 1)[1].split("\n## ", 1)[0]
    return dict(LAB_FILE.findall(section))


def test_the_readme_shows_a_conftest_and_a_test():
    assert sorted(lab_files()) == ["conftest.py", "test_lab.py"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_readme_lab_passes(backend, tmp_path):
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("needs ARGUS_LITE_TEST_POSTGRES_URL")
    for name, text in lab_files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("ARGUS_LITE_", "PYTEST_"))}
    if backend == "postgresql":
        environ["ARGUS_LITE_TEST_DATABASE_URL"] = POSTGRES_URL
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp_path],
                          cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
