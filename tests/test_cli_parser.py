"""The parser built from the command table: every command reaches a handler, and the
arguments scripts use parse as before."""

from __future__ import annotations

import pytest

from gallery.cli import commands, main, models
from gallery.cli.parser import COMMANDS, Command, Handler, build_parser

Leaf = tuple[tuple[str, ...], Handler]


def _leaves(table: tuple[Command, ...], prefix: tuple[str, ...] = ()) -> list[Leaf]:
    found: list[Leaf] = []
    for command in table:
        path = (*prefix, command.name)
        if command.actions:
            assert command.handler is None, f"{path} has actions, so no handler of its own"
            found += _leaves(command.actions, path)
        else:
            assert command.handler is not None, f"{path} has no handler"
            found.append((path, command.handler))
    return found


REQUIRED = {
    ("models", "download"): (),
    ("models", "import"): ("DIR",),
    ("models", "remove"): ("NAME",),
    ("index",): ("PATH",),
    ("watch",): ("PATH",),
    ("similar",): ("file",),
    ("vectors", "export"): ("OUT.parquet",),
    ("vectors", "import"): ("FILE.parquet",),
    ("text",): ("PHOTO",),
}


def test_every_command_reaches_its_handler() -> None:
    parser = build_parser()
    leaves = _leaves(COMMANDS)
    assert {("models", "list"), ("bench",)} <= {path for path, _ in leaves}
    for path, handler in leaves:
        assert parser.parse_args([*path, *REQUIRED.get(path, ())]).func is handler


def test_no_command_opens_the_app_and_an_action_is_required() -> None:
    parser = build_parser()
    assert not hasattr(parser.parse_args([]), "func")
    with pytest.raises(SystemExit) as raised:
        parser.parse_args(["models"])
    assert raised.value.code == 2


def test_options_and_defaults() -> None:
    parser = build_parser()
    index = parser.parse_args(["index", "a", "b", "--batch-size", "4", "--wait", "1.5"])
    assert (index.paths, index.batch_size, index.wait, index.json) == (["a", "b"], 4, 1.5, False)
    assert index.func is commands.cmd_index and index.no_text is False
    assert parser.parse_args(["index", "a", "--no-text"]).no_text is True
    text = parser.parse_args(["text", "IMG_1.jpg", "--json"])
    assert (text.photo, text.json, text.func) == ("IMG_1.jpg", True, commands.cmd_text)
    search = parser.parse_args(["search", "red car"])
    assert (search.query, search.n, search.model, search.device) == ("red car", None, None, None)
    assert (search.image, search.folder, search.type, search.sort) == ([], [], [], "relevance")
    assert (search.after, search.before, search.orientation, search.min_size) == (None,) * 4
    assert search.best is False
    bench = parser.parse_args(["bench", "--batches", "1,4", "--sizes", "10"])
    assert (bench.batches, bench.sizes, bench.arch, bench.photos) == ((1, 4), (10,), "b32", 200)
    remove = parser.parse_args(["models", "remove", "old", "--index"])
    assert (remove.name, remove.index, remove.func) == ("old", True, models.cmd_models_remove)


def test_search_and_similar_share_the_filters() -> None:
    """Repeatable options collect in order; `similar` takes the filters, --sort and --best."""
    parser = build_parser()
    argv = ["--folder", "a", "--folder", "b", "--type", "png", "--type", "heif"]
    argv += ["--after", "2024-01-01", "--before", "2024-12-31", "--orientation", "square"]
    argv += ["--min-size", "800", "--sort", "date-asc", "--best", "-n", "5", "--json"]
    search = parser.parse_args(["search", "sea", "--image", "x.jpg", "--image", "y.png", *argv])
    similar = parser.parse_args(["similar", "x.jpg", *argv])
    for args in (search, similar):
        assert (args.folder, args.type) == (["a", "b"], ["png", "heif"])
        assert (args.after, args.before) == ("2024-01-01", "2024-12-31")  # checked by the core
        assert (args.orientation, args.min_size, args.sort) == ("square", 800, "date-asc")
        assert (args.best, args.n, args.json) == (True, 5, True)
    assert search.image == ["x.jpg", "y.png"] and search.func is commands.cmd_search
    assert similar.file == "x.jpg" and similar.func is commands.cmd_similar
    assert parser.parse_args(["search", "--type", "jpeg"]).query == ""  # browse by filters
    assert parser.parse_args(["bench", "--cut"]).cut is True


@pytest.mark.parametrize(
    "argv",
    [
        ["doctor", "--check", "--repair"],
        ["bench", "--model", "m", "--arch", "l14"],
        ["index", "p", "--batch-size", "0"],
        ["bench", "--sizes", "10,x"],
        ["search", "x", "--device", "quantum"],
        ["search", "x", "--type", "raw"],
        ["search", "x", "--orientation", "round"],
        ["search", "x", "--sort", "size"],
        ["search", "x", "--min-size", "0"],
        ["search", "x", "-n", "0"],
        ["similar", "a.jpg", "--type", "svg"],
        ["bench", "--search", "--cut"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_help_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    assert all(command.name in text for command in COMMANDS)
