"""The command line as data: each command with its help and arguments in one table, turned
into an argparse parser by one small builder."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gallery import __version__
from gallery.cli import commands, duplicates, models, vectors, watch
from gallery.cli.context import Context
from gallery.library.filters import ORIENTATIONS, PHOTO_TYPES, SORTS
from gallery.ml.providers import DEVICE_CHOICES

Handler = Callable[[Context, argparse.Namespace], int]
Target = argparse.ArgumentParser | argparse._MutuallyExclusiveGroup  # where arguments go


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


@dataclass(frozen=True)
class Arg:
    """One argument: `flags` is a positional's name or an option's flags ("-v --verbose")."""

    flags: str
    help: str | None = None
    type: Callable[[str], object] = str
    default: object = None
    choices: Sequence[str] | None = None
    nargs: str | None = None
    metavar: str | None = None
    switch: bool = False  # an on/off option (store_true)
    repeat: bool = False  # may be given several times: a list of the values ([] if none)
    exclusive: str | None = None  # arguments with the same name here exclude each other


def _counts(flag: str, default: tuple[int, ...], help: str) -> Arg:
    """An option that takes positive counts separated by commas."""
    return Arg(flag, help, type=_sizes, default=default, metavar="N,N,...")


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Handler | None = None
    args: tuple[Arg, ...] = ()
    description: str | None = None
    actions: tuple[Command, ...] = ()  # subcommands, required when there are any


def _wait(whom: str) -> Arg:
    return Arg(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"wait up to this long for {whom} writing the library (default: stop at once)",
    )


_JSON = Arg("--json", switch=True)
_MODEL = Arg("--model", help="model name (default: the configured or only one)")
_DEVICE = Arg("--device", choices=DEVICE_CHOICES, help="execution device")
_RESULTS = Arg(
    "-n", type=_positive, help="number of results (default: 20; with --best: every best match)"
)
_PATH_MAP = Arg(
    "--path-map",
    repeat=True,
    metavar="A=B",
    help="a path under folder A (in the file) is under folder B here (repeatable)",
)
_BEST = Arg("--best", switch=True, help="only the best matches")

# What `search` and `similar` both take: which photos may be found, and in what order. Dates
# stay strings here: the core's parse_date gives the message that names the format.
_FILTERS: tuple[Arg, ...] = (
    Arg(
        "--folder",
        repeat=True,
        metavar="DIR",
        help="only photos under this folder (repeat for several)",
    ),
    Arg("--after", metavar="YYYY-MM-DD", help="taken on or after this day"),
    Arg("--before", metavar="YYYY-MM-DD", help="taken on or before this day"),
    Arg("--type", choices=PHOTO_TYPES, repeat=True, help="file type (repeat for several)"),
    Arg("--orientation", choices=ORIENTATIONS),
    Arg(
        "--min-size",
        type=_positive,
        metavar="PIXELS",
        help="the shorter side is at least this many pixels",
    ),
    Arg(
        "--sort",
        choices=SORTS,
        default="relevance",
        help="relevance (default; newest first without a query), date (newest first), "
        "date-asc or name; the best matches stay first",
    ),
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "models",
        "list, download, import and remove models",
        actions=(
            Command("list", "catalog and installed models", models.cmd_models_list, (_JSON,)),
            Command(
                "download",
                "download a catalog model, or any repo in a supported layout (honours HF_ENDPOINT)",
                models.cmd_models_download,
                (
                    Arg(
                        "model",
                        nargs="?",
                        metavar="NAME",
                        help="a model from 'gallery models list'",
                    ),
                    Arg("--repo", metavar="OWNER/NAME", help="a Hugging Face repository instead"),
                    Arg("--revision", help="branch, tag or commit of --repo (default: main)"),
                    Arg("--precision", help="fp32 (default), fp16 or quantized where published"),
                    Arg("--name", help="install under this name"),
                ),
            ),
            Command(
                "import",
                "install a local model folder (Immich or HF layout)",
                models.cmd_models_import,
                (Arg("dir"), Arg("--name")),
            ),
            Command(
                "remove",
                "delete an installed model",
                models.cmd_models_remove,
                (
                    Arg("name"),
                    Arg("--index", switch=True, help="also delete its index from the library"),
                ),
            ),
        ),
    ),
    Command(
        "index",
        "index photo folders",
        commands.cmd_index,
        (
            Arg("paths", nargs="+", metavar="PATH"),
            _MODEL,
            _DEVICE,
            Arg("--batch-size", type=_positive),
            Arg("--threads", type=_positive, help="decode threads (default: all cores)"),
            Arg(
                "--no-text",
                switch=True,
                help="skip the text pass (reading the text in photos, after the embedding pass)",
            ),
            _wait("another indexer"),
            Arg(
                "--cluster",
                metavar="ADDRESS",
                help="decode and encode on a Ray cluster: ray://HOST:PORT, the address 'ray "
                "start' printed, or 'local'; this process stays the only writer (the cluster "
                "extra)",
            ),
            Arg(
                "--path-map",
                repeat=True,
                metavar="LOCAL=REMOTE",
                help="with --cluster: the workers find the photos under folder LOCAL here at "
                "REMOTE (repeatable); workers that do not see the photos are sent their bytes",
            ),
            _JSON,
        ),
    ),
    Command(
        "search",
        "find photos by text, by image, or by filters alone",
        commands.cmd_search,
        (
            Arg(
                "query",
                nargs="?",
                default="",
                metavar="QUERY",
                help='terms joined by " + " and " - ", with optional weights ("2:dog") and '
                "quotes; a path is an image term (none: browse by filters)",
            ),
            Arg("--image", repeat=True, metavar="FILE", help="add an image term (repeatable)"),
            *_FILTERS,
            _BEST,
            _RESULTS,
            _MODEL,
            _DEVICE,
            _JSON,
        ),
        description="QUERY is in the query language, e.g. 'beach + sunset - people' or "
        "'\"2:golden retriever\" + ./pool.jpg'. The best matches come first (a cut that "
        "adapts to the query and the model), then the rest. Filters combine with any query, "
        "or browse without one.",
    ),
    Command(
        "similar",
        "find photos like one photo (of the library or any image file)",
        commands.cmd_similar,
        (
            Arg("file"),
            *_FILTERS,
            _BEST,
            _RESULTS,
            _MODEL,
            _DEVICE,
            _JSON,
        ),
    ),
    Command(
        "watch",
        "keep folders indexed: index new, changed and renamed photos as they arrive",
        watch.cmd_watch,
        (
            Arg("paths", nargs="+", metavar="PATH"),
            _MODEL,
            _DEVICE,
            _JSON,
        ),
        description="Indexes the folders, then watches them until Ctrl+C or SIGTERM (which "
        "finish the batch in flight and exit 0). Photos copied in are indexed within seconds, "
        "deleted ones leave the library; what it did goes to the log and to stdout.",
    ),
    Command(
        "duplicates",
        "list groups of duplicate photos, the copy to keep first (deletes nothing)",
        duplicates.cmd_duplicates,
        (
            Arg("paths", nargs="*", metavar="PATH", help="only photos under these folders"),
            Arg(
                "--threshold",
                type=float,
                metavar="T",
                help="how alike two photos must be to be grouped, 0-1 (default: the measured one)",
            ),
            _MODEL,
            _JSON,
        ),
    ),
    Command(
        "vectors",
        "export and import a library's vectors as Parquet files (the cluster extra)",
        actions=(
            Command(
                "export",
                "write every vector of a model with its photo's path, size and mtime",
                vectors.cmd_vectors_export,
                (_MODEL, Arg("out", metavar="OUT.parquet"), _JSON),
            ),
            Command(
                "import",
                "add the photos of a vectors file that are here unchanged, without decoding them",
                vectors.cmd_vectors_import,
                (
                    Arg("file", metavar="FILE.parquet"),
                    _PATH_MAP,
                    _wait("another indexer"),
                    _JSON,
                ),
            ),
        ),
    ),
    Command(
        "text",
        "print the text read in a photo of the library",
        commands.cmd_text,
        (Arg("photo", metavar="PHOTO"), _JSON),
        description="The lines the text pass recognised in PHOTO, top to bottom; with --json "
        "each line's box (corners as fractions of the width and height) and confidence.",
    ),
    Command(
        "status",
        "indexed, failed and pending counts per model",
        commands.cmd_status,
        (
            Arg("--model"),
            _JSON,
        ),
    ),
    Command(
        "doctor",
        "versions, paths, providers and the device report",
        commands.cmd_doctor,
        (
            _MODEL,
            _DEVICE,
            Arg(
                "--check",
                switch=True,
                exclusive="check",
                help="check the library instead: SQLite integrity, orphans, vector indexes (exit 1 "
                "when something is wrong)",
            ),
            Arg(
                "--repair",
                switch=True,
                exclusive="check",
                help="fix what --check finds (rebuild vector indexes, drop orphans)",
            ),
            _wait("an indexer (with --repair)"),
            _JSON,
        ),
    ),
    Command(
        "bench",
        "measure indexing (or search) speed on this machine",
        commands.cmd_bench,
        description="Index photos with the real pipeline in a throw-away library and report "
        "img/s, each stage's share, the machine's bound (cores / (model + decode core-seconds "
        "per image)), the efficiency against it, a naive baseline and the model's img/s by "
        "batch size. --search instead times text queries against 10k/100k/1M stored vectors; "
        "--cut measures the precision and recall of the best-match cut where the truth is known; "
        "--models times each model family's towers on the CPU; --text measures the text pass. "
        "Your library is never touched; photos, models and search libraries are cached in "
        "the bench folder.",
        args=(
            Arg(
                "path",
                nargs="?",
                metavar="PATH",
                help="photos to index (default: generated 12 MP JPEGs)",
            ),
            Arg("--photos", type=_positive, default=200, help="generated photos (default: 200)"),
            Arg(
                "--model",
                exclusive="model",
                help="an installed model instead of a benchmark model",
            ),
            Arg(
                "--arch",
                choices=("b32", "l14"),
                default="b32",
                exclusive="model",
                help="benchmark model with random weights and the real architecture: ViT-B/32 "
                "(default) or ViT-L/14; built once into the bench folder",
            ),
            Arg("--device", choices=DEVICE_CHOICES, help="execution device (default: auto)"),
            Arg("--batch-size", type=_positive, help="default: the model-aware size"),
            Arg(
                "--threads",
                type=_positive,
                help="inference and decode threads (default: by core count)",
            ),
            _counts(
                "--batches",
                (1, 2, 4, 8, 16),
                "batch sizes of the model-alone curve (default: 1,2,4,8,16)",
            ),
            Arg(
                "--seconds",
                type=float,
                default=2.0,
                help="length of each model-alone measurement (default: 2)",
            ),
            Arg("--search", switch=True, exclusive="kind", help="benchmark text search instead"),
            Arg(
                "--cluster",
                metavar="ADDRESS",
                exclusive="kind",
                help="index the photos on this Ray cluster ('local': this machine) and locally: "
                "img/s of each, the desktop's commit rate and the bytes per photo instead",
            ),
            Arg(
                "--cut",
                switch=True,
                exclusive="kind",
                help="measure the best-match cut on libraries with planted matches instead",
            ),
            Arg(
                "--models",
                switch=True,
                exclusive="kind",
                help="time one photo and one query of each model family (random-weight twins "
                "of the real architectures, built once into the bench folder) instead",
            ),
            Arg(
                "--duplicates",
                switch=True,
                exclusive="kind",
                help="time finding duplicates in libraries of --sizes photos (default 100000,"
                "1000000) instead",
            ),
            Arg(
                "--timeline",
                switch=True,
                exclusive="kind",
                help="time opening a library of --sizes photos to a painted timeline instead",
            ),
            Arg(
                "--text",
                switch=True,
                exclusive="kind",
                help="measure the text pass (photos/s, core-seconds per 12 MP photo, its effect on "
                "embedding), text search over --sizes photos of text, and its word recall and "
                "precision on photos with known text instead",
            ),
            Arg(
                "--queries",
                type=_positive,
                default=300,
                help="timed queries per size (default: 300)",
            ),
            _counts(
                "--sizes",
                (10_000, 100_000, 1_000_000),
                "stored vectors for --search (default: 10000,100000,1000000)",
            ),
            Arg(
                "--vectors",
                choices=("clustered", "uniform"),
                default="clustered",
                help="--search data: clustered like photo embeddings (default) or uniform "
                "random (the worst case for recall)",
            ),
            Arg("--bench-dir", metavar="DIR", help="cache folder (default: <cache>/bench)"),
            _JSON,
        ),
    ),
)


def _add_argument(parser: argparse.ArgumentParser, arg: Arg, groups: dict[str, Target]) -> None:
    target: Target = parser
    if arg.exclusive is not None:
        if arg.exclusive not in groups:
            groups[arg.exclusive] = parser.add_mutually_exclusive_group()
        target = groups[arg.exclusive]
    flags = arg.flags.split()
    if arg.switch:
        target.add_argument(*flags, action="store_true", help=arg.help)
        return
    target.add_argument(
        *flags,
        action="append" if arg.repeat else "store",
        type=arg.type,
        default=[] if arg.repeat else arg.default,
        choices=arg.choices,
        nargs=arg.nargs,
        metavar=arg.metavar,
        help=arg.help,
    )


def _add_commands(
    parent: argparse.ArgumentParser, table: Sequence[Command], owner: str | None = None
) -> None:
    """A command is optional (`gallery` alone opens the app); a command's action is not."""
    sub = parent.add_subparsers(
        dest="command" if owner is None else f"{owner}_command",
        metavar="COMMAND" if owner is None else "ACTION",
        required=owner is not None,
    )
    for command in table:
        parser = sub.add_parser(command.name, help=command.help, description=command.description)
        groups: dict[str, Target] = {}
        for arg in command.args:
            _add_argument(parser, arg, groups)
        if command.actions:
            _add_commands(parser, command.actions, command.name)
        if command.handler is not None:
            parser.set_defaults(func=command.handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gallery",
        description="Lumen Gallery: find photos by what is in them. "
        "Run without arguments to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"Lumen Gallery {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log INFO to the console")
    _add_commands(parser, COMMANDS)
    return parser
