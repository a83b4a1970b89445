"""Command line: no arguments opens the desktop app; subcommands give headless use.

`--json` output is a contract that scripts and tests rely on; keep its keys stable (adding
keys is fine). The modules: `parser` (the commands as a table), `commands` and `models` (the
handlers), `remedies` (an error's remedies as command lines), `progress` (progress lines on
stderr), `context` (paths, settings, registry and model for every handler), `entry` (`main`).
"""

from gallery.cli.entry import main

__all__ = ["main"]
