"""Tables of many results: the CSV export and the summary line, shared by the CLI (``--csv``)
and the checker page ("导出 CSV", through its worker), so both write the same columns.

Works on ``Result.to_dict()`` dictionaries (the JSON contract), not on Result objects: the page
holds its results as JSON.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .messages import VERDICT_LABELS, VERDICT_SUMMARIES

VERDICTS = ("pass", "warn", "fail", "error")
VERDICT_ZH = VERDICT_LABELS
VERDICT_SUMMARY_ZH = VERDICT_SUMMARIES
_SEVERITY_ORDER = {"fail": 0, "error": 1, "warn": 2}  # the finding that decides the verdict first

ResultDict = Mapping[str, Any]


def problems(result: ResultDict) -> list[Mapping[str, Any]]:
    """The findings that are not ``info``, in the order the checker reported them."""
    return [f for f in result.get("findings") or () if f.get("severity") != "info"]


def main_reason(result: ResultDict) -> str:
    """The most severe problem's message, else what the verdict means."""
    found = sorted(problems(result), key=lambda f: _SEVERITY_ORDER.get(f.get("severity", ""), 3))
    if found:
        return str(found[0].get("message", ""))
    return VERDICT_SUMMARY_ZH.get(str(result.get("verdict")), "")


# (header, value) per column, in order.
CSV_COLUMNS: tuple[tuple[str, Callable[[ResultDict], Any]], ...] = (
    ("文件", lambda r: r.get("file")),
    ("格式", lambda r: str(r.get("format") or "").upper()),
    ("结论", lambda r: VERDICT_ZH.get(str(r.get("verdict")), r.get("verdict"))),
    ("结论代码", lambda r: r.get("verdict")),
    ("主要原因", main_reason),
    ("全部问题", lambda r: "；".join(str(f.get("message", "")) for f in problems(r))),
    ("签章数", lambda r: len(r.get("signatures") or ())),
    ("二维码", lambda r: " | ".join(str(q.get("text", "")) for q in r.get("qr") or ())),
    ("SHA-256", lambda r: r.get("sha256")),
    ("大小（字节）", lambda r: r.get("size")),
)


def csv_cell(value: Any) -> str:
    """One CSV field.  Text starting with = + - @ (or tab/CR) is read as a formula by Excel: a
    hostile file name or QR text could run one, so it gets a leading apostrophe (OWASP "CSV
    injection").  Fields with quotes, commas or line breaks are quoted (RFC 4180)."""
    s = "" if value is None else str(value)
    if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        s = "'" + s
    if any(c in s for c in '",\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def csv_text(results: Iterable[ResultDict]) -> str:
    """The results table as CSV text: a UTF-8 BOM (so that Excel reads the Chinese text), a
    header row, one row per result, CRLF line ends."""
    lines = [",".join(csv_cell(name) for name, _ in CSV_COLUMNS)]
    for r in results:
        lines.append(",".join(csv_cell(value(r)) for _, value in CSV_COLUMNS))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def verdict_counts(verdicts: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(VERDICTS, 0)
    for v in verdicts:
        counts[v if v in counts else "error"] += 1
    return counts


def summary_line(verdicts: Iterable[str]) -> str:
    """``共 3 个文件：通过 1，注意 1，不通过 1，无法核验 0`` (and the same in English)."""
    counts = verdict_counts(verdicts)
    total = sum(counts.values())
    zh = "，".join(f"{VERDICT_ZH[v]} {counts[v]}" for v in VERDICTS)
    en = ", ".join(f"{v} {counts[v]}" for v in VERDICTS)
    return f"共 {total} 个文件：{zh} / {total} files: {en}"


__all__ = ["CSV_COLUMNS", "csv_cell", "csv_text", "main_reason", "summary_line", "verdict_counts"]
