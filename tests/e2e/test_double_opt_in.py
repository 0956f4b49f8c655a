"""Double opt-in across the services: a newsletter sign-up is held by verify until the
person follows the link in the mail verify's consumer sent (to an SMTP server on loopback);
only then is it verified, scored and routed."""

from __future__ import annotations

import asyncio
import re
import uuid

from leadflow_shared.events import LeadRouted, LeadVerified, Topics
from leadflow_verify.service import SERVICE as VERIFY
from tests.e2e.conftest import Pipeline
from tests.support import api_client, events_on, wait_for_events


async def test_a_newsletter_sign_up_goes_on_only_once_its_address_is_confirmed(
    pipeline: Pipeline,
) -> None:
    email = f"nina.{uuid.uuid4().hex[:8]}@example.com"
    lead_id = await pipeline.post_lead(
        {"email": email, "first_name": "Nina", "country": "DE", "cta": {"type": "newsletter"}},
        source="newsletter",
    )
    mail = await pipeline.mailbox.wait_for(email, timeout_s=30)
    found = re.search(r"http://\S+(/v1/confirm/[\w.-]+)", mail.get_content())
    assert found, mail.get_content()

    await asyncio.sleep(1)  # had verify published anything, it would be on its way by now
    bootstrap = pipeline.infra.kafka_bootstrap
    for topic in (Topics.VERIFIED, Topics.REJECTED, Topics.ROUTED):
        assert all(e.lead_id != lead_id for e in await events_on(bootstrap, topic)), topic

    async with api_client(VERIFY.create_app(pipeline.verify_settings), "verify") as verify:
        asked = await verify.get(found[1])  # opening the link: a button, nothing confirmed
        assert asked.status_code == 200 and '<form method="post">' in asked.text
        page = await verify.post(found[1])  # pressing it
    assert page.status_code == 200 and "confirmed" in page.text

    routed = (await wait_for_events(bootstrap, [Topics.ROUTED], {lead_id}, settle_s=1.0))[lead_id]
    verified = [e for e in await events_on(bootstrap, Topics.VERIFIED) if e.lead_id == lead_id]
    assert len(verified) == 1 and len(routed) == 1, (verified, routed)
    assert isinstance(verified[0], LeadVerified) and isinstance(routed[0], LeadRouted)
    assert verified[0].data.checks[-1].name == "double_opt_in"
    assert routed[0].data.source_id == "newsletter"
    assert len(pipeline.mailbox.to(email)) == 1
