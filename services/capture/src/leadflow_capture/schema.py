"""capture's schema: its metadata (every table lives in the ``capture`` schema) and its
messaging tables. Each feature defines its own tables on it; ``tables`` gathers them all."""

from __future__ import annotations

from leadflow_capture import NAME
from leadflow_shared.messaging.tables import messaging_tables
from leadflow_shared.sql import schema_metadata

metadata = schema_metadata(NAME)
outbox, inbox = messaging_tables(metadata)
