"""Where the store and the config file live, as plain strings.

``--db`` wins, then ``$INTERSTAT_DB``, then ``paths.db`` in the config file,
then ``interstat/metrics.db`` under the first Claude config root
(``$CLAUDE_CONFIG_DIR``, which may be a comma-separated list, else
``~/.claude``). The config file is ``config.toml`` beside the default store,
or ``$INTERSTAT_CONFIG``.

The capture hook resolves its store with this module on every event, so it
uses ``os.path`` only: importing pathlib (and the re, fnmatch, urllib and
enum it brings) cost the hook more than a third of its start-up.
``interstat.store.paths`` wraps these answers in ``Path`` objects for the
commands. Every string is written the way ``str(Path(...))`` writes it.
"""

from __future__ import annotations

import errno
import os

from interstat.errors import ConfigError
from interstat.store import advice

STORE_FILE_NAME = "metrics.db"
CONFIG_FILE_NAME = "config.toml"
SPOOL_SUFFIX = ".spool"

#: Errors for which pathlib's ``exists()`` answers False rather than raising.
_ABSENT_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def tidy(path: str) -> str:
    """``path`` as ``str(Path(path))`` writes it: no empty or ``.`` parts, no final ``/``."""
    if os.sep != "/":  # drives and backslashes: leave those rules to pathlib
        from pathlib import PurePath

        return str(PurePath(path))
    root = ""
    if path.startswith("/"):
        # POSIX gives a leading "//" (exactly two) a meaning of its own.
        root = "//" if path.startswith("//") and not path.startswith("///") else "/"
    parts = [part for part in path.split("/") if part and part != "."]
    return (root + "/".join(parts)) or "."


def expand_user(path: str) -> str:
    """``Path(path).expanduser()`` as a string, raising as it does without a home."""
    tidied = tidy(path)
    if not tidied.startswith("~"):
        return tidied
    expanded = os.path.expanduser(tidied)
    if expanded.startswith("~"):
        raise RuntimeError("Could not determine home directory.")
    return tidy(expanded)


def join(*parts: str) -> str:
    """``Path(first) / ... / last`` as a string."""
    return tidy(os.path.join(*parts))


def parent(path: str) -> str:
    """The folder holding ``path``, as ``Path(path).parent`` gives it."""
    return tidy(os.path.dirname(tidy(path)))


def exists(path: str) -> bool:
    """``Path.exists()``: False when absent, but other failures (no permission) raise."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno in _ABSENT_ERRNOS:
            return False
        raise
    return True


def claude_home() -> str:
    return join(expand_user("~"), ".claude")


def config_roots() -> list[str]:
    """Every Claude config root this user has, in the order Claude Code reads them."""
    raw = os.environ.get("CLAUDE_CONFIG_DIR", "")
    roots = [expand_user(part.strip()) for part in raw.split(",") if part.strip()]
    return roots or [claude_home()]


def missing_config_root() -> str | None:
    """The first ``$CLAUDE_CONFIG_DIR`` folder when it does not exist, else None.

    No store is made under such a folder: it is most likely a typo, or a list
    written with ':' (Claude Code separates folders with commas). The default
    ``~/.claude`` may be created.
    """
    if not os.environ.get("CLAUDE_CONFIG_DIR", "").strip(", "):
        return None
    root = config_roots()[0]
    if os.path.isdir(root) or root == claude_home():
        return None
    return root


def default_store_path() -> str:
    return join(config_roots()[0], "interstat", STORE_FILE_NAME)


#: What a config file's paths.db must be; every reader of the file says it alike.
PATH_EXPECTED = "expected a path"

#: The variable that names another config file.
CONFIG_VARIABLE = "INTERSTAT_CONFIG"


def config_location() -> tuple[str, str | None]:
    """The config file, and the variable that named it (None: the default place)."""
    from_env = os.environ.get(CONFIG_VARIABLE)
    if from_env:
        return expand_user(from_env), CONFIG_VARIABLE
    return join(parent(default_store_path()), CONFIG_FILE_NAME), None


def config_path() -> str:
    """The config file: ``$INTERSTAT_CONFIG``, else ``config.toml`` beside the default store."""
    return config_location()[0]


def read_config_file(path: str, named_by: str | None = None) -> dict[str, object]:
    """The config file's TOML as a dict.

    The file at the default place may be absent (an empty dict); a file the
    user named (``named_by``: the option or variable that gave its path)
    must exist, since a typo would otherwise quietly mean the defaults.
    """
    try:
        with open(path, "rb") as config_file:
            data = config_file.read()
    except FileNotFoundError:
        if named_by is None:
            return {}
        raise ConfigError(f"{named_by} names {path}, which does not exist; create that "
                          f"config file or correct {named_by}") from None
    except OSError as error:
        if named_by is None:
            raise ConfigError(f"cannot read {path}: {error.strerror}") from error
        raise ConfigError(f"cannot read {path}, named by {named_by}: {error.strerror}; "
                          f"point {named_by} at a config file") from error
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        name = os.path.basename(path)
        raise ConfigError(f"{name}: not valid TOML: {error}; fix {path}") from error


def config_relative_path(raw: str, config_file: str) -> str:
    """A path written in the config file; relative ones start at the file's folder."""
    return join(parent(config_file), expand_user(raw))


def configured_store_path() -> str | None:
    """``paths.db`` of the config file, or None when it does not set one."""
    config_file, named_by = config_location()
    section = read_config_file(config_file, named_by).get("paths", {})
    raw = section.get("db") if isinstance(section, dict) else None
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        name = os.path.basename(config_file)
        raise ConfigError(f"{name}: paths.db: {PATH_EXPECTED}; fix {config_file}")
    return config_relative_path(raw, config_file)


def resolve_store_path(explicit: str | os.PathLike[str] | None = None) -> str:
    """The store in effect; ConfigError when it would sit in a missing config root."""
    if explicit:
        return expand_user(os.fspath(explicit))
    from_env = os.environ.get("INTERSTAT_DB")
    if from_env:
        return expand_user(from_env)
    configured = configured_store_path()
    if configured is not None:
        return configured
    missing = missing_config_root()
    if missing is not None:
        colons = ", not colons" if ":" in missing else ""
        raise ConfigError(
            f"CLAUDE_CONFIG_DIR names {missing}, which does not exist; create it, correct "
            f"CLAUDE_CONFIG_DIR (folders are separated by commas{colons}), or "
            + advice.another_store()
        )
    return default_store_path()


def spool_path(store_path: str | os.PathLike[str]) -> str:
    """Events that could not be written wait here, beside the store."""
    return os.fspath(store_path) + SPOOL_SUFFIX
