"""The benchmark runner's parts: presets, measuring, each benchmark, RESULTS.md."""
