"""All finding codes with their severity and messages (zh first, English second).

This is the one place where user-facing text lives.  Codes are a stable
contract (the UI, scripts and golden tests rely on them): never rename a code,
only add.  Messages may use ``{name}`` placeholders filled from a finding's
``params``.

Severities: ``info`` (no effect on the verdict), ``warn`` (not proven
authentic), ``fail`` (evidence of forgery or tampering), ``error`` (cannot be
analysed).

Each engine owns one section below; keep codes prefixed by their area.
"""
from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    severity: str
    zh: str
    en: str


SEVERITIES = ("info", "warn", "fail", "error")

M = Message

MESSAGES: dict[str, Message] = {
    # ---- general / input -------------------------------------------------
    "INPUT_UNSUPPORTED": M("error", "不是 PDF 或 OFD 文件，无法核验。", "Not a PDF or OFD file; cannot be checked."),
    "INPUT_EMPTY": M("error", "文件为空。", "The file is empty."),
    "INPUT_MALFORMED": M("error", "文件已损坏或结构无法解析：{detail}", "The file is damaged or cannot be parsed: {detail}"),
    "INPUT_ENCRYPTED": M("error", "文件已加密（设有密码），无法核验。请向发证渠道重新获取未加密的原件。", "The file is encrypted (password protected) and cannot be checked."),
    "LIMIT_EXCEEDED": M("error", "文件超出安全处理上限（{detail}），已停止分析。", "The file exceeds a safety limit ({detail}); analysis stopped."),
    "LIMIT_FILE_SIZE": M("error", "文件过大（{size} 字节，上限 {limit} 字节）。", "The file is too large ({size} bytes, limit {limit})."),
    "LIMIT_TIME": M("error", "分析超时（超过 {limit} 秒），已停止。", "Analysis took too long (over {limit} s) and was stopped."),
    "INTERNAL_ERROR": M("error", "核验程序内部错误，无法给出结论：{detail}", "Internal error of the checker; no verdict: {detail}"),
    "NOT_PROVEN": M("warn", "未能证明文件由可信机构签章且未被改动。", "The file was not proven to be sealed by a trusted issuer and unchanged."),
    # ---- signatures, common to PDF and OFD -------------------------------
    "NO_SIGNATURE": M("warn", "文件中没有电子签章或数字签名，无法证明其来源。", "The file carries no electronic seal or signature; its origin cannot be proven."),
    "SIG_OK": M("info", "签章 {index}：文件内容自签章后未被改动，签名值正确。", "Signature {index}: content unchanged since signing; signature value correct."),
    "SIG_TRUSTED": M("info", "签章 {index}：签章证书可追溯到受信任的根证书（{anchor}）。", "Signature {index}: the signer certificate chains to a trusted root ({anchor})."),
    "SIG_UNTRUSTED": M("warn", "签章 {index}：签章证书不能追溯到受信任的发证机构根证书，无法确认签章人身份。", "Signature {index}: the signer certificate does not chain to a trusted root; the signer's identity is not confirmed."),
    "SIG_DEMO_CA": M("warn", "签章 {index}：由演示（示例）证书签发，仅用于演示，不能证明真实性。", "Signature {index}: issued by the demo CA; for demonstration only."),
    "SIG_INVALID": M("fail", "签章 {index}：签名值验证失败，文件可能被伪造或篡改。", "Signature {index}: signature value does not verify; the file may be forged or altered."),
    "SIG_DIGEST_MISMATCH": M("fail", "签章 {index}：签章后文件内容被改动（摘要不一致）。", "Signature {index}: content changed after signing (digest mismatch)."),
    "SIG_UNSUPPORTED_ALGORITHM": M("error", "签章 {index}：不支持的签名算法 {algorithm}。", "Signature {index}: unsupported signature algorithm {algorithm}."),
    "SIG_MALFORMED": M("error", "签章 {index}：签名数据结构损坏：{detail}", "Signature {index}: malformed signature data: {detail}"),
    "SIG_CERT_EXPIRED": M("warn", "签章 {index}：签章时证书不在有效期内（{detail}）。", "Signature {index}: the certificate was not valid at signing time ({detail})."),
    "SIG_CERT_USAGE": M("warn", "签章 {index}：证书用途不允许用于签章（{detail}）。", "Signature {index}: certificate usage does not allow signing ({detail})."),
    "SIG_WEAK_DIGEST": M("warn", "签章 {index}：使用了弱摘要算法 {algorithm}。", "Signature {index}: weak digest algorithm {algorithm}."),
    # ---- PDF (checker/_pdf) ----------------------------------------------
    # ---- OFD (checker/_ofd) ----------------------------------------------
    # ---- QR codes (checker/_cert/qr) -------------------------------------
    "QR_NOT_CHECKED": M("info", "未检查二维码（当前环境没有二维码识别组件）。", "QR codes were not checked (no QR decoder available here)."),
    # ---- printed fields (checker/_cert/fields) ---------------------------
}


def lookup(code: str) -> Message:
    """Return the message for ``code``; unknown codes are an internal error."""
    try:
        return MESSAGES[code]
    except KeyError:
        raise KeyError(f"unknown finding code {code!r}; add it to checker/messages.py") from None


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, params: dict) -> str:
    return template.format_map(_Default({k: ("" if v is None else v) for k, v in params.items()}))
