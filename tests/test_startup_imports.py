"""The CLI's run is mostly start-up: modules it does not need must stay unloaded.

Each of these cost milliseconds at every run (measured with ``python -X importtime``): typing
(~4 ms), shutil via argparse's terminal width (~5 ms, with its archive modules), pathlib (~5 ms),
secrets/random (~2 ms, only the test signer uses them).  The checker loads none of them when it
checks a signed PDF or OFD; a change that brings one back should be a decision, not an accident.
"""
import json
import os
import pathlib
import subprocess
import sys
import sysconfig

import pytest
from cert_samples_util import sample_dir

ROOT = pathlib.Path(__file__).resolve().parent.parent
UNWANTED = ("pathlib", "secrets", "random", "zipfile", "checker._ofd")
PROBE = """
import sys
from checker.cli import main
code = main(sys.argv[1:])
import json
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(*argv: str) -> set[str]:
    # -S: no site-packages .pth files (a developer's editable-install finder would load pathlib);
    # the venv's site-packages and the repo are put on the path by hand instead.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]]))
    out = subprocess.run([sys.executable, "-S", "-c", PROBE, "--json", *argv], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert out.returncode in (0, 1, 2, 3), out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    json.loads(lines[0])  # the check's own output came first and is JSON
    return set(json.loads(lines[-1]))


@pytest.mark.parametrize("name", ["sample-sm2.pdf", "sample-rsa.pdf"])
def test_pdf_check_loads_no_unneeded_module(name):
    loaded = _loaded("--no-qr", "--trust-demo", str(sample_dir() / name))
    assert "checker._pdf" in loaded and "asn1crypto.cms" in loaded  # the probe really checked a signed PDF
    assert not (set(UNWANTED) & loaded), sorted(set(UNWANTED) & loaded)


def test_ofd_check_loads_no_unneeded_module():
    loaded = _loaded("--no-qr", "--trust-demo", str(sample_dir() / "sample-sm2.ofd"))
    assert "checker._ofd" in loaded
    unwanted = set(UNWANTED) - {"zipfile", "checker._ofd"}  # an OFD is a ZIP package
    assert not (unwanted & loaded), sorted(unwanted & loaded)
