"""The list of commands, in the order ``interstat --help`` shows them."""

from __future__ import annotations

from interstat.cli.commands.analyze import analyze
from interstat.cli.commands.demo import demo
from interstat.cli.commands.init_db import init_db
from interstat.cli.commands.plugins import plugins
from interstat.cli.commands.report import report
from interstat.cli.commands.status import status

COMMANDS = [init_db, analyze, report, status, demo, plugins]
