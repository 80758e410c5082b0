"""Internals of the synthetic transcript generator; the entry point is benchmarks.corpus."""
