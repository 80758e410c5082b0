"""``interstat doctor``: each check's finding, and --repair's backup-first fixes."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import add_call, add_run, checksum, dump, new_store, table_rows

from interstat.store.migrations import MIGRATIONS

PLUGIN_ID = "interstat@interstat-local"


def install_plugin(root: Path, *, enabled: object = True, hooks: bool = True) -> None:
    """A Claude config folder as 'claude plugin install' (2.1.197) leaves it."""
    install_path = root / "plugins" / "cache" / "interstat-local" / "interstat" / "0.1.0"
    (install_path / "hooks").mkdir(parents=True)
    if hooks:
        (install_path / "hooks" / "hooks.json").write_text("{}")
    installed = {"version": 2, "plugins": {PLUGIN_ID: [
        {"scope": "user", "installPath": str(install_path), "version": "0.1.0"}]}}
    (root / "plugins" / "installed_plugins.json").write_text(json.dumps(installed))
    settings = {"enabledPlugins": {PLUGIN_ID: enabled}} if enabled is not None else {}
    (root / "settings.json").write_text(json.dumps(settings))


@pytest.fixture
def claude_root(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = isolated_home / ".claude"
    for name in ("-src-app/s1.jsonl", "-src-app/s1/subagents/agent-a1.jsonl",
                 "-src-lib/s2.jsonl", "-src-lib/notes.txt"):
        (root / "projects" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "projects" / name).write_text("{}\n")
    bin_folder = isolated_home / "bin"
    bin_folder.mkdir()
    (bin_folder / "interstat").write_text("#!/bin/sh\n")
    (bin_folder / "interstat").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_folder))
    return root


@pytest.fixture
def store(claude_root: Path) -> Path:
    path = claude_root / "interstat" / "metrics.db"
    conn = new_store(path)
    add_run(conn, "s1", agent_id="a1")
    conn.close()
    return path


def findings(run_cli, *args: str, code: int) -> list[dict]:
    result = run_cli("doctor", "--format", "json", *args, code=code)
    return json.loads(result.stdout)


def messages(report: dict, status: str) -> list[str]:
    return [f["message"] for f in report["findings"] if f["status"] == status]


def test_a_healthy_setup_has_no_problem(claude_root: Path, store: Path, run_cli) -> None:
    install_plugin(claude_root)
    report = findings(run_cli, code=0)
    assert report["problems"] == 0
    ok = messages(report, "ok")
    assert f"{store}: integrity ok, schema version {len(MIGRATIONS)}" in ok
    assert f"{PLUGIN_ID} is installed and enabled" in ok
    # three .jsonl files (notes.txt is not one) in two project folders
    assert f"3 transcript files in 2 project folders under {claude_root / 'projects'}" in ok
    text = run_cli("doctor").stdout
    assert text.endswith("No problems found.\n")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"enabled": False}, f"{PLUGIN_ID} is installed but disabled; "
                             f"run 'claude plugin enable {PLUGIN_ID}'"),
        ({"hooks": False}, "has no hooks/hooks.json; reinstall with "
                           f"'claude plugin install {PLUGIN_ID}'"),
    ],
)
def test_plugin_problems_say_what_to_run(claude_root: Path, store: Path, run_cli, setup,
                                         expected: str) -> None:
    install_plugin(claude_root, **setup)
    problems = messages(findings(run_cli, code=1), "problem")
    assert len(problems) == 1
    assert expected in problems[0]


def test_a_missing_plugin_is_a_problem(claude_root: Path, store: Path, run_cli) -> None:
    problems = messages(findings(run_cli, code=1), "problem")
    assert problems == ["the interstat plugin is not installed here, so no run is recorded; "
                        "add this repository as a marketplace with 'claude plugin marketplace "
                        "add PATH' and run 'claude plugin install interstat@MARKETPLACE'"]


def test_the_count_of_problems_is_said_in_plain_words(claude_root: Path, store: Path,
                                                     run_cli) -> None:
    # No plugin installed: one problem; a store open to others as well: two.
    assert run_cli("doctor", code=1).stdout.endswith("\n1 problem found.\n")
    store.chmod(0o644)
    assert run_cli("doctor", code=1).stdout.endswith("\n2 problems found.\n")


def test_not_enabled_in_settings_is_a_warning(claude_root: Path, store: Path, run_cli) -> None:
    install_plugin(claude_root, enabled=None)
    report = findings(run_cli, code=0)
    assert f"{PLUGIN_ID} is installed but not enabled in settings.json; run 'claude plugin " \
           f"enable {PLUGIN_ID}'" in messages(report, "warn")


def test_missing_cli_and_transcripts_are_warnings(claude_root: Path, store: Path, run_cli,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    install_plugin(claude_root)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (claude_root / "projects").rename(claude_root / "old-projects")
    warnings = messages(findings(run_cli, code=0), "warn")
    assert any(w.startswith("interstat is not on PATH") for w in warnings)
    assert f"no {claude_root / 'projects'}; Claude Code has not saved a session here yet" \
        in warnings


def test_pending_spool_is_reported(claude_root: Path, store: Path, run_cli) -> None:
    install_plugin(claude_root)
    spool = store.with_name("metrics.db.spool")
    spool.write_text('{"event": 1}\n{"event": 2}\n')
    spool.chmod(0o600)
    assert f"2 hook events wait in {spool}; the next hook that can write the store adds " \
           "them" in messages(findings(run_cli, code=0), "warn")


def test_a_broken_config_is_a_finding_not_a_crash(claude_root: Path, store: Path,
                                                  run_cli) -> None:
    install_plugin(claude_root)
    (claude_root / "interstat" / "config.toml").write_text("[thresholds]\ngate = 'x'\n")
    problems = messages(findings(run_cli, code=1), "problem")
    assert problems[0].startswith("config.toml: thresholds.gate: expected an integer")


def test_open_modes_are_found_and_repaired_after_a_backup(claude_root: Path, store: Path,
                                                          run_cli) -> None:
    install_plugin(claude_root)
    store.chmod(0o644)
    store.parent.chmod(0o755)
    problems = messages(findings(run_cli, code=1), "problem")
    assert problems == [
        f"{store.parent} has mode 0755, readable by others; --repair sets 0700",
        f"{store} has mode 0644, readable by others; --repair sets 0600",
    ]
    before = dump(store)
    report = findings(run_cli, "--repair", code=0)
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    backups = list(store.parent.glob("metrics.db.backup-*"))
    assert len(backups) == 1
    assert report["repairs"][0]["message"] == f"backed up {store} to {backups[0]}"
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert dump(backups[0]) == before == dump(store)


def test_a_folder_of_the_users_own_keeps_its_mode(claude_root: Path, tmp_path: Path,
                                                  run_cli) -> None:
    install_plugin(claude_root)
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    folder.chmod(0o755)
    new_store(folder / "team.db").close()
    run_cli("--db", str(folder / "team.db"), "doctor", "--repair")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def corrupt_page(path: Path, page_number: int) -> None:
    data = bytearray(path.read_bytes())
    start = (page_number - 1) * 4096
    data[start:start + 4096] = bytes([0xA5]) * 4096
    path.write_bytes(bytes(data))


def runs_root_page(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'agent_runs'").fetchone()[0]
    finally:
        conn.close()


RUN_COUNT = 150


@pytest.fixture
def damaged_store(claude_root: Path) -> Path:
    """A store whose agent_runs root page is destroyed; all its leaf pages are intact."""
    path = claude_root / "interstat" / "metrics.db"
    conn = new_store(path)
    for index in range(RUN_COUNT):
        add_run(conn, f"s{index % 5}", agent_id=f"a{index}", description="d" * 300)
    add_call(conn, "r1|m1", "s0", "agent:a0", input_tokens=5)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    corrupt_page(path, runs_root_page(path))
    return path


def test_a_damaged_store_is_reported_and_left_as_it_is(damaged_store: Path, claude_root: Path,
                                                       run_cli) -> None:
    install_plugin(claude_root)
    before = checksum(damaged_store)
    problems = messages(findings(run_cli, code=1), "problem")
    assert problems[0].startswith(f"{damaged_store} is damaged (")
    assert problems[0].endswith(f"run 'interstat --db {damaged_store} doctor --repair' to "
                                "save what can be read")
    assert checksum(damaged_store) == before
    assert sorted(os.listdir(damaged_store.parent)) == ["metrics.db"]


def test_repair_rebuilds_a_damaged_store_from_its_pages(damaged_store: Path,
                                                        claude_root: Path, run_cli) -> None:
    install_plugin(claude_root)
    original = checksum(damaged_store)
    report = findings(run_cli, "--repair", code=0)
    folder = damaged_store.parent
    kept = next(folder.glob("metrics.db.damaged-*"))
    backup = next(folder.glob("metrics.db.backup-*"))
    assert checksum(kept) == original
    assert checksum(backup) == original  # a damaged store is backed up byte for byte
    saved = report["repairs"][-1]["message"]
    assert saved.startswith(f"saved {RUN_COUNT} runs and 1 API calls into a new {damaged_store}")
    rows = dump(damaged_store)["agent_runs"]
    assert sorted(row[2] for row in rows) == sorted(f"a{i}" for i in range(RUN_COUNT))
    assert {row[9] for row in rows} == {"d" * 300}


def test_repair_keeps_what_purge_remembered(damaged_store: Path, claude_root: Path,
                                            run_cli) -> None:
    # Repair drops read positions, so the next analyze reads every transcript
    # again: without its tombstones, everything purged would come back.
    sound = damaged_store.with_name("sound.db")
    conn = new_store(sound)
    for index in range(3):
        add_run(conn, f"s{index}", agent_id=f"a{index}")
    conn.close()
    run_cli("--db", str(sound), "purge", "--session", "s0", "--yes")
    tombstones = table_rows(sound, "purged_runs")
    assert len(tombstones) == 2  # the run's agentId, and its session, left empty
    conn = sqlite3.connect(damaged_store)
    conn.executemany("INSERT INTO purged_runs VALUES (?, ?, ?)", tombstones)
    conn.commit()
    conn.close()
    install_plugin(claude_root)

    findings(run_cli, "--repair", code=0)

    assert table_rows(damaged_store, "purged_runs") == tombstones


def test_an_older_schema_is_upgraded_keeping_its_rows(store: Path, claude_root: Path,
                                                      run_cli) -> None:
    install_plugin(claude_root)
    conn = sqlite3.connect(store)
    # What a store written before the third migration looks like.
    conn.executescript("""
        DROP VIEW v_agent_summary; DROP VIEW v_invocation_summary;
        DELETE FROM schema_migrations WHERE name = '0003_summary_views';
        PRAGMA user_version = 2;
    """)
    conn.close()
    runs_before = dump(store)["agent_runs"]
    problems = messages(findings(run_cli, code=1), "problem")
    assert problems == [f"{store} has schema version 2 of {len(MIGRATIONS)}; run "
                        f"'interstat --db {store} "
                        "init-db' to upgrade it"]
    report = findings(run_cli, "--repair", code=0)
    assert report["repairs"][-1]["message"] == f"upgraded {store} to the current schema"
    assert dump(store)["agent_runs"] == runs_before


def test_repair_leaves_a_foreign_database_alone(claude_root: Path, tmp_path: Path,
                                                run_cli) -> None:
    install_plugin(claude_root)
    other = tmp_path / "other" / "app.db"
    other.parent.mkdir()
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    other.chmod(0o644)
    before = checksum(other)
    result = run_cli("--db", str(other), "doctor", "--repair", code=1)
    assert f"left {other} alone: {other} is another program's SQLite database" in result.stdout
    assert checksum(other) == before
    assert os.listdir(other.parent) == ["app.db"]
    assert stat.S_IMODE(other.stat().st_mode) == 0o644


def test_files_of_another_user_are_named_and_never_changed(claude_root: Path, store: Path,
                                                           run_cli,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    install_plugin(claude_root)
    store.chmod(0o644)
    owner = store.stat().st_uid
    # Seen from another account, every store file belongs to someone else.
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    problems = messages(findings(run_cli, code=1), "problem")
    assert f"{store} belongs to user id {owner}, not to you; give it back with " \
           f"'sudo chown $(id -un) {store}'" in problems
    findings(run_cli, "--repair", code=1)
    assert stat.S_IMODE(store.stat().st_mode) == 0o644


@pytest.mark.parametrize("unwritable", ["file", "folder"])
def test_a_store_that_cannot_be_written_is_a_problem(claude_root: Path, store: Path, run_cli,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    unwritable: str) -> None:
    # Modes cannot make a file read-only for root, so access is denied here instead.
    install_plugin(claude_root)
    denied = store if unwritable == "file" else store.parent
    real_access = os.access

    def access(path, mode, **options) -> bool:
        if Path(path) == denied and mode & os.W_OK:
            return False
        return real_access(path, mode, **options)

    monkeypatch.setattr(os, "access", access)
    report = findings(run_cli, code=1)
    assert report["problems"] == 1
    (problem,) = messages(report, "problem")
    assert problem.startswith(f"cannot write {denied} (the {unwritable} is read-only")
    assert "analyze fails and hooks cannot store runs" in problem
