"""The production image runs `pip install .` (non-editable): everything the extension loads at run time that is
not Python code (scheming YAML, templates, config declarations, migrations, translations) must be in the wheel.

An editable install reads those files from the source tree, so the rest of the suite cannot notice a file
MANIFEST.in/setup.py leave out; this test builds the real wheel and looks inside.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "ckanext-publicdata" / "ckanext" / "publicdata"
PIP = Path(sys.executable).with_name("pip")
# never copied into the build: environments, local state and secrets, build leftovers
TOP_LEVEL_NOT_SOURCE = {".venv", ".git", "var", "config", "build", "dist", "node_modules", ".pytest_cache"}
ANYWHERE_NOT_SOURCE = shutil.ignore_patterns("*.egg-info", "__pycache__", "*.pyc")


def _not_source(directory: str, names: list[str]) -> set[str]:
    ignored = set(ANYWHERE_NOT_SOURCE(directory, names))
    if Path(directory) == REPO:
        ignored |= TOP_LEVEL_NOT_SOURCE & set(names)
    return ignored


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    # build from a clean copy: an in-tree build would write build/ and egg-info into the work tree, and a
    # stale build/lib could put files into the wheel that the source no longer has
    source = tmp_path_factory.mktemp("source") / "ckanext-publicdata-src"
    shutil.copytree(REPO, source, ignore=_not_source, symlinks=True)
    wheels = tmp_path_factory.mktemp("wheels")
    result = subprocess.run(
        [str(PIP), "wheel", "--no-deps", "--no-cache-dir", "-q", "-w", str(wheels), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    built = list(wheels.glob("ckanext_publicdata-*.whl"))
    assert len(built) == 1, built
    return zipfile.ZipFile(built[0])


@pytest.fixture(scope="module")
def wheel_names(wheel: zipfile.ZipFile) -> set[str]:
    return set(wheel.namelist())


def _package_files(pattern: str) -> list[str]:
    """Source files under the package matching pattern, as wheel paths."""
    return sorted(
        "ckanext/publicdata/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    )


def test_wheel_holds_the_scheming_schemas(wheel_names: set[str]) -> None:
    for name in ("dataset.yaml", "organization.yaml", "presets.yaml"):
        assert f"ckanext/publicdata/schemas/{name}" in wheel_names
    # the top-level schemas/ link points into the package: what it shows is what ships
    assert (REPO / "schemas").resolve() == (PACKAGE / "schemas").resolve()


def test_wheel_holds_every_template(wheel_names: set[str]) -> None:
    templates = _package_files("templates/**/*.html")
    assert templates, "the package has no templates"
    missing = [name for name in templates if name not in wheel_names]
    assert not missing, f"templates left out of the wheel: {missing}"


def test_wheel_holds_every_config_declaration(wheel_names: set[str]) -> None:
    declarations = _package_files("**/config_declaration.yaml")
    assert "ckanext/publicdata/config_declaration.yaml" in declarations
    missing = [name for name in declarations if name not in wheel_names]
    assert not missing, f"config declarations left out of the wheel: {missing}"


def test_wheel_holds_the_migrations(wheel_names: set[str]) -> None:
    migration = PACKAGE / "migration" / "publicdata"
    if not (migration / "env.py").exists():
        pytest.skip("the extension has no alembic migrations yet")
    for name in ("env.py", "alembic.ini", "script.py.mako"):
        if (migration / name).exists():
            assert f"ckanext/publicdata/migration/publicdata/{name}" in wheel_names
    versions = _package_files("migration/publicdata/versions/*.py")
    missing = [name for name in versions if name not in wheel_names]
    assert not missing, f"migrations left out of the wheel: {missing}"


def test_wheel_holds_every_data_file_of_the_package(wheel_names: set[str]) -> None:
    # YAML, JSON, web assets, translations, dictionaries…: anything in the package that is not Python
    data_files = [
        name for name in _package_files("**/*")
        if not name.endswith((".py", ".pyc")) and "/i18n/" not in name or name.endswith(".po")
    ]
    missing = [name for name in data_files if name not in wheel_names]
    assert not missing, f"package files left out of the wheel (MANIFEST.in?): {missing}"


def test_wheel_registers_the_ckan_plugins(wheel: zipfile.ZipFile) -> None:
    entry_points = next(name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt"))
    text = wheel.read(entry_points).decode("utf-8")
    section = text.split("[ckan.plugins]", 1)[1].split("\n[", 1)[0]
    plugins = {line.split("=", 1)[0].strip() for line in section.splitlines() if "=" in line}
    assert {"publicdata", "publicdata_search"} <= plugins
