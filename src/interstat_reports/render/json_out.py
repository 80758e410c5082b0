"""The report as JSON: the stable shape documented in docs/report-json.md."""

from __future__ import annotations

import json
from typing import Any

from interstat.config import Thresholds
from interstat_reports.render.values import kind_of_fact

#: Bump when a key is renamed or removed or its meaning changes; adding keys does not.
SCHEMA_VERSION = 1


def _number(value: Any, kind: str) -> Any:
    if kind == "usd" and isinstance(value, float):
        return round(value, 6)
    return value


def _section(built) -> dict[str, Any]:
    data = built.data
    kinds = {column.name: column.kind for column in data.columns}
    return {
        "name": built.section.name,
        "title": built.section.title,
        "description": built.section.description,
        "columns": [
            {"name": c.name, "title": c.title, "kind": c.kind} for c in data.columns
        ],
        "rows": [
            {key: _number(value, kinds.get(key, "text")) for key, value in row.items()}
            for row in data.rows
        ],
        "facts": {
            key: _number(value, kind_of_fact(key, value)) for key, value in data.facts.items()
        },
        "notes": list(data.notes),
    }


def _settings(thresholds: Thresholds) -> dict[str, Any]:
    # The names schema 1 documents; config.toml calls the first one thresholds.gate.
    return {
        "gate_threshold": thresholds.gate,
        "context_limits": list(thresholds.context_limits),
        "baseline_runs": thresholds.baseline_runs,
        "top_runs": thresholds.top_runs,
        "session_rows": thresholds.session_rows,
    }


def report_document(report) -> dict[str, Any]:
    context = report.context
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": report.generated_at,
        "filters": context.filters.to_dict(),
        "settings": _settings(context.thresholds),
        "percentile_method": context.percentile_method,
        "percentile_description": context.percentile_description,
        "prices_checked": context.prices.checked,
        "sections": [_section(built) for built in report.sections],
    }


def render_json(report) -> str:
    return json.dumps(report_document(report), indent=2) + "\n"
