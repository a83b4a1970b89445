"""`gallery watch`: index folders, then keep them indexed as photos arrive (owner: watcher)."""

from __future__ import annotations

import argparse

from gallery.cli.context import Context


def cmd_watch(ctx: Context, args: argparse.Namespace) -> int:
    raise SystemExit("gallery watch: being written")
