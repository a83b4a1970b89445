"""Fetch model files over the Hugging Face file protocol: resumable, verified, cancellable.

huggingface_hub supplies the protocol: file URLs (`hf_hub_url`, honouring HF_ENDPOINT for
mirrors), the HEAD that resolves a revision to its commit and gives each file's size and LFS
SHA-256 (`get_hf_file_metadata`), the tree listing, typed HTTP errors, the token, and its shared
HTTP client (which takes proxies from the environment). The streaming is ours, because
`hf_hub_download` writes into its own cache, reports only to tqdm, cannot be cancelled and
checks sizes only: each file streams into `<dest>/<path>.part`, is hashed as it arrives,
resumes with a Range request after a dropped connection (bounded retries with backoff), and
gets its final name only when its size and SHA-256 match.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import httpx2
from huggingface_hub import (
    get_hf_file_metadata,
    get_session,
    get_token,
    hf_hub_url,
    hf_raise_for_status,
)
from huggingface_hub.errors import (
    FileMetadataError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from gallery import formatting
from gallery.errors import Action, Cancelled, ModelError, Remedy
from gallery.ml.catalog import ModelFile
from gallery.ml.model_files import sha256_file
from gallery.text import say

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
_TIMEOUT = httpx2.Timeout(30.0, connect=10.0)
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}
_MAX_WAIT = 30.0
_REPORT_EVERY = 0.1  # seconds between progress callbacks
_SPEED_WINDOW = 5.0  # seconds of history behind the speed figure
_STATE_NAME = ".download.json"
_EXAMPLE_REPO = "Xenova/clip-vit-base-patch32"
#: The hint when the hub's files differ from the pins: nothing was downloaded.
_CHANGED_UPSTREAM = say(
    "The repository changed or the mirror serves other files; nothing was "
    "downloaded. Update Lumen Gallery or use another HF_ENDPOINT."
)


@dataclass(frozen=True)
class ModelDownloadProgress:
    """Bytes over all files of one model; speed in bytes/s over the last few seconds."""

    bytes_done: int
    bytes_total: int | None
    speed: float
    eta: float | None
    current_file: str  # the file arriving; while waiting, the sentence saying for what
    #: "wait": another process is downloading the same model; this one takes over when it ends.
    stage: Literal["download", "install", "wait"] = "download"


ProgressCallback = Callable[[ModelDownloadProgress], None]


class DownloadError(ModelError):
    """A model download that failed; nothing was installed."""


class OfflineError(DownloadError):
    """The endpoint cannot be reached (no network, DNS, proxy, or the server is down)."""


class RemoteNotFoundError(DownloadError):
    """The repository, revision or file does not exist on the endpoint (HTTP 404)."""


class HashMismatchError(DownloadError):
    """A file's bytes differ from its pinned (or the hub's) SHA-256 or size."""


class DiskFullError(DownloadError):
    """Not enough free space for the files."""


@dataclass(frozen=True)
class RemoteEntry:
    """A file of a repository as the tree listing describes it."""

    path: str
    size: int
    sha256: str | None


def hub_endpoint(endpoint: str | None = None) -> str:
    """The explicit endpoint, else HF_ENDPOINT (read now, not at import), else the hub."""
    return (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("The download was cancelled.")


def _wait(delay: float, cancel: threading.Event | None) -> None:
    if cancel is None:
        time.sleep(delay)
    elif cancel.wait(delay):
        _check(cancel)


def _disk_full(path: Path, exc: OSError) -> DiskFullError:
    return DiskFullError(
        say("The disk is full: cannot write {path} ({reason}).", path=path, reason=exc.strerror),
        say("Free some space and run the download again; it resumes where it stopped."),
    )


@dataclass
class _Resolved:
    file: ModelFile
    url: str
    size: int | None
    sha256: str | None


class _Meter:
    """Turns byte counts into throttled progress reports with a windowed speed."""

    def __init__(self, total: int | None, done: int, callback: ProgressCallback | None) -> None:
        self.total = total
        self.done = done
        self.callback = callback
        self.samples: deque[tuple[float, int]] = deque([(time.monotonic(), done)])
        self.last_report = 0.0

    def advance(self, count: int, current: str) -> None:
        self.done += count
        self.report(current, force=False)

    def report(self, current: str, *, force: bool) -> None:
        now = time.monotonic()
        self.samples.append((now, self.done))
        while len(self.samples) > 2 and now - self.samples[0][0] > _SPEED_WINDOW:
            self.samples.popleft()
        if self.callback is None or (not force and now - self.last_report < _REPORT_EVERY):
            return
        self.last_report = now
        start_time, start_done = self.samples[0]
        elapsed = now - start_time
        speed = (self.done - start_done) / elapsed if elapsed > 0 else 0.0
        eta = (
            max(self.total - self.done, 0) / speed if self.total is not None and speed > 0 else None
        )
        self.callback(ModelDownloadProgress(self.done, self.total, speed, eta, current))


class _Part:
    """A file being downloaded: `<final>.part`, its length and the running SHA-256."""

    def __init__(self, final: Path) -> None:
        self.path = final.with_name(final.name + ".part")
        self.hasher = hashlib.sha256()
        self.size = 0
        if self.path.exists():  # left by an earlier run: resume after it
            with self.path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    self.hasher.update(chunk)
                    self.size += len(chunk)

    def restart(self, meter: _Meter) -> None:
        """Drop what arrived (a server that ignored the range, or sent too much)."""
        meter.done -= self.size
        self.path.unlink(missing_ok=True)
        self.hasher = hashlib.sha256()
        self.size = 0


class HubRepo:
    """One repository at one revision on one endpoint.

    The first metadata request resolves the revision to a commit; every later request names
    that commit, so all files of one download come from the same commit.
    """

    def __init__(
        self,
        repo: str,
        revision: str = "main",
        endpoint: str | None = None,
        *,
        retries: int = 5,
        backoff: float = 1.0,
    ) -> None:
        self.repo = repo
        self.revision = revision
        self.endpoint = hub_endpoint(endpoint)
        self.retries = retries
        self.backoff = backoff
        self.commit: str | None = None

    # errors ------------------------------------------------------------------------------------
    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Translate the hub client's errors into messages that say what to do. `what` is
        what was being fetched: a file's path, or a Text such as say("the file list")."""
        where = say(
            "{repo}@{revision} on {endpoint}",
            repo=self.repo,
            revision=self.revision,
            endpoint=self.endpoint,
        )
        try:
            yield
        except OfflineModeIsEnabled as exc:
            raise OfflineError(
                say(
                    "Downloads are switched off (HF_HUB_OFFLINE is set): cannot fetch {what}.",
                    what=what,
                ),
                say("Unset HF_HUB_OFFLINE, or import a local model folder."),
                (Remedy(Action.IMPORT_MODEL),),
            ) from exc
        except (httpx2.ConnectError, httpx2.ProxyError, httpx2.ConnectTimeout) as exc:
            raise OfflineError(
                say(
                    "Cannot reach {endpoint} to fetch {what}: {error}.",
                    endpoint=self.endpoint,
                    what=what,
                    error=_said(exc),
                ),
                say(
                    "Check your connection or proxy (HTTPS_PROXY), or set HF_ENDPOINT to a "
                    "mirror (for example {mirror}); or import a local model folder.",
                    mirror="https://hf-mirror.com",
                ),
                (Remedy(Action.IMPORT_MODEL),),
            ) from exc
        except RepositoryNotFoundError as exc:
            raise RemoteNotFoundError(
                say(
                    "The repository {repo} was not found on {endpoint} (HTTP {status}).",
                    repo=self.repo,
                    endpoint=self.endpoint,
                    status=_status(exc),
                ),
                say("Check the name. A private or gated repository needs a token (HF_TOKEN)."),
            ) from exc
        except RevisionNotFoundError as exc:
            raise RemoteNotFoundError(
                say(
                    "The revision {revision!r} of {repo} was not found on {endpoint}.",
                    revision=self.revision,
                    repo=self.repo,
                    endpoint=self.endpoint,
                ),
                say("Check the branch, tag or commit."),
                (Remedy(Action.CHOOSE_REVISION),),
            ) from exc
        except RemoteEntryNotFoundError as exc:
            raise RemoteNotFoundError(
                say("{what} was not found in {where} (HTTP 404).", what=what, where=where),
                say("The repository may have changed; try another revision or precision."),
                (Remedy(Action.CHOOSE_REVISION), Remedy(Action.CHOOSE_PRECISION)),
            ) from exc
        except GatedRepoError as exc:
            raise DownloadError(
                say(
                    "{repo} is a gated repository: {what} needs approved access.",
                    repo=self.repo,
                    what=what,
                ),
                say("Accept its terms on the model page and set HF_TOKEN to a token of yours."),
            ) from exc
        except HFValidationError as exc:
            raise DownloadError(
                say(
                    "{repo!r} is not a valid repository id: {error}.",
                    repo=self.repo,
                    error=_said(exc),
                ),
                say("Use the form OWNER/NAME, e.g. {example}.", example=_EXAMPLE_REPO),
            ) from exc
        except FileMetadataError as exc:
            raise DownloadError(
                say(
                    "{endpoint} does not answer like a Hugging Face hub: {error}.",
                    endpoint=self.endpoint,
                    error=_said(exc),
                ),
                say("Check HF_ENDPOINT."),
            ) from exc
        except HfHubHTTPError as exc:
            status = _status(exc)
            error_type = RemoteNotFoundError if status == 404 else DownloadError
            raise error_type(
                say(
                    "{endpoint} refused {what} of {where} (HTTP {status}).",
                    endpoint=self.endpoint,
                    what=what,
                    where=where,
                    status=status,
                ),
                say("Try again later, or set HF_ENDPOINT to a mirror."),
            ) from exc
        except httpx2.TransportError as exc:
            raise OfflineError(
                say(
                    "The connection to {endpoint} failed while fetching {what}: {error}.",
                    endpoint=self.endpoint,
                    what=what,
                    error=_said(exc),
                ),
                say(
                    "Check your connection and run the download again; it resumes where it stopped."
                ),
            ) from exc

    def _retrying(self, call: Callable[[], Any], what: str) -> Any:
        """Retry what a flaky network or a busy server can make fail; an unreachable host is
        reported at once (the user should not wait a minute to learn they are offline)."""
        failures = 0
        while True:
            try:
                with self._errors(what):
                    return call()
            except DownloadError as exc:
                failures += 1
                if not _transient(exc, connect=False) or failures > self.retries:
                    raise
                log.info("%s; retrying (%d/%d)", exc.message, failures, self.retries)
                time.sleep(self._delay(failures))

    def _delay(self, failures: int) -> float:
        return float(min(self.backoff * 2 ** max(failures - 1, 0), _MAX_WAIT))

    # listing and metadata ----------------------------------------------------------------------
    def list_files(self) -> list[RemoteEntry]:
        """Every file of the repository at the revision, with LFS SHA-256 where it has one
        (the hub's tree listing, following its Link-header pages)."""
        revision = quote(self.revision, safe="")
        url: str | None = f"{self.endpoint}/api/models/{quote(self.repo)}/tree/{revision}"
        params: dict[str, str] = {"recursive": "true"}
        entries: list[RemoteEntry] = []
        while url is not None:
            response = self._retrying(functools.partial(_get, url, params), say("the file list"))
            try:
                items = response.json()
                entries += [
                    RemoteEntry(item["path"], int(item["size"]), (item.get("lfs") or {}).get("oid"))
                    for item in items
                    if item.get("type") == "file"
                ]
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise DownloadError(
                    say(
                        "{endpoint} sent a file list for {repo} that is not the hub's: {error}.",
                        endpoint=self.endpoint,
                        repo=self.repo,
                        error=_said(exc),
                    ),
                    say("Check HF_ENDPOINT."),
                ) from exc
            url, params = response.links.get("next", {}).get("url"), {}
        return entries

    def _resolve(self, file: ModelFile) -> _Resolved | None:
        """HEAD one file: size, expected SHA-256, and the commit; None for a missing optional."""
        revision = self.commit or self.revision
        with self._errors(file.remote):
            url = hf_hub_url(self.repo, file.remote, revision=revision, endpoint=self.endpoint)
        try:
            meta = self._retrying(
                lambda: get_hf_file_metadata(url, endpoint=self.endpoint), file.remote
            )
        except RemoteNotFoundError as exc:
            if file.optional and isinstance(exc.__cause__, RemoteEntryNotFoundError):
                log.info("Optional file %s is not in %s; skipped", file.remote, self.repo)
                return None
            raise
        if self.commit is None and meta.commit_hash:
            self.commit = meta.commit_hash
            url = hf_hub_url(self.repo, file.remote, revision=self.commit, endpoint=self.endpoint)
        # The hub's ETag of an LFS file is its SHA-256; a git file's is a git SHA-1 (ignored).
        etag = meta.etag if meta.etag and _SHA256.match(meta.etag) else None
        if file.sha256 and etag and etag != file.sha256:
            raise HashMismatchError(
                say(
                    "{file} of {repo} on {endpoint} has SHA-256 {sha256}, but it "
                    "is pinned to {pinned}.",
                    file=file.remote,
                    repo=self.repo,
                    endpoint=self.endpoint,
                    sha256=etag,
                    pinned=file.sha256,
                ),
                _CHANGED_UPSTREAM,
            )
        if file.size is not None and meta.size is not None and file.size != meta.size:
            raise HashMismatchError(
                say(
                    "{file} of {repo} on {endpoint} has {size} bytes, but {expected} are expected.",
                    file=file.remote,
                    repo=self.repo,
                    endpoint=self.endpoint,
                    size=meta.size,
                    expected=file.size,
                ),
                _CHANGED_UPSTREAM,
            )
        size = meta.size if meta.size is not None else file.size
        return _Resolved(file, url, size, file.sha256 or etag)

    # fetching ----------------------------------------------------------------------------------
    def fetch(
        self,
        files: Sequence[ModelFile],
        dest: Path,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> dict[str, str]:
        """Download `files` into `dest` (by their local names); returns local name -> SHA-256.

        Files already complete in `dest` (from an earlier, interrupted run of the same commit)
        are kept; a `.part` file is resumed.
        """
        resolved: list[_Resolved] = []
        for file in files:
            _check(cancel)
            found = self._resolve(file)
            if found is not None:
                resolved.append(found)
        self._prepare(dest)
        known = [r.size for r in resolved]
        total = None if None in known else sum(s or 0 for s in known)
        done = sum(_present_bytes(dest / r.file.local) for r in resolved)
        needed = sum((r.size or 0) for r in resolved) - done
        free = shutil.disk_usage(dest).free
        if needed > free:
            raise DiskFullError(
                say(
                    "Not enough disk space in {dest}: the model needs {needed} more, "
                    "{free} are free.",
                    dest=dest,
                    needed=formatting.size(needed),
                    free=formatting.size(free),
                ),
                say("Free some space and run the download again."),
            )
        meter = _Meter(total, done, progress)
        hashes: dict[str, str] = {}
        for item in resolved:
            _check(cancel)
            hashes[item.file.local] = self._fetch_one(item, dest, meter, cancel)
        return hashes

    def _prepare(self, dest: Path) -> None:
        """Start afresh when `dest` holds files of another repository or commit (the endpoint
        may change: a mirror serves the same commit, so a download can move to one)."""
        state = {"repo": self.repo, "commit": self.commit}
        marker = dest / _STATE_NAME
        try:
            previous = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
        if previous is not None and previous != state and dest.exists():
            log.info("Discarding an unfinished download in %s (it was for %s)", dest, previous)
            shutil.rmtree(dest)
        try:
            dest.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps(state), encoding="utf-8")
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise _disk_full(marker, exc) from exc
            raise

    def _fetch_one(
        self, item: _Resolved, dest: Path, meter: _Meter, cancel: threading.Event | None
    ) -> str:
        final = dest / item.file.local
        if final.is_file():
            if final.stat().st_size == item.size:
                digest = sha256_file(final)
                if item.sha256 is None or digest == item.sha256:
                    return digest
            meter.done -= final.stat().st_size
            final.unlink()
        final.parent.mkdir(parents=True, exist_ok=True)
        part = _Part(final)
        if item.size is not None and part.size > item.size:
            part.restart(meter)
        log.info(
            "Downloading %s (%s bytes%s) from %s",
            item.file.remote,
            item.size,
            f", resuming at {part.size}" if part.size else "",
            item.url,
        )
        failures = 0
        while True:
            _check(cancel)
            before = part.size
            error: DownloadError | None = None
            try:
                with self._errors(item.file.remote):
                    if self._stream(item, part, meter, cancel):
                        break
            except DownloadError as exc:
                if not _transient(exc, connect=True):
                    raise
                error = exc
            failures = 1 if part.size > before else failures + 1
            if failures > self.retries:
                raise error or OfflineError(
                    say(
                        "The connection to {endpoint} kept breaking while fetching {file}.",
                        endpoint=self.endpoint,
                        file=item.file.remote,
                    ),
                    say("Run the download again; it resumes where it stopped."),
                )
            delay = self._delay(failures)
            log.info(
                "Download of %s interrupted at %d bytes (%s); resuming in %.1f s (%d/%d)",
                item.file.remote,
                part.size,
                error.__cause__ if error else "the response ended early",
                delay,
                failures,
                self.retries,
            )
            _wait(delay, cancel)
        meter.report(item.file.local, force=True)
        return self._finish(item, part, final)

    def _stream(
        self, item: _Resolved, part: _Part, meter: _Meter, cancel: threading.Event | None
    ) -> bool:
        """One GET from where the part file ends; True when the file is complete."""
        headers = {**_auth(), "Accept-Encoding": "identity"}  # sizes count the stored bytes
        if part.size:
            headers["Range"] = f"bytes={part.size}-"
        with get_session().stream(
            "GET", item.url, headers=headers, timeout=_TIMEOUT, follow_redirects=True
        ) as response:
            if response.status_code == 416:  # nothing left to send from there: start over
                part.restart(meter)
                return False
            hf_raise_for_status(response)
            expected_range = f"bytes {part.size}-"
            if part.size and (
                response.status_code != 206
                or not response.headers.get("Content-Range", "").startswith(expected_range)
            ):
                log.info("%s ignored the range request; downloading it whole", item.url)
                part.restart(meter)
            if item.size is None:
                item.size = _length(response, part.size)
            try:
                with part.path.open("ab") as out:
                    for chunk in response.iter_bytes():
                        _check(cancel)
                        out.write(chunk)
                        part.hasher.update(chunk)
                        part.size += len(chunk)
                        meter.advance(len(chunk), item.file.local)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise _disk_full(part.path, exc) from exc
                raise
        if item.size is not None and part.size > item.size:
            part.restart(meter)
            raise HashMismatchError(
                say(
                    "{file} from {endpoint} is longer than its {size} bytes.",
                    file=item.file.remote,
                    endpoint=self.endpoint,
                    size=item.size,
                ),
                say(
                    "The server sent different data; nothing was installed. Try again, or use "
                    "another HF_ENDPOINT."
                ),
            )
        return item.size is None or part.size == item.size  # False: it ended early

    def _finish(self, item: _Resolved, part: _Part, final: Path) -> str:
        digest = part.hasher.hexdigest()
        if item.sha256 is not None and digest != item.sha256:
            part.path.unlink(missing_ok=True)
            raise HashMismatchError(
                say(
                    "{file} from {repo} failed its SHA-256 check: expected {expected}, got "
                    "{digest}.",
                    file=item.file.remote,
                    repo=self.repo,
                    expected=item.sha256,
                    digest=digest,
                ),
                say(
                    "The download was corrupted or the server sent other data; nothing was "
                    "installed. Run the download again, or use another HF_ENDPOINT."
                ),
            )
        with part.path.open("rb+") as handle:
            os.fsync(handle.fileno())
        part.path.replace(final)
        log.info("Downloaded %s (%d bytes, sha256 %s)", item.file.remote, part.size, digest)
        return digest


def _said(exc: BaseException) -> str:
    """An exception's text without its final full stop, to end a sentence of ours."""
    return str(exc).strip().rstrip(".")


def _auth() -> dict[str, str]:
    """The user's HF_TOKEN or saved login (gated repositories); httpx drops it when a
    redirect leaves the hub for a CDN."""
    token = get_token()
    return {"Authorization": f"Bearer {token}"} if token else {}


def _get(url: str, params: dict[str, str]) -> httpx2.Response:
    response = get_session().get(url, params=params, headers=_auth(), timeout=_TIMEOUT)
    hf_raise_for_status(response)
    return response


def _transient(error: DownloadError, *, connect: bool) -> bool:
    """Worth retrying: a dropped or slow connection, a busy server; an unreachable host only
    once a download is under way (`connect`), where it usually means a brief outage."""
    cause = error.__cause__
    if isinstance(cause, HfHubHTTPError):
        return _status(cause) in _RETRY_STATUS
    if isinstance(cause, httpx2.ConnectError | httpx2.ProxyError | httpx2.ConnectTimeout):
        return connect
    return isinstance(cause, httpx2.TransportError)


def clear_download_state(dest: Path) -> None:
    """Forget which commit `dest` was filling, once its files have been taken over."""
    (dest / _STATE_NAME).unlink(missing_ok=True)


def _status(exc: HfHubHTTPError) -> int | None:
    response = getattr(exc, "response", None)
    return int(response.status_code) if response is not None else None


def _length(response: httpx2.Response, offset: int) -> int | None:
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("Content-Length")
    return offset + int(length) if length and length.isdigit() else None


def _present_bytes(final: Path) -> int:
    """Bytes of a file already on disk, whole or partial (for the progress start)."""
    for path in (final, final.with_name(final.name + ".part")):
        if path.is_file():
            return path.stat().st_size
    return 0
