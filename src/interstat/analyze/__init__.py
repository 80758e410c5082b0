"""Reading transcripts into the store: find files, pick a parser, apply its facts."""

from interstat.analyze.runner import AnalyzeSummary, run_analyze

__all__ = ["AnalyzeSummary", "run_analyze"]
