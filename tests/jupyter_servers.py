"""A Jupyter application (jupyter_server, JupyterLab) started for tests, in a process of
its own, with its own configuration, data and runtime folders."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

#: The token the tests log in with.
TOKEN = "nbrefactor-test-token"


@contextlib.contextmanager
def running(
    module: str,
    root: Path,
    folder: Path,
    arguments: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float = 90,
) -> Iterator[str]:
    """``python -m module`` (``jupyter_server``, ``jupyterlab``) serving ``root`` on a
    free loopback port with nbrefactor's server extension, its folders and log in
    ``folder``; its URL once it answers. It is stopped on leaving.

    Raises:
        RuntimeError: it stopped or did not answer in ``timeout`` seconds (its log).
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        **(env or {}),
    }
    command = [
        sys.executable, "-m", module, "--ip=127.0.0.1", f"--port={port}", "--no-browser",
        "--allow-root", f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.jpserver_extensions={'nbrefactor.jupyter_ext': True}", *arguments,
    ]  # fmt: skip
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{url}api/status?token={TOKEN}", timeout=5).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log_path.read_text(errors="replace")) from None
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a busy machine: it must not outlive us
                process.kill()
                process.wait()
