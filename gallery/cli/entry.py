"""`main`: parse, set up logging, run one command and turn what it raises into an exit status:
0 done, 1 a check found problems, 2 a message for the user, 70 a bug, 130 interrupted."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Sequence

from gallery.cli.commands import cmd_gui
from gallery.cli.context import Context
from gallery.cli.parser import Handler, build_parser
from gallery.cli.remedies import try_lines
from gallery.errors import UserError
from gallery.log import setup_logging
from gallery.paths import app_paths

log = logging.getLogger("gallery.cli")


def print_error(exc: UserError) -> None:
    """The message, the hint, and each remedy as the command that carries it out."""
    print(f"error: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(exc.hint, file=sys.stderr)
    for line in try_lines(exc.remedies):
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a name that is not UTF-8 prints as \udcXX
        sys.stdout.reconfigure(errors="backslashreplace")
    paths = app_paths().ensure()
    log_file = setup_logging(
        paths.log, console_level=logging.INFO if args.verbose else logging.WARNING
    )
    log.debug("Command line: %s", sys.argv if argv is None else list(argv))
    handler: Handler = getattr(args, "func", cmd_gui)
    try:
        return handler(Context(paths), args)
    except UserError as exc:
        log.info("Stopped with a message for the user: %s", exc)
        print_error(exc)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not a failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        log.exception("Unexpected error")
        print(f"error: an unexpected error occurred; details are in {log_file}", file=sys.stderr)
        return 70
