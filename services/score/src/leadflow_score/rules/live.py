"""The live rules: which rules file scores leads now.

Every rules file score has seen is kept in its database under its version; one of them is
live. The consumer registers the file its settings name (``LEADFLOW_SCORE_RULES_FILE``)
when it starts; on a database with no live rules yet, that file becomes live. Otherwise
the live rules stay what ``leadflow-score promote`` last made them, whatever the file says
(the consumer logs that the file differs and how to promote it).

Each transaction that scores reads which version is live (``FOR SHARE``): a promotion
waits for the transactions scoring under the rules before it, and every transaction after
it scores under the new rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from leadflow_score.rules.domain.ruleset import RuleSet, read_rules
from leadflow_score.rules.repository import RuleSetRepository, StoredRules
from leadflow_shared.config import ConfigError, read_text
from leadflow_shared.logging import get_logger
from leadflow_shared.uow import UnitOfWork

log = get_logger(__name__)


@dataclass(frozen=True)
class RulesFile:
    """A rules file as read: its rules and its text (kept with its version)."""

    rules: RuleSet
    text: str
    origin: str

    @classmethod
    def read(cls, path: Path) -> RulesFile:
        """Raises ``ConfigError`` naming the line and the reason when the file is bad."""
        text = read_text(path)
        return cls(read_rules(text, str(path)), text, str(path))

    @property
    def version(self) -> str:
        return self.rules.version

    async def register(self, uow: UnitOfWork) -> bool:
        """Keep it under its version (True when the version is new)."""
        return await RuleSetRepository(uow).register(
            self.version, self.rules.name, self.rules.content_hash, self.text, self.origin
        )


def stored_rules(stored: StoredRules) -> RuleSet:
    return read_rules(stored.source, f"rules {stored.version} (from {stored.origin})")


class LiveRules:
    """This process's copy of the live rules (a port: stage handlers and chores ask it for
    the rules of their transaction)."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._rules: RuleSet | None = None
        self._version: str | None = None

    @property
    def rules(self) -> RuleSet:
        if self._rules is None:
            raise RuntimeError("the live rules are not loaded yet")
        return self._rules

    @property
    def version(self) -> str:
        if self._version is None:
            raise RuntimeError("the live rules are not loaded yet")
        return self._version

    def use(self, rules: RuleSet, version: str | None = None) -> None:
        """Score with ``rules``, stamped ``version`` (the stored one: a version is what
        the database calls it, whatever this code would compute)."""
        self._rules, self._version = rules, version or rules.version

    async def start(self, uow: UnitOfWork, now: datetime) -> None:
        """Register the settings' rules file, make it live when nothing is, and load the
        live rules. A bad file stops the process here, naming its line and reason."""
        file = RulesFile.read(self.file) if self.file is not None else None
        async with uow:
            repository = RuleSetRepository(uow)
            await repository.lock_rules()
            if file is not None:
                await file.register(uow)
            live = await repository.live()
            if live is None:
                if file is None:
                    raise ConfigError(
                        "score has no live rules: set LEADFLOW_SCORE_RULES_FILE to a rules "
                        "file (deploy/examples/score-rules.yaml is the example)"
                    )
                await repository.promote(file.version, now)
                live = await repository.get(file.version)
                assert live is not None
                log.info("rules file made live", version=file.version, file=file.origin)
            await uow.commit()
        if file is not None and file.version != live.version:
            log.warning(
                "the rules file differs from the live rules: replay and promote it to use it",
                file=file.origin,
                file_version=file.version,
                live_version=live.version,
                replay=f"leadflow-score replay --rules {file.origin}",
                promote=f"leadflow-score promote {file.version}",
            )
        self.use(stored_rules(live), live.version)

    async def current(self, uow: UnitOfWork) -> tuple[RuleSet, str]:
        """The live rules and their version for this transaction (one statement; the
        version's row stays share-locked until it ends, so a promotion waits for it)."""
        repository = RuleSetRepository(uow)
        version = await repository.live_version(share=True)
        if version is not None and version != self._version:
            stored = await repository.get(version)
            if stored is not None:
                self.use(stored_rules(stored), stored.version)
                log.info("now scoring with promoted rules", version=version)
        return self.rules, self.version


def check_rules_file(path: Path | None) -> None:
    """The consumer's first step: a bad rules file stops it before it connects anywhere."""
    if path is not None:
        RulesFile.read(path)
