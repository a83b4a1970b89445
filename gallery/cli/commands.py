"""`gallery index | search | similar | status | doctor | bench` and, with no command, the app.

Each handler takes the context and the parsed arguments and returns the exit status; a
`UserError` it raises is printed by `main` (exit 2).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gallery import formatting
from gallery.cli import progress
from gallery.cli.context import Context, print_json
from gallery.cli.remedies import render
from gallery.errors import Action, LibraryError, Remedy, UserError

if TYPE_CHECKING:
    from gallery.diagnostics import ModelFacts
    from gallery.library.filters import Filters
    from gallery.library.query import Query
    from gallery.library.search import SearchHit, SearchResult
    from gallery.library.store import Store
    from gallery.ml.encoder import ClipModel

log = logging.getLogger(__name__)


def cmd_index(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.indexer import Embedder, Indexer
    from gallery.library.library import Library
    from gallery.library.path_map import PathMap

    model = ctx.model(args)
    cancel = threading.Event()
    PathMap.parse(args.path_map)  # a bad map stops before the library opens
    with Library(ctx.paths) as library:
        embedder: Embedder | None = None
        if args.cluster:
            from gallery.cluster.embedder import cluster_embedder

            batch = args.batch_size or ctx.settings.batch_size
            embedder = cluster_embedder(
                args.cluster, model, library.paths.thumbnails, args.path_map, batch
            )
        indexer = Indexer(
            library,
            model,
            decode_threads=args.threads,
            excluded=ctx.settings.excluded_patterns,
            lock_wait=args.wait,
            embedder=embedder,
            text=ctx.settings.read_text and not args.no_text,
        )
        printer = progress.index_printer()
        # Ray prints its cluster's messages (a worker that died) to stdout: they are notes for
        # a person, so they go to stderr and stdout keeps the summary (--json).
        quiet = contextlib.redirect_stdout(sys.stderr) if args.cluster else contextlib.nullcontext()
        try:
            with quiet:
                summary = indexer.run([Path(p) for p in args.paths], printer, cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise
        finally:
            progress.end_line(printer)
    if args.json:
        print_json(summary.as_dict())
    else:
        print(
            f"{summary.scanned} scanned, {summary.new} new, {summary.updated} updated, "
            f"{summary.removed} removed, {summary.embedded} embedded, {summary.failed} failed, "
            f"{summary.skipped} skipped in {formatting.duration(summary.seconds)} on "
            f"{summary.device} (batch {summary.batch_size})"
        )
        if summary.text_read or summary.text_failed:
            print(
                f"Text: {summary.text_read} photos read, {summary.text_found} with text, "
                f"{summary.text_failed} failed"
            )
        if summary.failed:
            print("See the failed files with: gallery status")
    return 130 if summary.cancelled else 0


def _filters(args: argparse.Namespace) -> Filters:
    """The filter options as the core's `Filters`; folders absolute, as the library stores them."""
    from gallery.library.filters import Filters, parse_date

    return Filters(
        folders=tuple(str(Path(folder).expanduser().resolve()) for folder in args.folder),
        after=None if args.after is None else parse_date(args.after),
        before=None if args.before is None else parse_date(args.before),
        types=tuple(dict.fromkeys(args.type)),
        orientation=args.orientation,
        min_size=args.min_size,
    )


def _limit(args: argparse.Namespace) -> int | None:
    """-n as given; without it 20, or every best match with --best."""
    if args.n is not None:
        return int(args.n)
    return None if args.best else 20


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _headline(result: SearchResult) -> str:
    """What the list is: best matches, the nearest photos when none is close, or a browse."""
    shown = len(result.hits)
    if not result.ranked:
        more = f" ({shown} shown; raise -n for more)" if shown < result.searched else ""
        return _count(result.searched, "photo", "photos") + more
    if result.best_count:
        more = " (there are more; raise -n)" if result.more_best else ""
        return _count(result.best_count, "best match", "best matches") + more
    if result.searched:
        return "No close match; the nearest photos:" if shown else "No close match."
    return "No matches."


MORE_RESULTS = "── more results ──"
_SCORE_WIDTH = 7


def _hit_line(hit: SearchHit) -> str:
    """score  date  path; the score blank when browsing, a date from the file's mtime marked *,
    a photo found by its text followed by the line that matched."""
    score = " " * _SCORE_WIDTH if hit.score is None else f"{hit.score:{_SCORE_WIDTH}.4f}"
    date = hit.row.taken_text()[:16].replace("T", " ")
    mark = "*" if hit.row.date_source == "mtime" else " "
    text = "" if hit.text is None else f"  (text: {hit.text})"
    return f"{score}  {date}{mark} {hit.path}{text}"


def _print_result(result: SearchResult, as_json: bool) -> None:
    if as_json:
        print_json([hit.as_dict() for hit in result.hits])
        return
    print(_headline(result))
    for position, hit in enumerate(result.hits):
        if result.best_count and position == result.best_count:
            print(MORE_RESULTS)
        print(_hit_line(hit))
    if any(hit.row.date_source == "mtime" for hit in result.hits):
        print("* the file's modification time (it holds no date taken)")


def _find(ctx: Context, args: argparse.Namespace, query: Query) -> int:
    """Run a query with the filter options and print it (the options are read before the
    library opens, so a bad date stops at once)."""
    from gallery.library.library import Library
    from gallery.library.search import Searcher

    filters, limit = _filters(args), _limit(args)
    with Library(ctx.paths) as library:
        searcher = Searcher(library, ctx.model(args))
        result = searcher.find(query, filters, args.sort, limit, best_only=args.best)
    _print_result(result, args.json)
    return 0


def cmd_search(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library.query import image_term, parse_query

    images = [image_term(file) for file in args.image]
    return _find(ctx, args, parse_query(args.query, paths_as_images=True, extra=images))


def cmd_similar(ctx: Context, args: argparse.Namespace) -> int:
    """One image term: a library photo (left out of its own results) or any image file."""
    from gallery.library.query import Query, image_term

    return _find(ctx, args, Query((image_term(args.file),), ""))


def cmd_text(ctx: Context, args: argparse.Namespace) -> int:
    """The lines read in one photo of the library (boxes and confidence with --json)."""
    from gallery.library import texts
    from gallery.library.store import Store

    path = str(Path(args.photo).expanduser().resolve())
    store = Store(ctx.paths.library_db)
    try:
        file_id = store.file_id(path)
        if file_id is None:
            raise UserError(
                f"{path} is not in the library.",
                "Index its folder first: gallery index FOLDER",
            )
        status = texts.status_of(store, file_id)
        lines = texts.lines_of(store, file_id)
    finally:
        store.close()
    state = "pending" if status is None else "failed" if status[1] else "read"
    error = None if status is None else status[1]
    if args.json:
        print_json(
            {
                "path": path,
                "status": state,
                "error": error,
                "lines": [line.as_dict() for line in lines],
            }
        )
    elif state == "pending":
        print("Not read yet: the text pass reads it when the next index run gets to it.")
    elif error:
        print(f"Could not be read: {error}")
    elif not lines:
        print("No text found.")
    else:
        print("\n".join(line.text for line in lines))
    return 0


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library import texts
    from gallery.library.model_indexes import index_status
    from gallery.library.store import Store

    store = Store(ctx.paths.library_db)
    try:
        if args.model:
            ctx.require_known_model(store, args.model)
        names = [args.model] if args.model else store.model_names()
        models: dict[str, dict[str, int]] = {}
        for name in names:
            status = index_status(store, name)
            models[name] = {
                "indexed": status.indexed,
                "failed": status.failed,
                "pending": status.pending,
            }
        roots = store.roots()
        files = store.counts(None).files
        failures = [{"path": p, "reason": r} for p, r in store.failures()]
        text = texts.counts(store)
    finally:
        store.close()
    text_counts = {"done": text.done, "pending": text.pending, "failed": text.failed}
    if args.json:
        print_json(
            {
                "roots": roots,
                "files": files,
                "models": models,
                "failed_files": failures,
                "text": text_counts,
            }
        )
        return 0
    print(f"{files} files in {len(roots)} folder(s)")
    for name, row in models.items():
        print(
            f"  {name}: {row['indexed']} indexed, {row['failed']} failed, {row['pending']} pending"
        )
    print(f"  text: {text.done} read, {text.failed} failed, {text.pending} pending")
    for item in failures:
        print(f"  failed: {item['path']}: {item['reason']}")
    return 0


def _doctor_library(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.library import doctor

    report = doctor.repair(ctx.paths, args.wait) if args.repair else doctor.check(ctx.paths)
    if args.json:
        print_json(report.as_dict())
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
    repair = render(Remedy(Action.REPAIR_LIBRARY))
    print(f" Run '{repair}' to fix them." if fixable else "")
    return 1


def _loaded_model_facts(ctx: Context, args: argparse.Namespace) -> ModelFacts:
    """Resolve and load the image tower now, so the report shows the device it runs on."""
    from gallery.diagnostics import ModelFacts

    try:
        model = ctx.model(args)
    except UserError as exc:
        return ModelFacts(args.model, None, None, None, str(exc))
    try:
        report = model.load_image_tower().report
    except UserError as exc:
        return ModelFacts(model.name, model.folder.path, None, None, str(exc))
    return ModelFacts(
        model.name, model.folder.path, report, model.batch_size_for(report), problem=None
    )


def _existing_store(ctx: Context) -> Store | None:
    """The library's store when there is a readable one; the report never creates one."""
    from gallery.library.store import Store

    if not ctx.paths.library_db.exists():
        return None
    try:
        return Store(ctx.paths.library_db)
    except LibraryError as exc:
        log.warning("The library is left out of the report: %s", exc.message)
        return None


def cmd_doctor(ctx: Context, args: argparse.Namespace) -> int:
    if args.check or args.repair:
        return _doctor_library(ctx, args)
    from gallery.diagnostics import as_text, report_sections

    facts = _loaded_model_facts(ctx, args)
    store = _existing_store(ctx)
    try:
        sections = report_sections(ctx.paths, ctx.settings, facts, store)
    finally:
        if store is not None:
            store.close()
    if args.json:
        print_json(sections)
    else:
        print(as_text(sections))
    return 0


def _bench_speed(
    ctx: Context, args: argparse.Namespace, bench_dir: Path, announce: Callable[[str], None]
) -> tuple[dict[str, Any], list[str]]:
    """Indexing speed, or with --search search speed: the figures and their lines."""
    from gallery.bench import report
    from gallery.bench.machine import describe
    from gallery.bench.pipeline import ModelSettings, Plan, bench_indexing
    from gallery.bench.search import bench_size
    from gallery.bench.vit import ensure_bench_model
    from gallery.ml.model_folder import read_model_folder

    if args.model:
        folder = ctx.registry().resolve(args.model, None)
    else:
        folder = read_model_folder(ensure_bench_model(args.arch, bench_dir / "models"))
    settings = ModelSettings(
        folder, args.device or "auto", args.threads, args.batch_size, ctx.paths.cache
    )
    result: dict[str, Any] = {"machine": describe(), "model": report.model_facts(folder)}
    if args.search:
        result["sizes"] = [
            bench_size(
                bench_dir / "search" / f"{args.vectors}-{n}",
                n,
                settings.make,
                args.vectors,
                query_count=args.queries,
                progress=announce,
            )
            for n in args.sizes
        ]
        return result, report.search_lines(result)
    path = Path(args.path).expanduser().resolve() if args.path else None
    plan = Plan(path, args.photos, args.batches, args.seconds)
    if args.cluster:
        from gallery.bench.cluster import bench_cluster, cluster_lines

        result |= bench_cluster(settings, bench_dir, plan, args.cluster, announce)
        return result, cluster_lines(result)
    result |= bench_indexing(settings, bench_dir, plan, announce)
    return result, report.index_lines(result)


def _bench_model(ctx: Context, args: argparse.Namespace, bench_dir: Path) -> ClipModel:
    """--model, else the random-weight benchmark model of --arch (built once)."""
    from gallery.bench.vit import ensure_bench_model
    from gallery.ml.encoder import ClipModel

    if args.model:
        return ctx.model(args)
    folder = ensure_bench_model(args.arch, bench_dir / "models")
    return ClipModel.from_path(folder, device=args.device or "auto", threads=args.threads)


def cmd_bench(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.bench import report

    bench_dir = Path(args.bench_dir).expanduser() if args.bench_dir else ctx.paths.cache / "bench"

    def announce(step: str) -> None:
        print(f"bench: {step}...", file=sys.stderr, flush=True)

    if args.cut:  # builds its own libraries with planted matches, so no model to resolve
        from gallery.bench.cut import bench_cut

        result = bench_cut(bench_dir / "cut", announce)
        lines = report.cut_lines(result)
    elif args.models:  # random-weight twins of each family, no installed model needed
        from gallery.bench.families import bench_families, family_lines

        result = bench_families(bench_dir / "families", announce, threads=args.threads)
        lines = family_lines(result)
    elif args.duplicates:  # builds its own libraries of near and exact copies
        from gallery.bench.duplicates import bench_duplicates, duplicate_lines

        result = bench_duplicates(bench_dir / "duplicates", args.sizes, announce)
        lines = duplicate_lines(result)
    elif args.text:  # its own photos with known text and libraries of text rows
        from gallery.bench.text import bench_text, text_lines

        result = bench_text(
            bench_dir,
            args.sizes,
            announce,
            _bench_model(ctx, args, bench_dir),
            threads=args.threads,
            query_count=args.queries,
        )
        lines = text_lines(result)
    elif args.timeline:  # builds its own libraries with dates spread over years
        from gallery.bench.timeline import bench_timeline, timeline_lines

        result = bench_timeline(bench_dir / "timeline", args.sizes, announce)
        lines = timeline_lines(result)
    else:
        result, lines = _bench_speed(ctx, args, bench_dir, announce)
    if args.json:
        print_json(result)
    else:
        print("\n".join(lines))
    return 0


def cmd_gui(ctx: Context, args: argparse.Namespace) -> int:
    from gallery.ui.app import run_app

    return run_app(ctx.paths)
