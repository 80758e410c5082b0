"""The capture hook: standard library only, run by Claude Code on every event."""
