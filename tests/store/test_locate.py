"""interstat.store.locate: the store's location as strings, written as pathlib writes it.

The capture hook resolves its store without pathlib; the commands wrap the
same answers in Path objects. Both must name the same file in the same words.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interstat.errors import ConfigError
from interstat.store import locate

posix_only = pytest.mark.skipif(os.sep != "/", reason="pathlib's POSIX rules")
# Separators, dots, tildes and names: every case pathlib's parser tells apart.
path_text = st.text(alphabet="/.~ab", max_size=12)


@posix_only
@given(path_text)
def test_tidy_writes_a_path_as_pathlib_does(raw):
    assert locate.tidy(raw) == str(PurePosixPath(raw))


@posix_only
@given(path_text, path_text)
def test_join_is_pathlib_slash(first, second):
    assert locate.join(first, second) == str(PurePosixPath(first) / second)


@posix_only
@given(path_text)
def test_parent_is_pathlib_parent(raw):
    assert locate.parent(raw) == str(PurePosixPath(raw).parent)


def _outcome(expand, raw):
    try:
        return str(expand(raw))
    except RuntimeError as error:  # a user with no home, as pathlib says it
        return f"RuntimeError: {error}"


@posix_only
@given(st.sampled_from(["~", "~/", "~/a//b/", "a/~", "./~x", "/~", "~no-such-user-x/a"]))
def test_expand_user_is_pathlib_expanduser(raw):
    assert _outcome(locate.expand_user, raw) == _outcome(lambda r: Path(r).expanduser(), raw)


@pytest.fixture()
def clean_env(monkeypatch, tmp_path):
    for name in ("INTERSTAT_DB", "INTERSTAT_CONFIG", "CLAUDE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_first_config_root_tidied(clean_env, monkeypatch):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f" {clean_env}//a/./ ,{clean_env}/b")
    (clean_env / "a").mkdir()
    assert locate.resolve_store_path() == f"{clean_env}/a/interstat/metrics.db"
    assert locate.config_path() == f"{clean_env}/a/interstat/config.toml"


def test_default_root_is_home_claude(clean_env):
    assert locate.resolve_store_path() == f"{clean_env}/home/.claude/interstat/metrics.db"


def test_explicit_then_env_then_config_file(clean_env, monkeypatch):
    config = clean_env / "home" / ".claude" / "interstat" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[paths]\ndb = "sub/../x.db"\n')
    assert locate.resolve_store_path() == f"{config.parent}/sub/../x.db"
    monkeypatch.setenv("INTERSTAT_DB", "~/env.db")
    assert locate.resolve_store_path() == f"{clean_env}/home/env.db"
    assert locate.resolve_store_path("~//given.db") == f"{clean_env}/home/given.db"


def test_missing_config_root_is_refused(clean_env, monkeypatch):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{clean_env}/a:{clean_env}/b")
    with pytest.raises(ConfigError, match="not colons"):
        locate.resolve_store_path()


def test_exists_is_false_only_for_an_absent_file(clean_env):
    assert not locate.exists(str(clean_env / "absent" / "metrics.db"))
    (clean_env / "file").write_text("")
    assert not locate.exists(str(clean_env / "file" / "below"))
    assert locate.exists(str(clean_env / "file"))


def test_exists_raises_where_pathlib_raises(clean_env):
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    locked = clean_env / "locked"
    locked.mkdir(mode=0o000)
    try:
        with pytest.raises(PermissionError):
            locate.exists(str(locked / "metrics.db"))
    finally:
        locked.chmod(0o700)


def test_spool_sits_beside_the_store():
    assert locate.spool_path("/s/metrics.db") == "/s/metrics.db.spool"
    assert locate.spool_path(Path("/s/metrics.db")) == "/s/metrics.db.spool"
