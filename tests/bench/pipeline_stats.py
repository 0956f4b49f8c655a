"""The pipeline benchmark's numbers per phase, from what the load generator recorded (one
line per answer) and what the outcome reader read (one line per record)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ROUTED, REJECTED = "leads.routed.v1", "leads.rejected.v1"


@dataclass(frozen=True)
class Answer:
    """capture's answer to one post; ``due`` is when the post fell due (wall clock, s)."""

    phase: int
    due: float
    answered: float
    status: int
    lead_id: str | None


@dataclass(frozen=True)
class Outcome:
    read_at: float  # wall clock, s
    topic: str
    lead_id: str


@dataclass(frozen=True)
class Phase:
    rate: float  # posts a second
    seconds: float
    start: float  # wall clock, s

    @property
    def end(self) -> float:
        return self.start + self.seconds

    @property
    def label(self) -> str:
        return f"{self.rate:,.0f}/s for {self.seconds:g} s"


@dataclass(frozen=True)
class PhaseResult:
    phase: Phase
    answered: int
    accepted: int  # 202s
    other_statuses: dict[int, int]  # answers other than 202, by status
    routed: int  # leads whose first outcome was routed
    rejected: int
    lost: int  # accepted, no outcome by the drain deadline
    duplicated: int  # leads with more than one outcome record
    latencies: list[float]  # due -> first outcome, s, sorted; math.inf when none came
    capture_latencies: list[float]  # due -> capture's answer, s, sorted
    outcomes_in_window: int  # outcome records read while the phase's posts fell due
    last_due: float | None
    last_outcome: float | None  # of this phase's leads

    @property
    def arrived(self) -> int:
        return self.accepted - self.lost

    @property
    def drain_s(self) -> float | None:
        """From the phase's last post to the last outcome of its leads (None: some never came)."""
        if self.lost or self.last_due is None or self.last_outcome is None:
            return None
        return max(0.0, self.last_outcome - self.last_due)

    def outcomes_per_s(self) -> float:
        return self.outcomes_in_window / self.phase.seconds

    def completed_per_s(self) -> float | None:
        """Leads arrived ÷ the time from the phase's first post to the last of their outcomes."""
        if self.last_outcome is None or not self.arrived:
            return None
        span = self.last_outcome - self.phase.start
        return self.arrived / span if span > 0 else None


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted values (None when there are none)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def parse_answers(lines: Iterable[str]) -> list[Answer]:
    answers = []
    for line in lines:
        phase, due, answered, status, lead_id = line.split()
        answers.append(
            Answer(
                int(phase),
                float(due),
                float(answered),
                int(status),
                None if lead_id == "-" else lead_id,
            )
        )
    return answers


def parse_outcomes(lines: Iterable[str]) -> list[Outcome]:
    outcomes = []
    for line in lines:
        read_at, topic, lead_id = line.split()
        outcomes.append(Outcome(float(read_at), topic, lead_id))
    return outcomes


def summarise(
    phases: Sequence[Phase], answers: Sequence[Answer], outcomes: Sequence[Outcome], deadline: float
) -> list[PhaseResult]:
    """Each phase's numbers; outcomes read after ``deadline`` count as never arrived."""
    by_lead: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in sorted(outcomes, key=lambda o: o.read_at):
        if outcome.read_at <= deadline:
            by_lead[outcome.lead_id].append(outcome)
    return [
        _phase_result(phase, [a for a in answers if a.phase == i], by_lead, outcomes)
        for i, phase in enumerate(phases)
    ]


def _phase_result(
    phase: Phase,
    answers: Sequence[Answer],
    by_lead: dict[str, list[Outcome]],
    outcomes: Sequence[Outcome],
) -> PhaseResult:
    accepted = [a for a in answers if a.status == 202 and a.lead_id is not None]
    statuses = Counter(a.status for a in answers if a.status != 202)
    latencies, firsts = [], []
    duplicated = 0
    for answer in accepted:
        seen = by_lead.get(answer.lead_id or "", [])
        duplicated += len(seen) > 1
        if seen:
            firsts.append(seen[0])
            latencies.append(seen[0].read_at - answer.due)
        else:
            latencies.append(math.inf)
    return PhaseResult(
        phase=phase,
        answered=len(answers),
        accepted=len(accepted),
        other_statuses=dict(sorted(statuses.items())),
        routed=sum(o.topic == ROUTED for o in firsts),
        rejected=sum(o.topic == REJECTED for o in firsts),
        lost=len(accepted) - len(firsts),
        duplicated=duplicated,
        latencies=sorted(latencies),
        capture_latencies=sorted(a.answered - a.due for a in answers),
        outcomes_in_window=sum(phase.start <= o.read_at < phase.end for o in outcomes),
        last_due=max((a.due for a in answers), default=None),
        last_outcome=max((o.read_at for o in firsts), default=None),
    )
