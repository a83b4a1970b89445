"""`gallery models list | download | import | remove`."""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gallery import formatting
from gallery.cli import progress
from gallery.cli.context import Context, print_json
from gallery.cli.remedies import render
from gallery.errors import Action, LibraryError, Remedy, UserError

if TYPE_CHECKING:
    from gallery.library.model_overview import ModelEntry
    from gallery.library.store import Store

_ROW = "{mark} {name:<28} {state:<9} {size:>9} {indexed:>8}  {recall:<11} {languages:<14} {detail}"


@contextmanager
def _store_for_counts(ctx: Context) -> Iterator[Store]:
    """The library's store; without a readable library, an empty one in a temporary folder
    (listing models never creates a library, and a damaged one does not stop the list)."""
    from gallery.library.store import Store

    db = ctx.paths.library_db
    try:
        store = Store(db) if db.exists() else None
    except LibraryError as exc:
        print(f"warning: {exc.message} Counts are as for an empty library.", file=sys.stderr)
        store = None
    if store is not None:
        try:
            yield store
        finally:
            store.close()
        return
    with tempfile.TemporaryDirectory(prefix="lumen-no-library-") as folder:
        empty = Store(Path(folder) / db.name)
        try:
            yield empty
        finally:
            empty.close()


def _recall(entry: ModelEntry) -> str:
    """'75.2/64.4': published recall in English/Chinese, '-' where none is published."""
    figures = [entry.recall.get(language) for language in ("en", "zh")]
    if all(figure is None for figure in figures):
        return ""
    return "/".join("-" if figure is None else f"{figure:.1f}" for figure in figures)


def _text_row(entry: ModelEntry) -> str:
    size = "" if entry.size is None else formatting.size(entry.size)
    return _ROW.format(
        mark="*" if entry.default else "+" if entry.recommended else " ",
        name=entry.name,
        state=entry.state.value,
        size=size if entry.installed or not size else f"~{size}",
        indexed=entry.indexed if entry.has_index else "-",
        recall=_recall(entry),
        languages=",".join(entry.languages)[:14],
        detail=entry.problem or entry.path or entry.title,
    )


def cmd_models_list(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.model_overview import model_overview
    from gallery.ml.recommend import machine_facts

    machine = machine_facts(ctx.settings.device)
    with _store_for_counts(ctx) as store:
        entries = model_overview(ctx.registry(), store, ctx.settings.default_model, machine=machine)
    if args.json:
        print_json([entry.as_dict() for entry in entries])
        return 0
    header = _ROW.format(
        mark=" ",
        name="NAME",
        state="STATE",
        size="SIZE",
        indexed="INDEXED",
        recall="RECALL",
        languages="LANGUAGES",
        detail="DETAIL",
    )
    print(header.rstrip())
    for entry in entries:
        print(_text_row(entry).rstrip())
    print("* the default model   + recommended here   RECALL: published search, English/Chinese")
    for entry in entries:
        if entry.recommended and entry.reason:
            print(f"Recommended for this computer: {entry.name}. {entry.reason}")
    if not any(entry.installed for entry in entries):
        print(
            f"No model installed. Download one with: {render(Remedy(Action.DOWNLOAD_MODEL))} "
            f"(or import a folder with: {render(Remedy(Action.IMPORT_MODEL))})"
        )
    return 0


def cmd_models_import(ctx: Context, args: argparse.Namespace) -> int:
    model = ctx.registry().import_folder(Path(args.dir), args.name)
    print(f"Imported {model.name} ({model.layout} layout) into {model.path}")
    return 0


def cmd_models_download(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.ml.download import HubRepo
    from gallery.ml.installer import catalog_plan, download_model, repo_plan

    if bool(args.model) == bool(args.repo):
        raise UserError(
            "Name a catalog model or give --repo OWNER/NAME (not both).",
            "The catalog lists the names.",
            (Remedy(Action.LIST_MODELS),),
        )
    if args.revision and not args.repo:
        raise UserError("--revision goes with --repo.", "Catalog models pin their own revision.")
    if args.repo:
        plan = repo_plan(HubRepo(args.repo, args.revision or "main"), args.precision, args.name)
    else:
        plan = catalog_plan(args.model, args.precision, args.name)
    present = {m.name: m for m in ctx.registry().installed()}.get(plan.name)
    if present is not None:
        print(f"{plan.name} is already installed in {present.path}")
        return 0
    cancel = threading.Event()
    printer = progress.download_printer(plan.name)
    try:
        model = download_model(ctx.paths.models, plan, progress=printer, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        print("\nStopped; run the same command again to resume the download.", file=sys.stderr)
        raise
    finally:
        progress.end_line(printer)
    print(f"Installed {model.name} ({formatting.size(model.size_bytes)}) into {model.path}")
    return 0


def cmd_models_remove(ctx: Context, args: argparse.Namespace) -> int:
    path = ctx.registry().remove(args.name)
    if ctx.settings.default_model == args.name:
        ctx.settings.default_model = None
        ctx.settings.save(ctx.paths.settings_file)
    print(f"Removed {args.name} ({path})")
    if args.index:
        from gallery.library.library import Library
        from gallery.library.model_indexes import delete_model_index

        with Library(ctx.paths) as library:
            count = delete_model_index(library, args.name)
        print(f"Deleted its index ({count} photos)")
    return 0
