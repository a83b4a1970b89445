"""A loopback server that speaks the Hugging Face file protocol, with fault injection.

It answers the requests the hub answers for downloads, the way the hub answers them:

- ``HEAD``/``GET /{owner}/{name}/resolve/{revision}/{path}``: ``X-Repo-Commit``, a quoted
  ``ETag`` (the git blob SHA-1 of a regular file), ``Content-Length``, ``Accept-Ranges`` and
  ``Range`` requests (206 with ``Content-Range``). LFS files (``.onnx``, ``.onnx_data``) are
  redirected (302) to a second port playing the CDN, with ``X-Linked-Etag`` (their SHA-256) and
  ``X-Linked-Size``, as the hub redirects to its CDN. ``revision`` is a branch or the commit.
- ``GET /api/models/{owner}/{name}/tree/{revision}?recursive=true``: the JSON tree listing
  (files with ``oid``, ``size`` and ``lfs.oid``; folders).
- Unknown repositories, revisions and files: 404 with the hub's ``X-Error-Code``.

Faults: drop the connection after N bytes of a file (once), serve other bytes than the hub's
hash for a file, or advertise another size. Every request is recorded. Bound to 127.0.0.1.

A repository the packaged catalog pins to a commit is served at that commit (and "main"), as the
real hub serves it. Its stand-in files cannot have the published SHA-256 and sizes, so the
`hub` fixture points $LUMEN_CATALOG at `loopback_catalog`: the packaged catalog with those
pins removed and every revision kept.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from huggingface_hub import close_session

from gallery.ml.catalog import packaged_catalog

LFS_SUFFIXES = (".onnx", ".onnx_data")


@dataclass(frozen=True)
class Request:
    method: str
    server: str  # "hub" or "cdn"
    path: str
    range: str | None


@dataclass
class _Repo:
    files: dict[str, bytes]
    commit: str
    branches: set[str] = field(default_factory=lambda: {"main"})


def _git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_lfs(path: str) -> bool:
    return path.endswith(LFS_SUFFIXES)


class HubServer:
    """Two loopback HTTP servers (hub and CDN) over one set of repositories."""

    def __init__(self, redirect_lfs: bool = True) -> None:
        self.repos: dict[str, _Repo] = {}
        self.requests: list[Request] = []
        self.redirect_lfs = redirect_lfs
        self._drops: dict[str, int] = {}
        self._tampered: dict[str, bytes] = {}
        self._sizes: dict[str, int] = {}
        self._lock = threading.Lock()
        self._hub = self._start("hub")
        self._cdn = self._start("cdn")

    def _start(self, role: str) -> ThreadingHTTPServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.hub, server.role = self, role
        threading.Thread(
            target=server.serve_forever, args=(0.02,), daemon=True, name=f"{role}-server"
        ).start()  # a short poll interval: the server stops quickly at the end of a test
        return server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._hub.server_address[1]}"

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self._cdn.server_address[1]}"

    # repositories and faults -------------------------------------------------------------------
    def add_repo(
        self, repo_id: str, source: Path | dict[str, bytes], commit: str | None = None
    ) -> str:
        """Serve a folder (or {path: bytes}) as `repo_id` at "main" and at `commit` (by default
        the commit the catalog pins `repo_id` to, else one made from the files); returns it."""
        if isinstance(source, Path):
            files = {
                p.relative_to(source).as_posix(): p.read_bytes()
                for p in sorted(source.rglob("*"))
                if p.is_file()
            }
        else:
            files = dict(source)
        digest = hashlib.sha1(repo_id.encode(), usedforsecurity=False)
        for path, data in sorted(files.items()):
            digest.update(f"{path}\0{_git_sha1(data)}\n".encode())
        commit = commit or _catalog_pins().get(repo_id) or digest.hexdigest()
        with self._lock:
            self.repos[repo_id] = _Repo(files, commit)
        return commit

    def drop_after(self, path: str, nbytes: int) -> None:
        """The next GET of `path` (any repo) sends `nbytes` of its body, then hangs up."""
        with self._lock:
            self._drops[path] = nbytes

    def tamper(self, path: str, data: bytes) -> None:
        """Serve `data` for `path` while the headers keep announcing the real file's hash."""
        with self._lock:
            self._tampered[path] = data

    def advertise_size(self, path: str, size: int) -> None:
        """Announce another size for `path` in the metadata (e.g. more than any disk holds)."""
        with self._lock:
            self._sizes[path] = size

    def requested(self, method: str, path_part: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == method and path_part in r.path]

    # lookups used by the handler ---------------------------------------------------------------
    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_drop(self, path: str) -> int | None:
        with self._lock:
            return self._drops.pop(path, None)

    def _body(self, path: str, data: bytes) -> bytes:
        with self._lock:
            return self._tampered.get(path, data)

    def _blob(self, sha256: str) -> tuple[str, bytes] | None:
        with self._lock:
            for repo in self.repos.values():
                for path, data in repo.files.items():
                    if _sha256(data) == sha256:
                        return path, data
        return None

    # lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop both servers; huggingface_hub's shared client drops its pooled connections
        first, so every handler sees the end of its connection and returns."""
        close_session()
        for server in (self._hub, self._cdn):
            server.shutdown()
            server.server_close()

    def __enter__(self) -> HubServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handlers: no socket outlives the server
    hub: HubServer
    role: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and Content-Length, as the hub
    timeout = 5  # an idle keep-alive connection ends after this
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests assert instead
        return

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    # routing -----------------------------------------------------------------------------------
    def _dispatch(self, head: bool) -> None:
        hub = self.server.hub
        url = urlsplit(self.path)
        hub._record(Request(self.command, self.server.role, url.path, self.headers.get("Range")))
        segments = [unquote(s) for s in url.path.split("/")[1:]]
        if self.server.role == "cdn":
            found = hub._blob(segments[-1]) if segments[:1] == ["blobs"] else None
            if found is None:
                self._error(404, "EntryNotFound", head)
            else:
                self._send_file(found[0], found[1], head, {"ETag": f'"{segments[-1]}"'})
        elif segments[:2] == ["api", "models"] and len(segments) >= 6 and segments[4] == "tree":
            self._tree("/".join(segments[2:4]), segments[5], parse_qs(url.query), head)
        elif len(segments) >= 5 and segments[2] == "resolve":
            self._resolve("/".join(segments[:2]), segments[3], "/".join(segments[4:]), head)
        else:
            self._error(404, None, head)

    def _repo(self, repo_id: str, revision: str, head: bool) -> _Repo | None:
        repo = self.server.hub.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", head)
            return None
        if revision not in repo.branches and revision != repo.commit:
            self._error(404, "RevisionNotFound", head)
            return None
        return repo

    def _resolve(self, repo_id: str, revision: str, path: str, head: bool) -> None:
        hub = self.server.hub
        repo = self._repo(repo_id, revision, head)
        if repo is None:
            return
        data = repo.files.get(path)
        if data is None:
            self._error(404, "EntryNotFound", head, {"X-Repo-Commit": repo.commit})
            return
        size = str(hub._sizes.get(path, len(data)))
        headers = {"X-Repo-Commit": repo.commit}
        if _is_lfs(path):
            sha = _sha256(data)
            headers |= {"X-Linked-Etag": f'"{sha}"', "X-Linked-Size": size, "ETag": f'"{sha}"'}
            if hub.redirect_lfs:
                headers["Location"] = f"{hub.cdn_url}/blobs/{sha}"
                self._send(302, headers | {"Content-Length": "0"}, b"", head)
                return
        else:
            headers["ETag"] = f'"{_git_sha1(data)}"'
        self._send_file(path, data, head, headers, size)

    def _tree(self, repo_id: str, revision: str, query: dict[str, list[str]], head: bool) -> None:
        repo = self._repo(repo_id, revision, head)
        if repo is None:
            return
        recursive = query.get("recursive", ["false"])[0].lower() == "true"
        entries: list[dict[str, Any]] = []
        folders: set[str] = set()
        for path, data in sorted(repo.files.items()):
            if not recursive and "/" in path:
                folders.add(path.split("/")[0])
                continue
            parts = path.split("/")[:-1]
            folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
            entry: dict[str, Any] = {
                "type": "file",
                "oid": _git_sha1(data),
                "size": len(data),
                "path": path,
            }
            if _is_lfs(path):
                entry["lfs"] = {"oid": _sha256(data), "size": len(data), "pointerSize": 134}
            entries.append(entry)
        entries += [
            {"type": "directory", "oid": hashlib.sha1(f.encode()).hexdigest(), "size": 0, "path": f}
            for f in sorted(folders)
        ]
        body = json.dumps(entries).encode()
        self._send(200, {"Content-Type": "application/json"}, body, head)

    # responses ---------------------------------------------------------------------------------
    def _send_file(
        self, path: str, data: bytes, head: bool, headers: dict[str, str], size: str | None = None
    ) -> None:
        body = self.server.hub._body(path, data)
        total = len(body)
        start, status = 0, 200
        wanted = self.headers.get("Range")
        if wanted and not head:
            first = wanted.removeprefix("bytes=").split("-")[0]
            start = int(first)
            if start >= total:
                self._send(416, {"Content-Range": f"bytes */{total}"}, b"", head)
                return
            status = 206
            headers = headers | {"Content-Range": f"bytes {start}-{total - 1}/{total}"}
        headers = headers | {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        payload = body[start:]
        headers["Content-Length"] = size if head and size else str(len(payload))
        drop = None if head else self.server.hub._take_drop(path)
        if drop is None:
            self._send(status, headers, payload, head)
            return
        self._send_headers(status, headers)
        self.wfile.write(payload[:drop])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)  # the connection drops mid-body

    def _error(
        self, status: int, code: str | None, head: bool, extra: dict[str, str] | None = None
    ) -> None:
        headers = dict(extra or {})
        if code:
            headers["X-Error-Code"] = code
            headers["X-Error-Message"] = code
        body = json.dumps({"error": code or "Not Found"}).encode()
        self._send(status, headers | {"Content-Type": "application/json"}, body, head)

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
        headers.setdefault("Content-Length", str(len(body)))
        self._send_headers(status, headers)
        if not head:
            self.wfile.write(body)

    def _send_headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()


def _catalog_pins() -> dict[str, str]:
    """Repository -> the 40-hex commit the packaged catalog pins it to."""
    data = json.loads(packaged_catalog().read_text(encoding="utf-8"))
    return {
        m["repo"]: m["revision"]
        for m in data["models"]
        if len(m.get("revision") or "") == 40 and m["revision"] != "main"
    }


def loopback_catalog(path: Path) -> Path:
    """Write the packaged catalog without its file pins (SHA-256, sizes) to `path`: the loopback
    serves tiny stand-ins under the catalog's names, at the catalog's revisions."""
    data = json.loads(packaged_catalog().read_text(encoding="utf-8"))
    for model in data["models"]:
        files = [*model.get("common_files", [])]
        for precision in model["precisions"].values():
            files += precision["files"]
        for file in files:
            file["sha256"] = file["size"] = None
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def closed_port_url() -> str:
    """An endpoint where nothing listens: what an offline machine sees."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
