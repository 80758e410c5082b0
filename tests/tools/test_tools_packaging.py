"""What the wheel and sdist hold: the three packages, their data files, the entry points."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def source_packages() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "src").glob("*/__init__.py"))


def package_files() -> list[str]:
    """Every file under the packages a wheel must carry (code and data alike)."""
    files = []
    for package in source_packages():
        for path in (ROOT / "src" / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                files.append(path.relative_to(ROOT / "src").as_posix())
    return sorted(files)


def test_wheel_config_names_every_package() -> None:
    packages = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert sorted(Path(p).name for p in packages) == source_packages()
    assert {"interstat", "interstat_parsers", "interstat_reports"} <= set(source_packages())


def test_dependencies_cover_tomllib_and_parquet() -> None:
    assert "tomli>=2.0; python_version < '3.11'" in PYPROJECT["project"]["dependencies"]
    assert any(dep.startswith("pyarrow") for dep in
               PYPROJECT["project"]["optional-dependencies"]["parquet"])


@pytest.mark.slow
def test_uv_build_gives_a_wheel_and_sdist_with_every_file(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv, "uv is needed to build the package: https://docs.astral.sh/uv/"
    subprocess.run([uv, "build", "--quiet", "--out-dir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("interstat-*.whl"))
    sdist = next(tmp_path.glob("interstat-*.tar.gz"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        declared = archive.read(entry_points).decode()
    assert set(package_files()) <= names
    assert "interstat = interstat.entry:main" in declared
    assert "[interstat]" in declared
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "pyproject.toml" in members
    assert {f"src/{name}" for name in package_files()} <= members
