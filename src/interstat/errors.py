"""Expected failures: each becomes one line for the user at the CLI's edge.

Anything that is not an ``InterstatError`` is a bug and keeps its traceback.
"""

from __future__ import annotations


class InterstatError(Exception):
    """A failure the user can act on; the message says what to do."""


class StoreError(InterstatError):
    """The store cannot be opened, is damaged, or belongs to something else."""


class PluginError(InterstatError):
    """A plugin failed to load or clashes with another one."""


class FormatError(InterstatError):
    """A transcript matches no parser, or more than one."""


class ConfigError(InterstatError):
    """The configuration file or an option value is wrong."""
