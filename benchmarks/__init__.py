"""Benchmarks for interstat: corpus generator, peer tools and reference hook."""
