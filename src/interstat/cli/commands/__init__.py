"""Every command, by name, as ``module:function``, in the order ``--help`` shows them.

Commands are imported only when run, so ``interstat status`` does not pay
for the imports of ``export`` or ``report``.
"""

from __future__ import annotations

COMMANDS = {
    "init-db": "interstat.cli.commands.init_db:init_db",
    "analyze": "interstat.cli.commands.analyze:analyze",
    "report": "interstat.cli.commands.report:report",
    "status": "interstat.cli.commands.status:status",
    "demo": "interstat.cli.commands.demo:demo",
    "export": "interstat.cli.commands.export:export",
    "merge": "interstat.cli.commands.merge:merge",
    "purge": "interstat.cli.commands.purge:purge_command",
    "doctor": "interstat.cli.commands.doctor:doctor",
    "config": "interstat.cli.commands.config:config",
    "plugins": "interstat.cli.commands.plugins:plugins",
    "hook": "interstat.cli.commands.hook:hook",
}
