"""The certificate rules give the same answers on Pyodide (the browser's Python 3.14) as here.

Runs the self-hosted runtime from .cache/runtime (built by `make vendor`) under node.
"""
import json
import pathlib
import shutil
import subprocess

import pytest

from checker._cert.fields import extract_fields
from checker._cert.qr import judge_payload

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUNTIME = ROOT / ".cache" / "runtime" / "pyodide"

URLS = [
    "https://zfcxjw.cq.gov.cn/zsyz?regNo=%E6%B8%9D250012345678",
    "http://zfcxjw.cq.gov.cn/",
    "https://zfcxjw.cq.gov.cn.evil.com/",
    "https://zfcxjw.сq.gov.cn/",
    "https://xn--zfcxjw-3ve.cq.gov.cn/",
    "https://住建委.政务/",
    "https://ｚｆｃｘｊｗ.cq.gov.cn/",
    "https://zfcxjw。cq。gov。cn。evil。com/",
    "https://zfcxjw.cq.gov.cn@evil.com/",
    "https://0x7f.1/",
    "https://zfcxwj-cq.net/",
    "https://t.cn/x",
    "姓名:张三;注册编号:渝250012345678",
]
TEXT = "姓　名：张 三\n性别：男\n出生日期：1988年06月15日\n注册编号：渝250012345678\n注册专业  有效期\n建筑工程 2028-03-31\n发证机关：重庆市住房和城乡建设委员会"

SCRIPT = r"""
import { loadPyodide } from "%(runtime)s/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({ indexURL: "%(runtime)s/" });
py.FS.mkdirTree("/src");
py.mountNodeFS("/src", "%(root)s");
py.globals.set("ARGS", fs.readFileSync("%(args)s", "utf8"));
const out = await py.runPythonAsync(`
import sys, json
sys.path.insert(0, "/src")
from checker._cert.qr import judge_payload
from checker._cert.fields import extract_fields
args = json.loads(ARGS)
json.dumps({"version": sys.version.split()[0],
            "judged": [[j.status, j.code, j.host] for j in map(judge_payload, args["urls"])],
            "fields": extract_fields(args["text"]).as_fields()})
`);
console.log(out);
"""


@pytest.mark.slow
def test_same_judgements_on_pyodide(tmp_path):
    if not (RUNTIME / "pyodide.mjs").is_file() or shutil.which("node") is None:
        pytest.skip("Pyodide runtime not vendored (run `make vendor`) or node missing")
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"urls": URLS, "text": TEXT}, ensure_ascii=False), encoding="utf-8")
    script = tmp_path / "run.mjs"
    script.write_text(SCRIPT % {"runtime": RUNTIME.as_posix(), "root": ROOT.as_posix(), "args": args.as_posix()},
                      encoding="utf-8")
    p = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got["version"].startswith("3.14")
    here = [[j.status, j.code, j.host] for j in map(judge_payload, URLS)]
    assert got["judged"] == here
    assert [tuple(x) for x in got["fields"]] == extract_fields(TEXT).as_fields()
