"""MLflow's UI on a local store: ``mlflow ui`` on 127.0.0.1, on a free port, for one session.

``serve_ui`` starts the server in a process group of its own, waits until it answers, yields
its address, and on leaving (Ctrl-C included) stops the whole group: no server process is left
behind. The server is the full ``mlflow`` package's (the project's dev set installs it); its
own log lines go to a temporary file, whose last line is quoted if it fails to start.
"""

import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from <%- packageName %>.errors import TrackerError

HOST = "127.0.0.1"
START_TIMEOUT = 120.0  # seconds a cold start may take (first imports, store migrations)
STOP_TIMEOUT = 10.0  # seconds the server gets to stop on SIGTERM before SIGKILL


class UiServer:
    """A running ``mlflow ui``: its ``address`` and process."""

    def __init__(self, process: subprocess.Popen[bytes], address: str, log: IO[bytes]) -> None:
        self.process = process
        self.address = address
        self.log = log

    def wait(self) -> None:
        """Block while the server runs; raise ``TrackerError`` if it stops by itself."""
        while self.process.poll() is None:
            time.sleep(0.5)
        raise TrackerError(f"the MLflow UI stopped by itself: {_last_line(self.log)}")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def ui_command(tracking_uri: str, port: int, artifact_root: Path | None) -> list[str]:
    """Return the ``mlflow ui`` command line for the store at ``tracking_uri``."""
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", tracking_uri]
    if artifact_root is not None:  # where this project's new experiments keep artifacts
        command += ["--default-artifact-root", artifact_root.as_uri()]
    # one worker: a UI for one person starts faster and holds one process, not five
    return [*command, "--host", HOST, "--port", str(port), "--workers", "1"]


@contextmanager
def serve_ui(tracking_uri: str, artifact_root: Path | None = None) -> Iterator[UiServer]:
    """Run ``mlflow ui`` for the store until the block ends; yield the running server."""
    try:
        importlib.metadata.distribution("mlflow")
    except importlib.metadata.PackageNotFoundError:
        raise TrackerError(
            "the MLflow UI needs the full mlflow package (the project's dev set has it):"
            " pip install mlflow"
        ) from None
    port = free_port()
    address = f"http://{HOST}:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            ui_command(tracking_uri, port, artifact_root),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one group to stop; Ctrl-C reaches this process only
        )
        try:
            _wait_until_up(process, address, log)
            yield UiServer(process, address, log)
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL for what outlives the timeout."""
    _signal_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    with suppress(subprocess.TimeoutExpired):
        process.wait(STOP_TIMEOUT)
    while _signal_group(process.pid, 0) and time.monotonic() < deadline:
        time.sleep(0.1)  # the server's own children (its workers) are stopping
    if _signal_group(process.pid, signal.SIGKILL):
        process.wait()


def _signal_group(pgid: int, signum: int) -> bool:
    """Send ``signum`` to the process group ``pgid``; return whether the group exists."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    return True


def _wait_until_up(process: subprocess.Popen[bytes], address: str, log: IO[bytes]) -> None:
    """Return once ``address/health`` answers 200; raise ``TrackerError`` if it never does."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise TrackerError(f"the MLflow UI did not start: {_last_line(log)}")
        try:
            with urllib.request.urlopen(f"{address}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    waited = f"within {START_TIMEOUT:.0f} s"
    raise TrackerError(f"the MLflow UI did not answer on {address} {waited}: {_last_line(log)}")


def _last_line(log: IO[bytes]) -> str:
    """Return the last non-empty line the server wrote (or say it wrote nothing)."""
    log.seek(0)
    lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "it printed nothing"
