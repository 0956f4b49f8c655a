"""verify's benchmark: its input (captured events, the DNS zone of their domains) and its
numbers (outcomes, lost and duplicated leads, the side-by-side ratio)."""

from __future__ import annotations

from collections import Counter

import pytest
from dnslib import QTYPE, RCODE, DNSRecord

from leadflow_shared.events import parse_event
from tests.bench.leads import email_domains
from tests.bench.verify_input import captured_events, domain_kind, mail_zone
from tests.bench.verify_report import Context, report, stats
from tests.bench.verify_run import Read, RunResult, parse_reads
from tests.dns_server import Zone


def test_captured_events_are_the_bench_leads_as_capture_records_them() -> None:
    events = captured_events(200, seed=1)

    assert len({e.lead_id for e in events}) == 200
    for event in events:
        assert parse_event(event.kafka_value()) == event
        assert event.producer == "capture"
        assert event.data.source_id == "web-form"
        assert event.data.double_opt_in is False  # as the web-form source says
        assert event.data.submission.email or event.data.submission.phone
    ctas = Counter(e.data.submission.cta.type for e in events)
    assert len(ctas) >= 8


def test_the_zone_holds_mail_servers_addresses_and_nothing_for_some_domains() -> None:
    domains = email_domains()
    zone = mail_zone(domains)

    assert sum(zone.kinds.values()) == len(domains)
    assert zone.kinds["mx"] > 0.7 * len(domains)
    assert zone.kinds["a_only"] > 0 and zone.kinds["nxdomain"] > 0
    assert [domain_kind(d) for d in domains] == [domain_kind(d) for d in domains]  # fixed


@pytest.mark.parametrize(
    ("kind", "qtype", "rcode", "answers"),
    [
        ("mx", "MX", RCODE.NOERROR, 2),
        ("a_only", "MX", RCODE.NOERROR, 0),
        ("a_only", "A", RCODE.NOERROR, 1),
        ("nxdomain", "MX", RCODE.NXDOMAIN, 0),
    ],
)
def test_the_zone_answers_each_kind_of_domain(
    kind: str, qtype: str, rcode: int, answers: int
) -> None:
    domains = email_domains()
    domain = next(d for d in domains if domain_kind(d) == kind)
    zone = Zone(mail_zone(domains).text)

    reply = zone.resolve(DNSRecord.question(domain, qtype), None)

    assert reply.header.get_rcode() == rcode
    assert len([rr for rr in reply.rr if rr.rtype == getattr(QTYPE, qtype)]) == answers


def run_result(reads: list[Read], *, mode: str = "offline", leads: int = 3) -> RunResult:
    return RunResult(
        number=1,
        mode=mode,
        leads=leads,
        spawned=90.0,
        ready=100.0,
        reads=reads,
        cpu_s={"verify-consumer": 0.003, "postgres": 0.0015},
        peak_rss={"verify-consumer": 150_000_000},
        others=0.01,
        dns_queries=0,
        ours=frozenset({"a", "b", "c"}),
    )


def test_a_run_counts_outcomes_losses_duplicates_and_strangers() -> None:
    reads = parse_reads(
        [
            "100.5 leads.verified.v1 a verified",
            "101.0 leads.rejected.v1 b rejected",
            "101.2 leads.verified.v1 a verified",  # a twice
            "101.4 leads.verified.v1 x needs_review",  # not ours
        ]
    )

    s = stats(run_result(reads))

    assert s.outcomes == Counter({"verified": 1, "rejected": 1})
    assert (s.lost, s.duplicated, s.foreign) == (1, 1, 1)  # c never came
    assert s.last_outcome == 101.0
    assert s.seconds == pytest.approx(1.0)
    assert s.leads_per_s == pytest.approx(2.0)
    assert s.cpu_ms_per_lead("verify-consumer") == pytest.approx(1.5)
    assert not s.sound


def test_the_report_puts_the_modes_side_by_side_with_their_ratio() -> None:
    every = [Read(100.0 + n, "leads.verified.v1", lead, "verified") for n, lead in enumerate("abc")]
    offline = run_result(every)  # 3 leads in 2 s
    slower = [Read(r.read_at + 1.0, r.topic, r.lead_id, r.outcome) for r in every]
    loopback = run_result(slower, mode="loopback")  # 3 in 3 s
    ctx = Context("now", "2 CPUs", "Postgres", 3, 1, "3 domains", 20.0, 0.01)

    text, sound = report(ctx, [offline, loopback])

    assert sound
    assert "| **leads a second through verify** (median) | 2 | 1 | **0.67** |" in text
    assert "| 1 | offline |" in text and "| 1 | loopback |" in text
    assert "lost 0, duplicated 0" in text
