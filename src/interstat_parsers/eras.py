"""Building an era's parser: which thread router a file gets, and the record."""

from __future__ import annotations

from collections.abc import Iterator

from interstat.records import Fact
from interstat.registry import ParseRequest, SourceFile, TranscriptParser
from interstat_parsers.chains import InlineThreads
from interstat_parsers.head import first_agent_id
from interstat_parsers.paths import agent_id_from_name, session_id_from_path
from interstat_parsers.recognise import era_of
from interstat_parsers.scan import Scan
from interstat_parsers.threads import AgentFileThreads, SessionThreads, Threads


def agent_file_id(source: SourceFile) -> str | None:
    """The agentId of a sub-agent's own transcript; None for a session file.

    The name says it (``agent-<id>.jsonl``), or, for a renamed copy, the
    first message line does.
    """
    return agent_id_from_name(source.path) or first_agent_id(source.head)


def threads_for(request: ParseRequest, era: str) -> Threads:
    source = request.source
    fallback_session = session_id_from_path(source.path)
    agent_id = agent_file_id(source)
    if agent_id is not None:
        threads = AgentFileThreads(
            source.path, era, agent_id, fallback_session, detect_warmup=era == "flat"
        )
        if request.start_offset > 0:
            threads.seed_from_head(source.head)
        return threads
    if era == "inline":
        return InlineThreads(source.path, fallback_session)
    return SessionThreads()


def make_parser(
    name: str, era: str, description: str, *, resumable: bool = True
) -> TranscriptParser:
    def recognises(source: SourceFile) -> bool:
        return era_of(source) == era

    def parse(request: ParseRequest) -> Iterator[Fact]:
        return Scan(request, threads_for(request, era)).facts()

    return TranscriptParser(
        name=name,
        era=era,
        recognises=recognises,
        parse=parse,
        resumable=resumable,
        description=description,
    )
