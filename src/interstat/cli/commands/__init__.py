"""The list of commands, in the order ``interstat --help`` shows them."""

from __future__ import annotations

from interstat.cli.commands.config import config
from interstat.cli.commands.doctor import doctor
from interstat.cli.commands.export import export
from interstat.cli.commands.init_db import init_db
from interstat.cli.commands.merge import merge
from interstat.cli.commands.plugins import plugins
from interstat.cli.commands.purge import purge_command

COMMANDS = [init_db, plugins, config, export, merge, purge_command, doctor]
