"""capture's API as its process composes it: the intake endpoints share one group-committing
batcher and the sources registry (only the ``api`` process imports this)."""

from __future__ import annotations

from collections.abc import Sequence

from leadflow_capture.intake.admission import Admission
from leadflow_capture.intake.batching import Batcher
from leadflow_capture.intake.endpoints import forms, leads
from leadflow_capture.intake.handlers import CaptureRequest, Outcome, capture_leads
from leadflow_capture.intake.requests import WAITING, Intake
from leadflow_capture.settings import CaptureSettings
from leadflow_capture.sources import endpoints as admin
from leadflow_capture.sources.domain import CaptureConfig
from leadflow_capture.sources.registry import SourceRegistry
from leadflow_shared.config import load_config
from leadflow_shared.retry import is_transient
from leadflow_shared.service import Api, Runtime


def intake_api(runtime: Runtime[CaptureSettings]) -> Api:
    """The intake endpoints share one group-committing batcher and the sources registry."""
    settings, db = runtime.settings, runtime.db
    configured = load_config(settings.config_file, CaptureConfig).sources

    async def flush(requests: list[CaptureRequest]) -> Sequence[Outcome | BaseException]:
        """One transaction for every waiting request; if it fails for a reason other than
        the database being away, each request is tried alone so that one bad request
        cannot fail the others."""
        try:
            return await capture_leads(db, requests)
        except Exception as exc:
            if len(requests) == 1 or is_transient(exc):
                raise
        alone: list[Outcome | BaseException] = []
        for request in requests:
            try:
                alone.extend(await capture_leads(db, [request]))
            except Exception as exc:
                alone.append(exc)
        return alone

    batcher: Batcher[CaptureRequest, Outcome] = Batcher(
        flush,
        max_batch=settings.commit_batch_max,
        max_wait_ms=settings.commit_batch_wait_ms,
        max_concurrent_flushes=settings.commit_flushes,
        admission=Admission(
            bound_s=settings.commit_deadline_ms / 1000,
            max_waiting=settings.commit_queue_max,
            max_batch=settings.commit_batch_max,
            slots=settings.commit_flushes,
        ),
    )
    WAITING.set_function(lambda: batcher.waiting)  # read when /metrics is scraped
    registry = SourceRegistry(db, configured, refresh_s=settings.sources_refresh_s)
    intake = Intake(
        settings=settings, db=db, registry=registry, submit=batcher.submit, admit=batcher.admit
    )
    return Api(
        routers=[admin.router(runtime, registry), forms.router(intake)],
        direct_routes={("POST", leads.PATH): leads.PostLead(intake)},
        document=leads.document,
        on_shutdown=[batcher.close],
        readiness={"intake": batcher.overload},
    )
