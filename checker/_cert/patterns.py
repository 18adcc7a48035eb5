"""Shapes shared by field extraction and QR cross-checks: registration numbers, names, dates."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Province abbreviations (简称) used as the first character of 注册编号.
PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新"

# 注册编号: province + 12 digits (滇229151637477), Beijing's 17-character form
# (京2112014201653442 = province + 16 digits); an optional (临) marks a temporary number.
REGNO_RE = re.compile(rf"(?<![0-9])([{PROVINCES}])\s*(\d(?:\s?\d){{11}}(?:(?:\s?\d){{4}})?)(?![0-9])\s*(\(临\))?")
REGNO_STRICT = re.compile(rf"[{PROVINCES}](?:\d{{12}}|\d{{16}})(?:\(临\))?")

REGNO_KEYS = {
    "regno", "reg_no", "regnumber", "reg_number", "registrationno", "registerno", "zch", "zcbh", "zczh",
    "zsbh", "certno", "cert_no", "zyyzh", "zcno", "注册编号", "注册号", "执业印章号", "证书编号",
}
NAME_KEYS = {"name", "xm", "xingming", "realname", "real_name", "ryxm", "username_zh", "姓名"}


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def norm_regno(s: str) -> str:
    s = nfkc(s)
    s = re.sub(r"\s+", "", s)
    return s.replace("（", "(").replace("）", ")")


def find_regnos(text: str) -> list[str]:
    return [norm_regno(m.group(1) + m.group(2) + (m.group(3) or "")) for m in REGNO_RE.finditer(nfkc(text))]


_DOTS = dict.fromkeys(map(ord, "\u00b7\u30fb\u2027\u2022\uff65"), "\u00b7")  # middle dots → U+00B7


def norm_name(s: str) -> str:
    """Names as printed, without inner spaces (张 三 → 张三); a middle dot is unified."""
    s = nfkc(s).strip()
    s = s.translate(_DOTS)
    # (a loop, not re.search(r"[\u3400-\u9fff]"): compiling that class costs 3-5 ms per process)
    if any("\u3400" <= ch <= "\u9fff" for ch in s):
        s = re.sub(r"\s+", "", s)
    else:
        s = re.sub(r"\s+", " ", s)
    return s


DATE_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")


def find_dates(text: str) -> list[tuple[str, dt.date | None]]:
    """All dates in ``text``: (ISO-like string, date or None when impossible, e.g. 2026-02-30)."""
    out: list[tuple[str, dt.date | None]] = []
    for m in DATE_RE.finditer(nfkc(text)):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        iso = f"{y:04d}-{mo:02d}-{d:02d}"
        try:
            out.append((iso, dt.date(y, mo, d)))
        except ValueError:
            out.append((iso, None))
    return out
