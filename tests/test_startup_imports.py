"""Heavy packages load only where a check needs them.

asn1crypto (the CMS/X.509 parser), pypdf (the fallback text reader), PDFium (pypdfium2, the CLI's
page renderer) and the other format's engine each cost tens of milliseconds and megabytes at
every run, in the CLI and in the browser.  A check that does not need one must not load it; a
change that brings one in should be a decision, not an accident.
"""
import json
import subprocess
import sys

import pytest
from cert_samples_util import sample_dir

PDFIUM = ("pypdfium2", "pypdfium2_raw")
QR_NATIVE = ("zxingcpp", "PIL", "checker.cli.qr_native", *PDFIUM)
PROBE = """
import sys
from checker.cli import main
code = main(sys.argv[1:])
import json
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(*argv: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, "--json", *argv], capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1, 2, 3), out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    json.loads(lines[0])  # the check's own output came first and is JSON
    return set(json.loads(lines[-1]))


def _imported(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_api_loads_no_engine_and_no_heavy_package():
    loaded = _imported("import checker; from checker import Options, check_bytes")
    heavy = {"asn1crypto", "pypdf", "checker._pdf", "checker._ofd", "checker._crypto.cms", *QR_NATIVE}
    assert not (heavy & loaded), sorted(heavy & loaded)


@pytest.mark.parametrize("name", ["sample-sm2.pdf", "sample-rsa.pdf"])
def test_pdf_check_without_qr_loads_neither_pdfium_nor_pypdf_nor_the_ofd_engine(name):
    loaded = _loaded("--no-qr", "--trust-demo", str(sample_dir() / name))
    assert "checker._pdf" in loaded and "asn1crypto.cms" in loaded  # the probe really checked a signed PDF
    unwanted = {"pypdf", "checker._ofd", *QR_NATIVE}
    assert not (unwanted & loaded), sorted(unwanted & loaded)


def test_ofd_check_without_qr_loads_neither_pdfium_nor_pypdf_nor_the_pdf_engine():
    loaded = _loaded("--no-qr", "--trust-demo", str(sample_dir() / "sample-sm2.ofd"))
    assert "checker._ofd.signatures" in loaded and "asn1crypto" in loaded  # it really checked a signed OFD
    unwanted = {"pypdf", "checker._pdf", *QR_NATIVE}
    assert not (unwanted & loaded), sorted(unwanted & loaded)


def test_listing_ofd_images_loads_no_crypto():
    path = sample_dir() / "sample-sm2.ofd"
    loaded = _imported(f"import checker; checker.list_images(open({str(path)!r}, 'rb').read())")
    assert "checker._ofd" in loaded
    unwanted = {"asn1crypto", "checker._crypto.cms", "checker._ofd.signatures", "pypdf", *QR_NATIVE}
    assert not (unwanted & loaded), sorted(unwanted & loaded)
