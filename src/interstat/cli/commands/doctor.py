"""``interstat doctor``: what is wrong with the store, the plugin or the transcripts."""

from __future__ import annotations

import attrs
import click

from interstat.cli.context import Settings, pass_settings
from interstat.cli.output import console_for, emit_json
from interstat.doctor import PROBLEM
from interstat.doctor.repair import repair_store
from interstat.doctor.run import find_targets, run_checks


def _summary(problems: int) -> str:
    if not problems:
        return "No problems found."
    return f"{problems} problem found." if problems == 1 else f"{problems} problems found."


@click.command("doctor")
@click.option("--repair", is_flag=True,
              help="Back up the store, then fix what is safe: modes, an old schema, damage.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_settings
def doctor(settings: Settings, repair: bool, output_format: str) -> None:
    """Check the store, the plugin and the transcript folders.

    Each line says what was found and what to do. Exits 1 while a problem remains.
    """
    targets = find_targets(settings.db_path)
    repaired = repair_store(targets.store) if repair else []
    findings = run_checks(targets)
    problems = sum(finding.status == PROBLEM for finding in findings)
    if output_format == "json":
        emit_json({
            "store": str(targets.store),
            "repairs": [attrs.asdict(finding) for finding in repaired],
            "findings": [attrs.asdict(finding) for finding in findings],
            "problems": problems,
        })
    else:
        console = console_for()
        for finding in [*repaired, *findings]:
            console.print(f"{finding.status:<8} {finding.area}: {finding.message}",
                          soft_wrap=True)
        console.print(_summary(problems))
    if problems:
        raise SystemExit(1)
