"""`make run` for real: `leadflow-local run` as a subprocess, on free ports, its own broker
and a fresh database on the session's Postgres server; a lead goes in, a routed lead comes
out, and Ctrl-C leaves nothing running."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import httpx
import pytest

from leadflow_local.postgres import drop_database
from leadflow_shared.events import Topics
from tests.conftest import Infra
from tests.infra import ROOT, StackPorts
from tests.support import wait_for_events

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

READY_LINE = "Press Ctrl-C to stop."


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Launcher:
    """``leadflow-local run`` in the background, its output collected line by line."""

    def __init__(self, args: list[str], state_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
        env["PYTHONUNBUFFERED"] = "1"
        self.state_dir = state_dir
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "leadflow-local"), "run", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.strip() == READY_LINE:
                self.ready.set()
        self.ready.set()  # the launcher ended: stop waiting

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def started_pids(self) -> dict[int, str]:
        text = (self.state_dir / "run.pids").read_text()
        return {int(pid): name for pid, name in (line.split() for line in text.splitlines())}

    def stop(self, timeout_s: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout_s)


async def test_run_starts_everything_routes_a_lead_and_stops_cleanly_on_ctrl_c(
    infra_env: Infra, tmp_path: Path
) -> None:
    ports = StackPorts.free()
    kafka_port, port_base, pages_port = ports.kafka, ports.api_base, ports.pages
    consumer_port_base = ports.consumer_base
    database = f"leadflow_run_{uuid.uuid4().hex[:10]}"
    launcher = Launcher(
        [
            "--kafka-port",
            str(kafka_port),
            "--port-base",
            str(port_base),
            "--consumer-port-base",
            str(consumer_port_base),
            "--pages-port",
            str(pages_port),
            "--admin-url",
            infra_env.admin_url,
            "--database",
            database,
            "--state-dir",
            str(tmp_path),
            "--ready-timeout",
            "60",
        ],
        tmp_path,
    )
    pids: dict[int, str] = {}
    try:
        await asyncio.to_thread(launcher.ready.wait, 90)
        assert launcher.process.poll() is None, f"the launcher ended early:\n{launcher.output}"
        assert READY_LINE in launcher.lines, launcher.output
        capture = f"http://127.0.0.1:{port_base}"
        for url in (capture, f"http://127.0.0.1:{port_base + 3}/docs", f"127.0.0.1:{kafka_port}"):
            assert url in launcher.output
        pids = launcher.started_pids()
        services = ("capture", "verify", "score", "router")
        expected = [f"{s}-{role}" for s in services for role in ("api", "consumer")]
        assert sorted(pids.values()) == sorted([*expected, "pages", "tansu"])
        async with httpx.AsyncClient() as client:  # each consumer reports its readiness
            for n, service in enumerate(services):
                ready = await client.get(f"http://127.0.0.1:{consumer_port_base + n}/readyz")
                assert ready.status_code == 200, (service, ready.text)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{pages_port}") as client:
            page = await client.get("/landing-page.html")
            config = await client.get("/leadflow.yaml")  # holds the example webhook secret
        assert page.status_code == 200 and "/v1/forms/web-form" in page.text
        assert config.status_code == 404

        async with httpx.AsyncClient(base_url=capture, timeout=10) as client:
            response = await client.post(
                "/v1/leads",
                json={"email": "ana@example.com", "country": "US", "cta": {"type": "demo_request"}},
                headers={"X-Leadflow-Source": "web-form"},
            )
        assert response.status_code == 202, response.text
        lead_id = uuid.UUID(response.json()["lead_id"])
        routed = await wait_for_events(
            f"127.0.0.1:{kafka_port}", [Topics.ROUTED], {lead_id}, timeout_s=30
        )
        assert [e.type for e in routed[lead_id]] == ["lead.routed"]

        code = await asyncio.to_thread(launcher.stop)
        assert code == 0, launcher.output
        assert launcher.lines[-1] == "stopped", launcher.output
        # Every service stopped on SIGTERM by itself: none had to be killed.
        assert "did not stop in time" not in launcher.output
        left = {pid: name for pid, name in pids.items() if alive(pid)}
        assert not left, f"left running: {left}"
        assert not (tmp_path / "run.pids").exists()
    finally:
        if launcher.process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                launcher.stop()
        if launcher.process.poll() is None:  # never leave anything behind, even on failure
            launcher.process.kill()
            with contextlib.suppress(OSError, ValueError):
                pids = pids or launcher.started_pids()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        await asyncio.to_thread(drop_database, infra_env.admin_url, database)
