"""The built-in sections of ``interstat report``."""
