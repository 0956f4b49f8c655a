"""The unit of work's before-commit steps on real Postgres: run once however often asked
for, inside the transaction they follow, and not at all when it does not commit."""

from __future__ import annotations

from leadflow_shared.uow import UnitOfWork
from tests.conftest import Infra


async def test_a_step_runs_once_in_the_transaction_and_only_on_commit(infra_env: Infra) -> None:
    seen: list[int] = []

    async def step(uow: UnitOfWork) -> None:
        seen.append(await (await uow.driver()).fetchval("SELECT txid_current()"))

    async with infra_env.service_database("router") as db:
        async with db.unit_of_work() as uow:
            ours = await (await uow.driver()).fetchval("SELECT txid_current()")
            uow.before_commit(step)
            uow.before_commit(step)
            await uow.commit()
        assert seen == [ours]
        async with db.unit_of_work() as uow:
            uow.before_commit(step)  # left without committing
        async with db.unit_of_work() as uow:
            await uow.commit()  # a new unit of work starts with no steps
    assert seen == [ours]
