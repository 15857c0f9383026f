"""Errors that users read: a message in Italian first, English beside it; turned into 4xx answers, never a trace."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error with a message a social worker understands, in Italian and English."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message_it: str, message_en: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message_en or message_it)
        self.message_it = message_it
        self.message_en = message_en or message_it
        if code:
            self.code = code

    def body(self) -> dict[str, str]:
        """The JSON body of the error answer."""
        return {"error": self.code, "message": self.message_it, "message_en": self.message_en}


class Unauthenticated(UserFacingError):
    """No valid token."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(UserFacingError):
    """A valid token whose role or partner may not do this."""

    status_code = 403
    code = "forbidden"


class NotFound(UserFacingError):
    """Nothing with that id here (or nothing the caller may see)."""

    status_code = 404
    code = "not_found"


class Conflict(UserFacingError):
    """The request clashes with the current state (e.g. changed by someone else)."""

    status_code = 409
    code = "conflict"


class Unprocessable(UserFacingError):
    """The request is understood but breaks a rule of the domain."""

    status_code = 422
    code = "unprocessable"


class Unavailable(UserFacingError):
    """The service cannot answer safely right now (e.g. a protective update is pending); try again later."""

    status_code = 503
    code = "unavailable"
