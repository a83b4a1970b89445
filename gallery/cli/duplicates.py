"""`gallery duplicates`: groups of copies, the keeper first (owner: duplicates). Never deletes:
the app's review view moves the copies a person chooses to the trash."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from gallery import formatting
from gallery.cli.context import Context, print_json
from gallery.errors import ModelNotFoundError
from gallery.library.duplicates import DuplicateGroup
from gallery.library.store import PhotoRow, Store

log = logging.getLogger(__name__)


def cmd_duplicates(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.duplicates import find_duplicates
    from gallery.library.library import Library

    folders = [str(Path(folder).expanduser().resolve()) for folder in args.paths]
    with Library(ctx.paths) as library:
        model_name = _model_name(ctx, args, library.store)
        groups = find_duplicates(library, model_name, folders, args.threshold)
    if args.json:
        print_json([group.as_dict() for group in groups])
        return 0
    _print_groups(groups)
    return 0


def _model_name(ctx: Context, args: argparse.Namespace, store: Store) -> str | None:
    """The model whose embeddings help: the named one (known as `gallery search` knows it),
    else the configured or only installed one; with none installed, fingerprints alone."""
    if args.model:
        ctx.require_known_model(store, args.model)
        return str(args.model)
    try:
        return ctx.registry().resolve(None, ctx.settings.default_model).name
    except ModelNotFoundError as exc:
        log.info("Finding duplicates by fingerprints alone: %s", exc)
        print(f"note: {exc.message} Finding duplicates by fingerprints alone.", file=sys.stderr)
        return None


def _describe(row: PhotoRow) -> str:
    size = f"{row.width} × {row.height}" if row.width and row.height else "?"
    kind = (row.format or "?").upper()
    return f"{size}, {kind}, {formatting.size(row.size)}, {row.taken_text()[:10]}"


def _print_groups(groups: list[DuplicateGroup]) -> None:
    if not groups:
        print("No duplicates found.")
        return
    copies = sum(len(group.remove) for group in groups)
    print(
        f"{len(groups)} group{'s' if len(groups) != 1 else ''} of duplicates, "
        f"{copies} cop{'ies' if copies != 1 else 'y'} proposed for removal (nothing is deleted):"
    )
    for group in groups:
        kind = "identical" if group.exact else f"similarity {group.similarity:.3f}"
        print(f"\n{kind}: {group.reason}")
        print(f"  keep    {group.keep.path}  ({_describe(group.keep)})")
        for row in group.remove:
            print(f"  remove  {row.path}  ({_describe(row)})")
