"""checker.report: the results table shared by the CLI (--csv) and the page ("导出 CSV")."""
import csv
import io

from checker.report import CSV_COLUMNS, csv_cell, csv_text, main_reason, summary_line


def _result(**kw):
    base = {"file": "a.pdf", "format": "pdf", "verdict": "warn", "findings": [], "signatures": [{}], "qr": [],
            "sha256": "ab" * 32, "size": 10}
    return {**base, **kw}


def test_cells_cannot_become_formulas_and_are_quoted():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("+1") == "'+1" and csv_cell("-1") == "'-1" and csv_cell("@x") == "'@x"
    assert csv_cell("\tx") == "'\tx"
    assert csv_cell('say "hi", then') == '"say ""hi"", then"'
    assert csv_cell("two\nlines") == '"two\nlines"'
    assert csv_cell(None) == "" and csv_cell(3) == "3"


def test_main_reason_is_the_most_severe_problem_else_the_verdict_meaning():
    findings = [{"code": "A", "severity": "info", "message": "info"},
                {"code": "B", "severity": "warn", "message": "warn msg"},
                {"code": "C", "severity": "fail", "message": "fail msg"}]
    assert main_reason(_result(findings=findings, verdict="fail")) == "fail msg"
    # a proven modification outranks a part that cannot be read: the reason shown is the evidence
    findings.insert(0, {"code": "D", "severity": "error", "message": "error msg"})
    assert main_reason(_result(findings=findings, verdict="fail")) == "fail msg"
    assert main_reason(_result(verdict="pass")).startswith("电子签章完好")


def test_table_round_trips_through_a_csv_reader():
    rows = [_result(file="=evil.pdf", qr=[{"text": "https://a"}, {"text": "b"}],
                    findings=[{"code": "X", "severity": "warn", "message": "m1"},
                              {"code": "Y", "severity": "fail", "message": 'm,"2"'}])]
    text = csv_text(rows)
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    parsed = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert parsed[0] == [name for name, _ in CSV_COLUMNS]
    assert parsed[1] == ["'=evil.pdf", "PDF", "注意", "warn", 'm,"2"', 'm1；m,"2"', "1", "https://a | b", "ab" * 32, "10"]


def test_summary_line_counts_unknown_verdicts_as_error():
    assert summary_line(["pass", "warn", "warn", "odd"]) == (
        "共 4 个文件：通过 1，注意 2，不通过 0，无法核验 1 / 4 files: pass 1, warn 2, fail 0, error 1")
