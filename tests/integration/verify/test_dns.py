"""Mail domains looked up against a real DNS server on loopback (tests/dns_server.py), one
the test controls: MX, the A/AAAA fallback, NXDOMAIN, null MX, SERVFAIL, a server that never
answers, the cache, the concurrency cap, and the offline resolver."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from leadflow_verify.contact.dns import (
    DnsMailDomainResolver,
    OfflineMailDomainResolver,
    domain_check,
)
from tests.dns_server import Zone, serve

SLOW = 0.2  # seconds each query of a "slow-N.test" name takes
ZONE = """
mail-corp.test.    300 IN MX 20 backup.mail-corp.test.
mail-corp.test.    300 IN MX 10 mx1.mail-corp.test.
a-only.test.       300 IN A 192.0.2.10
aaaa-only.test.    300 IN AAAA 2001:db8::10
txt-only.test.     300 IN TXT "v=spf1 -all"
null-mx.test.      300 IN MX 0 .
short-ttl.test.      5 IN MX 10 mx.short-ttl.test.
""" + "".join(f"slow-{n}.test. 300 IN A 192.0.2.20\n" for n in range(6))


def delay(name: str) -> float:
    return SLOW if name.startswith("slow-") else 0.0


@pytest.fixture(scope="module")
def zone() -> Iterator[Zone]:
    yield Zone(ZONE, servfail={"broken.test."}, delay=delay)


@pytest.fixture(scope="module")
def nameserver(zone: Zone) -> Iterator[str]:
    """A DNS server on 127.0.0.1 and a free UDP port."""
    with serve(zone) as address:
        yield address


@pytest.fixture
def silent_nameserver() -> Iterator[str]:
    """A bound UDP socket that reads nothing and answers nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sock.getsockname()[1]}"


def resolver_for(nameserver: str, **options: Any) -> DnsMailDomainResolver:
    return DnsMailDomainResolver([nameserver], **{"timeout_s": 2.0, **options})


# --- what DNS says ----------------------------------------------------------------------


async def test_mx_records_give_the_mail_hosts_best_first(nameserver: str) -> None:
    answers = await resolver_for(nameserver).mail_hosts(["mail-corp.test"])

    answer = answers["mail-corp.test"]
    assert answer.accepts_mail is True
    assert answer.hosts == ("mx1.mail-corp.test", "backup.mail-corp.test")
    assert answer.looked_up == "MX mail-corp.test"
    assert "mx1.mail-corp.test" in answer.evidence
    assert answer.duration_ms > 0
    check = domain_check(answer)
    assert (check.name, check.passed, check.status, check.findings) == (
        "email_domain",
        True,
        "passed",
        (),
    )
    assert check.looked_up == "MX mail-corp.test"
    assert check.field == "email"


@pytest.mark.parametrize("domain", ["a-only.test", "aaaa-only.test"])
async def test_no_mx_but_an_address_receives_mail_directly(nameserver: str, domain: str) -> None:
    answer = (await resolver_for(nameserver).mail_hosts([domain]))[domain]

    assert answer.accepts_mail is True
    assert answer.hosts == (domain,)
    assert answer.looked_up == f"MX {domain}, A {domain}, AAAA {domain}"
    assert "no MX records but an address" in answer.evidence
    assert domain_check(answer).status == "passed"


@pytest.mark.parametrize(
    ("domain", "says"),
    [
        ("nowhere.test", "does not exist"),
        ("txt-only.test", "no mail servers (no MX) and no address"),
        ("null-mx.test", "accepts no email (null MX)"),
    ],
)
async def test_domains_that_cannot_receive_mail_fail(nameserver: str, domain: str, says: str):
    answer = (await resolver_for(nameserver).mail_hosts([domain]))[domain]

    assert answer.accepts_mail is False
    assert answer.hosts == ()
    assert says in answer.evidence
    check = domain_check(answer)
    assert (check.passed, check.status, check.findings) == (False, "failed", ("no_mail_domain",))


async def test_servfail_is_unknown_not_failed(nameserver: str) -> None:
    answer = (await resolver_for(nameserver).mail_hosts(["broken.test"]))["broken.test"]

    assert answer.accepts_mail is None
    check = domain_check(answer)
    assert (check.passed, check.status, check.findings) == (
        True,
        "unknown",
        ("mail_domain_unknown",),
    )


async def test_a_server_that_never_answers_gives_unknown_within_the_timeout(
    silent_nameserver: str,
) -> None:
    resolver = DnsMailDomainResolver([silent_nameserver], timeout_s=0.3)

    started = time.perf_counter()
    answers = await resolver.mail_hosts(["mail-corp.test", "a-only.test"])
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0  # one timeout for the batch, not one per domain or per record type
    for domain, answer in answers.items():
        assert answer.accepts_mail is None
        assert "no DNS answer" in answer.evidence
        assert answer.looked_up == f"MX {domain}"
        assert domain_check(answer).status == "unknown"


# --- batches, the cache and the concurrency cap -----------------------------------------


async def test_answers_are_keyed_as_asked_and_each_name_is_asked_once(
    nameserver: str, zone: Zone
) -> None:
    before = zone.asked("mail-corp.test")

    answers = await resolver_for(nameserver).mail_hosts(
        ["mail-corp.test", "Mail-Corp.TEST", "mail-corp.test."]
    )

    assert set(answers) == {"mail-corp.test", "Mail-Corp.TEST", "mail-corp.test."}
    assert {a.accepts_mail for a in answers.values()} == {True}
    assert zone.asked("mail-corp.test") == before + 1


async def test_a_known_answer_is_cached_and_an_unknown_one_is_not(
    nameserver: str, zone: Zone
) -> None:
    resolver = resolver_for(nameserver)
    await resolver.mail_hosts(["a-only.test", "nowhere.test", "broken.test"])
    asked = {name: zone.asked(name) for name in ("a-only.test", "nowhere.test", "broken.test")}

    again = await resolver.mail_hosts(["a-only.test", "nowhere.test", "broken.test"])

    assert zone.asked("a-only.test") == asked["a-only.test"]
    assert zone.asked("nowhere.test") == asked["nowhere.test"]
    assert zone.asked("broken.test") > asked["broken.test"]
    assert again["a-only.test"].cached and again["a-only.test"].accepts_mail is True
    assert again["nowhere.test"].cached and again["nowhere.test"].accepts_mail is False
    assert not again["broken.test"].cached


async def test_the_cache_expires_by_its_ttl_or_the_records_and_stays_bounded(
    nameserver: str, zone: Zone
) -> None:
    now = [1000.0]
    resolver = resolver_for(nameserver, cache_ttl_s=60, cache_size=2, clock=lambda: now[0])
    await resolver.mail_hosts(["mail-corp.test", "short-ttl.test"])
    asked = {name: zone.asked(name) for name in ("mail-corp.test", "short-ttl.test")}

    now[0] += 10  # past short-ttl.test's 5 s record TTL, within the 60 s cache TTL
    await resolver.mail_hosts(["mail-corp.test", "short-ttl.test"])
    assert zone.asked("mail-corp.test") == asked["mail-corp.test"]
    assert zone.asked("short-ttl.test") == asked["short-ttl.test"] + 1

    now[0] += 60  # past the cache TTL
    await resolver.mail_hosts(["mail-corp.test"])
    assert zone.asked("mail-corp.test") == asked["mail-corp.test"] + 1

    await resolver.mail_hosts(["a-only.test", "aaaa-only.test"])  # two more: the oldest goes
    assert len(resolver._cache) == 2
    assert set(resolver._cache) == {"a-only.test", "aaaa-only.test"}


async def test_a_batch_runs_concurrently_up_to_the_cap(nameserver: str, zone: Zone):
    resolver = resolver_for(nameserver, concurrency=3)
    domains = [f"slow-{n}.test" for n in range(6)]
    zone.most_in_flight = 0

    started = time.perf_counter()
    answers = await resolver.mail_hosts(domains)
    elapsed = time.perf_counter() - started

    assert all(answers[d].accepts_mail for d in domains)
    # Per domain MX, then A and AAAA together: 0.4 s. Six domains take 2.4 s one by one,
    # 0.4 s all at once, 0.8 s three at a time.
    assert 3 <= zone.most_in_flight <= 3 * 2
    assert 4 * SLOW * 0.95 <= elapsed < 1.6


# --- offline ------------------------------------------------------------------------------


async def test_offline_resolver_answers_unknown_for_everything_at_once() -> None:
    started = time.perf_counter()
    answers = await OfflineMailDomainResolver().mail_hosts(["mail-corp.test", "nowhere.test"])

    assert time.perf_counter() - started < 0.05
    assert set(answers) == {"mail-corp.test", "nowhere.test"}
    for domain, answer in answers.items():
        assert answer.accepts_mail is None
        assert answer.looked_up is None
        check = domain_check(answer)
        assert (check.passed, check.status) == (True, "unknown")
        assert check.findings == ("mail_domain_unknown",)
        assert f"not checked whether {domain} can receive email" in check.evidence
