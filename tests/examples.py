"""Making a plugin under examples/ look installed, without installing it.

A ``NAME-VERSION.dist-info`` folder on ``sys.path`` with the entry points the
example's own pyproject.toml declares is all ``importlib.metadata`` needs to
find it, exactly as it finds an installed distribution.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from interstat.plugins import ENTRY_POINT_GROUP, load_plugins

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def install_example(folder: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Put the example in ``folder`` on ``sys.path`` with a dist-info in ``site``.

    Returns the distribution's name. Clears the plugin host's cache, so the
    next ``load_plugins()`` sees the example; call ``load_plugins.cache_clear()``
    again when done.
    """
    project = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    )
    entries = project["entry-points"][ENTRY_POINT_GROUP]
    (dist_info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items())
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(folder))
    load_plugins.cache_clear()
    return name
