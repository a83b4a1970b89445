"""The core's sentences are `say(...)` Texts: the English `str` the CLI and the log print, plus
the template and values the app translates (lupdate extracts every `say("...")` template).

The source check reads gallery/library, gallery/ml and gallery/imaging: every user error (a
`UserError` subclass: its message and hint), every Check Library `Problem` (what and fix) and
every writer-lock task must be a sentence, and every `say()` call must be one lupdate can read.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import importlib
import pickle
import pkgutil
import re
import string
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

import gallery.errors
import gallery.imaging
import gallery.library
import gallery.ml
from gallery.errors import UserError
from gallery.library import doctor, faults
from gallery.ml.providers import CPU, CUDA, DeviceReport
from gallery.text import Text, say
from tests.conftest import REPO

CORE = ("gallery/imaging", "gallery/ml", "gallery/library")


# --- Text: the English str, with its template and values ----------------------------------------
def test_a_text_is_its_english_string() -> None:
    text = say("The folder {root} does not exist.", root=Path("/photos"))
    assert isinstance(text, str)
    assert text == "The folder /photos does not exist."
    assert "does not exist" in text and text.startswith("The folder /photos")
    assert f"{text:>40}" == f"{'The folder /photos does not exist.':>40}"
    assert f"[{text}]" == "[The folder /photos does not exist.]"
    assert hash(text) == hash("The folder /photos does not exist.")  # a dict key as the str
    assert text.template == "The folder {root} does not exist."
    assert text.values == {"root": Path("/photos")}


def test_format_specs_and_conversions_fill_in_as_str_format_does() -> None:
    assert say("{count:,} photos", count=1234567) == "1,234,567 photos"
    assert say("{size:.1f} MB", size=2.25) == f"{2.25:.1f} MB"
    assert say("No model named {name!r}.", name="clip") == "No model named 'clip'."
    assert say("{hours} h {minutes:02d} min", hours=2, minutes=5) == "2 h 05 min"
    assert say("CPU") == "CPU" and say("CPU").values == {}


def test_nested_texts_keep_their_own_templates() -> None:
    doing = say("write the library database")
    error = faults.disk_full(Path("/data"), doing)
    assert isinstance(error.message, Text) and isinstance(error.hint, Text)
    assert error.message == "The disk holding /data is full: could not write the library database."
    assert error.message.template == "The disk holding {folder} is full: could not {doing}."
    assert error.message.values["doing"] is doing
    assert error.hint.values["kept"] is faults.KEPT
    assert str(error) == f"{error.message} {error.hint}"


def test_a_text_survives_copies_pickles_and_asdict() -> None:
    text = say("{count} {what}", count=3, what=say("vectors belong to no file"))
    for copied in (copy.copy(text), copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert isinstance(copied, Text) and copied == text
        assert copied.template == text.template
        assert isinstance(copied.values["what"], Text)
    problem = doctor.Problem(say("{count} files belong to no folder", count=2), doctor.REBUILD)
    as_dict = dataclasses.asdict(doctor.Report(problems=[problem]))
    assert as_dict["problems"][0]["what"].template == "{count} files belong to no folder"


def test_the_device_summary_is_a_text_with_its_reason_inside() -> None:
    report = DeviceReport("1.0", [CPU, CUDA], [CUDA, CPU], [CPU], unavailable=CUDA)
    report.fallback_reason = say(
        "no NVIDIA driver found ({library} cannot be loaded)", library="libcuda.so.1"
    )
    summary = report.summary()
    assert summary == (
        "CPU — CUDA unavailable: no NVIDIA driver found (libcuda.so.1 cannot be loaded)"
    )
    assert summary.template == "CPU — {provider} unavailable: {reason}"
    assert summary.values["reason"] is report.fallback_reason
    assert report.as_dict()["summary"] == summary


# --- the source check --------------------------------------------------------------------------
_TEXT_TYPE = re.compile(r"Text( \| None)?|Callable\[.*, Text\]")
_MESSAGE_FIELDS = ("message", "hint")  # UserError(message, hint, remedies)
_PROBLEM_FIELDS = ("what", "fix")  # Problem(what, fix, repairable)
_TASK_CALLS = frozenset({"acquire", "try_acquire", "writing"})  # the writer lock's task


@functools.cache
def _user_error_names() -> frozenset[str]:
    """Every UserError subclass defined in gallery.errors or a core module."""
    modules = [gallery.errors]
    for package in (gallery.imaging, gallery.library, gallery.ml):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    return frozenset(
        value.__name__
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, UserError)
    )


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _is_say(node: ast.expr) -> bool:
    if isinstance(node, ast.IfExp):
        return _is_say(node.body) and _is_say(node.orelse)
    return isinstance(node, ast.Call) and _callee(node) == "say"


@dataclasses.dataclass
class Declared:
    """Names the core declares to hold a Text; mypy (strict) holds them to that type."""

    constants: set[str] = dataclasses.field(default_factory=set)  # NAME = say(...) at top level
    fields: set[str] = dataclasses.field(default_factory=set)  # class fields typed Text
    functions: set[str] = dataclasses.field(default_factory=set)  # functions returning Text

    @classmethod
    def read(cls, trees: Iterable[ast.Module]) -> Declared:
        declared = cls()
        for tree in trees:
            for statement in tree.body:
                if (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and _is_say(statement.value)
                ):
                    declared.constants.add(statement.targets[0].id)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                    and node.returns
                    and _TEXT_TYPE.fullmatch(ast.unparse(node.returns))
                ):
                    declared.functions.add(node.name)
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if (
                            isinstance(item, ast.AnnAssign)
                            and isinstance(item.target, ast.Name)
                            and _TEXT_TYPE.fullmatch(ast.unparse(item.annotation))
                        ):
                            declared.fields.add(item.target.id)
        return declared


Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


class SentenceCheck(ast.NodeVisitor):
    """Where a sentence is due, accept only:

    - `say("literal template", name=value, ...)`, or a conditional choosing between such;
    - a Name bound in its function only to accepted expressions (`message = say(...)`), or a
      parameter annotated `Text`; a name not bound in its function must be a core constant
      assigned `say(...)` at module level (`KEPT = say(...)`, also reached as `faults.KEPT`);
    - an Attribute naming such a constant or a class field annotated `Text`
      (`Problem.what`, `DamagedModel.problem`);
    - a Call of a core function or method whose return annotation is `Text` (a helper that
      builds the sentence), or of a field annotated `Callable[..., Text]`.

    Anything else fails: a plain or f-string literal, `+` or `%`, `"...".format()`, `str(...)`,
    `", ".join(...)`, or a name that may hold a plain str. Writer-lock tasks may also be a
    parameter passed on (the caller's call is checked in turn). Every `say()` call must have a
    literal template (adjacent literals are fine: lupdate joins them), named placeholders only,
    and exactly the keywords its placeholders name.
    """

    def __init__(self, declared: Declared, error_names: frozenset[str], where: str) -> None:
        self.declared = declared
        self.error_names = error_names
        self.where = where
        self.scopes: list[Scope] = []
        self.failures: list[str] = []
        self.checked: Counter[str] = Counter()
        self.templates: set[str] = set()

    # walking ------------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._in_scope(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._in_scope(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._in_scope(node)

    def _in_scope(self, node: Scope) -> None:
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = _callee(node)
        if name == "say":
            self._check_say(node)
        elif name in self.error_names:
            self._check_fields(node, name, _MESSAGE_FIELDS)
        elif name == "Problem":
            self._check_fields(node, name, _PROBLEM_FIELDS)
        elif name in _TASK_CALLS and node.args:
            self.checked["task"] += 1
            if not self._is_sentence(node.args[0], pass_on=True):
                self._fail(node.args[0], f"the task of {name}() is not a say() sentence")
        self.generic_visit(node)

    # the rules ----------------------------------------------------------------------------------
    def _check_fields(self, call: ast.Call, name: str, fields: tuple[str, ...]) -> None:
        self.checked[name if name == "Problem" else "error"] += 1
        if any(isinstance(arg, ast.Starred) for arg in call.args) or any(
            keyword.arg is None for keyword in call.keywords
        ):
            self._fail(call, f"{name}() takes its texts as plain arguments, not */**")
            return
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        for index, field in enumerate(fields):
            arg = call.args[index] if index < len(call.args) else keywords.get(field)
            if arg is not None and not self._is_sentence(arg):
                self._fail(arg, f"the {field} of {name}() is not a say() sentence")

    def _check_say(self, call: ast.Call) -> None:
        self.checked["say"] += 1
        if len(call.args) != 1:
            self._fail(call, "say() takes its template as its only positional argument")
            return
        template = call.args[0]
        if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
            self._fail(call, "say() needs a literal template (lupdate reads only literals)")
            return
        self.templates.add(template.value)
        try:
            placeholders = {
                field for _, field, _, _ in string.Formatter().parse(template.value) if field
            }
            positional = any(
                field == "" for _, field, _, _ in string.Formatter().parse(template.value)
            )
        except ValueError as exc:
            self._fail(call, f"say() template does not parse: {exc}")
            return
        if positional or not all(field.isidentifier() for field in placeholders):
            self._fail(call, f"say() placeholders must be plain names: {template.value!r}")
        keywords = {keyword.arg or "**" for keyword in call.keywords}
        if keywords != placeholders:
            self._fail(call, f"say() values {sorted(keywords)} for {template.value!r}")

    def _is_sentence(self, node: ast.expr, *, pass_on: bool = False, depth: int = 0) -> bool:
        if depth > 5:
            return False
        if isinstance(node, ast.IfExp):
            return self._is_sentence(node.body, depth=depth + 1) and self._is_sentence(
                node.orelse, depth=depth + 1
            )
        if isinstance(node, ast.Call):
            name = _callee(node)
            return name == "say" or name in self.declared.functions | self.declared.fields
        if isinstance(node, ast.Attribute):
            return node.attr in self.declared.constants | self.declared.fields
        if isinstance(node, ast.Name):
            return self._name_is_sentence(node.id, pass_on=pass_on, depth=depth)
        return False

    def _name_is_sentence(self, name: str, *, pass_on: bool, depth: int) -> bool:
        for scope in reversed(self.scopes):
            arguments = scope.args
            params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            for param in params:
                if param.arg == name:
                    annotation = param.annotation
                    typed = annotation is not None and bool(
                        _TEXT_TYPE.fullmatch(ast.unparse(annotation))
                    )
                    return typed or pass_on
            values = [
                node.value
                for node in ast.walk(scope)
                if isinstance(node, ast.Assign | ast.AnnAssign)
                and node.value is not None
                and any(
                    isinstance(target, ast.Name) and target.id == name
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                )
            ]
            if values:
                return all(self._is_sentence(value, depth=depth + 1) for value in values)
        return name in self.declared.constants

    def _fail(self, node: ast.AST, why: str) -> None:
        self.failures.append(f"{self.where}:{getattr(node, 'lineno', '?')}: {why}")


def _core_sources() -> dict[str, str]:
    return {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for folder in CORE
        for path in sorted((REPO / folder).rglob("*.py"))
    }


def _check(sources: dict[str, str]) -> list[SentenceCheck]:
    """Check each file, with the Text constants, fields and functions of all of them."""
    trees = {where: ast.parse(source) for where, source in sources.items()}
    declared = Declared.read(trees.values())
    checks = []
    for where, tree in trees.items():
        check = SentenceCheck(declared, _user_error_names(), where)
        check.visit(tree)
        checks.append(check)
    return checks


def test_every_core_message_is_a_say_sentence() -> None:
    checks = _check(_core_sources())
    failures = [failure for check in checks for failure in check.failures]
    assert not failures, "\n".join(failures)
    checked: Counter[str] = Counter()
    for check in checks:
        checked.update(check.checked)
    # The scan really finds the raise sites (a renamed class must not make it pass vacuously).
    assert checked["error"] >= 60 and checked["Problem"] >= 6, checked
    assert checked["task"] >= 5 and checked["say"] >= 190, checked


def test_the_error_classes_are_the_user_errors() -> None:
    names = _user_error_names()
    assert {"UserError", "ModelError", "ModelNotFoundError", "ProviderError"} <= names
    assert {"LibraryError", "LibraryBusy", "DownloadError", "OfflineError"} <= names
    assert {"RemoteNotFoundError", "HashMismatchError", "DiskFullError"} <= names
    assert "UnsupportedImageError" not in names and "Cancelled" not in names


_CONTEXT = """
from gallery.errors import UserError
from gallery.text import Text, say

KEPT = say("everything indexed so far is kept")


def helper(name: str) -> Text:
    return say("The model {name} is damaged.", name=name)


def passes(name: str, doing: Text, exc: Exception) -> None:
    message = say("Could not {doing}.", doing=doing) if name else say("Nothing to do.")
    raise UserError(message, KEPT)
    raise UserError(helper(name), hint=say("Try again; {kept}.", kept=KEPT))
    raise UserError(say("Could not {doing}: {error}.", doing=doing, error=str(exc)), doing)
"""


@pytest.mark.parametrize(
    "line",
    [
        'raise UserError("The model is damaged.")',
        'raise UserError(say("The model is damaged."), "Download it again.")',
        'raise UserError(f"The model {name} is damaged.")',
        'raise UserError(say(f"The model {name} is damaged."))',
        'raise UserError("The model " + name)',
        'raise UserError("The model {} is damaged.".format(name))',
        'raise UserError(say("The model {} is damaged.", name))',
        'raise UserError(say("The model {0} is damaged.", name))',
        'raise UserError(say("The model {0} is damaged.", name=name))',
        'raise DiskFullError(f"The disk holding {name} is full.", say("Free some space."))',
        'raise LibraryBusy(say("Busy."), "Wait for it to finish and try again.")',
        'raise UserError(say("The model {name} is damaged."))',
        'raise UserError(say("The model is damaged.", name=name))',
        "raise UserError(say(template))",
        "raise UserError(str(exc))",
        'raise UserError(", ".join([name]))',
        "raise UserError(name)",
        'raise UserError(say("The model is damaged."), hint=name)',
        'raise UserError(say("Damaged.") if name else "Damaged.")',
        'text = "plain"\n    raise UserError(text)',
        'raise UserError(*[say("Damaged.")])',
        'problems.append(Problem(say("Damaged."), "a repair deletes them"))',
        'lock.acquire("indexing this library")',
    ],
)
def test_the_check_refuses_plain_text(line: str) -> None:
    source = f"{_CONTEXT}\n\ndef fails(name: str, exc: Exception) -> None:\n    {line}\n"
    checks = _check({"example.py": source})
    assert checks[0].failures, line
    context_lines = _CONTEXT.count("\n")  # the context passes: only the new line fails
    assert all(int(failure.split(":")[1]) > context_lines for failure in checks[0].failures)


def test_the_check_accepts_sentences() -> None:
    checks = _check({"example.py": _CONTEXT})
    assert not checks[0].failures, checks[0].failures
    assert checks[0].checked["error"] == 3


# --- lupdate finds them ------------------------------------------------------------------------
def test_lupdate_extracts_every_template(tmp_path: Path) -> None:
    """The same lupdate run as `make lupdate` (gallery.ui.translations) finds every template."""
    from gallery.ui import translations

    ts = tmp_path / "core.ts"
    translations.update_one(ts, "zh_CN", plurals_only=False)
    sources = {source.text or "" for source in ElementTree.parse(ts).getroot().iter("source")}
    templates = set().union(*(check.templates for check in _check(_core_sources())))
    assert templates - sources == set()
