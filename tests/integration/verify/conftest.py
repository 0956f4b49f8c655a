"""Fixtures of verify's double opt-in tests: the database, settings and links, and an SMTP
server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from leadflow_shared.db import Database
from leadflow_verify.opt_in.domain.links import ConfirmationLinks
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.smtp_server import Mailbox, smtp_server


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


@pytest.fixture
def settings(infra_env: Infra) -> VerifySettings:
    return infra_env.settings(VerifySettings, "verify")


@pytest.fixture
def links(settings: VerifySettings) -> ConfirmationLinks:
    assert settings.confirm_secret is not None
    return ConfirmationLinks(settings.confirm_secret.get_secret_value(), settings.link_base)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as server:
        yield server
