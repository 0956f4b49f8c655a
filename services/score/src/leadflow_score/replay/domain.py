"""What a replay found: how many leads would change temperature or status, from what to
what, which rules made the difference, and examples."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from leadflow_score.rules.domain.ruleset import RuleSet
from leadflow_score.rules.domain.scoring import Score

EXAMPLES = 5


@dataclass(frozen=True)
class Difference:
    """One lead's score under the live rules and under the replayed ones."""

    lead_id: uuid.UUID
    live: Score
    replayed: Score

    @property
    def changes(self) -> bool:
        return (self.live.temperature, self.live.status) != (
            self.replayed.temperature,
            self.replayed.status,
        )

    def rules(self) -> list[tuple[str, int, int]]:
        """(rule, live points, replayed points) for every rule whose points differ, the
        largest difference first."""
        live = _points(self.live)
        replayed = _points(self.replayed)
        differing = [
            (rule, live.get(rule, 0), replayed.get(rule, 0))
            for rule in sorted(live.keys() | replayed.keys())
            if live.get(rule, 0) != replayed.get(rule, 0)
        ]
        return sorted(differing, key=lambda d: -abs(d[2] - d[1]))


def setting_changes(live: RuleSet, replayed: RuleSet) -> list[str]:
    """What changed between two rules files beyond points: thresholds, status conditions
    and decay, one line each."""
    changes = []
    for name in ("temperature", "status", "decay"):
        a, b = getattr(live, name), getattr(replayed, name)
        if a != b:
            changes.append(f"{name}: {_brief(a)} → {_brief(b)}")
    return changes


def _brief(section: object) -> str:
    dumped = (
        section.model_dump(exclude_defaults=True) if hasattr(section, "model_dump") else section
    )
    return str(dumped).replace("'", "")


def _points(given: Score) -> dict[str, int]:
    points: Counter[str] = Counter()
    for c in given.explanation:
        points[c.rule] += c.points
    return dict(points)


@dataclass
class ReplayReport:
    version: str
    live_version: str
    settings: list[str] = field(default_factory=list)  # setting_changes()
    leads: int = 0
    seconds: float = 0.0  # how long the replay took
    temperature_changes: Counter[tuple[str, str]] = field(default_factory=Counter)
    status_changes: Counter[tuple[str, str]] = field(default_factory=Counter)
    deciding_rules: Counter[str] = field(default_factory=Counter)
    examples: list[Difference] = field(default_factory=list)

    def add(self, difference: Difference) -> None:
        self.leads += 1
        live, replayed = difference.live, difference.replayed
        if live.temperature != replayed.temperature:
            self.temperature_changes[(live.temperature, replayed.temperature)] += 1
        if live.status != replayed.status:
            self.status_changes[(live.status, replayed.status)] += 1
        if difference.changes:
            rules = [rule for rule, _, _ in difference.rules()]
            # the same points: the thresholds or the status conditions made the difference
            self.deciding_rules.update(rules or [s.split(":", 1)[0] for s in self.settings])
            if len(self.examples) < EXAMPLES:
                self.examples.append(difference)

    @property
    def changed_temperature(self) -> int:
        return sum(self.temperature_changes.values())

    @property
    def changed_status(self) -> int:
        return sum(self.status_changes.values())

    def lines(self) -> list[str]:
        """The report as a user reads it after a replay."""
        rate = f", {self.leads / self.seconds:,.0f} a second" if self.seconds > 0 else ""
        out = [
            f"replayed {self.leads:,} leads in {self.seconds:.1f} s{rate} under {self.version} "
            f"(live: {self.live_version})",
            f"  {self.changed_temperature:,} would change temperature"
            + _moves(self.temperature_changes),
            f"  {self.changed_status:,} would change status" + _moves(self.status_changes),
        ]
        if self.settings:
            out.append("settings changed:")
            out += [f"  {line}" for line in self.settings]
        if self.deciding_rules:
            out.append("rules that made the difference (leads):")
            out += [f"  {rule}: {n:,}" for rule, n in self.deciding_rules.most_common(8)]
        if self.examples:
            out.append("examples:")
        for d in self.examples:
            live, replayed = d.live, d.replayed
            out.append(
                f"  {d.lead_id}: {live.temperature}/{live.status} {live.score} → "
                f"{replayed.temperature}/{replayed.status} {replayed.score}"
            )
            differing = d.rules()
            out += [f"      {rule}: {a:+d} → {b:+d}" for rule, a, b in differing[:4]]
            if not differing and self.settings:
                changed = ", ".join(line.split(":", 1)[0] for line in self.settings)
                out.append(f"      the same points; changed: {changed}")
        return out


def _moves(changes: Counter[tuple[str, str]]) -> str:
    if not changes:
        return ""
    return ": " + ", ".join(f"{a} → {b} {n:,}" for (a, b), n in changes.most_common())
