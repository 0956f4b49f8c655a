"""`make run` for real: `leadflow-local run` as a subprocess, on free ports, its own broker
and a fresh database on the session's Postgres server; a lead goes in, a routed lead comes
out, a killed consumer or broker is started again without losing a lead, and Ctrl-C leaves
nothing running."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from leadflow_local.postgres import drop_database
from leadflow_shared.events import LeadScored, Topics
from tests.conftest import Infra
from tests.infra import ROOT
from tests.stack import Stack, StackOptions
from tests.support import wait_for_events

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


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


async def test_run_starts_everything_routes_a_lead_and_stops_cleanly_on_ctrl_c(
    infra_env: Infra, tmp_path: Path
) -> None:
    database = f"leadflow_run_{uuid.uuid4().hex[:10]}"
    stack = Stack(
        StackOptions(
            repo=ROOT,
            state_dir=tmp_path / "state",
            postgres="local",
            admin_url=infra_env.admin_url,
            database=database,
            ready_timeout_s=60,
            pages=True,
        )
    )
    ports = stack.ports
    try:
        stack.start()
        await asyncio.to_thread(stack.wait_ready, 90)
        capture = f"http://127.0.0.1:{ports.api_base}"
        urls = (capture, f"http://127.0.0.1:{ports.api_base + 3}/docs", f"127.0.0.1:{ports.kafka}")
        for url in urls:
            assert url in stack.output
        pids = stack.pids()
        services = ("capture", "verify", "score", "router")
        expected = [f"{s}-{role}" for s in services for role in ("api", "consumer")]
        assert sorted(pids) == sorted([*expected, "pages", "tansu"])
        async with httpx.AsyncClient() as client:  # each consumer reports its readiness
            for n, service in enumerate(services):
                ready = await client.get(f"http://127.0.0.1:{ports.consumer_base + n}/readyz")
                assert ready.status_code == 200, (service, ready.text)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports.pages}") as client:
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
            stack.bootstrap_servers, [Topics.ROUTED], {lead_id}, timeout_s=30
        )
        assert [e.type for e in routed[lead_id]] == ["lead.routed"]
        score = f"http://127.0.0.1:{ports.api_base + 2}"
        executive = await _the_example_rules_score_and_explain(capture, score, stack)
        await _replay_shows_and_promote_switches(score, executive, tmp_path)
        router = f"http://127.0.0.1:{ports.api_base + 3}"
        await _feedback_reaches_score(router, score, executive, tmp_path)
        verify_ready = f"http://127.0.0.1:{ports.consumer_base + 1}/readyz"
        pids["verify-consumer"] = await _a_killed_consumer_is_restarted(
            stack, pids["verify-consumer"], verify_ready, capture
        )
        pids |= await _a_killed_broker_is_restarted_and_nothing_is_lost(
            stack, pids["tansu"], lead_id, capture
        )

        code = await asyncio.to_thread(stack.stop, 30)
        assert code == 0, stack.output
        assert stack.lines[-1] == "stopped", stack.output
        # Every service stopped on SIGTERM by itself: none had to be killed.
        assert "did not stop in time" not in stack.output
        left = {name: pid for name, pid in pids.items() if alive(pid)}
        assert not left, f"left running: {left}"
        assert not (tmp_path / "state" / "run.pids").exists()
    finally:
        await asyncio.to_thread(stack.stop)  # never leave anything behind, even on failure
        await asyncio.to_thread(drop_database, infra_env.admin_url, database)


EXEC_DEMO = {
    "email": "maria.garcia@northwind-robotics.com",
    "first_name": "Maria",
    "last_name": "Garcia",
    "company": "Northwind Robotics",
    "job_title": "CEO",
    "country": "US",
    "cta": {"type": "demo_request"},
    "bant": {"budget": "$80k approved", "timeline": "this quarter"},
}
STUDENT_NEWSLETTER = {
    "email": "kim.lee@mit.edu",
    "first_name": "Kim",
    "last_name": "Lee",
    "job_title": "Student",
    "country": "US",
    "cta": {"type": "newsletter"},
}


async def _the_example_rules_score_and_explain(capture: str, score: str, stack: Stack) -> uuid.UUID:
    """The example rules: a C-level demo request with a budget and a near timeline is hot
    and sales-qualified, a student's newsletter sign-up cold; each lead.scored explains
    itself to the point, and the score API shows the same with its history."""
    async with httpx.AsyncClient(base_url=capture, timeout=10) as client:
        ids = []
        for body in (EXEC_DEMO, STUDENT_NEWSLETTER):
            response = await client.post(
                "/v1/leads", json=body, headers={"X-Leadflow-Source": "web-form"}
            )
            assert response.status_code == 202, response.text
            ids.append(uuid.UUID(response.json()["lead_id"]))
    scored = await wait_for_events(stack.bootstrap_servers, [Topics.SCORED], set(ids), timeout_s=30)
    executive, student = (scored[lead_id][0] for lead_id in ids)
    assert isinstance(executive, LeadScored) and isinstance(student, LeadScored)
    assert (executive.data.temperature, executive.data.status) == ("hot", "sql")
    assert student.data.temperature == "cold"
    for event in (executive, student):
        data = event.data
        assert sum(c.points for c in data.explanation) == data.score
        assert data.fit is not None and data.engagement is not None
        assert data.fit + data.engagement == data.score
        assert all(c.reason and c.points for c in data.explanation)
    fired = {c.rule for c in executive.data.explanation}
    assert {"fit.seniority", "intent.cta", "bant.budget", "bant.timeline"} <= fired
    assert "negative.student" in {c.rule for c in student.data.explanation}
    async with httpx.AsyncClient(base_url=score, timeout=10) as client:
        shown = (await client.get(f"/v1/scores/{ids[0]}")).json()
    assert shown["current"]["score"] == executive.data.score
    assert [h["temperature"] for h in shown["history"]] == ["hot"]
    return ids[0]


def _local(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``leadflow-local`` as the README has a user run it, beside the running stack."""
    command = [str(ROOT / ".venv" / "bin" / "leadflow-local"), *args]
    command += ["--state-dir", str(tmp_path / "state")] if args[0] == "service" else []
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


async def _replay_shows_and_promote_switches(
    score: str, executive: uuid.UUID, tmp_path: Path
) -> None:
    """An edited rules file (hot only from 100 points): replay prints the difference and
    leaves the live score alone; promote makes it live and the executive's score turns warm."""
    rules = tmp_path / "my-rules.yaml"
    text = (ROOT / "deploy" / "examples" / "score-rules.yaml").read_text()
    rules.write_text(text.replace("  hot: 60\n", "  hot: 100\n", 1))
    replayed = await asyncio.to_thread(
        _local, tmp_path, "service", "score", "replay", "--rules", str(rules)
    )
    assert replayed.returncode == 0, replayed.stderr + replayed.stdout
    assert "would change temperature: hot → warm" in replayed.stdout, replayed.stdout
    version = replayed.stdout.rsplit("leadflow-score promote ", 1)[1].split()[0]
    async with httpx.AsyncClient(base_url=score, timeout=10) as client:
        before = (await client.get(f"/v1/scores/{executive}")).json()
        assert before["current"]["temperature"] == "hot"
        promoted = await asyncio.to_thread(_local, tmp_path, "service", "score", "promote", version)
        assert promoted.returncode == 0, promoted.stderr + promoted.stdout
        assert f"live rules: {version}" in promoted.stdout
        after = (await client.get(f"/v1/scores/{executive}")).json()
    assert after["current"]["temperature"] == "warm"
    assert after["current"]["rules_version"] == version
    assert [h["trigger"] for h in after["history"]][-1] == "promote"


async def _feedback_reaches_score(
    router: str, score: str, executive: uuid.UUID, tmp_path: Path
) -> None:
    """A rep reports the executive's lead as junk (the admin key `make run` wrote): router
    publishes the feedback, score takes it at once and the lead's status falls."""
    key = (tmp_path / "state" / "admin-api-key").read_text().strip()
    async with httpx.AsyncClient(base_url=router, timeout=10) as client:
        given = await client.post(
            f"/v1/assignments/{executive}/feedback",
            json={"outcome": "junk", "note": "a competitor fishing"},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert given.status_code == 202, given.text
    assert given.json()["closed"] is True
    async with httpx.AsyncClient(base_url=score, timeout=10) as client:
        for _ in range(100):  # score consumes leads.feedback.v1: within seconds
            shown = (await client.get(f"/v1/scores/{executive}")).json()
            if shown["current"]["trigger"] == "activity":
                break
            await asyncio.sleep(0.2)
    fired = {c["rule"]: c["points"] for c in shown["current"]["explanation"]}
    assert fired.get("engagement.feedback.junk") == -60, shown
    assert shown["current"]["status"] != "sql"


async def _a_killed_consumer_is_restarted(
    stack: Stack, pid: int, ready_url: str, capture: str
) -> int:
    """kill -9 of verify's consumer (by its PID: this test's own stack): the launcher starts
    it again, it is ready within seconds, and a lead posted then is routed."""
    os.kill(pid, signal.SIGKILL)
    started = asyncio.get_running_loop().time()
    new, ready = pid, False
    async with httpx.AsyncClient(timeout=2) as client:
        while asyncio.get_running_loop().time() - started < 60 and not ready:
            await asyncio.sleep(0.2)
            new = stack.pids().get("verify-consumer", pid)
            if new != pid:
                with contextlib.suppress(httpx.HTTPError):
                    ready = (await client.get(ready_url)).status_code == 200
    assert new != pid and ready, stack.output
    await _a_lead_posted_now_is_routed(stack, capture, "after.restart@example.com")
    return new


async def _a_killed_broker_is_restarted_and_nothing_is_lost(
    stack: Stack, pid: int, earlier: uuid.UUID, capture: str
) -> dict[str, int]:
    """kill -9 of the broker (its topics are in memory): the launcher starts a new one and
    the consumers again, every service re-drives what it had published, so the lead routed
    before is on ``leads.routed.v1`` again, and a lead posted then is routed. Returns the
    new PIDs."""
    os.kill(pid, signal.SIGKILL)
    started = asyncio.get_running_loop().time()
    names = [f"{s}-consumer" for s in ("capture", "verify", "score", "router")]
    rows: dict[str, int] = {}
    while asyncio.get_running_loop().time() - started < 90:
        await asyncio.sleep(0.5)
        rows = stack.pids()
        if rows.get("tansu", pid) != pid and "consumers started again" in stack.output:
            break
    assert rows.get("tansu", pid) != pid, stack.output
    assert "wait in the outbox again" in stack.output, stack.output
    again = await wait_for_events(stack.bootstrap_servers, [Topics.ROUTED], {earlier}, timeout_s=60)
    assert [e.type for e in again[earlier]] == ["lead.routed"]
    await _a_lead_posted_now_is_routed(stack, capture, "after.broker@example.com")
    return {name: rows[name] for name in ["tansu", *names]}


async def _a_lead_posted_now_is_routed(stack: Stack, capture: str, email: str) -> None:
    async with httpx.AsyncClient(base_url=capture, timeout=10) as client:
        response = await client.post(
            "/v1/leads",
            json={"email": email, "country": "US"},
            headers={"X-Leadflow-Source": "web-form"},
        )
    assert response.status_code == 202, response.text
    lead_id = uuid.UUID(response.json()["lead_id"])
    routed = await wait_for_events(
        stack.bootstrap_servers, [Topics.ROUTED], {lead_id}, timeout_s=60
    )
    assert [e.type for e in routed[lead_id]] == ["lead.routed"]
