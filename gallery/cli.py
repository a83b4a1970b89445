"""Command line: no arguments opens the desktop app; subcommands give headless use.

`--json` output is a contract that scripts and tests rely on; keep its keys stable.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gallery import __version__
from gallery.diagnostics import as_text, versions
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
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # A file name that is not valid UTF-8 holds lone surrogates: as \udcXX escapes the JSON
    # stays valid and os.fsencode(json.loads(...)) gives back the exact bytes.
    print(text.encode("utf-8", "backslashreplace").decode("utf-8"))


# commands --------------------------------------------------------------------------------------
def _model_rows(ctx: _Context) -> list[dict[str, Any]]:
    """Catalog models (installed or not) in catalog order, then other installed models, then
    damaged installs."""
    from gallery.ml.catalog import load_catalog
    from gallery.ml.model_files import read_facts

    registry = ctx.registry()
    installed = {m.name: m for m in registry.installed()}
    catalog = load_catalog()
    if ctx.settings.default_model or len(installed) == 1:
        default = ctx.settings.default_model or next(iter(installed))
    else:
        default = None if installed else catalog.default  # what a first download should be
    rows: dict[str, dict[str, Any]] = {
        entry.name: {
            "name": entry.name,
            "installed": False,
            "default": entry.name == default,
            "languages": list(entry.languages),
            "size": entry.approx_bytes.get(entry.default_precision),
            "title": entry.title,
            "repo": entry.repo,
            "precisions": list(entry.precisions),
        }
        for entry in catalog.models
    }
    for model in installed.values():
        row = rows.setdefault(
            model.name,
            {
                "name": model.name,
                "default": model.name == default,
                "languages": read_facts(model.path).get("languages", []),
            },
        )
        row.update(installed=True, size=model.size_bytes, layout=model.layout, path=str(model.path))
    for damaged in registry.damaged():
        rows.setdefault(
            damaged.name,
            {"name": damaged.name, "installed": False, "default": False, "languages": []},
        )["problem"] = damaged.problem
    return list(rows.values())


def cmd_models_list(ctx: _Context, args: argparse.Namespace) -> int:
    rows = _model_rows(ctx)
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        mark = "*" if row["default"] else " "
        state = "damaged" if "problem" in row else "installed" if row["installed"] else "available"
        size = row.get("size")
        shown = "" if size is None else f"{'' if row['installed'] else '~'}{size / 1e6:.0f} MB"
        languages = ",".join(row["languages"])[:14]
        detail = row.get("problem") or row.get("path") or row.get("title", "")
        print(f"{mark} {row['name']:<28} {state:<9} {shown:>9}  {languages:<14} {detail}")
    if not any(row["installed"] for row in rows):
        print(
            "No model installed. Download one with: gallery models download NAME "
            "(or import a folder with: gallery models import DIR)"
        )
    return 0


def cmd_models_import(ctx: _Context, args: argparse.Namespace) -> int:
    model = ctx.registry().import_folder(Path(args.dir), args.name)
    print(f"Imported {model.name} ({model.layout} layout) into {model.path}")
    return 0


def _download_printer(name: str) -> Any:
    """Progress on stderr (a TTY only): bytes, speed and ETA, then the install step."""
    if not sys.stderr.isatty():
        return None

    def show(p: Any) -> None:
        if p.stage == "install":
            line = f"Installing {name}: checking that the model runs..."
        else:
            total = f"/{p.bytes_total / 1e6:.1f}" if p.bytes_total else ""
            eta = f", ETA {p.eta:.0f} s" if p.eta is not None else ""
            line = (
                f"Downloading {name}: {p.bytes_done / 1e6:.1f}{total} MB "
                f"({p.speed / 1e6:.1f} MB/s{eta}) {p.current_file}"
            )
        sys.stderr.write("\r" + line[:100].ljust(100))
        sys.stderr.flush()

    return show


def cmd_models_download(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.ml.download import HubRepo
    from gallery.ml.installer import catalog_plan, download_model, repo_plan

    if bool(args.model) == bool(args.repo):
        raise UserError(
            "Name a catalog model or give --repo OWNER/NAME (not both).",
            "See the catalog with 'gallery models list'.",
        )
    if args.revision and not args.repo:
        raise UserError("--revision goes with --repo.", "Catalog models pin their own revision.")
    if args.repo:
        hub = HubRepo(args.repo, args.revision or "main")
        plan = repo_plan(hub, args.precision, args.name)
    else:
        plan = catalog_plan(args.model, args.precision, args.name)
    present = {m.name: m for m in ctx.registry().installed()}.get(plan.name)
    if present is not None:
        print(f"{plan.name} is already installed in {present.path}")
        return 0
    cancel = threading.Event()
    progress = _download_printer(plan.name)
    try:
        model = download_model(ctx.paths.models, plan, progress=progress, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        print("\nStopped; run the same command again to resume the download.", file=sys.stderr)
        raise
    finally:
        if progress is not None:
            sys.stderr.write("\n")
    print(f"Installed {model.name} ({model.size_bytes / 1e6:.1f} MB) into {model.path}")
    return 0


def cmd_models_remove(ctx: _Context, args: argparse.Namespace) -> int:
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
            library,
            model,
            decode_threads=args.threads,
            excluded=ctx.settings.excluded_patterns,
            lock_wait=args.wait,
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


def _doctor_library(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.library import doctor

    report = doctor.repair(ctx.paths, args.wait) if args.repair else doctor.check(ctx.paths)
    if args.json:
        _print_json(report.as_dict())
        return 0 if report.ok else 1
    for action in report.repaired:
        print(f"repaired: {action}")
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(f"problem: {problem.what}\n  fix: {problem.fix}")
    if report.ok:
        print(f"The library {ctx.paths.library_db} is healthy.")
        return 0
    print(f"{len(report.problems)} problem(s) found.", end="")
    fixable = not args.repair and any(p.repairable for p in report.problems)
    print(" Run 'gallery doctor --repair' to fix them." if fixable else "")
    return 1


def cmd_doctor(ctx: _Context, args: argparse.Namespace) -> int:
    if args.check or args.repair:
        return _doctor_library(ctx, args)
    from gallery.ml import providers

    data: dict[str, Any] = {
        "versions": versions(),
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
    else:
        print(as_text(data))
    return 0
    for section, value in data.items():
        if isinstance(value, dict):
            print(f"{section}:")
            for key, item in value.items():
                print(f"  {key}: {item}")
        else:
            print(f"{section}: {value}")
    return 0


def cmd_bench(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.bench import report
    from gallery.bench.machine import describe
    from gallery.bench.pipeline import ModelSettings, Plan, bench_indexing
    from gallery.bench.search import bench_size
    from gallery.bench.vit import ensure_bench_model
    from gallery.ml.model_folder import read_model_folder

    bench_dir = Path(args.bench_dir).expanduser() if args.bench_dir else ctx.paths.cache / "bench"
    if args.model:
        folder = ctx.registry().resolve(args.model, None)
    else:
        folder = read_model_folder(ensure_bench_model(args.arch, bench_dir / "models"))
    settings = ModelSettings(
        folder, args.device or "auto", args.threads, args.batch_size, ctx.paths.cache
    )

    def say(step: str) -> None:
        print(f"bench: {step}...", file=sys.stderr, flush=True)

    result: dict[str, Any] = {"machine": describe(), "model": report.model_facts(folder)}
    if args.search:
        result["sizes"] = [
            bench_size(
                bench_dir / "search" / f"{args.vectors}-{n}",
                n,
                settings.make,
                args.vectors,
                query_count=args.queries,
                progress=say,
            )
            for n in args.sizes
        ]
        lines = report.search_lines(result)
    else:
        path = Path(args.path).expanduser().resolve() if args.path else None
        plan = Plan(path, args.photos, args.batches, args.seconds)
        result |= bench_indexing(settings, bench_dir, plan, say)
        lines = report.index_lines(result)
    if args.json:
        _print_json(result)
    else:
        print("\n".join(lines))
    return 0


def cmd_gui(ctx: _Context, args: argparse.Namespace) -> int:
    from gallery.ui.app import run_app

    return run_app(ctx.paths)


# parser ----------------------------------------------------------------------------------------
def _add_model_options(parser: argparse.ArgumentParser, *, device: bool = True) -> None:
    from gallery.ml.providers import DEVICE_CHOICES

    parser.add_argument("--model", help="model name (default: the configured or only one)")
    if device:
        parser.add_argument("--device", choices=DEVICE_CHOICES, help="execution device")


def _add_wait_option(parser: argparse.ArgumentParser, whom: str) -> None:
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"wait up to this long for {whom} writing the library (default: stop at once)",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("expected positive counts separated by commas")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gallery",
        description="Lumen Gallery: find photos by what is in them. "
        "Run without arguments to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"Lumen Gallery {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log INFO to the console")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    models = sub.add_parser("models", help="list, download, import and remove models")
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    p = models_sub.add_parser("list", help="catalog and installed models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models_list)
    p = models_sub.add_parser(
        "download",
        help="download a catalog model, or any repo in a supported layout (honours HF_ENDPOINT)",
    )
    p.add_argument("model", nargs="?", metavar="NAME", help="a model from 'gallery models list'")
    p.add_argument("--repo", metavar="OWNER/NAME", help="a Hugging Face repository instead")
    p.add_argument("--revision", help="branch, tag or commit of --repo (default: main)")
    p.add_argument("--precision", help="fp32 (default), fp16 or quantized where published")
    p.add_argument("--name", help="install under this name")
    p.set_defaults(func=cmd_models_download)
    p = models_sub.add_parser("import", help="install a local model folder (Immich or HF layout)")
    p.add_argument("dir")
    p.add_argument("--name")
    p.set_defaults(func=cmd_models_import)
    p = models_sub.add_parser("remove", help="delete an installed model")
    p.add_argument("name")
    p.add_argument("--index", action="store_true", help="also delete its index from the library")
    p.set_defaults(func=cmd_models_remove)

    p = sub.add_parser("index", help="index photo folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _add_model_options(p)
    p.add_argument("--batch-size", type=_positive)
    p.add_argument("--threads", type=_positive, help="decode threads (default: all cores)")
    _add_wait_option(p, "another indexer")
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
    checks = p.add_mutually_exclusive_group()
    checks.add_argument(
        "--check",
        action="store_true",
        help="check the library instead: SQLite integrity, orphans, vector indexes (exit 1 "
        "when something is wrong)",
    )
    checks.add_argument(
        "--repair",
        action="store_true",
        help="fix what --check finds (rebuild vector indexes, drop orphans)",
    )
    _add_wait_option(p, "an indexer (with --repair)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser(
        "bench",
        help="measure indexing (or search) speed on this machine",
        description="Index photos with the real pipeline in a throw-away library and report "
        "img/s, each stage's share, the machine's bound (cores / (model + decode core-seconds "
        "per image)), the efficiency against it, a naive baseline and the model's img/s by "
        "batch size. --search instead times text queries against 10k/100k/1M stored vectors. "
        "Your library is never touched; photos, models and search libraries are cached in "
        "the bench folder.",
    )
    p.add_argument(
        "path", nargs="?", metavar="PATH", help="photos to index (default: generated 12 MP JPEGs)"
    )
    p.add_argument("--photos", type=_positive, default=200, help="generated photos (default: 200)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--model", help="an installed model instead of a benchmark model")
    which.add_argument(
        "--arch",
        choices=("b32", "l14"),
        default="b32",
        help="benchmark model with random weights and the real architecture: ViT-B/32 "
        "(default) or ViT-L/14; built once into the bench folder",
    )
    from gallery.ml.providers import DEVICE_CHOICES

    p.add_argument("--device", choices=DEVICE_CHOICES, help="execution device (default: auto)")
    p.add_argument("--batch-size", type=_positive, help="default: the model-aware size")
    p.add_argument(
        "--threads", type=_positive, help="inference and decode threads (default: by core count)"
    )
    p.add_argument(
        "--batches",
        type=_sizes,
        default=(1, 2, 4, 8, 16),
        metavar="N,N,...",
        help="batch sizes of the model-alone curve (default: 1,2,4,8,16)",
    )
    p.add_argument(
        "--seconds",
        type=float,
        default=2.0,
        help="length of each model-alone measurement (default: 2)",
    )
    p.add_argument("--search", action="store_true", help="benchmark text search instead")
    p.add_argument(
        "--queries", type=_positive, default=300, help="timed queries per size (default: 300)"
    )
    p.add_argument(
        "--sizes",
        type=_sizes,
        default=(10_000, 100_000, 1_000_000),
        metavar="N,N,...",
        help="stored vectors for --search (default: 10000,100000,1000000)",
    )
    p.add_argument(
        "--vectors",
        choices=("clustered", "uniform"),
        default="clustered",
        help="--search data: clustered like photo embeddings (default) or uniform random "
        "(the worst case for recall)",
    )
    p.add_argument("--bench-dir", metavar="DIR", help="cache folder (default: <cache>/bench)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a name that is not UTF-8 prints as \udcXX
        sys.stdout.reconfigure(errors="backslashreplace")
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
    except BrokenPipeError:  # output piped into `head` and closed early: not a failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        log.exception("Unexpected error")
        print(f"error: an unexpected error occurred; details are in {log_file}", file=sys.stderr)
        return 70
