"""``foresight serve`` really started: the command in a process of its own on a free loopback port, stopped after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest
import requests

from tests.conftest import EXAMPLES, TEST_DATA, cli


@dataclass
class Server:
    """A running ``foresight serve``: its base URL, process and log."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    handle: BinaryIO

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return requests.post(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(store: Path, log: Path, *options: str, token: str | None = None) -> Server:
    """Start ``foresight --store STORE serve`` on a free port; wait until it answers."""
    port = free_port()
    env = {**os.environ, "FORESIGHT_SERVE_TOKEN": token or ""}
    if not token:
        env.pop("FORESIGHT_SERVE_TOKEN")
    handle = log.open("wb")
    process = subprocess.Popen([sys.executable, "-m", "foresight.cli", "--store", str(store), "serve", "--port",
                                str(port), *options], stdout=handle, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle.close()
            raise AssertionError(f"foresight serve stopped: {log.read_text()}")
        try:
            if requests.get(url + "/api/status", timeout=5, headers=headers).status_code == 200:
                return Server(url, process, log, handle)
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    process.kill()
    process.wait()
    handle.close()
    raise AssertionError(f"foresight serve did not answer within 60 s: {log.read_text()}")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.handle.close()


@pytest.fixture(scope="session")
def examples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples and the scan of HTML and script (tests/data/xss-scan.md), ingested into a store on disk."""
    scans = tmp_path_factory.mktemp("served-scans")
    for path in EXAMPLES.iterdir():
        shutil.copy(path, scans / path.name)
    shutil.copy(TEST_DATA / "xss-scan.md", scans / "xss-scan.md")
    store = tmp_path_factory.mktemp("served") / "store"
    result = cli(store, "ingest", str(scans))
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="session")
def served(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """foresight serve over the examples (a 2 s query limit and a 1 MB result limit, to test both)."""
    server = start(examples_dir, tmp_path_factory.mktemp("log") / "serve.log", "--query-timeout", "2",
                   "--max-result-mb", "1")
    yield server
    stop(server)


@pytest.fixture
def serve_store(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start more servers for one test (with other options); all stopped after it."""
    started: list[Server] = []

    def starter(store: Path, *options: str, token: str | None = None) -> Server:
        server = start(store, tmp_path / f"serve{len(started)}.log", *options, token=token)
        started.append(server)
        return server

    yield starter
    for server in started:
        stop(server)
