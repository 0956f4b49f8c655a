"""Where the tests get Kafka and Postgres from, in this order:

1. the environment: ``LEADFLOW_TEST_KAFKA_BOOTSTRAP_SERVERS`` and ``LEADFLOW_TEST_DATABASE_URL``
   (an admin URL of a server on which the tests may create and drop databases);
2. testcontainers, when a Docker engine answers (Apache Kafka in KRaft mode, Postgres 16);
3. the local way: a Tansu broker on a free loopback port, and the Postgres server on
   127.0.0.1:5432 or else an embedded one from pgserver.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from leadflow_local.broker import TansuBroker
from leadflow_local.postgres import admin_server

ROOT = Path(__file__).resolve().parent.parent


def ephemeral_ports() -> range:
    """The ports the kernel hands out as the local end of outgoing connections."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port_block(size: int = 4) -> int:
    """The first of ``size`` consecutive free loopback ports, outside the ephemeral range: a
    port there can be taken at any moment as the local end of some outgoing connection
    (then a server started on it a moment later fails to bind, and a client polling it
    before its server listens can connect to itself)."""
    ephemeral = ephemeral_ports()
    for _ in range(200):
        base = random.randint(10_000, 65_535 - size)
        if any(port in ephemeral for port in (base, base + size - 1)) or (
            base < ephemeral.start < base + size
        ):
            continue
        sockets: list[socket.socket] = []
        try:
            for port in range(base, base + size):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no block of free ports found")


@dataclass(frozen=True)
class StackPorts:
    """Ports for one `leadflow-local run`, all from one free block so that none is handed
    out twice: the broker, the four APIs, the four consumer processes, the landing page."""

    kafka: int
    api_base: int
    consumer_base: int
    pages: int

    @classmethod
    def free(cls) -> StackPorts:
        base = free_port_block(10)
        return cls(kafka=base, api_base=base + 1, consumer_base=base + 5, pages=base + 9)


def free_port() -> int:
    """A free loopback port outside the ephemeral range (see free_port_block)."""
    return free_port_block(1)


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextmanager
def kafka() -> Iterator[tuple[str, bool]]:
    """Yields (bootstrap servers, whether the broker supports idempotent producers)."""
    from_env = os.environ.get("LEADFLOW_TEST_KAFKA_BOOTSTRAP_SERVERS")
    if from_env:
        yield from_env, os.environ.get("LEADFLOW_TEST_KAFKA_IDEMPOTENCE", "") == "true"
        return
    if docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("confluentinc/cp-kafka:7.6.1").with_kraft() as container:
            yield container.get_bootstrap_server(), True
        return
    log_dir = ROOT / ".local" / "test-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    broker = TansuBroker(port=free_port())
    with open(log_dir / "tansu.log", "wb") as log:
        broker.start(log=log)
        try:
            yield broker.bootstrap_servers, False
        finally:
            broker.stop()


@contextmanager
def postgres() -> Iterator[str]:
    """Yields an admin URL of a Postgres server the tests may create databases on."""
    from_env = os.environ.get("LEADFLOW_TEST_DATABASE_URL")
    if from_env:
        yield from_env
        return
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
        return
    with admin_server(None, ROOT / ".local" / "test-pgdata") as url:
        yield url
