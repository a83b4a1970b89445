"""The desktop's side of a cluster run: an `Embedder` whose batches come from Ray actors.

Rows go out in batches of each actor's own size (two in flight per actor, so none waits for
the desktop); results come back in whatever order they finish and are committed as they
arrive, by the indexer, in this process: the only writer. The path map gives each photo's path
on the workers; an actor that cannot see the photos there gets their bytes from the desktop.
A batch whose actor dies goes back to the queue for any live actor, and a replacement actor
is started; a photo that takes down a worker three times is recorded as a failure.
"""

from __future__ import annotations

import logging
import socket
import time
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from gallery.cluster.connect import connect, disconnect
from gallery.cluster.worker import (
    EmbedWorker,
    WorkerFacts,
    WorkerOptions,
    WorkItem,
    WorkResult,
    pack_model,
)
from gallery.errors import UnsupportedImageError, UserError
from gallery.imaging.thumbnails import thumbnail_file, write_thumbnail
from gallery.library import faults
from gallery.library.decoding import DecodedPhoto, read_unchanged
from gallery.library.indexer import EmbeddedBatch, EmbedderFacts
from gallery.library.path_map import PathMap
from gallery.library.store import FileRow
from gallery.ml.encoder import ClipModel
from gallery.text import say

log = logging.getLogger(__name__)

IN_FLIGHT = 2  # batches per actor: one working, one waiting
SPLIT_AFTER = 2  # tries of a batch before its photos are tried one by one
MAX_TRIES = 3  # a photo that takes down a worker this often is recorded as a failure
START_SECONDS = 120.0  # an actor that has not loaded its model by then is given up on
ALONE_SECONDS = 30.0  # no worker left and none started since: the cluster is gone
_WAIT_SLICE = 1.0  # seconds between checks while results are awaited
_HEAD_TIMEOUT = 3.0  # seconds a connection to the cluster's head may take
CRASHED = "a cluster worker stopped while reading it, three times"


@dataclass
class _Task:
    rows: list[FileRow]
    tries: int = 0


@dataclass
class _Actor:
    handle: Any
    facts: WorkerFacts | None = None
    sees_photos: bool | None = None  # decided on its first batch
    running: dict[Any, _Task] = field(default_factory=dict)  # ObjectRef: its batch


class ClusterEmbedder:
    """Decode and encode on the cluster at `address`; see the module's docstring."""

    def __init__(
        self,
        address: str,
        model: ClipModel,
        *,
        path_map: PathMap,
        thumbnails: Path | None,
        device: str = "auto",
        batch_size: int | None = None,
    ) -> None:
        self.address = address
        self.model = model
        self.path_map = path_map
        self.thumbnails = thumbnails
        self.device = device
        self.batch_size = batch_size
        self.ray: ModuleType | None = None
        self.actors: list[_Actor] = []
        self.archive: list[Any] = []  # [ObjectRef of the packed model folder] once put
        self.specs: list[dict[str, float]] = []
        self.replacements = 0
        self.starting: dict[Any, _Actor] = {}  # ObjectRef of its report: a replacement actor
        self.dim = 0
        self.alone_since: float | None = None  # when the last worker was lost (none since)
        self.head_lost = False  # nothing to stop or leave on the cluster then
        self.shipped_bytes = 0  # photo bytes sent to workers that cannot read the photos
        self.returned_bytes = 0  # vectors, thumbnails and metadata sent back
        self.start_seconds = 0.0  # connecting and the workers' loading the model

    # start and close -------------------------------------------------------------------------
    def start(self) -> EmbedderFacts:
        started = time.perf_counter()
        self.ray = ray = connect(self.address)
        try:
            self.specs = self._plan(ray.cluster_resources())
            self.actors = [self._spawn(spec) for spec in self.specs]
            missing = self._await_ready(self.actors)
            if missing:  # the workers do not see the model folder: send it once
                log.info("Sending the model folder to %d workers", len(missing))
                self.archive = [ray.put(pack_model(self.model.folder.path))]
                fresh = [self._spawn(spec) for spec in self.specs[: len(missing)]]
                self._await_ready(fresh)
                self.actors += fresh
            self.actors = [actor for actor in self.actors if actor.facts is not None]
            if not self.actors:
                raise self._gone(say("no worker could load the model"))
        except BaseException:
            self.close()
            raise
        ready = [a.facts for a in self.actors if a.facts is not None]
        self.dim = ready[0].dim
        self.start_seconds = time.perf_counter() - started
        log.info("%d cluster workers ready in %.1f s", len(ready), self.start_seconds)
        devices = sorted({facts.device for facts in ready})
        return EmbedderFacts(
            say(
                "cluster {address}: {count} workers on {devices}",
                address=self.address,
                count=len(ready),
                devices=", ".join(devices),
            ),
            max(facts.batch_size for facts in ready),
            ready[0].dim,
            sum(facts.decode_threads for facts in ready),
        )

    def close(self) -> None:
        if self.ray is None:
            return
        if self.head_lost:  # Ray's calls would wait for the head: leave at once
            self.actors, self.starting = [], {}
        for actor in [*self.actors, *self.starting.values()]:
            try:
                self.ray.kill(actor.handle)
            except Exception as exc:  # a cluster that went away: nothing left to stop
                log.info("Could not stop a cluster worker: %s", exc)
        self.actors, self.starting = [], {}
        log.info(
            "Cluster run: %d bytes of photos shipped, %d bytes returned",
            self.shipped_bytes,
            self.returned_bytes,
        )
        disconnect(self.ray)
        self.ray = None

    def _plan(self, resources: dict[str, float]) -> list[dict[str, float]]:
        """One actor per GPU (with the CPUs beside it for decoding), else one per CPU."""
        gpus, cpus = int(resources.get("GPU", 0)), int(resources.get("CPU", 0))
        if gpus:
            return [{"num_gpus": 1, "num_cpus": max(1, cpus // gpus)}] * gpus
        if not cpus:
            raise UserError(
                say(
                    "The Ray cluster at {address} has no CPUs or GPUs to work on.",
                    address=self.address,
                ),
                say("Start workers on the cluster, then index again."),
            )
        return [{"num_cpus": 1}] * cpus

    def _spawn(self, spec: dict[str, float]) -> _Actor:
        assert self.ray is not None
        options = WorkerOptions(
            self.device, self.batch_size, int(spec["num_cpus"]), self.thumbnails is not None
        )
        remote = self.ray.remote(EmbedWorker).options(max_restarts=0, **spec)
        handle = remote.remote(str(self.model.folder.path), self.archive, options)
        return _Actor(handle)

    def _await_ready(self, actors: list[_Actor]) -> list[_Actor]:
        """Wait for the actors' reports (each is logged); returns those that did not start
        (most likely for want of the model folder); those that took too long are stopped."""
        assert self.ray is not None
        missing = []
        for actor in actors:
            try:
                actor.facts = self.ray.get(actor.handle.report.remote(), timeout=START_SECONDS)
            except self.ray.exceptions.RayActorError as exc:
                if "ModelError" not in str(exc) and "ModelNotFoundError" not in str(exc):
                    log.warning("A cluster worker did not start: %s", exc)
                missing.append(actor)
                continue
            except self.ray.exceptions.GetTimeoutError:
                log.warning("A cluster worker did not start within %.0f s", START_SECONDS)
                self.ray.kill(actor.handle)
                continue
            log.info(
                "Cluster worker on %s (pid %d): %s, batch %d, %d decode threads",
                actor.facts.host,
                actor.facts.pid,
                actor.facts.device,
                actor.facts.batch_size,
                actor.facts.decode_threads,
            )
        return missing

    def _gone(self, reason: str) -> UserError:
        return UserError(
            say(
                "The Ray cluster at {address} stopped working: {reason}.",
                address=self.address,
                reason=reason,
            ),
            say("Check the cluster and index again; {kept}.", kept=faults.KEPT),
        )

    # batches ---------------------------------------------------------------------------------
    def batches(self, rows: list[FileRow], batch_size: int) -> Generator[EmbeddedBatch, None, None]:
        assert self.ray is not None
        ray = self.ray
        pending = deque(rows)
        retries: deque[_Task] = deque()
        try:
            while True:
                unread = self._hand_out(pending, retries)
                if unread:
                    yield self._failed(unread, 0)
                waiting = {ref: actor for actor in self.actors for ref in actor.running}
                waiting |= self.starting
                if not waiting:
                    if pending or retries:
                        raise self._gone(say("no worker is left"))
                    return
                ready, _ = ray.wait(list(waiting), num_returns=1, timeout=_WAIT_SLICE)
                if not ready:
                    self._check_alone()
                    continue
                ref = ready[0]
                actor = waiting[ref]
                if ref in self.starting:
                    self._started(self.starting.pop(ref), ref)
                    continue
                task = actor.running.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayTaskError:
                    raise  # a bug in the worker's code, not a lost worker
                except ray.exceptions.RayError as exc:
                    if not self._head_answers():
                        raise self._gone(say("its head does not answer")) from exc
                    log.warning("A cluster worker stopped (%s); its batch is tried again", exc)
                    self._replace(actor, retries)
                    if self._retry(task, retries):
                        yield self._failed(task.rows, task.tries, CRASHED)
                    continue
                yield self._received(result, task)
        finally:
            for actor in self.actors:
                actor.running.clear()

    def _head_answers(self) -> bool:
        """Whether the cluster's head (its GCS port) takes a connection: a worker lost with its
        head means the cluster is gone, and Ray would block on starting a replacement."""
        assert self.ray is not None
        try:
            address = self.ray.get_runtime_context().gcs_address
        except Exception:  # Ray Client has none to give; its own connection errors say it
            return True
        host, _, port = str(address).rpartition(":")
        try:
            socket.create_connection((host, int(port)), timeout=_HEAD_TIMEOUT).close()
        except (OSError, ValueError):
            self.head_lost = True
            return False
        return True

    def _check_alone(self) -> None:
        """With no worker left, replacements that do not start within ALONE_SECONDS mean the
        cluster is gone (its head, or every node): stop with that, before Ray's own client
        gives up on a lost head and ends this process (after 60 s)."""
        if self.actors:
            self.alone_since = None
            return
        now = time.monotonic()
        if self.alone_since is None:
            self.alone_since = now
        elif now - self.alone_since > ALONE_SECONDS or not self._head_answers():
            raise self._gone(say("no worker is left, and none could be started"))

    def _hand_out(self, pending: deque[FileRow], retries: deque[_Task]) -> list[DecodedPhoto]:
        """Fill every live actor's queue; returns the photos the desktop could not read."""
        assert self.ray is not None
        unread: list[DecodedPhoto] = []
        for actor in list(self.actors):
            while len(actor.running) < IN_FLIGHT and (retries or pending):
                task = retries.popleft() if retries else self._take(pending, actor)
                try:
                    unread += self._submit(actor, task)
                except self.ray.exceptions.RayActorError as exc:  # died before it was asked
                    log.warning("A cluster worker stopped (%s); its batch goes elsewhere", exc)
                    retries.appendleft(task)
                    self._replace(actor, retries)
                    break
        return unread

    def _failed(
        self, rows: list[FileRow] | list[DecodedPhoto], tries: int, reason: str = ""
    ) -> EmbeddedBatch:
        photos = [
            item if isinstance(item, DecodedPhoto) else DecodedPhoto(item, error=reason)
            for item in rows
        ]
        return EmbeddedBatch(photos, np.zeros((0, self.dim), dtype=np.float32), 0.0, tries)

    @staticmethod
    def _take(pending: deque[FileRow], actor: _Actor) -> _Task:
        assert actor.facts is not None
        count = min(actor.facts.batch_size, len(pending))
        return _Task([pending.popleft() for _ in range(count)])

    def _submit(self, actor: _Actor, task: _Task) -> list[DecodedPhoto]:
        """Send a batch to an actor: paths for one that sees the photos, else their bytes
        (a photo the desktop cannot read is returned with its reason instead)."""
        assert self.ray is not None
        if actor.sees_photos is None:
            first = task.rows[0]
            here = self.path_map.apply(first.path)
            actor.sees_photos = self.ray.get(
                actor.handle.sees.remote(here, first.size, first.mtime_ns)
            )
            log.info(
                "Cluster worker %s (pid %d) %s",
                actor.facts.host if actor.facts else "?",
                actor.facts.pid if actor.facts else 0,
                "reads the photos" if actor.sees_photos else "is sent the photos' bytes",
            )
        items, unread = [], []
        for row in task.rows:
            data = None
            if not actor.sees_photos:
                try:
                    data = read_unchanged(row)
                except UnsupportedImageError as exc:
                    unread.append(DecodedPhoto(row, error=exc.reason))
                    continue
                self.shipped_bytes += len(data)
            items.append(WorkItem(row, self.path_map.apply(row.path), data))
        if items:
            task.rows = [item.row for item in items]
            actor.running[actor.handle.embed.remote(items)] = task
        return unread

    def _received(self, result: WorkResult, task: _Task) -> EmbeddedBatch:
        batch = result.batch
        batch.retried = 1 if task.tries else 0
        self.returned_bytes += batch.vectors.nbytes + sum(len(t or b"") for t in result.thumbnails)
        for photo, data in zip(batch.photos, result.thumbnails, strict=True):
            if data is None or self.thumbnails is None:
                continue
            row = photo.row
            where = thumbnail_file(self.thumbnails, row.path, row.size, row.mtime_ns)
            try:
                write_thumbnail(data, where)
            except OSError as exc:
                log.warning("Could not write the thumbnail of %s: %s", row.path, exc)
        return batch

    def _replace(self, actor: _Actor, retries: deque[_Task]) -> None:
        """Drop a dead actor (its other batch goes back too) and start one in its place; it
        joins when it has loaded the model, the others work on meanwhile."""
        assert self.ray is not None
        self.actors.remove(actor)
        retries.extend(actor.running.values())
        actor.running.clear()
        if self.replacements >= 2 * len(self.specs):
            return
        self.replacements += 1
        fresh = self._spawn(self.specs[0])
        self.starting[fresh.handle.report.remote()] = fresh

    def _started(self, actor: _Actor, ref: Any) -> None:
        assert self.ray is not None
        try:
            actor.facts = self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:
            log.warning("A replacement cluster worker did not start: %s", exc)
            return
        log.info("Replacement cluster worker ready: %s", actor.facts)
        self.actors.append(actor)

    @staticmethod
    def _retry(task: _Task, retries: deque[_Task]) -> bool:
        """Queue a lost batch again, split into single photos after its second loss; True
        when it is a photo lost MAX_TRIES times (the caller records it as failed)."""
        task.tries += 1
        if task.tries >= MAX_TRIES:
            return True
        if task.tries >= SPLIT_AFTER and len(task.rows) > 1:
            retries.extendleft(_Task([row], task.tries) for row in reversed(task.rows))
        else:
            retries.appendleft(task)
        return False


def cluster_embedder(
    address: str,
    model: ClipModel,
    thumbnails: Path,
    path_map: Sequence[str],
    batch_size: int | None,
) -> ClusterEmbedder:
    """The embedder of `gallery index --cluster` and of the app's cluster setting: the same
    run either way (the model's device choice goes to the workers)."""
    return ClusterEmbedder(
        address,
        model,
        path_map=PathMap.parse(path_map),
        thumbnails=thumbnails,
        device=model.device,
        batch_size=batch_size,
    )
