"""``interstat plugins``: what is loaded, and what each plugin registered."""

from __future__ import annotations

import click


@click.command("plugins")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
def plugins(output_format: str) -> None:
    """List loaded plugins and the parsers, correlators, counters and sections they add."""
    # Imported here so that loading the CLI does not load pluggy and rich.
    from interstat.cli.output import console_for, emit_json, plain_table
    from interstat.plugins import load_plugins

    host = load_plugins()
    rows = [
        {"kind": "parser", "name": parser.name, "detail": parser.era}
        for parser in host.parsers()
    ]
    rows += [{"kind": "correlator", "name": c.name, "detail": c.description}
             for c in host.correlators()]
    rows += [{"kind": "findings counter", "name": c.name, "detail": c.description}
             for c in host.findings_counters()]
    rows += [{"kind": "report section", "name": s.name, "detail": s.title}
             for s in host.report_sections()]
    loaded = [
        {"name": p.name, "distribution": p.distribution, "builtin": p.builtin}
        for p in host.loaded
    ]
    if output_format == "json":
        emit_json({"plugins": loaded, "registered": rows})
        return
    console = console_for()
    console.print(plain_table(
        "Plugins", ["name", "distribution", "builtin"],
        [[p["name"], p["distribution"], "yes" if p["builtin"] else "no"] for p in loaded],
    ))
    console.print(plain_table(
        "Registered", ["kind", "name", "detail"],
        [[r["kind"], r["name"], r["detail"]] for r in rows],
    ))
