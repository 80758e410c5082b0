"""Renderers: each turns a ``Report`` into text from its ``SectionData`` alone."""

from __future__ import annotations

FORMATS = ("table", "json", "markdown", "csv")
