"""`gallery watch`: index folders, then keep them indexed as photos arrive (owner: watcher).

Ctrl+C and SIGTERM set the stop Event (the signal handlers do nothing else): the run in flight
stops after its batch, the library is saved and closed, and the command exits 0. One line per
run goes to stdout (with --json one JSON object per line), what it did in detail to the log.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from gallery.cli import progress
from gallery.cli.context import Context
from gallery.cli.remedies import try_lines
from gallery.errors import LibraryBusy, UserError
from gallery.library.indexer import IndexSummary
from gallery.library.watcher import RootRun, watch
from gallery.text import say

log = logging.getLogger(__name__)


def _json_line(data: object) -> None:
    """One object per line, flushed: a script reads each as it comes."""
    text = json.dumps(data, ensure_ascii=False)
    print(text.encode("utf-8", "backslashreplace").decode("utf-8"), flush=True)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def run_line(root: Path, summary: IndexSummary) -> str:
    """ "Indexed 12 new photos in /photos (3 removed)"."""
    line = f"Indexed {_count(summary.embedded, 'new photo', 'new photos')} in {root}"
    notes = []
    if summary.removed:
        notes.append(f"{summary.removed} removed")
    if summary.failed:
        notes.append(f"{summary.failed} could not be read")
    if summary.cancelled:
        notes.append("stopped; the rest on the next run")
    return line + (f" ({', '.join(notes)})" if notes else "")


def _report(run: RootRun, as_json: bool) -> None:
    if run.summary is not None:
        if as_json:
            _json_line({"event": "indexed", "root": str(run.root), **run.summary.as_dict()})
        else:
            print(run_line(run.root, run.summary), flush=True)
        return
    error = run.error
    assert error is not None
    busy = isinstance(error, LibraryBusy)
    if as_json:
        kind = "waiting" if busy else "not-indexed"
        fields = {"message": error.message, "hint": error.hint}
        _json_line({"event": kind, "root": str(run.root), **fields})
        return
    if busy:
        print(f"Waiting to index {run.root}: {error.message}", file=sys.stderr, flush=True)
        return
    print(f"warning: {run.root} not indexed: {error.message}", file=sys.stderr)
    if error.hint:
        print(error.hint, file=sys.stderr)
    for line in try_lines(error.remedies):
        print(line, file=sys.stderr)
    print("Still watching it.", file=sys.stderr, flush=True)


def _check_paths(paths: list[Path], known: list[str]) -> None:
    """A path that is neither a folder nor one of the library's folders is a typo; a library
    folder that is away (an unplugged drive) is watched until it is back."""
    for path in paths:
        if not path.is_dir() and str(path) not in known:
            raise UserError(
                say("The folder {root} does not exist or is not a folder.", root=path),
                say("Check the path, or reconnect the drive it is on."),
            )


@contextmanager
def _stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` instead of interrupting whatever runs."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("Signal %d: stopping after the batch in flight", signum)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def cmd_watch(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.library import Library

    roots = [Path(p).expanduser().resolve() for p in args.paths]
    stop = threading.Event()
    printer = progress.index_printer()

    def on_run(run: RootRun) -> None:
        progress.end_line(printer)
        _report(run, args.json)

    def on_watching(how: dict[str, str]) -> None:
        if args.json:
            _json_line({"event": "watching", "roots": how})
            return
        folders = ", ".join(f"{root} ({kind})" for root, kind in how.items())
        print(f"Watching {folders}; Ctrl+C to stop", flush=True)

    with Library(ctx.paths) as library, _stopping_on_signals(stop):
        _check_paths(roots, library.store.roots())
        model = ctx.model(args)
        log.info("Watching %s with %s", [str(r) for r in roots], model.name)
        runs = watch(
            library,
            model,
            roots,
            stop,
            on_run=on_run,
            progress=printer,
            on_watching=on_watching,
            excluded=ctx.settings.excluded_patterns,
            text=ctx.settings.read_text,
        )
    if args.json:
        _json_line({"event": "stopped", "runs": runs})
    else:
        print(f"Stopped after {_count(runs, 'run', 'runs')}.", flush=True)
    return 0
