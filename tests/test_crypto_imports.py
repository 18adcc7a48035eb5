"""The core stays pure Python: no `cryptography`, `ecdsa`, `rsa` or other native crypto in checker/."""
import ast
import pathlib

import pytest

CHECKER = pathlib.Path(__file__).resolve().parent.parent / "checker"
FORBIDDEN = {"cryptography", "ecdsa", "rsa", "Crypto", "Cryptodome", "OpenSSL", "nacl", "gmssl", "pyhanko", "oscrypto",
             "certvalidator", "pyhanko_certvalidator"}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("path", sorted(CHECKER.rglob("*.py")), ids=lambda p: str(p.relative_to(CHECKER)))
def test_no_native_crypto_imports(path):
    bad = FORBIDDEN & set(_imports(path))
    assert not bad, f"{path} imports {bad}"
