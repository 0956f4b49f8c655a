"""An SMTP server on loopback that the tests start and read (aiosmtpd): mail goes here,
never to the internet. It can refuse chosen recipients for good (550), to test a mail the
server will never take, or for a while (450, as greylisting does)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.infra import free_port


class Mailbox:
    """aiosmtpd's handler: keeps every message it accepts."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()  # recipients answered 550
        self.greylisted: set[str] = set()  # recipients answered 450 (try again later)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox here"
        if address in self.greylisted:
            return "450 4.2.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, timeout_s: float = 30.0) -> EmailMessage:
        """The first message to ``address``, once it has arrived."""
        deadline = time.monotonic() + timeout_s
        while not self.to(address):
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail to {address} within {timeout_s} s")
            await asyncio.sleep(0.1)
        return self.to(address)[0]


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 at a free port, for as long as the block runs."""
    mailbox = Mailbox(free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
