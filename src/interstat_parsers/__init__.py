"""The built-in transcript parsers, one per Claude Code format era."""
