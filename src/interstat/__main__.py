"""``python -m interstat`` behaves like the ``interstat`` command."""

from interstat.entry import main

main()
