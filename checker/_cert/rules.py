"""Rules on the printed fields: ID number, registration number, validity dates, signer vs issuer."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from functools import lru_cache

from .._paths import DATA_DIR
from .fields import FIELD_LABELS_EN, FIELD_LABELS_ZH, Extracted
from .idcard import PROBLEM_TEXT, parse_id
from .patterns import REGNO_STRICT, nfkc

BODIES_FILE = os.path.join(DATA_DIR, "issuing_bodies.json")
CORE_KEYS = ("name", "gender", "birth_date", "id_number", "reg_number", "employer", "specialties", "issuer", "issue_date")


@lru_cache(maxsize=2)
def issuing_bodies(include_demo: bool = False) -> tuple[str, ...]:
    """Normalised names of known issuing bodies (demo names only on explicit opt-in)."""
    with open(BODIES_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    names = list(data.get("names", []))
    if include_demo:
        names += data.get("demo_names", [])
    return tuple(_norm_org(n) for n in names)


def recognised(ex: Extracted, text: str) -> bool:
    """Does this look like a 建造师 registration certificate at all?"""
    present = sum(1 for k in CORE_KEYS if ex.values.get(k))
    if ex.values.get("reg_number") and REGNO_STRICT.fullmatch(ex.values["reg_number"]):
        return True
    return present >= 3 or (present >= 2 and "建造师" in text)


def check_fields(ex: Extracted, ctx) -> None:
    today = ctx.options.reference_date()
    v = ex.values
    for key in ("name", "reg_number", "specialties", "issuer"):
        if not v.get(key):
            ctx.add("FIELD_MISSING", label=FIELD_LABELS_ZH[key], label_en=FIELD_LABELS_EN[key])
    for key, d in ex.dates.items():
        if d is None:
            ctx.add("FIELD_DATE_INVALID", label=FIELD_LABELS_ZH[key], label_en=FIELD_LABELS_EN[key], value=v.get(key, ""))
    for s in ex.specialties:
        if s.until and s.until_date is None:
            ctx.add("FIELD_DATE_INVALID", label=f"{s.name}有效期", label_en=f"validity of {s.name}", value=s.until)
    _check_id(ex, ctx, today)
    _check_regno(v.get("reg_number"), ctx)
    _check_periods(ex, ctx, today)


def _check_id(ex: Extracted, ctx, today: dt.date) -> None:
    value = ex.values.get("id_number")
    if not value:
        return
    info = parse_id(value, today)
    if info.masked:
        ctx.add("FIELD_ID_MASKED", value=value)
    if info.problem:
        ctx.add("FIELD_ID_INVALID", value=value, detail=PROBLEM_TEXT[info.problem])
        return
    if info.expected_check:
        ctx.add("FIELD_ID_CHECKSUM", value=value, expected=info.expected_check)
    printed_birth = ex.dates.get("birth_date")
    if printed_birth is not None:
        if info.birth is not None and info.birth != printed_birth:
            ctx.add("FIELD_ID_BIRTH_MISMATCH", id_birth=info.birth.isoformat(), printed=printed_birth.isoformat())
        elif info.birth is None and info.birth_partial:
            ymd = printed_birth.strftime("%Y%m%d")
            if any(c != "*" and c != p for c, p in zip(info.birth_partial, ymd)):
                ctx.add("FIELD_ID_BIRTH_MISMATCH", id_birth=info.birth_partial, printed=printed_birth.isoformat())
    printed_gender = ex.values.get("gender")
    if printed_gender and info.gender and printed_gender != info.gender:
        ctx.add(
            "FIELD_ID_GENDER_MISMATCH",
            id_gender=info.gender,
            id_gender_en="male" if info.gender == "男" else "female",
            printed=printed_gender,
        )


def _check_regno(value: str | None, ctx) -> None:
    if not value:
        return
    if not REGNO_STRICT.fullmatch(value):
        ctx.add("FIELD_REGNO_SHAPE", value=value)
    elif value.endswith("(临)"):
        ctx.add("FIELD_REGNO_TEMPORARY", value=value)


def _check_periods(ex: Extracted, ctx, today: dt.date) -> None:
    notice = ctx.limits.expiry_notice_days
    for s in ex.specialties:
        d = s.until_date
        if d is None:
            continue
        if d < today:
            ctx.add("FIELD_SPECIALTY_EXPIRED", specialty=s.name, date=d.isoformat(), today=today.isoformat())
        elif (d - today).days <= notice:
            ctx.add("FIELD_EXPIRING_SOON", what=f"注册专业 {s.name}", what_en=f"specialty {s.name}",
                    date=d.isoformat(), days=(d - today).days)
    d = ex.valid_until
    if d is not None:
        if d < today:
            ctx.add("FIELD_REG_EXPIRED", date=d.isoformat(), today=today.isoformat())
        elif (d - today).days <= notice:
            ctx.add("FIELD_EXPIRING_SOON", what="注册有效期", what_en="registration",
                    date=d.isoformat(), days=(d - today).days)
    d = ex.use_until
    if d is not None:
        if d < today:
            ctx.add("FIELD_USE_EXPIRED", date=d.isoformat(), today=today.isoformat())
        elif (d - today).days <= notice:
            ctx.add("FIELD_EXPIRING_SOON", what="电子证书使用有效期", what_en="period of use",
                    date=d.isoformat(), days=(d - today).days)
    issued = ex.dates.get("issue_date")
    if issued is not None and issued > today:
        ctx.add("FIELD_ISSUE_DATE_FUTURE", date=issued.isoformat(), today=today.isoformat())


# ---- signer vs printed issuer ------------------------------------------------------------


def _norm_org(s: str) -> str:
    s = nfkc(s)
    return re.sub(r"[\s\u3000]+", "", s).replace("（", "(").replace("）", ")").casefold()


def _subject_names(subject: str) -> list[str]:
    """CN / O values of a readable subject ("CN=…, O=…") or the text itself."""
    parts = re.findall(r"(?:^|[,;/+]\s*)(?:CN|O|OU|commonName|organizationName)\s*=\s*([^,;/+]+)", subject)
    return [p.strip() for p in parts] or [subject]


def signer_matches(signer: str, issuer: str | None, include_demo: bool = False) -> str:
    """How a signer subject relates to the issuer.

    ``"known"``: a CN/O names a known issuing body (the only relation that can support
    ``pass``); ``"printed"``: it matches the printed 发证机关 only — the forger controls the
    printed text, so this is not evidence; ``""``: neither.
    """
    names = [_norm_org(n) for n in _subject_names(signer)]
    iss = _norm_org(issuer) if issuer else ""
    bodies = issuing_bodies(include_demo)
    printed = False
    for n in names:
        if len(n) < 4:
            continue
        if any(b in n for b in bodies):
            return "known"
        if iss and len(iss) >= 4 and (iss in n or n in iss):
            printed = True
    return "printed" if printed else ""


def check_signer(ex: Extracted, out, ctx) -> None:
    signers: list[str] = []
    for s in out.signatures:
        if s.intact and s.signer and s.kind != "pdf-timestamp":
            signers.append(s.signer)
    if not out.signatures:
        signers.extend(n for n in out.signer_names if n)
    issuer = ex.values.get("issuer")
    demo = bool(getattr(ctx.options, "trust_demo", False))
    seen = set()
    for signer in signers:
        if signer in seen:
            continue
        seen.add(signer)
        how = signer_matches(signer, issuer, include_demo=demo)
        if how == "known":
            ctx.add("CERT_SIGNER_MATCHES_ISSUER", signer=signer)
        elif how == "printed":
            ctx.add("CERT_ISSUER_UNKNOWN", signer=signer, issuer=issuer or "")
        else:
            ctx.add("CERT_SIGNER_NOT_ISSUER", signer=signer, issuer=issuer or "（未识别）")
