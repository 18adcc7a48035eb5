"""scripts/csp_hook.py: the checker page's Content-Security-Policy (hashes of inline scripts)."""
from __future__ import annotations

import base64
import hashlib
import types

import csp_hook  # scripts/ is on sys.path (tests/conftest.py)


def sha(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


PAGE = """<!doctype html><html><head>
      <meta charset="utf-8">
<script>var a=1</script>
<script src="x.js"></script>
<script id="__config" type="application/json">{"base": ".."}</script>
<script type="module">import "./m.js";</script>
<script>var a=1</script>
</head><body></body></html>"""


def test_hashes_only_executable_inline_scripts_once():
    assert csp_hook.inline_script_hashes(PAGE) == [sha("var a=1"), sha('import "./m.js";')]


def test_policy_is_strict():
    policy = csp_hook.policy_for(PAGE)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"].startswith("'self' 'wasm-unsafe-eval' 'sha256-")
    assert "'unsafe-eval'" not in policy and "unsafe-inline" not in directives["script-src"]
    assert directives["connect-src"] == "'self'" and directives["default-src"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_meta_goes_right_after_charset_and_only_on_opted_in_pages():
    page = types.SimpleNamespace(meta={"csp": "checker"}, file=types.SimpleNamespace(src_uri="checker/index.md"))
    out = csp_hook.on_post_page(PAGE, page, config=None)
    head = out.split("<meta charset=\"utf-8\">", 1)[1].lstrip()
    assert head.startswith('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'')
    other = types.SimpleNamespace(meta={}, file=types.SimpleNamespace(src_uri="index.md"))
    assert csp_hook.on_post_page(PAGE, other, config=None) == PAGE


def test_a_changed_inline_script_is_not_covered():
    policy = csp_hook.policy_for(PAGE)
    assert sha("var a=2") not in policy
