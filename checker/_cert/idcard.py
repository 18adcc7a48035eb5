"""Citizen ID numbers (公民身份号码, GB 11643-1999): check digit, birth date, gender.

18 characters: 6-digit region, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd = male),
check character = "10X98765432"[sum(d_i * w_i) mod 11] with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
Old 15-digit numbers hold YYMMDD (19YY) and no check character.  Masked numbers (``*``) are
checked on their visible characters only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# First two digits: provinces, autonomous regions, municipalities (GB/T 2260), 71 Taiwan, 81/82 HK/Macao,
# 83 for residence permits of Taiwan residents.
REGION_PREFIXES = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
}
ID_RE = re.compile(r"(?<![0-9A-Za-z*])([0-9*]{6}(?:[0-9*]{8}[0-9*]{3}[0-9Xx*]|[0-9*]{9}))(?![0-9A-Za-z*])")


def check_char(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


@dataclass(frozen=True, slots=True)
class IdInfo:
    """A resident ID number (身份证号) as printed: shape, check character, birth date."""

    value: str
    masked: bool
    problem: str | None = None  # "length", "region", "birth", "future", None
    expected_check: str | None = None  # set when the check character is wrong
    birth: dt.date | None = None
    birth_partial: str | None = None  # masked: visible YYYYMMDD digits with '*' gaps
    gender: str | None = None  # 男 | 女


def parse_id(value: str, today: dt.date | None = None) -> IdInfo:
    v = value.strip().upper()
    masked = "*" in v
    if len(v) == 15 and not masked and v.isdigit():
        return _check_birth_gender(v, "19" + v[6:12], v[14], masked, today)
    if len(v) != 18 or not re.fullmatch(r"[0-9*]{17}[0-9X*]", v):
        return IdInfo(v, masked, problem="length")
    if not masked:
        if int(v[:2]) not in REGION_PREFIXES:
            return IdInfo(v, masked, problem="region")
        info = _check_birth_gender(v, v[6:14], v[16], masked, today)
        if info.problem:
            return info
        exp = check_char(v[:17])
        if exp != v[17]:
            return IdInfo(v, masked, expected_check=exp, birth=info.birth, gender=info.gender)
        return info
    # masked: keep what is visible
    if v[:2] != "**" and "*" not in v[:2] and int(v[:2]) not in REGION_PREFIXES:
        return IdInfo(v, masked, problem="region")
    gender = None
    if v[16] != "*":
        gender = "男" if int(v[16]) % 2 else "女"
    birth_part = v[6:14]
    birth = None
    if "*" not in birth_part:
        info = _check_birth_gender(v, birth_part, v[16] if v[16] != "*" else "1", masked, today)
        if info.problem:
            return info
        birth = info.birth
    return IdInfo(v, masked, birth=birth, birth_partial=birth_part, gender=gender)


def _check_birth_gender(v: str, ymd: str, gender_digit: str, masked: bool, today: dt.date | None) -> IdInfo:
    try:
        birth = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
    except ValueError:
        return IdInfo(v, masked, problem="birth")
    if birth.year < 1900 or (today is not None and birth > today):
        return IdInfo(v, masked, problem="future" if today and birth > today else "birth")
    return IdInfo(v, masked, birth=birth, gender="男" if int(gender_digit) % 2 else "女")


PROBLEM_TEXT = {
    "length": "长度或字符不对 / wrong length or characters",
    "region": "地区码无效 / invalid region code",
    "birth": "出生日期无效 / invalid birth date",
    "future": "出生日期晚于今天 / birth date in the future",
}
