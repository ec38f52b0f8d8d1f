"""The structure of the code: import contracts, the diagram, module sizes.

docs/architecture.md explains the design these tests keep.
"""

import configparser
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from kpplatform.apps_list import CODE_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# The project's packages, from the one list of them (kpplatform/apps_list.py).
ROOT_PACKAGES = list(CODE_PACKAGES)
MAX_LINES = 600
# Modules still longer than MAX_LINES, each with the work that splits it. A
# module leaves the list when it is split: the test says so when it is short.
SPLIT_PENDING = {}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed command)
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_domain_app_importing_a_readers_models_breaks_the_contracts(tmp_path):
    """The contracts can fail: a copy of the code with one bad import is refused."""
    for package in ROOT_PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "*.mo"),
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "courses" / "probe.py").write_text(
        "from community.models import Thread  # noqa: F401\n"
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "courses is not allowed to import community" in result.stdout
    assert "courses.probe -> community.models" in result.stdout


def _architecture_graph():
    spec = importlib.util.spec_from_file_location(
        "architecture_graph", ROOT / "scripts" / "architecture_graph.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_diagram_in_docs_is_the_one_the_imports_give():
    graph = _architecture_graph()
    committed = graph.committed_block(graph.DOC.read_text(encoding="utf-8"))
    assert committed == graph.generated_block(), (
        "docs/architecture.md is stale: run python scripts/architecture_graph.py --write"
    )


def test_the_app_lists_that_cannot_import_it_name_the_same_packages():
    """.importlinter (an INI file) and the diagram's bottom-up order repeat
    kpplatform/apps_list.py: they must name the same packages."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    linted = config["importlinter"]["root_packages"].split()
    assert sorted(linted) == sorted(CODE_PACKAGES)
    graph = _architecture_graph()
    assert sorted(graph.APPS + graph.LEFT_OUT) == sorted(CODE_PACKAGES)


def test_kpplatform_holds_configuration_only():
    files = {
        path.relative_to(ROOT / "kpplatform").as_posix()
        for path in (ROOT / "kpplatform").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert files == {
        "__init__.py",
        "apps_list.py",
        "asgi.py",
        "celery.py",
        "settings.py",
        "settings_test.py",
        "urls.py",
        "wsgi.py",
    }


def _python_modules():
    for package in ROOT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            yield path.relative_to(ROOT).as_posix(), path


def test_modules_waiting_for_a_split_are_still_long():
    short = {
        name: lines
        for name in sorted(SPLIT_PENDING)
        if (lines := len((ROOT / name).read_text(encoding="utf-8").splitlines()))
        <= MAX_LINES
    }
    assert not short, f"split already, remove from SPLIT_PENDING: {short}"


def test_no_module_is_longer_than_the_limit():
    long = {
        name: count
        for name, path in _python_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and name not in SPLIT_PENDING
    }
    assert not long, (
        f"split these modules along their seams (at most {MAX_LINES} lines): {long}"
    )
