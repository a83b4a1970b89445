"""`gallery vectors export | import`: a library's embeddings as Parquet files."""

from __future__ import annotations

import argparse
from pathlib import Path

from gallery.cli import progress
from gallery.cli.context import Context, print_json


def cmd_vectors_export(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.library import Library
    from gallery.library.vector_files import export_vectors

    name = args.model or ctx.registry().resolve(None, ctx.settings.default_model).name
    out = Path(args.out).expanduser().resolve()
    printer = progress.rows_printer("Exporting")
    with Library(ctx.paths) as library:
        try:
            summary = export_vectors(library, name, out, printer)
        finally:
            progress.end_line(printer)
    if args.json:
        print_json(summary.as_dict() | {"model": name, "file": str(out)})
    else:
        left_out = f" ({summary.skipped} left out: names not UTF-8)" if summary.skipped else ""
        print(f"{summary.exported} vectors of {name} written to {out}{left_out}")
    return 0


def cmd_vectors_import(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.library import Library
    from gallery.library.path_map import PathMap
    from gallery.library.vector_files import import_vectors

    path_map = PathMap.parse(args.path_map)
    printer = progress.rows_printer("Importing")
    with Library(ctx.paths) as library:
        try:
            summary = import_vectors(
                library, Path(args.file).expanduser(), path_map, printer, args.wait
            )
        finally:
            progress.end_line(printer)
    if args.json:
        print_json(summary.as_dict())
    else:
        print(
            f"{summary.imported} imported, {summary.skipped} skipped ({summary.already} already "
            f"indexed, {summary.missing} missing, {summary.changed} changed, "
            f"{summary.unreadable} unreadable) of {summary.rows} rows"
        )
    return 0
