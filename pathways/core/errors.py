"""Errors the services raise; the API maps them to RFC 9457 problems, the CLI to one line and exit 2."""

from __future__ import annotations


class PathwaysError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(PathwaysError):
    status = 422
    title = "Invalid input"


class NotAuthenticated(PathwaysError):
    status = 401
    title = "Not authenticated"


class Forbidden(PathwaysError):
    status = 403
    title = "Forbidden"


class NotFound(PathwaysError):
    status = 404
    title = "Not found"


class Conflict(PathwaysError):
    status = 409
    title = "Conflict"


class AccountLocked(PathwaysError):
    status = 423
    title = "Account locked"


class AuditMissing(PathwaysError):
    """A write reached the database with no actor to audit it under."""

    status = 500
    title = "Write without audit"
