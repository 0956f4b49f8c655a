"""The error base every service's typed errors derive from.

Each error carries its HTTP status and a stable machine-readable ``code``; one exception
handler (``leadflow_shared.http``) renders them all the same way::

    LeadflowError                     status, code, message, details
    ├── BadRequest (400)
    ├── Unauthorized (401)
    ├── Forbidden (403)
    ├── NotFound (404)
    ├── Conflict (409)
    ├── PayloadTooLarge (413)
    ├── UnsupportedMediaType (415)
    ├── Unprocessable (422)          field-level details
    ├── TooManyRequests (429)        retry_after
    └── Unavailable (503)            retry_after (database down, …)
"""

from __future__ import annotations

from typing import Any


class LeadflowError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or []
        self.retry_after = retry_after


class BadRequest(LeadflowError):
    status_code = 400
    code = "bad_request"


class Unauthorized(LeadflowError):
    status_code = 401
    code = "unauthorized"


class Forbidden(LeadflowError):
    status_code = 403
    code = "forbidden"


class NotFound(LeadflowError):
    status_code = 404
    code = "not_found"


class Conflict(LeadflowError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(LeadflowError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(LeadflowError):
    status_code = 415
    code = "unsupported_media_type"


class Unprocessable(LeadflowError):
    status_code = 422
    code = "validation_failed"


class TooManyRequests(LeadflowError):
    status_code = 429
    code = "rate_limited"


class Unavailable(LeadflowError):
    status_code = 503
    code = "unavailable"
