"""A real Ray head and its workers in a network namespace of their own with only loopback up
(`unshare -n`, then `ip link set lo up`; root, as in CI): Ray binds to the machine's network
address whenever it has one, and in here it has none, so no test traffic leaves 127.0.0.1.

The namespace is held by a `sleep` started with `unshare -n`; the head (`ray start --head
--block`, a bounded number of CPUs, no dashboard) and every command of a test enter it with
`nsenter`. Stopping kills the processes in that namespace by their ids (all started here),
never by name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PORT = 6390
READY = "Ray runtime started"


def available() -> str | None:
    """Why a loopback cluster cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "a network namespace needs root"
    for tool in ("unshare", "nsenter", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if shutil.which("ray", path=str(Path(sys.executable).parent)) is None:
        return "ray (the cluster extra) is not installed"
    probe = subprocess.run(
        ["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return f"no network namespace here: {probe.stderr.strip()}"
    return None


class LoopbackCluster:
    def __init__(self, cpus: int = 2) -> None:
        self.cpus = cpus
        self.address = f"127.0.0.1:{PORT}"
        self.temp = Path(tempfile.mkdtemp(prefix="lray-", dir="/tmp"))  # short: socket paths
        self.holder: subprocess.Popen[bytes] | None = None
        self.head: subprocess.Popen[str] | None = None
        # Ray's own token authentication with a token of this cluster's, and a home of its
        # own: Ray keeps its token and sessions under ~/.ray, never the real user's.
        self.env = os.environ | {
            "HOME": str(self.temp),
            "TMPDIR": str(self.temp),  # what the workers unpack (a shipped model) goes too
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN": secrets.token_hex(16),
            "RAY_USAGE_STATS_ENABLED": "0",
        }

    @property
    def netns(self) -> str:
        assert self.holder is not None
        return f"/proc/{self.holder.pid}/ns/net"

    def gallery(
        self, *args: str, home: Path, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """`python -m gallery ARGS` in the namespace, with LUMEN_HOME `home`."""
        result = subprocess.run(
            self.inside([sys.executable, "-m", "gallery", *args]),
            capture_output=True,
            text=True,
            timeout=300,
            env=self.env | {"LUMEN_HOME": str(home)},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"gallery {args} exited {result.returncode}:\n{result.stderr}")
        return result

    def inside(self, command: Sequence[str]) -> list[str]:
        """`command` run in the namespace."""
        return ["nsenter", f"--net={self.netns}", *command]

    def start(self, timeout: float = 90.0) -> None:
        self.holder = subprocess.Popen(
            ["unshare", "-n", "sh", "-c", "ip link set lo up && exec sleep 100000"]
        )
        deadline = time.monotonic() + timeout
        while "UP" not in self._lo_state():
            if time.monotonic() > deadline:
                raise RuntimeError("loopback did not come up in the test namespace")
            time.sleep(0.05)
        ray = str(Path(sys.executable).parent / "ray")
        self.head = subprocess.Popen(
            self.inside(
                [
                    ray,
                    "start",
                    "--head",
                    "--block",
                    f"--num-cpus={self.cpus}",
                    "--num-gpus=0",
                    "--include-dashboard=false",
                    f"--port={PORT}",
                    "--node-ip-address=127.0.0.1",
                    f"--temp-dir={self.temp}",
                    "--disable-usage-stats",
                ]
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        assert self.head.stdout is not None
        seen = []
        for line in self.head.stdout:
            seen.append(line)
            if READY in line:
                return
            if time.monotonic() > deadline:
                break
        self.stop()
        raise RuntimeError("the Ray head did not start:\n" + "".join(seen[-30:]))

    def _lo_state(self) -> str:
        result = subprocess.run(
            self.inside(["ip", "-o", "link", "show", "lo"]), capture_output=True, text=True
        )
        return result.stdout

    def pids(self, name: str = "") -> list[int]:
        """Processes in the namespace (all of them started here), optionally those whose
        command line holds `name` (a Ray actor is renamed 'ray::ClassName')."""
        try:
            ours = Path(self.netns).readlink()
        except OSError:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if (entry / "ns" / "net").readlink() != ours:
                    continue
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if name in command:
                found.append(int(entry.name))
        return found

    def kill_ray(self, spare: int) -> None:
        """Kill the cluster at once, head and workers (every process in the namespace but its
        holder and `spare`, a driver that should live to say what happened)."""
        keep = {spare, self.holder.pid if self.holder else 0}
        for pid in self.pids():
            if pid not in keep:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop the head (it stops the processes it started), then whatever is left in the
        namespace, then the namespace's holder."""
        if self.head is not None and self.head.poll() is None:
            self.head.send_signal(signal.SIGTERM)
            try:
                self.head.wait(5)
            except subprocess.TimeoutExpired:
                self.head.kill()
        if self.holder is not None:
            for pid in self.pids():
                if pid != self.holder.pid:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            self.holder.kill()
            self.holder.wait()
        if self.head is not None and self.head.stdout is not None:
            self.head.stdout.close()
        shutil.rmtree(self.temp, ignore_errors=True)
