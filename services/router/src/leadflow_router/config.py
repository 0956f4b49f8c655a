"""The router's part of the configuration file (regions, reps, partners, the routing policy,
the SLAs), and keeping the stored ones in step with it."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadflow_router.partners.domain import Partner
from leadflow_router.partners.repository import PartnerRepository
from leadflow_router.policy.domain import RoutingPolicy
from leadflow_router.policy.repository import PolicyRepository
from leadflow_router.reps.domain import Rep
from leadflow_router.reps.repository import RepRepository
from leadflow_router.sla.domain import Sla
from leadflow_router.territories import NAME_PATTERN, countries, expand
from leadflow_shared.uow import UnitOfWork


class RouterConfig(BaseModel):
    """``regions`` name sets of countries (``nordics: [DK, SE, NO, FI]``) that reps',
    partners' and rules' territories may use beside country codes; they are expanded when
    the file is read."""

    model_config = ConfigDict(extra="ignore")

    regions: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    reps: tuple[Rep, ...] = ()
    partners: tuple[Partner, ...] = ()
    routing: RoutingPolicy = Field(default_factory=RoutingPolicy)
    sla: Sla = Field(default_factory=Sla)

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name in value:
            if not re.match(NAME_PATTERN, name):
                raise ValueError(f"a region's name is lower case, three letters or more: {name!r}")
        return {name: countries(codes) for name, codes in value.items()}

    @model_validator(mode="before")
    @classmethod
    def _expand_regions(cls, given: Any) -> Any:
        """Region names in territories (and rules' countries) become their countries."""
        if not isinstance(given, dict) or not isinstance(given.get("regions"), dict):
            return given
        regions = {
            str(k).lower(): tuple(v) for k, v in given["regions"].items() if isinstance(v, list)
        }
        out = dict(given)
        for section in ("reps", "partners"):
            if isinstance(given.get(section), list):
                out[section] = [
                    {**item, "territories": expand(item.get("territories"), regions)}
                    if isinstance(item, dict)
                    else item
                    for item in given[section]
                ]
        routing = given.get("routing")
        if isinstance(routing, dict) and isinstance(routing.get("rules"), list):
            out["routing"] = {
                **routing,
                "rules": [
                    _expand_rule(rule, regions) if isinstance(rule, dict) else rule
                    for rule in routing["rules"]
                ],
            }
        return out

    @model_validator(mode="after")
    def _known_names(self) -> RouterConfig:
        segments = set(self.routing.known_segments())
        rep_ids = {r.id for r in self.reps}
        for owner, named in (
            *((f"rep {r.id}", r.segments) for r in self.reps),
            *((f"partner {p.id}", p.segments) for p in self.partners),
            *((f"rule {r.name}", r.match.segments) for r in self.routing.rules),
        ):
            unknown = sorted(set(named) - segments)
            if unknown:
                raise ValueError(
                    f"{owner}: segments {', '.join(unknown)} are not among routing.segments"
                )
        for rule in self.routing.rules:
            unknown = sorted(set(rule.reps) - rep_ids)
            if unknown:
                raise ValueError(f"rule {rule.name}: no reps {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _sla_names_configured_people(self) -> RouterConfig:
        unknown = self.sla.unknown({r.id for r in self.reps}, {p.id for p in self.partners})
        if unknown:
            raise ValueError(f"sla: minutes for reps or partners not configured: {unknown}")
        return self


def _expand_rule(rule: dict[str, Any], regions: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    match = rule.get("match")
    if not isinstance(match, dict):
        return rule
    return {**rule, "match": {**match, "countries": expand(match.get("countries", []), regions)}}


async def sync_config(uow: UnitOfWork, config: RouterConfig) -> None:
    """Make the stored reps, partners and routing policy match the configuration file
    (round-robin state and what the admin API set survive; reps and partners no longer
    configured are deactivated)."""
    async with uow:
        await RepRepository(uow).sync(config.reps)
        await PartnerRepository(uow).sync(config.partners)
        await PolicyRepository(uow).save(config.routing)
        await uow.commit()
