"""Printed fields of a 二级建造师 electronic registration certificate, read from the text layer.

Field keys (``Result.fields``, in this order; values as printed, normalised: NFKC, names without
inner spaces, dates as YYYY-MM-DD):

=======================  ==========================================================
``name``                 姓名
``gender``               性别 (男 / 女)
``birth_date``           出生日期 / 出生年月
``id_number``            身份证号 / 公民身份号码 / 证件号码 (when printed; may be masked)
``reg_number``           注册编号 / 注册号 / 执业印章号
``employer``             聘用企业 / 聘用单位 / 执业单位
``specialties``          注册专业, several joined by "、"
``specialty_valid_until`` 有效期 of the 注册专业: one date, or "专业 日期；专业 日期" for several
``valid_until``          注册有效期 / 有效期 printed on its own, when no 注册专业 is printed
``use_valid_until``      使用有效期 / 使用期限 (end date; when printed)
``issuer``               发证机关 / 发证单位
``issue_date``           发证日期 / 签发日期
=======================  ==========================================================

Tolerated: full-width colons and digits, spaces inside labels and names, line breaks between
label and value, ``YYYY年M月D日`` / ``YYYY-MM-DD`` / ``YYYY.MM.DD`` dates, date ranges (end taken).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .idcard import ID_RE
from .patterns import REGNO_RE, find_dates, nfkc, norm_name, norm_regno

FIELD_KEYS = (
    "name", "gender", "birth_date", "id_number", "reg_number", "employer", "specialties",
    "specialty_valid_until", "valid_until", "use_valid_until", "issuer", "issue_date",
)

FIELD_LABELS_ZH = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号",
    "reg_number": "注册编号", "employer": "聘用企业", "specialties": "注册专业",
    "specialty_valid_until": "专业有效期", "valid_until": "注册有效期", "use_valid_until": "使用有效期", "issuer": "发证机关",
    "issue_date": "发证日期",
}
FIELD_LABELS_EN = {
    "name": "name", "gender": "gender", "birth_date": "date of birth", "id_number": "ID number",
    "reg_number": "registration number", "employer": "employer", "specialties": "specialties",
    "specialty_valid_until": "specialty valid until", "valid_until": "registration valid until",
    "use_valid_until": "use valid until",
    "issuer": "issuing authority", "issue_date": "issue date",
}

# label variants → key (longest variants first where one contains another)
_LABELS = [
    ("使用有效期", "use_valid_until"), ("使用期限", "use_valid_until"), ("使用时限", "use_valid_until"),
    ("有效使用期", "use_valid_until"),
    ("公民身份号码", "id_number"), ("身份证件号码", "id_number"), ("身份证号码", "id_number"),
    ("身份证号", "id_number"), ("证件号码", "id_number"),
    ("注册证书编号", "reg_number"), ("注册编号", "reg_number"), ("执业印章号", "reg_number"),
    ("注册号", "reg_number"), ("证书编号", "cert_number"),
    ("聘用企业", "employer"), ("聘用单位", "employer"), ("执业单位", "employer"), ("注册单位", "employer"),
    ("注册专业", "specialties"), ("执业专业", "specialties"),
    ("注册有效期", "_validity"), ("有效期至", "_validity"), ("有效期", "_validity"), ("有效日期", "_validity"),
    ("出生日期", "birth_date"), ("出生年月", "birth_date"),
    ("发证机关", "issuer"), ("发证单位", "issuer"), ("颁发机关", "issuer"), ("发证机构", "issuer"),
    ("发证日期", "issue_date"), ("签发日期", "issue_date"), ("颁发日期", "issue_date"), ("发证时间", "issue_date"),
    ("姓名", "name"), ("性别", "gender"),
]
# Spaces inside a label ("姓　　名"): the text is NFKC-normalised first, which turns U+3000 into
# U+0020, so [ \t] covers it.  (A class with \u3000 costs the regex compiler ~30 ms per process.)
_LABEL_RE = re.compile(
    "|".join("(?:" + r"[ \t]*".join(re.escape(ch) for ch in lab) + ")" for lab, _ in _LABELS)
)
_LABEL_KEY = {lab: key for lab, key in _LABELS}

SPECIALTIES = (
    "建筑工程", "公路工程", "水利水电工程", "市政公用工程", "矿业工程", "机电工程",
    "铁路工程", "民航机场工程", "港口与航道工程", "通信与广电工程",
)
_SPEC_RE = re.compile("|".join(re.escape(s) for s in SPECIALTIES))


@dataclass(slots=True)
class Specialty:
    """One registered specialty (专业) and the validity date printed with it."""

    name: str
    until: str | None = None  # ISO as printed
    until_date: dt.date | None = None


@dataclass(slots=True)
class Extracted:
    """The certificate fields read from the printed text, with the dates they carry."""

    values: dict[str, str] = field(default_factory=dict)
    specialties: list[Specialty] = field(default_factory=list)
    use_until: dt.date | None = None
    valid_until: dt.date | None = None  # registration validity printed without a specialty
    dates: dict[str, dt.date | None] = field(default_factory=dict)  # key → parsed date (None: impossible)

    def as_fields(self) -> list[tuple[str, str]]:
        return [(k, self.values[k]) for k in FIELD_KEYS if self.values.get(k)]


def _lines(chunk: str) -> list[str]:
    return [ln.strip(" \t\u3000:：") for ln in chunk.split("\n") if ln.strip(" \t\u3000:：")]


def _first_line(chunk: str) -> str:
    lines = _lines(chunk)
    return re.sub(r"\s+", " ", lines[0]).strip() if lines else ""


def extract_fields(text: str, max_chars: int = 2 * 1024 * 1024, tick=None) -> Extracted:
    """Fields from ``text`` (at most ``max_chars`` read); ``tick()`` is called now and then
    (the engine's ``ctx.check_time``)."""
    text = nfkc(text[:max_chars]).replace("\r\n", "\n").replace("\r", "\n")
    ex = Extracted()
    hits = []
    for n, m in enumerate(_LABEL_RE.finditer(text)):
        if tick is not None and n % 1000 == 999:
            tick()
        label = re.sub(r"[ \t\u3000]", "", m.group(0))
        # inside a value ("重庆市某发证机关") a label only counts when a colon follows it
        prev = text[m.start() - 1] if m.start() else "\n"
        if (prev.isalnum() or prev in "·") and not re.match(r"[ \t]*[:：]", text[m.end():]):
            continue
        hits.append((m.start(), m.end(), _LABEL_KEY[label]))
    for i, (_start, end, key) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        chunk = text[end:stop]
        if key in ex.values or key.startswith("_") or key == "cert_number":
            continue
        _take(ex, key, chunk)
    # specialties: from the 注册专业 label to the next label that is not a validity label
    in_region: set[int] = set()
    for i, (_start, end, key) in enumerate(hits):
        if key != "specialties":
            continue
        j = i + 1
        while j < len(hits) and hits[j][2] in ("_validity", "specialties"):
            in_region.add(j)
            j += 1
        region = text[end:(hits[j][0] if j < len(hits) else len(text))]
        ex.specialties = _parse_specialties(region)
        break
    # a validity printed on its own (注册有效期 / 有效期, not beside a specialty)
    for i, (_start, end, key) in enumerate(hits):
        if key == "_validity" and i not in in_region:
            stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
            dates = find_dates(_first_line(text[end:stop]) or text[end:stop])
            if dates:
                iso, d = dates[-1]
                for s in ex.specialties:
                    if s.until is None:
                        s.until, s.until_date = iso, d
                if not ex.specialties:
                    ex.values["valid_until"], ex.dates["valid_until"] = iso, d
                    ex.valid_until = d
            break
    if ex.specialties:
        ex.values["specialties"] = "、".join(s.name for s in ex.specialties)
        dated = [s for s in ex.specialties if s.until]
        if len(ex.specialties) == 1 and dated:
            ex.values["specialty_valid_until"] = dated[0].until or ""
        elif dated:
            ex.values["specialty_valid_until"] = "；".join(f"{s.name} {s.until}" for s in dated)
    return ex


def _take(ex: Extracted, key: str, chunk: str) -> None:
    if key == "name":
        line = _first_line(chunk)
        if line:
            ex.values[key] = norm_name(line)[:40]
    elif key == "gender":
        m = re.search(r"[男女]", chunk)
        if m:
            ex.values[key] = m.group(0)
    elif key in ("birth_date", "issue_date"):
        dates = find_dates(chunk)
        if dates:
            ex.values[key], ex.dates[key] = dates[0]
    elif key == "use_valid_until":
        dates = find_dates(_first_line(chunk) or chunk)
        if dates:
            ex.values[key], ex.dates[key] = dates[-1]
            ex.use_until = dates[-1][1]
    elif key == "id_number":
        m = ID_RE.search(re.sub(r"[ \t\u3000]", "", chunk))
        if m:
            ex.values[key] = m.group(1).upper()
    elif key == "reg_number":
        m = REGNO_RE.search(chunk)
        if m:
            ex.values[key] = norm_regno(m.group(1) + m.group(2) + (m.group(3) or ""))
        else:
            line = _first_line(chunk)
            if line:
                ex.values[key] = norm_regno(line.split(" ")[0])[:40]
    elif key in ("employer", "issuer"):
        lines = _lines(chunk)
        # a wide gap ends the value ("某某公司    统一社会信用代码 …")
        line = re.split(r"[ \t]{2,}|\u3000{2,}", lines[0])[0].strip() if lines else ""
        if line:
            ex.values[key] = re.sub(r"\s+", " ", line)[:100]
    elif key == "specialties":
        pass


def _parse_specialties(region: str) -> list[Specialty]:
    found = list(_SPEC_RE.finditer(region))
    out: list[Specialty] = []
    if not found:
        line = _first_line(re.sub(r"有\s*效\s*期\s*至?", "", region))
        name = re.split(r"[\s(（,，;；]", line)[0] if line else ""
        if name and not re.match(r"\d", name):
            dates = find_dates(region)
            s = Specialty(name[:20])
            if dates:
                s.until, s.until_date = dates[-1]
            out.append(s)
        return out
    for k, m in enumerate(found):
        seg_end = found[k + 1].start() if k + 1 < len(found) else len(region)
        if any(s.name == m.group(0) for s in out):
            continue
        s = Specialty(m.group(0))
        dates = find_dates(region[m.end():seg_end])
        if dates:
            s.until, s.until_date = dates[-1]
        out.append(s)
    # a single shared date printed once after all specialties
    undated = [s for s in out if not s.until]
    if undated and len(undated) < len(out) and out[-1].until and all(s.until is None for s in out[:-1]):
        for s in undated:
            s.until, s.until_date = out[-1].until, out[-1].until_date
    return out
