"""Checks of each Claude config folder: is the plugin installed and enabled, are
there transcripts to read.

Claude Code (seen in 2.1.197) records installs in
``<root>/plugins/installed_plugins.json`` (``{"version": 2, "plugins":
{"name@marketplace": [{"scope", "installPath", "version", ...}]}}``) and
switches plugins on in ``<root>/settings.json`` under ``enabledPlugins``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interstat.doctor import INFO, OK, PROBLEM, WARN, Finding

PLUGIN_NAME = "interstat"
INSTALL_HINT = ("add this repository as a marketplace with 'claude plugin marketplace add "
                "PATH' and run 'claude plugin install interstat@MARKETPLACE'")


def _read_json(path: Path) -> tuple[Any, str | None]:
    """The file's JSON, or None and a one-line reason; a missing file is ({}, None)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return {}, None
    except OSError as error:
        return None, f"cannot read {path}: {error.strerror}"
    except (ValueError, UnicodeDecodeError) as error:
        return None, f"{path} is not valid JSON ({error}); Claude Code may ignore it"


def _installs(data: Any) -> dict[str, list[dict[str, Any]]]:
    """Our plugin's ids and their install records (version 1 held one record, 2 a list)."""
    plugins = data.get("plugins", {}) if isinstance(data, dict) else {}
    found = {}
    for plugin_id, records in (plugins.items() if isinstance(plugins, dict) else []):
        if plugin_id.partition("@")[0] == PLUGIN_NAME:
            records = records if isinstance(records, list) else [records]
            found[plugin_id] = [record for record in records if isinstance(record, dict)]
    return found


def _install_findings(area: str, plugin_id: str, records: list[dict[str, Any]],
                      enabled: Any) -> Iterator[Finding]:
    for record in records:
        install_path = Path(str(record.get("installPath", "")))
        if not (install_path / "hooks" / "hooks.json").is_file():
            yield Finding(area, PROBLEM, f"{plugin_id}: {install_path} has no hooks/hooks.json; "
                          f"reinstall with 'claude plugin install {plugin_id}'")
    if enabled is True:
        yield Finding(area, OK, f"{plugin_id} is installed and enabled")
    elif enabled is False:
        yield Finding(area, PROBLEM, f"{plugin_id} is installed but disabled; "
                      f"run 'claude plugin enable {plugin_id}'")
    else:
        yield Finding(area, WARN, f"{plugin_id} is installed but not enabled in settings.json; "
                      f"run 'claude plugin enable {plugin_id}'")


def check_plugin(root: Path) -> list[Finding]:
    area = f"plugin {root}"
    if not root.is_dir():
        return [Finding(area, INFO, f"{root} does not exist; Claude Code has not used it")]
    installed, problem = _read_json(root / "plugins" / "installed_plugins.json")
    settings, settings_problem = _read_json(root / "settings.json")
    findings = [Finding(area, PROBLEM, text) for text in (problem, settings_problem) if text]
    enabled_map = settings.get("enabledPlugins", {}) if isinstance(settings, dict) else {}
    enabled_map = enabled_map if isinstance(enabled_map, dict) else {}
    installs = _installs(installed)
    for plugin_id, records in installs.items():
        findings += _install_findings(area, plugin_id, records, enabled_map.get(plugin_id))
    for plugin_id, value in enabled_map.items():
        if plugin_id.partition("@")[0] == PLUGIN_NAME and value and plugin_id not in installs:
            findings.append(Finding(area, PROBLEM, f"{plugin_id} is enabled but not installed; "
                                    f"run 'claude plugin install {plugin_id}'"))
    if not installs and not findings:
        findings.append(Finding(area, PROBLEM, f"the interstat plugin is not installed here, "
                                f"so no run is recorded; {INSTALL_HINT}"))
    return findings


def _count_transcripts(folder: Path) -> tuple[int, int, int]:
    """(.jsonl files, project folders, folders that could not be read) below ``folder``."""
    files = 0
    failures: list[OSError] = []
    for _, _, names in os.walk(folder, onerror=failures.append):
        files += sum(1 for name in names if name.endswith(".jsonl"))
    projects = sum(1 for entry in folder.iterdir() if entry.is_dir())
    return files, projects, len(failures)


def check_transcripts(root: Path) -> Finding:
    area = f"transcripts {root}"
    folder = root / "projects"
    if not folder.is_dir():
        return Finding(area, WARN, f"no {folder}; Claude Code has not saved a session here yet")
    if not os.access(folder, os.R_OK | os.X_OK):
        return Finding(area, PROBLEM, f"cannot read {folder}; check its owner and permissions")
    files, projects, unreadable = _count_transcripts(folder)
    if unreadable:
        return Finding(area, PROBLEM, f"{unreadable} folders under {folder} cannot be read; "
                       "check their owner and permissions")
    return Finding(area, OK, f"{files} transcript files in {projects} project folders "
                   f"under {folder}")


def check_cli() -> Finding:
    found = shutil.which("interstat")
    if found:
        return Finding("cli", OK, f"interstat is on PATH at {found}")
    return Finding("cli", WARN, "interstat is not on PATH, so hooks and skills cannot run it; "
                   "install it with 'uv tool install .' in a clone of the repository")
