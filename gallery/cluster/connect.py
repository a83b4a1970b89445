"""Reach a Ray cluster: `ray://host:port` (Ray Client), an address `ray start` printed
(host:port of its head), or `local` for a Ray instance of this machine's own, on loopback."""

from __future__ import annotations

import logging
import os
from types import ModuleType

from gallery.errors import UserError
from gallery.extras import cluster_module
from gallery.text import say

log = logging.getLogger(__name__)
LOCAL = "local"


def connect(address: str) -> ModuleType:
    """Connect this process to the cluster at `address` and return the `ray` module."""
    ray = cluster_module("ray", say("Indexing on a cluster"))
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage reports from a desktop
    quiet = {"log_to_driver": False, "logging_level": logging.WARNING, "configure_logging": False}
    try:
        if address == LOCAL:
            ray.init(
                address="local",
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                **quiet,
            )
        else:
            ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        raise UserError(
            say(
                "Could not reach the Ray cluster at {address}: {reason}",
                address=address,
                reason=exc,
            ),
            say(
                "Check the address (ray://HOST:10001, or the HOST:PORT Ray printed when its "
                "head started) and that this machine can reach the cluster, or use 'local'."
            ),
        ) from exc
    log.info("Connected to the Ray cluster at %s: %s", address, ray.cluster_resources())
    return ray


def disconnect(ray: ModuleType) -> None:
    """Leave the cluster (a `local` instance stops with this)."""
    if ray.is_initialized():
        ray.shutdown()
