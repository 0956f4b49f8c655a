"""``leadflow-score replay --rules FILE`` and ``leadflow-score promote VERSION``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import asyncpg
import sqlalchemy.exc
import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlalchemy.engine import make_url

from leadflow_score.replay.replaying import Window, count, promote, replay, resolve
from leadflow_score.rules.live import RulesFile
from leadflow_score.settings import ScoreSettings
from leadflow_shared.config import ConfigError
from leadflow_shared.db import Database
from leadflow_shared.service.runtime import build_runtime

commands = typer.Typer()
T = TypeVar("T")


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``work`` against score's database; a configuration problem ends the command
    with its message and exit code 2."""
    from leadflow_score.service import SERVICE

    settings = _settings()

    async def main() -> T:
        db = build_runtime(SERVICE, settings, pool_size=2, role="cli").db
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except ConfigError as exc:
        if exc.__cause__ is not None:
            typer.echo(f"cause: {exc.__cause__!r}", err=True)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (OSError, asyncpg.PostgresError, sqlalchemy.exc.DBAPIError) as exc:
        typer.echo(f"error: score's database ({_where(settings)}) failed: {exc}", err=True)
        raise typer.Exit(2) from exc


def _where(settings: ScoreSettings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _settings() -> ScoreSettings:
    try:
        return ScoreSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"LEADFLOW_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        typer.echo(f"error: score's settings are incomplete: {problems}", err=True)
        raise typer.Exit(2) from exc


def _bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=False,
    )


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO date or time: {text!r}", param_hint=option) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@commands.command("replay")
def replay_command(
    rules: Annotated[Path, typer.Option("--rules", help="the rules file (YAML) to replay")],
    since: Annotated[
        str | None, typer.Option(help="only leads received from then (ISO date or time, UTC)")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="only leads received before then (ISO date or time, UTC)")
    ] = None,
) -> None:
    """Score stored leads under a rules file into a shadow table; print what would change.

    Publishes nothing and leaves live scores alone."""
    window = Window(_moment(since, "--since"), _moment(until, "--until"))
    try:
        file = RulesFile.read(rules)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc

    async def work(db: Database) -> list[str]:
        total = await count(db, window)
        with _bar() as bar:
            task = bar.add_task(f"replaying {file.version}", total=total)
            report = await replay(
                db, file, datetime.now(UTC), window, lambda n: bar.advance(task, n)
            )
        return report.lines()

    for line in _run(work):
        typer.echo(line)
    typer.echo(f"to make these rules live: leadflow-score promote {file.version}")


@commands.command("promote")
def promote_command(
    version: Annotated[
        str, typer.Argument(help="a rules version, its unique start, or a rules name")
    ],
    rescore: Annotated[
        bool, typer.Option(help="score every stored lead again under it now, publishing changes")
    ] = True,
) -> None:
    """Make a rules version live for later leads, and score the stored leads again under it."""

    async def work(db: Database) -> list[str]:
        stored = await resolve(db, version)
        total = await count(db, Window()) if rescore else 0
        with _bar() as bar:
            task = bar.add_task("re-scoring stored leads", total=total, visible=rescore)
            report = await promote(
                db, stored, datetime.now(UTC), rescore, lambda n: bar.advance(task, n)
            )
        lines = [f"live rules: {report.version} (before: {report.before or 'none'})"]
        if rescore:
            rate = report.rescored / report.seconds if report.seconds > 0 else 0.0
            lines.append(
                f"re-scored {report.rescored:,} leads in {report.seconds:.1f} s, {rate:,.0f} a "
                f"second; {report.changed:,} changed temperature or status and were published"
            )
        lines.append("consumers score with these rules from their next batch")
        return lines

    for line in _run(work):
        typer.echo(line)
