"""Whether an email domain can receive mail: the port, its DNS and offline adapters, and
the check it gives.

A domain receives mail at the hosts of its MX records, or, when it has none, at its own
address (the "implicit MX" of RFC 5321 §5.1: an A or AAAA record). It receives none when
it does not exist (NXDOMAIN), has neither, or publishes a null MX (RFC 7505). Anything
else — a timeout, no reachable nameserver, SERVFAIL, lookups switched off — is *unknown*,
never a failure: an outage must not cost a lead.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import dns.asyncresolver
import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver

from leadflow_shared.events.v1 import Check, CheckStatus

if TYPE_CHECKING:
    from leadflow_verify.settings import VerifySettings


@dataclass(frozen=True, slots=True)
class DomainAnswer:
    """What DNS said about one domain: ``accepts_mail`` is None when that is unknown."""

    domain: str
    accepts_mail: bool | None
    hosts: tuple[str, ...]  # mail hosts, best first: the MX targets, or the domain itself
    looked_up: str | None  # e.g. "MX example.com, A example.com"; None when nothing was
    duration_ms: float
    evidence: str
    cached: bool = False


class MailDomainResolver(ABC):
    """The port: which of these domains receive mail, one answer per domain asked."""

    @abstractmethod
    async def mail_hosts(self, domains: Collection[str]) -> dict[str, DomainAnswer]:
        """Answers keyed by each domain as given."""


class OfflineMailDomainResolver(MailDomainResolver):
    """Asks nobody: every domain is unknown, at once (for ``make run`` without a network)."""

    async def mail_hosts(self, domains: Collection[str]) -> dict[str, DomainAnswer]:
        return {
            domain: DomainAnswer(
                domain=domain,
                accepts_mail=None,
                hosts=(),
                looked_up=None,
                duration_ms=0.0,
                evidence=f"not checked whether {domain} can receive email: DNS lookups are off",
            )
            for domain in domains
        }


def parse_nameserver(text: str) -> tuple[str, int]:
    """``"127.0.0.1:5353"``, ``"[::1]:5353"``, ``"::1"`` or ``"9.9.9.9"`` → (address, port).

    Raises ValueError for anything but an IP address with an optional port.
    """
    text = text.strip()
    host, port = text, 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"{text!r} is not [address]:port")
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = int(port_text)
    ipaddress.ip_address(host)  # a hostname would need a resolver to find the resolver
    if not 1 <= port <= 65535:
        raise ValueError(f"{text!r} has no valid port")
    return host, port


class DnsMailDomainResolver(MailDomainResolver):
    """Asks DNS (dnspython's async resolver), at most ``concurrency`` queries at a time.

    ``nameservers`` are "host:port" texts; without them the system's (/etc/resolv.conf).
    Each query may take ``timeout_s`` in all. Known answers are kept ``cache_ttl_s`` (or
    their records' TTL when shorter), at most ``cache_size`` of them, least recently used
    dropped first; unknown answers are not kept, so the next lead asks again.
    """

    def __init__(
        self,
        nameservers: Sequence[str] | None = None,
        *,
        timeout_s: float = 1.0,
        cache_ttl_s: float = 3600.0,
        cache_size: int = 10_000,
        concurrency: int = 32,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if nameservers:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = [
                dns.nameserver.Do53Nameserver(*parse_nameserver(text)) for text in nameservers
            ]
        else:
            resolver = dns.asyncresolver.Resolver()
        resolver.timeout = timeout_s
        resolver.lifetime = timeout_s
        resolver.cache = None
        self._resolver = resolver
        self._cache_ttl_s = cache_ttl_s
        self._cache_size = cache_size
        self._cache: OrderedDict[str, tuple[float, DomainAnswer]] = OrderedDict()
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock

    async def mail_hosts(self, domains: Collection[str]) -> dict[str, DomainAnswer]:
        names = {domain: domain.lower().rstrip(".") for domain in domains}
        answers: dict[str, DomainAnswer] = {}
        wanted: list[str] = []
        for name in dict.fromkeys(names.values()):
            cached = self._cached(name)
            if cached is None:
                wanted.append(name)
            else:
                answers[name] = cached
        found = await asyncio.gather(*(self._look_up(name) for name in wanted))
        for name, (answer, ttl) in zip(wanted, found, strict=True):
            answers[name] = answer
            if answer.accepts_mail is not None:
                self._remember(name, answer, ttl)
        return {domain: answers[name] for domain, name in names.items()}

    def _cached(self, name: str) -> DomainAnswer | None:
        entry = self._cache.get(name)
        if entry is None:
            return None
        expires, answer = entry
        if self._clock() >= expires:
            del self._cache[name]
            return None
        self._cache.move_to_end(name)
        return replace(answer, duration_ms=0.0, cached=True)

    def _remember(self, name: str, answer: DomainAnswer, ttl: float | None) -> None:
        keep = self._cache_ttl_s if ttl is None else min(ttl, self._cache_ttl_s)
        if keep <= 0 or self._cache_size <= 0:
            return
        self._cache[name] = (self._clock() + keep, answer)
        self._cache.move_to_end(name)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _look_up(self, name: str) -> tuple[DomainAnswer, float | None]:
        async with self._limit:
            started = time.perf_counter()
            asked: list[str] = []
            accepts, hosts, evidence, ttl = await self._ask(name, asked)
            duration_ms = (time.perf_counter() - started) * 1000
        answer = DomainAnswer(
            domain=name,
            accepts_mail=accepts,
            hosts=hosts,
            looked_up=", ".join(asked),
            duration_ms=round(duration_ms, 3),
            evidence=evidence,
        )
        return answer, ttl

    async def _ask(
        self, name: str, asked: list[str]
    ) -> tuple[bool | None, tuple[str, ...], str, float | None]:
        """(accepts mail, hosts, evidence, TTL to keep it) for one domain."""
        try:
            asked.append(f"MX {name}")
            mx = await self._resolver.resolve(name, "MX", raise_on_no_answer=False)
            if mx.rrset is not None and len(mx.rrset) > 0:
                records = sorted(mx.rrset, key=lambda r: (r.preference, str(r.exchange)))
                if all(r.exchange == dns.name.root for r in records):
                    evidence = f"{name} declares that it accepts no email (null MX)"
                    return False, (), evidence, float(mx.rrset.ttl)
                hosts = tuple(
                    r.exchange.to_text(omit_final_dot=True)
                    for r in records
                    if r.exchange != dns.name.root
                )
                shown = ", ".join(hosts[:3]) + (" …" if len(hosts) > 3 else "")
                evidence = f"{name} receives email at its mail servers (MX: {shown})"
                return True, hosts, evidence, float(mx.rrset.ttl)
            asked.extend((f"A {name}", f"AAAA {name}"))
            a, aaaa = await asyncio.gather(
                self._resolver.resolve(name, "A", raise_on_no_answer=False),
                self._resolver.resolve(name, "AAAA", raise_on_no_answer=False),
            )
        except dns.resolver.NXDOMAIN:
            return False, (), f"{name} does not exist in DNS, so it cannot receive email", None
        except dns.exception.Timeout:
            return None, (), f"no DNS answer for {name} in time: unknown if it receives email", None
        except dns.resolver.NoNameservers:
            evidence = f"DNS servers failed to answer for {name}: unknown if it receives email"
            return None, (), evidence, None
        except dns.exception.DNSException as exc:
            evidence = f"DNS lookup of {name} failed ({exc}): unknown if it receives email"
            return None, (), evidence, None
        addresses = [r.to_text() for answer in (a, aaaa) if answer.rrset for r in answer.rrset]
        if not addresses:
            evidence = (
                f"{name} has no mail servers (no MX) and no address, so it cannot receive email"
            )
            return False, (), evidence, None
        ttls = [float(answer.rrset.ttl) for answer in (a, aaaa) if answer.rrset]
        evidence = (
            f"{name} has no MX records but an address ({addresses[0]}), "
            "so it receives email directly"
        )
        return True, (name,), evidence, min(ttls)


def domain_check(answer: DomainAnswer) -> Check:
    """The ``email_domain`` check: passed, failed (``no_mail_domain``) or unknown
    (``mail_domain_unknown``, which passes: not knowing is no reason to drop a lead)."""
    status: CheckStatus
    findings: tuple[str, ...]
    if answer.accepts_mail is None:
        status, passed, findings = "unknown", True, ("mail_domain_unknown",)
    elif answer.accepts_mail:
        status, passed, findings = "passed", True, ()
    else:
        status, passed, findings = "failed", False, ("no_mail_domain",)
    return Check(
        name="email_domain",
        passed=passed,
        status=status,
        field="email",
        evidence=answer.evidence,
        looked_up=answer.looked_up,
        duration_ms=answer.duration_ms,
        findings=findings,
    )


def resolver_from_settings(settings: VerifySettings) -> MailDomainResolver:
    """The resolver ``dns_mode`` names: offline, the system's nameservers, or ``dns_servers``."""
    if settings.dns_mode == "offline":
        return OfflineMailDomainResolver()
    return DnsMailDomainResolver(
        settings.dns_servers if settings.dns_mode == "servers" else None,
        timeout_s=settings.dns_timeout_s,
        cache_ttl_s=settings.dns_cache_ttl_s,
    )
