"""All of doctor's checks in order, working even when the config file is broken."""

from __future__ import annotations

from pathlib import Path

import attrs

from interstat.config import load_config
from interstat.doctor import OK, PROBLEM, Finding
from interstat.doctor.claude import check_cli, check_plugin, check_transcripts
from interstat.doctor.store import check_store
from interstat.errors import ConfigError
from interstat.store.paths import claude_config_roots, default_store_path, resolve_store_path


@attrs.frozen
class Targets:
    """What doctor looks at, and what it found while working that out."""

    store: Path
    claude_dirs: tuple[Path, ...]
    findings: tuple[Finding, ...]
    #: False when no store can be placed (its config root is missing): nothing to check.
    has_store: bool = True


def find_targets(explicit_db: str | None) -> Targets:
    """The store and Claude folders in effect; a broken config file is a finding."""
    try:
        config = load_config()
    except ConfigError as error:
        store = Path(explicit_db).expanduser() if explicit_db else default_store_path()
        return Targets(store, tuple(claude_config_roots()),
                       (Finding("config", PROBLEM, f"{error}; until then defaults apply"),))
    found = Finding("config", OK, f"{config.file} is valid" if config.file.is_file()
                    else f"no {config.file}; defaults apply")
    try:
        store = resolve_store_path(explicit_db)
    except ConfigError as error:  # a CLAUDE_CONFIG_DIR folder that does not exist
        return Targets(default_store_path(), config.paths.claude_dirs,
                       (found, Finding("config", PROBLEM, str(error))), has_store=False)
    return Targets(store, config.paths.claude_dirs, (found,))


def run_checks(targets: Targets) -> list[Finding]:
    findings = [*targets.findings, *(check_store(targets.store) if targets.has_store else [])]
    for root in targets.claude_dirs:
        findings += check_plugin(root)
        findings.append(check_transcripts(root))
    findings.append(check_cli())
    return findings
