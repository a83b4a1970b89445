"""Command line: no arguments opens the desktop app; subcommands give headless use.

`--json` output is a contract that scripts and tests rely on; keep its keys stable.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from gallery import __version__
from gallery.errors import UserError
from gallery.log import setup_logging
from gallery.paths import AppPaths, app_paths
from gallery.settings import Settings

log = logging.getLogger("gallery.cli")


class _Context:
    """What every command needs: paths, settings, and lazily the library and models."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.settings = Settings.load(paths.settings_file)

    def registry(self) -> Any:
        from gallery.ml.registry import SOURCE_MODELS_DIR, ModelRegistry

        return ModelRegistry(self.paths.models, (SOURCE_MODELS_DIR,))

    def model(self, args: argparse.Namespace) -> Any:
        from gallery.ml.encoder import ClipModel

        folder = self.registry().resolve(getattr(args, "model", None), self.settings.default_model)
        return ClipModel(
            folder,
            device=getattr(args, "device", None) or self.settings.device,
            threads=getattr(args, "threads", None),
            batch_size=getattr(args, "batch_size", None) or self.settings.batch_size,
            cache_dir=self.paths.cache,
        )


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# commands --------------------------------------------------------------------------------------
def cmd_models_list(ctx: _Context, args: argparse.Namespace) -> int:
    models = ctx.registry().installed()
    default = ctx.settings.default_model or (models[0].name if len(models) == 1 else None)
    rows = [
        {
            "name": m.name,
            "installed": True,
            "default": m.name == default,
            "layout": m.layout,
            "path": str(m.path),
            "size": m.size_bytes,
        }
        for m in models
    ]
    if args.json:
        _print_json(rows)
    elif not rows:
        print("No models installed. Import one with: gallery models import DIR")
    else:
        for row in rows:
            mark = "*" if row["default"] else " "
            print(
                f"{mark} {row['name']:<32} {row['layout']:<7} {row['size'] / 1e6:8.1f} MB  "
                f"{row['path']}"
            )
    return 0


def cmd_models_import(ctx: _Context, args: argparse.Namespace) -> int:
    model = ctx.registry().import_folder(Path(args.dir), args.name)
    print(f"Imported {model.name} ({model.layout} layout) into {model.path}")
    return 0


def _progress_printer(enabled: bool) -> Any:
    if not enabled:
        return None

    def show(p: Any) -> None:
        if p.stage == "scan":
            line = f"Scanning... {p.done} files"
        else:
            eta = f", ETA {p.eta_seconds:.0f} s" if p.eta_seconds is not None else ""
            line = f"Indexing {p.done}/{p.total} ({p.rate:.1f} img/s{eta}), {p.failed} failed"
        sys.stderr.write("\r" + line[:100].ljust(100))
        sys.stderr.flush()

    return show


def cmd_index(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.library.indexer import Indexer
    from gallery.library.library import Library

    model = ctx.model(args)
    cancel = threading.Event()
    with Library(ctx.paths) as library:
        indexer = Indexer(
            library, model, decode_threads=args.threads, excluded=ctx.settings.excluded_patterns
        )
        progress = _progress_printer(sys.stderr.isatty())
        try:
            summary = indexer.run([Path(p) for p in args.paths], progress, cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise
        finally:
            if progress is not None:
                sys.stderr.write("\n")
    data = summary.as_dict()
    if args.json:
        _print_json(data)
    else:
        print(
            f"{summary.scanned} scanned, {summary.new} new, {summary.updated} updated, "
            f"{summary.removed} removed, {summary.embedded} embedded, {summary.failed} failed, "
            f"{summary.skipped} skipped in {summary.seconds:.1f} s on {summary.device} "
            f"(batch {summary.batch_size})"
        )
        if summary.failed:
            print("See the failed files with: gallery status")
    return 130 if summary.cancelled else 0


def _print_hits(hits: Sequence[Any], as_json: bool) -> None:
    if as_json:
        _print_json([hit.as_dict() for hit in hits])
        return
    if not hits:
        print("No matches.")
    for hit in hits:
        print(f"{hit.score:7.4f}  {hit.path}")


def _searcher(ctx: _Context, args: argparse.Namespace, library: Any) -> Any:
    from gallery.library.search import Searcher

    return Searcher(library, ctx.model(args))


def cmd_search(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.library.library import Library

    with Library(ctx.paths) as library:
        _print_hits(_searcher(ctx, args, library).search(args.text, args.n), args.json)
    return 0


def cmd_similar(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.library.library import Library

    path = str(Path(args.file).expanduser().resolve())
    with Library(ctx.paths) as library:
        _print_hits(_searcher(ctx, args, library).similar(path, args.n), args.json)
    return 0


def cmd_status(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.library.store import Store

    store = Store(ctx.paths.library_db)
    try:
        names = [args.model] if args.model else store.model_names()
        models: dict[str, dict[str, int]] = {}
        for name in names:
            counts = store.counts(store.find_model(name))
            models[name] = {
                "indexed": counts.indexed,
                "failed": counts.failed,
                "pending": counts.pending,
            }
        roots = store.roots()
        files = store.counts(None).files
        failures = [{"path": p, "reason": r} for p, r in store.failures()]
    finally:
        store.close()
    if args.json:
        _print_json({"roots": roots, "files": files, "models": models, "failed_files": failures})
        return 0
    print(f"{files} files in {len(roots)} folder(s)")
    for name, row in models.items():
        print(
            f"  {name}: {row['indexed']} indexed, {row['failed']} failed, {row['pending']} pending"
        )
    for item in failures:
        print(f"  failed: {item['path']}: {item['reason']}")
    return 0


def _versions() -> dict[str, str]:
    found = {
        "lumen-gallery": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for dist in (
        "onnxruntime-gpu",
        "onnxruntime",
        "numpy",
        "pillow",
        "pillow-heif",
        "pillow-jxl-plugin",
        "hnswlib",
        "tokenizers",
        "platformdirs",
        "PySide6-Essentials",
    ):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return found


def cmd_doctor(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.ml import providers

    data: dict[str, Any] = {
        "versions": _versions(),
        "paths": ctx.paths.as_dict(),
        "providers_available": providers.available_providers(),
        "settings": {
            "default_model": ctx.settings.default_model,
            "device": ctx.settings.device,
            "batch_size": ctx.settings.batch_size,
        },
    }
    if providers.CUDA in data["providers_available"]:
        data["cuda"] = {
            "driver_present": providers.nvidia_driver_present(),
            "diagnosis": providers.diagnose_cuda(),
        }
    try:
        model = ctx.model(args)
        data["model"] = model.name
        data["device_report"] = model.report.as_dict()
        data["batch_size"] = model.batch_size
    except UserError as exc:
        data["model"] = None
        data["device_report"] = None
        data["model_problem"] = str(exc)
    if args.json:
        _print_json(data)
        return 0
    for section, value in data.items():
        if isinstance(value, dict):
            print(f"{section}:")
            for key, item in value.items():
                print(f"  {key}: {item}")
        else:
            print(f"{section}: {value}")
    return 0


def cmd_gui(ctx: _Context, args: argparse.Namespace) -> int:
    parser = build_parser()
    parser.print_help()
    return 0


# parser ----------------------------------------------------------------------------------------
def _add_model_options(parser: argparse.ArgumentParser, *, device: bool = True) -> None:
    from gallery.ml.providers import DEVICE_CHOICES

    parser.add_argument("--model", help="model name (default: the configured or only one)")
    if device:
        parser.add_argument("--device", choices=DEVICE_CHOICES, help="execution device")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gallery",
        description="Lumen Gallery: find photos by what is in them. "
        "Run without arguments to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"Lumen Gallery {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log INFO to the console")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    models = sub.add_parser("models", help="list and import models")
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    p = models_sub.add_parser("list", help="installed models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models_list)
    p = models_sub.add_parser("import", help="install a local model folder (Immich or HF layout)")
    p.add_argument("dir")
    p.add_argument("--name")
    p.set_defaults(func=cmd_models_import)

    p = sub.add_parser("index", help="index photo folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _add_model_options(p)
    p.add_argument("--batch-size", type=_positive)
    p.add_argument("--threads", type=_positive, help="decode threads (default: all cores)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_index)

    for name, helptext, arg in (
        ("search", "find photos by text", "text"),
        ("similar", "find photos like one photo", "file"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument(arg)
        _add_model_options(p)
        p.add_argument("-n", type=_positive, default=20, help="number of results")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_search if name == "search" else cmd_similar)

    p = sub.add_parser("status", help="indexed, failed and pending counts per model")
    p.add_argument("--model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("doctor", help="versions, paths, providers and the device report")
    _add_model_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = app_paths().ensure()
    log_file = setup_logging(
        paths.log, console_level=logging.INFO if args.verbose else logging.WARNING
    )
    log.debug("Command line: %s", sys.argv if argv is None else list(argv))
    func = getattr(args, "func", cmd_gui)
    try:
        return int(func(_Context(paths), args))
    except UserError as exc:
        log.info("Stopped with a message for the user: %s", exc)
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except Exception:
        log.exception("Unexpected error")
        print(f"error: an unexpected error occurred; details are in {log_file}", file=sys.stderr)
        return 70
