"""The list of commands, in the order ``interstat --help`` shows them."""

from __future__ import annotations

from interstat.cli.commands.hook import hook
from interstat.cli.commands.init_db import init_db
from interstat.cli.commands.plugins import plugins

COMMANDS = [init_db, plugins, hook]
