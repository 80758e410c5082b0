"""Finding transcript files under Claude config roots."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import attrs


@attrs.frozen
class FoundFile:
    """A transcript found, with the size and mtime its stored progress is checked against."""

    #: The path as text: the key of its stored progress. A Path is built only
    #: for a file that is read (see ``path``): a pass over thousands of
    #: unchanged files spent more on building Paths than on anything else.
    location: str = attrs.field(converter=os.fspath)
    projects_dir: Path
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)


@attrs.define
class DiscoveryProblems:
    """Folders that could not be listed, kept so the summary can name them."""

    unreadable: list[str] = attrs.field(factory=list)


def _is_agent_file(location: str) -> bool:
    return os.path.basename(location).startswith("agent-")


def _walk(folder: str | Path, problems: DiscoveryProblems) -> Iterator[os.DirEntry[str]]:
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        problems.unreadable.append(f"{folder}: {error.strerror or error}")
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, problems)
            elif entry.name.endswith(".jsonl") and entry.is_file():
                yield entry
        except OSError as error:
            problems.unreadable.append(f"{entry.path}: {error.strerror or error}")


def find_transcripts(
    claude_dirs: list[Path], problems: DiscoveryProblems
) -> list[FoundFile]:
    """Every ``.jsonl`` under each root's ``projects/``, session files first.

    Session files come before agent files so that a call a sub-agent file
    repeats from its parent (a /btw replay) stays the parent's.
    """
    found: list[FoundFile] = []
    # A file reached twice (a symlink, overlapping roots) is one file: known by
    # its device and inode, which the stat below gives anyway, where resolving
    # each path took an lstat per folder of it.
    seen: set[tuple[int, int]] = set()
    for root in claude_dirs:
        projects = root / "projects" if (root / "projects").is_dir() else root
        # Listing "." names its files "./x"; their stored key is the Path's "x".
        strip = 2 if str(projects) == "." else 0
        for entry in _walk(projects, problems):
            try:
                stat = entry.stat()
            except OSError as error:
                problems.unreadable.append(f"{entry.path}: {error.strerror or error}")
                continue
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            location = entry.path[strip:]
            found.append(FoundFile(location, projects, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda item: (_is_agent_file(item.location), item.location))
    return found


def belongs_to_session(found: FoundFile, session_id: str, head: bytes) -> bool:
    """Whether ``found`` is one of the transcripts of the session ``session_id``.

    Those are its session file ``<id>.jsonl``, every file under its ``<id>/``
    folder (sub-agents, workflows, side transcripts), and the flat
    ``agent-*.jsonl`` files of 2.0.28 to 2.1.1 whose lines carry
    ``"sessionId":"<id>"``. The id is matched whole: a part of one matches
    nothing.
    """
    try:
        relative = found.path.relative_to(found.projects_dir)
    except ValueError:
        relative = found.path
    if relative.name == f"{session_id}.jsonl" or session_id in relative.parent.parts:
        return True
    if not _is_agent_file(relative):
        return False
    field = rb'"sessionId"\s*:\s*"' + re.escape(session_id.encode()) + rb'"'
    return re.search(field, head) is not None
