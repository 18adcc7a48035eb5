"""The exception tree: every error the core raises is a CheckerError with a finding code."""
import pytest

from checker import Options, errors
from checker._context import Context
from checker._crypto import CryptoError, MalformedCrypto, UnsupportedAlgorithm
from checker._crypto.x509 import load_certificate
from checker.check import _as_findings
from checker.messages import MESSAGES


@pytest.mark.parametrize("cls", [errors.InputError, errors.UnsupportedFormat, errors.EncryptedInput,
                                 errors.MalformedInput, errors.LimitExceeded, errors.TimeLimitExceeded,
                                 errors.InternalError, CryptoError, UnsupportedAlgorithm, MalformedCrypto])
def test_every_error_is_a_checker_error_with_a_known_code(cls):
    assert issubclass(cls, errors.CheckerError)
    assert cls.code in MESSAGES
    exc = cls("what happened", code=None)
    assert exc.detail == "what happened" and str(exc) == "what happened"


def test_a_crypto_error_carries_its_own_code():
    exc = MalformedCrypto("bad", code="CRYPTO_SIGNATURE_INVALID")
    assert isinstance(exc, CryptoError) and exc.code == "CRYPTO_SIGNATURE_INVALID"


def test_crypto_modules_raise_crypto_errors():
    with pytest.raises(MalformedCrypto) as info:
        load_certificate(b"\x30\x03\x02\x01\x01")
    assert isinstance(info.value, errors.CheckerError)


def test_a_crypto_error_reaching_the_check_becomes_an_error_finding_not_an_internal_error():
    ctx = Context(options=Options())
    with _as_findings(ctx):
        raise UnsupportedAlgorithm("1.2.3.4")
    (f,) = ctx.findings
    assert (f.code, f.severity) == ("CRYPTO_UNSUPPORTED_ALGORITHM", "error")
