"""Exception tree of the checker (modelled on pypdf.errors / httpx).

Engines raise these; :func:`checker.check_bytes` turns them into an ``error``
verdict with the exception's finding ``code``.  Nothing else escapes the API.

    CheckerError
    ├── InputError            the file cannot be analysed
    │   ├── UnsupportedFormat   neither PDF nor OFD
    │   ├── EncryptedInput      encrypted / password protected
    │   ├── MalformedInput      broken beyond what we accept
    │   └── LimitExceeded       a limit from checker.limits was hit
    │       └── TimeLimitExceeded
    ├── CryptoError           a signature or certificate cannot be verified (checker._crypto)
    │   ├── UnsupportedAlgorithm
    │   └── MalformedCrypto
    └── InternalError         a bug of ours (reported, never a traceback)
"""
from __future__ import annotations


class CheckerError(Exception):
    """Base class.  ``code`` is a finding code from :mod:`checker.messages`."""

    code = "INTERNAL_ERROR"

    def __init__(self, detail: str = "", *, code: str | None = None, **params: object) -> None:
        super().__init__(detail or self.__class__.__name__)
        if code is not None:
            self.code = code
        self.detail = detail
        self.params = params


class InputError(CheckerError):
    code = "INPUT_MALFORMED"


class UnsupportedFormat(InputError):
    code = "INPUT_UNSUPPORTED"


class EncryptedInput(InputError):
    code = "INPUT_ENCRYPTED"


class MalformedInput(InputError):
    code = "INPUT_MALFORMED"


class LimitExceeded(InputError):
    code = "LIMIT_EXCEEDED"


class TimeLimitExceeded(LimitExceeded):
    code = "LIMIT_TIME"


class InternalError(CheckerError):
    code = "INTERNAL_ERROR"
