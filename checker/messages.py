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

from typing import Literal, NamedTuple

Severity = Literal["info", "warn", "fail", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warn", "fail", "error")


class Message(NamedTuple):
    """One finding's text: severity, Chinese, English."""

    severity: Severity
    zh: str
    en: str


M = Message

MESSAGES: dict[str, Message] = {
    # ---- general / input -------------------------------------------------
    "INPUT_UNSUPPORTED": M("error", "不是 PDF 或 OFD 文件，无法核验。", "Not a PDF or OFD file; cannot be checked."),
    "INPUT_EMPTY": M("error", "文件为空。", "The file is empty."),
    "INPUT_MALFORMED": M("error", "文件已损坏或结构无法解析：{detail}", "The file is damaged or cannot be parsed: {detail}"),
    "INPUT_ENCRYPTED": M("error", "文件已加密（设有密码），无法核验。请向发证渠道重新获取未加密的原件。", "The file is encrypted (password protected) and cannot be checked."),
    "LIMIT_EXCEEDED": M("error", "文件超出安全处理上限（{detail}），已停止分析。", "The file exceeds a safety limit ({detail}); analysis stopped."),
    "LIMIT_FILE_SIZE": M("error", "文件过大（{size} 字节，上限 {limit} 字节），无法核验。电子证书通常只有几百 KB，请确认选择的是证书原件。", "The file is too large ({size} bytes, limit {limit}); an electronic certificate is usually a few hundred KB."),
    "LIMIT_TIME": M("error", "分析超时（超过 {limit} 秒），已停止。", "Analysis took too long (over {limit} s) and was stopped."),
    "INTERNAL_ERROR": M("error", "核验程序内部错误，无法给出结论：{detail}", "Internal error of the checker; no verdict: {detail}"),
    # the checker page, before or instead of the core (docs/assets/checker/app.js)
    "PAGE_RUNTIME_FAILED": M("error", "核验程序加载失败，无法核验该文件。", "The checker failed to load; the file cannot be checked."),
    "PAGE_CHECK_FAILED": M("error", "核验过程出错：{detail}", "The check failed: {detail}"),
    "PAGE_SAMPLE_FAILED": M("error", "示例文件下载失败（{detail}）。", "The sample file could not be downloaded ({detail})."),
    "INPUT_NAME_MISMATCH": M("warn", "文件扩展名为 .{ext}，但内容是 {fmt} 格式。不同软件可能显示不同内容，请向发证渠道索取原始文件。", "The file is named .{ext} but its content is {fmt}; different programs may show different content."),
    "NOT_PROVEN": M("warn", "未能证明文件由可信机构签章且未被改动。", "The file was not proven to be sealed by a trusted issuer and unchanged."),
    # ---- signatures, common to PDF and OFD -------------------------------
    "NO_SIGNATURE": M("warn", "文件中没有电子签章或数字签名，无法证明其来源。", "The file carries no electronic seal or signature; its origin cannot be proven."),
    "SIG_OK": M("info", "签章 {index}：文件内容自签章后未被改动，签名值正确。", "Signature {index}: content unchanged since signing; signature value correct."),
    "SIG_TRUSTED": M("info", "签章 {index}：签章证书可追溯到受信任的根证书（{anchor}）。", "Signature {index}: the signer certificate chains to a trusted root ({anchor})."),
    "SIG_UNTRUSTED": M("warn", "签章 {index}：签章证书不能追溯到受信任的发证机构根证书，无法确认签章人身份。", "Signature {index}: the signer certificate does not chain to a trusted root; the signer's identity is not confirmed."),
    "SIG_DEMO_CA": M("warn", "签章 {index}：由演示（示例）证书签发，仅用于演示，不能证明真实性。", "Signature {index}: issued by the demo CA; for demonstration only."),
    "SIG_INVALID": M("fail", "签章 {index}：签名值验证失败，文件可能被伪造或篡改。", "Signature {index}: signature value does not verify; the file may be forged or altered."),
    "SIG_DIGEST_MISMATCH": M("fail", "签章 {index}：{what_zh}在签章后被改动（摘要与签章时记录的不一致）。", "Signature {index}: {what} changed after signing (its digest differs from the signed one)."),
    "SIG_UNSUPPORTED_ALGORITHM": M("error", "签章 {index}：不支持的签名算法 {algorithm}。", "Signature {index}: unsupported signature algorithm {algorithm}."),
    "SIG_MALFORMED": M("error", "签章 {index}：签名数据结构损坏：{detail}", "Signature {index}: malformed signature data: {detail}"),
    "SIG_CERT_EXPIRED": M("warn", "签章 {index}：签章时证书不在有效期内（{detail}）。", "Signature {index}: the certificate was not valid at signing time ({detail})."),
    "SIG_CERT_USAGE": M("warn", "签章 {index}：证书用途不允许用于签章（{detail}）。", "Signature {index}: certificate usage does not allow signing ({detail})."),
    "SIG_CERT_EXPIRED_UNPROVEN": M("warn", "签章 {index}：签章证书已于 {until} 过期，文件中也没有可信时间戳证明签章是在证书有效期内完成的（签章时间只是签章方自己声明的）。", "Signature {index}: the signer certificate expired on {until} and no trusted timestamp proves the signature was made while it was valid (the signing time is only claimed)."),
    "SIG_WEAK_DIGEST": M("warn", "签章 {index}：使用了弱摘要算法 {algorithm}。", "Signature {index}: weak digest algorithm {algorithm}."),
    # ---- crypto / CMS / trust (checker/_crypto) --------------------------
    "CRYPTO_MALFORMED": M("error", "签章 {index}：签名数据结构无法解析：{detail}", "Signature {index}: the signature data cannot be parsed: {detail}"),
    "CRYPTO_UNSUPPORTED_ALGORITHM": M("error", "签章 {index}：不支持的算法 {detail}，无法验证。", "Signature {index}: unsupported algorithm {detail}; cannot verify."),
    "CRYPTO_DIGEST_MISMATCH": M("fail", "签章 {index}：签名后内容被改动（摘要与签名中记录的不一致）。", "Signature {index}: content changed after signing (digest differs from the signed messageDigest)."),
    "CRYPTO_SIGNATURE_INVALID": M("fail", "签章 {index}：签名值验证失败，签名可能被伪造或篡改。", "Signature {index}: the signature value does not verify; it may be forged or altered."),
    "CRYPTO_NO_MESSAGE_DIGEST": M("fail", "签章 {index}：签名属性中缺少或重复 messageDigest，签名无效。", "Signature {index}: messageDigest attribute missing or repeated; the signature is invalid."),
    "CRYPTO_CONTENT_TYPE_MISMATCH": M("fail", "签章 {index}：签名属性 contentType 缺失或与内容类型不符。", "Signature {index}: contentType attribute missing or not matching the content type."),
    "CRYPTO_ATTRIBUTE_REPEATED": M("fail", "签章 {index}：签名属性重复出现，签名结构异常。", "Signature {index}: a signed attribute is repeated; abnormal signature structure."),
    "CRYPTO_SIGNER_CERT_MISSING": M("warn", "签章 {index}：签名中找不到签名人证书，无法验证签名。", "Signature {index}: the signer certificate is not included; the signature cannot be verified."),
    "CRYPTO_SIGNING_CERT_MISMATCH": M("fail", "签章 {index}：签名属性中记录的签名证书与实际证书不一致。", "Signature {index}: the signing-certificate attribute does not match the signer certificate."),
    "CRYPTO_MULTIPLE_SIGNERS": M("warn", "签章 {index}：一个签名中包含多个签名人（{detail} 个），只验证了第一个。", "Signature {index}: the signature holds several signers ({detail}); only the first was verified."),
    "CRYPTO_NO_CONTENT": M("error", "签章 {index}：没有可验证的签名内容。", "Signature {index}: there is no signed content to verify."),
    "CRYPTO_CONTENT_CONFLICT": M("fail", "签章 {index}：签名内嵌内容与文件中被签内容不一致。", "Signature {index}: the content embedded in the signature differs from the signed file content."),
    "CRYPTO_NO_SIGNED_ATTRS": M("info", "签章 {index}：签名不含签名属性（旧式签名，直接对内容签名）。", "Signature {index}: no signed attributes (legacy signature over the content itself)."),
    "CRYPTO_WEAK_DIGEST": M("warn", "签章 {index}：使用了已不安全的摘要算法 {detail}。", "Signature {index}: uses the weak digest algorithm {detail}."),
    "CRYPTO_TIMESTAMP_MISMATCH": M("fail", "签章 {index}：时间戳与签名不对应（时间戳摘要不一致）。", "Signature {index}: the timestamp does not match the signature (imprint differs)."),
    "CRYPTO_TIMESTAMP_INVALID": M("fail", "签章 {index}：时间戳签名验证失败。", "Signature {index}: the timestamp's own signature does not verify."),
    "CRYPTO_TIMESTAMP_MALFORMED": M("warn", "签章 {index}：时间戳无法解析（{detail}），未使用。", "Signature {index}: the timestamp cannot be parsed ({detail}) and was ignored."),
    "TRUST_NO_ANCHOR": M("warn", "签章 {index}：证书链不能追溯到受信任的根证书（{detail}）。", "Signature {index}: the certificate chain does not lead to a trusted root ({detail})."),
    "TRUST_CERT_SIGNATURE_INVALID": M("fail", "签章 {index}：证书 {detail} 自称由受信任机构签发，但其证书签名验证失败（可能是伪造证书）。", "Signature {index}: certificate {detail} claims a trusted issuer but its signature does not verify (possibly forged)."),
    "TRUST_CERT_EXPIRED": M("warn", "签章 {index}：签名时证书 {detail} 不在有效期内。", "Signature {index}: certificate {detail} was not valid at signing time."),
    "TRUST_NOT_CA": M("fail", "签章 {index}：证书链中 {detail} 不是 CA 证书，却签发了其他证书（证书链伪造特征）。", "Signature {index}: {detail} is not a CA certificate but issued another certificate (forged chain pattern)."),
    "TRUST_PATH_LENGTH": M("fail", "签章 {index}：证书链超出 CA 允许的层级（pathLen），证书链无效。", "Signature {index}: the chain exceeds a CA's path length constraint."),
    "TRUST_ISSUER_KEY_USAGE": M("fail", "签章 {index}：证书 {detail} 的密钥用途不允许签发证书。", "Signature {index}: the key usage of {detail} does not allow signing certificates."),
    "TRUST_SIGNER_KEY_USAGE": M("warn", "签章 {index}：签名证书的密钥用途不允许用于数字签名（{detail}）。", "Signature {index}: the signer certificate's key usage does not allow digital signatures ({detail})."),
    "TRUST_TIMESTAMP_USAGE": M("warn", "签章 {index}：时间戳证书不是时间戳专用证书（缺少 timeStamping 用途）。", "Signature {index}: the timestamp certificate is not a timestamping certificate."),
    "TRUST_CRITICAL_EXTENSION": M("warn", "签章 {index}：证书 {detail} 含有无法识别的关键扩展项。", "Signature {index}: certificate {detail} has an unrecognised critical extension."),
    "TRUST_CHAIN_TOO_LONG": M("warn", "签章 {index}：证书链过长（超过 {detail} 级），已停止构建。", "Signature {index}: certificate chain too long (over {detail}); path building stopped."),
    "TRUST_ANCHOR_EXPIRED": M("warn", "签章 {index}：签名时根证书 {detail} 不在有效期内。", "Signature {index}: the root certificate {detail} was not valid at signing time."),
    "TRUST_BAD_ANCHOR_FILE": M("error", "无法读取指定的信任根证书文件：{detail}", "Cannot read the given trust anchor file: {detail}"),
    # an extra root offered by a site administrator (build) or a reader (checker page): refused
    "TRUST_ROOT_TOO_LARGE": M("error", "文件过大（{size} 字节，上限 {limit} 字节），不是一张证书。根证书文件通常只有 1–2 KB。", "The file is too large ({size} bytes, limit {limit}) to be a certificate; a root certificate is usually 1-2 KB."),
    "TRUST_ROOT_UNREADABLE": M("error", "无法读取为证书（PEM 或 DER 格式）：{detail}", "Cannot be read as a certificate (PEM or DER): {detail}"),
    "TRUST_ROOT_NOT_CERTIFICATE": M("error", "这不是证书文件（内容是 {kind}）。请选择 CA 的证书（.cer/.crt/.pem），不要选择私钥、证书请求或其他文件。", "This is not a certificate (it holds {kind}). Choose the CA's certificate (.cer/.crt/.pem), not a private key, a request or another file."),
    "TRUST_ROOT_SEVERAL": M("error", "文件中有 {count} 张证书，一次只能添加一张根证书。", "The file holds {count} certificates; add one root certificate at a time."),
    "TRUST_ROOT_LEAF": M("error", "“{subject}”是个人或单位的签章证书（终端证书），不是 CA 证书，不能作为信任的根证书。", "{subject} is an end-entity (signer) certificate, not a CA certificate; it cannot be a trust root."),
    "TRUST_ROOT_NOT_CA": M("error", "“{subject}”不是 CA 证书（缺少基本约束 cA=TRUE），不能作为信任的根证书。", "{subject} is not a CA certificate (no basicConstraints cA=TRUE); it cannot be a trust root."),
    "TRUST_ROOT_EXPIRED": M("error", "“{subject}”已于 {not_after} 过期，不能作为信任的根证书。", "{subject} expired on {not_after}; it cannot be a trust root."),
    "TRUST_ROOT_NOT_YET_VALID": M("error", "“{subject}”要到 {not_before} 才生效，不能作为信任的根证书。", "{subject} is not valid before {not_before}; it cannot be a trust root."),
    "TRUST_ROOT_BAD_SIGNATURE": M("error", "“{subject}”是自签名证书，但其自身签名无法验证（文件已损坏、被改动，或算法不受支持）。", "{subject} is self-signed but its own signature does not verify (damaged, altered or an unsupported algorithm)."),
    # ---- PDF (checker/_pdf) ----------------------------------------------
    "PDF_CMS_DATA_OID_MIX": M("info", "签章 {index}：签名数据混用了 PKCS#7 与国密（GM/T 0010）的“数据”类型标识，二者含义相同，不影响验证。", "Signature {index}: the CMS mixes the PKCS#7 and GM/T 0010 'data' content-type OIDs; both mean data, accepted."),
    "PDF_BYTERANGE_INVALID": M("fail", "签章 {index}：签名覆盖范围（/ByteRange）不合规：{detail_zh}。文件可能被伪造（签名包装/通用签名伪造攻击）。", "Signature {index}: invalid signed range (/ByteRange): {detail}. The file may be forged (signature wrapping / universal signature forgery)."),
    "PDF_SIG_EMPTY": M("fail", "签章 {index}：签名域中没有有效的签名数据（签名值为空或缺失），这是伪造签章的典型特征。", "Signature {index}: the signature field holds no real signature (empty or missing value), a typical sign of a forged seal."),
    "PDF_SIG_CONTENTS_JUNK": M("warn", "签章 {index}：签名数据之后夹带了多余内容。", "Signature {index}: extra data follows the signature value."),
    "PDF_SIG_NOT_IN_REVISION": M("fail", "签章 {index}：签名字典不属于其所签的文件版本，文件可能被篡改。", "Signature {index}: the signature dictionary does not belong to the revision it signs; the file may have been tampered with."),
    "PDF_SIG_TOO_LARGE": M("error", "签章 {index}：签名数据过大（{size} 字节，上限 {limit}）。", "Signature {index}: signature data too large ({size} bytes, limit {limit})."),
    "PDF_SUBFILTER_UNSUPPORTED": M("error", "签章 {index}：不支持的签名格式 {subfilter}。", "Signature {index}: unsupported signature format {subfilter}."),
    "PDF_CHANGED_AFTER_SIGNING": M("fail", "签章 {index} 之后文件内容被修改（{detail_zh}），阅读器显示的内容可能已不是签章时的内容。", "After signature {index} the document was modified ({detail}); what a reader shows may differ from what was signed."),
    "PDF_FORM_CHANGED": M("fail", "签章 {index} 之后表单内容被修改（{detail_zh}）。", "After signature {index} the form was modified ({detail})."),
    "PDF_ANNOTATION_ADDED": M("fail", "签章 {index} 之后新增了可见的注释（{detail_zh}），可能遮盖或伪造页面内容。", "After signature {index} a visible annotation was added ({detail}); it can hide or fake page content."),
    "PDF_VISIBLE_SIGNATURE_ADDED": M("fail", "签章 {index} 之后新增或改动了可见的签名外观（{detail_zh}），可能遮盖或伪造页面内容。", "After signature {index} a visible signature appearance was added or changed ({detail}); it can hide or fake page content."),
    "PDF_DOCMDP_VIOLATION": M("fail", "签章 {index} 为“不允许修改”的认证签名，但之后文件被修改（{detail_zh}）。", "Signature {index} certifies the document with no changes allowed, yet it was modified ({detail})."),
    "PDF_XREF_TAMPERED": M("fail", "签章 {index} 之后的文件结构（交叉引用表）被改写：{detail_zh}。", "After signature {index} the file structure (cross-reference) was rewritten: {detail}."),
    "PDF_HIDDEN_OBJECT": M("fail", "签章之后追加了未登记的隐藏对象（{detail_zh}），部分阅读器会显示它们。", "Unregistered hidden objects were appended after signing ({detail}); some readers display them."),
    "PDF_SIGNATURE_REMOVED": M("fail", "文件早先版本中的签章 {name} 在最终版本中被移除。", "The signature {name} of an earlier revision was removed in the final version."),
    "PDF_FORM_FILLED_PERMITTED": M("warn", "签章 {index} 之后表单被填写（{detail_zh}）。这是签章人在认证签名中允许的改动（填写表单），但填入的内容不受签章保护，本工具无法为它担保；核验页面的预览中用虚线框标出了它的位置。", "After signature {index} the form was filled in ({detail}). The certifying signer permitted this (form filling), but what was filled in is not protected by the signature and this tool cannot vouch for it; the preview outlines where it is."),
    "PDF_SIGNATURE_ADDED_LATER": M("warn", "签章 {index} 之后，{detail_zh}。PDF 标准允许后来的签章人添加并签署自己的签名域（例如单位在证书上加盖投标用章），但该签名域的显示区域不受签章 {index} 保护，本工具无法凭签章 {index} 为该区域担保；核验页面的预览中用虚线框标出了它的位置。", "After signature {index}, {detail}. The PDF standard lets a later signer add and sign a signature field of its own (a company countersigning a certificate, say), but that field's appearance area is not protected by signature {index}, so this tool cannot vouch for that area on the strength of signature {index}; the preview outlines where it is."),
    "PDF_LATER_CHANGES_ALLOWED": M("info", "签章 {index} 之后仅有允许的附加内容（{detail_zh}）。", "After signature {index} there are only permitted additions ({detail})."),
    "PDF_UNSIGNED_TAIL": M("warn", "文件末尾有 {size} 字节未被任何签章覆盖的内容（最后签章之后追加）。", "{size} bytes at the end of the file are not covered by any signature (appended after the last signature)."),
    "PDF_TRAILING_GARBAGE": M("fail", "文件结束标记之后夹带了 PDF 结构内容（{size} 字节），部分阅读器会读取它们。", "PDF structures follow the end-of-file marker ({size} bytes); some readers use them."),
    "PDF_CERTIFIED": M("info", "签章 {index} 为认证签名（允许的修改级别 P={level}）。", "Signature {index} is a certification signature (permitted changes P={level})."),
    "PDF_BROKEN_AFTER_SIGNING": M("fail", "文件在签章后被追加了无法解析的内容（{detail}），签章时的版本已被篡改。", "Unparseable content was appended after signing ({detail}); the signed version has been tampered with."),
    "PDF_TEXT_UNAVAILABLE": M("info", "无法提取页面文字：{detail}", "Page text could not be extracted: {detail}"),
    # PDF_DETAIL_*: wording of the {detail} of the PDF_ findings above (never emitted as findings)
    "PDF_DETAIL_ROOT_REPLACED": M("info", "文档目录（/Root）被替换", "the document catalog (/Root) was replaced"),
    "PDF_DETAIL_OBJECT_DELETED": M("info", "签章时使用的对象 {num} 被删除", "object {num} used by the signed document was deleted"),
    "PDF_DETAIL_DOCMDP_NEW_SIGNATURE": M("info", "文件被认证为不允许修改（P=1）后又添加了签名", "a signature was added to a document certified with no changes allowed (/P 1)"),
    "PDF_DETAIL_XREF_CHAIN": M("info", "后续交叉引用表没有建立在已签版本之上", "the later cross-reference sections do not build on the signed revision"),
    "PDF_DETAIL_HIDDEN_OBJECT": M("info", "对象 {num}，位于偏移 {offset}", "object {num} at offset {offset}"),
    "PDF_DETAIL_DR_CHANGED": M("info", "表单默认资源（对象 {num}）被改动", "form default resources (object {num}) changed"),
    "PDF_DETAIL_SIGDICT_REWRITTEN": M("info", "签名字典（对象 {num}）被改写", "signature dictionary {num} was rewritten"),
    "PDF_DETAIL_FIELD_FILLED": M("info", "表单域（对象 {num}）的值和外观", "value and appearance of form field {num}"),
    "PDF_DETAIL_FIELD_CHANGED": M("info", "表单域（对象 {num}）被改动", "form field {num} changed"),
    "PDF_DETAIL_OBJECT_CHANGED": M("info", "对象 {num}（{kind}）被改动", "object {num} ({kind}) changed"),
    "PDF_DETAIL_ROOT_ENTRY": M("info", "文档目录项 /{key} 被改动", "document catalog entry /{key} changed"),
    "PDF_DETAIL_ACROFORM_REPLACED": M("info", "交互式表单（/AcroForm）被替换", "the interactive form (/AcroForm) was replaced"),
    "PDF_DETAIL_ACROFORM_ENTRY": M("info", "交互式表单项 /{key} 被改动", "interactive form entry /{key} changed"),
    "PDF_DETAIL_FIELDS_REMOVED": M("info", "表单域被删除、重排或替换", "form fields were removed, reordered or replaced"),
    "PDF_DETAIL_FIELD_ADDED": M("info", "新增了非签名表单域（对象 {num}）", "a non-signature form field ({num}) was added"),
    "PDF_DETAIL_PAGE_ENTRY": M("info", "页面对象 {num} 的 /{key} 被改动", "page object {num}: /{key} changed"),
    "PDF_DETAIL_ANNOTS_CHANGED": M("info", "页面对象 {num} 的注释被删除、重排或替换", "page object {num}: annotations removed, reordered or replaced"),
    "PDF_DETAIL_ANNOT_ADDED": M("info", "页面对象 {num} 新增了 /{subtype} 注释", "page object {num}: a /{subtype} annotation was added"),
    "PDF_DETAIL_WIDGET_ADDED": M("info", "页面对象 {num} 新增了非签名表单控件", "page object {num}: a widget of a non-signature field was added"),
    "PDF_DETAIL_SIG_WIDGET_VISIBLE": M("info", "页面对象 {num} 新增的签名控件（对象 {widget}）有可见区域", "page object {num}: signature widget {widget} with a visible area"),
    "PDF_DETAIL_SIG_WIDGET_ACTIONS": M("info", "页面对象 {num} 新增的签名控件（对象 {widget}）带有动作", "page object {num}: signature widget {widget} carries actions"),
    "PDF_DETAIL_SIG_FIELD_CHANGED": M("info", "签名域（对象 {num}）的 /{key} 被改动", "signature field {num}: /{key} changed"),
    "PDF_DETAIL_SIG_ADDED_LATER": M("info", "签章 {by} 在页面对象 {num} 上新增了可见的签名域（控件对象 {widget}）并在同一修订中签署", "signature {by} added a visible signature field (widget {widget}) on page object {num} and signed it in that same revision"),
    "PDF_DETAIL_SIG_FILLED_LATER": M("info", "签章 {by} 签署了前一签章时尚为空白的可见签名域（对象 {num}）并绘制了它的外观", "signature {by} signed the visible signature field {num}, still empty when the earlier signature was made, and drew its appearance"),
    "PDF_DETAIL_SIG_FIELD_APPEARANCE": M("info", "签名域（对象 {num}）的可见外观被改动", "signature field {num}: visible appearance changed"),
    "PDF_DETAIL_UNREADABLE": M("info", "签章后追加了无法解析的结构：{detail}", "unreadable structure added after signing: {detail}"),
    "PDF_DETAIL_NOTE_DSS": M("info", "验证数据（/DSS）", "validation data (/DSS)"),
    "PDF_DETAIL_NOTE_INFO": M("info", "文档属性（/Info）", "document information (/Info)"),
    "PDF_DETAIL_NOTE_XMP": M("info", "XMP 元数据", "XMP metadata"),
    "PDF_DETAIL_NOTE_UNUSED": M("info", "未被使用的对象", "unused objects"),
    "PDF_DETAIL_NOTE_INVISIBLE_SIGNATURE": M("info", "不可见的签名域", "invisible signature field"),
    "PDF_DETAIL_NOTE_SIGNATURE_FILLED": M("info", "填入签名", "signature field filled"),
    "PDF_DETAIL_NOTE_CATALOG_MOVED": M("info", "文档目录写成了新对象（内容等同原目录，仅增加签名域）", "the catalog written as a new object (same content, signature fields added)"),
    "PDF_DETAIL_NOTE_CATALOG": M("info", "文档目录 /{key}", "catalog /{key}"),
    "PDF_DETAIL_NOTE_DR": M("info", "表单默认资源的补充", "form default resources extended"),
    "PDF_DETAIL_BR_MISSING": M("info", "缺少 /ByteRange 或其不是数组", "/ByteRange missing or not an array"),
    "PDF_DETAIL_BR_COUNT": M("info", "/ByteRange 有 {count} 个数而不是 4 个", "/ByteRange has {count} numbers, not 4"),
    "PDF_DETAIL_BR_NOT_INT": M("info", "/ByteRange 含有非负整数以外的内容", "/ByteRange holds something other than non-negative integers"),
    "PDF_DETAIL_BR_START": M("info", "/ByteRange 不是从偏移 0 开始", "/ByteRange does not start at offset 0"),
    "PDF_DETAIL_BR_ORDER": M("info", "/ByteRange 的两段为空、重叠或顺序颠倒", "/ByteRange ranges are empty, overlap or are out of order"),
    "PDF_DETAIL_BR_BEYOND": M("info", "/ByteRange 超出文件末尾", "/ByteRange points beyond the end of the file"),
    "PDF_DETAIL_BR_CONTENTS": M("info", "/Contents 缺失或不是十六进制字符串", "/Contents is missing or not a hex string"),
    "PDF_DETAIL_BR_GAP": M("info", "两段之间的空隙不恰好是 /Contents 字符串", "the gap between the two ranges is not exactly the /Contents string"),
    "PDF_DETAIL_BR_NOT_REVISION_END": M("info", "签名范围没有结束在某个文件版本的末尾（%%EOF）", "the signed range does not end at the end of a revision (%%EOF)"),
    "PDF_DETAIL_BR_OBJSTM": M("info", "签名字典不是文件主体中的普通对象", "the signature dictionary is not a plain object of the file body"),
    # ---- OFD (checker/_ofd) ----------------------------------------------
    "OFD_ZIP_MALFORMED": M("error", "OFD 文件的压缩包结构损坏：{detail}", "The OFD package (ZIP) is damaged: {detail}"),
    "OFD_ZIP_LIMIT": M("error", "OFD 压缩包超出安全处理上限（{detail}），疑似压缩炸弹，已停止分析。", "The OFD package exceeds a safety limit ({detail}); possible zip bomb, analysis stopped."),
    "OFD_ZIP_UNSAFE_PATH": M("error", "OFD 压缩包含不安全的文件路径（{name}），已拒绝分析。", "The OFD package contains an unsafe path ({name}); refused."),
    "OFD_ZIP_DUPLICATE": M("error", "OFD 压缩包含重复或仅大小写不同的同名文件（{name}），不同阅读器可能显示不同内容，已拒绝分析。", "The OFD package contains duplicate names ({name}); readers may show different content, refused."),
    "OFD_XML_MALFORMED": M("error", "OFD 内部 XML 文件无法解析：{detail}", "An XML part of the OFD cannot be parsed: {detail}"),
    "OFD_XML_UNSAFE": M("error", "OFD 内部 XML 文件 {name} 含 DOCTYPE/实体声明（可被用于攻击），已拒绝分析。", "XML part {name} contains a DOCTYPE/entity declaration (attack vector); refused."),
    "OFD_XML_LIMIT": M("error", "OFD 内部 XML 文件超出安全处理上限：{detail}", "An XML part of the OFD exceeds a safety limit: {detail}"),
    "OFD_NO_ROOT": M("error", "不是有效的 OFD 文档（缺少或无法找到 {detail}）。", "Not a valid OFD document (missing {detail})."),
    "OFD_PAGE_MISSING": M("warn", "文档引用的页面或模板 {file} 在文件包中不存在。", "Page or template {file} named by the document is missing from the package."),
    "OFD_RESOURCE_MISSING": M("info", "文档引用的资源 {file}（{kind}）在文件包中不存在。", "Resource {file} ({kind}) named by the document is missing from the package."),
    "OFD_INTEGRITY_ENTRIES": M("info", "文件含 OFDEntries.xml 完整性保护信息（它不是电子签章）。", "The file has OFDEntries.xml integrity-protection data (it is not an e-seal)."),
    "OFD_ENTRIES_OK": M("info", "文件含 OFDEntries.xml 防夹带清单（GM/T 0099），其签名有效（签名人 {signer}，列出 {count} 个文件）。它只证明文件包中没有清单以外的文件，不证明文件内容未被改动，也不是电子签章。", "The file has an OFDEntries.xml integrity list (GM/T 0099) with a valid signature (signer {signer}, {count} files listed). It only shows that no file outside the list was added; it does not prove the content unchanged and is not an e-seal."),
    "OFD_ENTRIES_MISMATCH": M("fail", "OFDEntries.xml 防夹带清单的签名验证失败：清单在签名后被改动，或签名值无效。", "The signature of the OFDEntries.xml integrity list does not verify: the list changed after signing, or the signature value is invalid."),
    "OFD_ENTRIES_INVALID": M("warn", "OFDEntries.xml 防夹带清单或其签名无法解析（{detail}），未能核验。", "The OFDEntries.xml integrity list or its signature cannot be parsed ({detail}); not checked."),
    "OFD_ENTRIES_UNSIGNED": M("info", "OFDEntries.xml 防夹带清单没有可用的签名值（{file}），清单本身不能证明什么。", "The OFDEntries.xml integrity list has no usable signature value ({file}); the list alone proves nothing."),
    "OFD_ENTRIES_UNLISTED": M("warn", "文件包中有 {count} 个文件（如 {files}）不在已签名的防夹带清单中，是签名之后加入的（“夹带”）。", "{count} package files (e.g. {files}) are not in the signed integrity list: they were added after it was signed."),
    "OFD_ENTRIES_FILE_ABSENT": M("warn", "已签名的防夹带清单列出的文件 {file} 在文件包中不存在，签名之后被移除。", "The signed integrity list names {file}, which is not in the package: removed after signing."),
    "OFD_SIG_LIST_APPENDED": M("info", "签章 {index}：签章列表 {file} 在本签章之后只增加了后续签章的条目（多次盖章的正常做法），本签章签署时的列表内容未变。", "Signature {index}: the signature list {file} changed only by entries of later signatures (normal when sealing several times); the list as signed is unchanged."),
    "OFD_CHECKMETHOD_SM3_KEY": M("info", "签章 {index}：摘要算法为 {method}（带签章人公钥的 SM3，即 SM3(Z‖文件)，GM/T 0006），已按此核验各文件摘要。", "Signature {index}: the digest method is {method} (SM3 with the signer's key, SM3(Z||file), GM/T 0006); file digests checked that way."),
    "OFD_FILEREF_VARIANT": M("info", "签章 {index}：受保护文件的路径写法不规范（{form}，如 {file}），已按文件包内的对应文件核验。", "Signature {index}: protected files are named in a non-standard form ({form}, e.g. {file}); checked against the matching package files."),
    "OFD_SIGNATURES_LOCATION": M("info", "签章列表 {file} 不在常见的 Signs/ 目录中（标准未作规定），已按入口文件 OFD.xml 指向的位置读取。", "The signature list {file} is not in the usual Signs/ folder (the standard does not require it); read where OFD.xml points."),
    "OFD_UNCOVERED_CONTENT": M("fail", "文档本身的内容文件 {file}（文档结构或页面内容）不受任何签章保护，已签章的内容并不知道它，可能是签章后被添加或替换。", "Content file {file} of the document itself (its structure or a page) is not protected by any seal; nothing signed knows it, so it may have been added or replaced after sealing."),
    "OFD_UNPROTECTED_PART": M("warn", "{what_zh} {file}（第 {pages_zh} 页）不受任何签章保护：签章时没有把它纳入签章范围（部分签章）。它显示的内容可能在签章后被改动，本工具无法为它担保。{shown_zh}核验页面的预览中用虚线框标出了它在页面上的位置，请确认姓名、注册编号和二维码不在其中。", "The {what} {file} (page {pages}) is not protected by any seal: it was left out when sealing (partial coverage). What it shows may have changed after sealing and this tool cannot vouch for it. {shown}The checker page's preview outlines where it draws - make sure the name, registration number and QR code are not in it."),
    "OFD_UNCOVERED_ROOT": M("warn", "入口文件 {file}（文档目录与元数据）不受任何签章保护，其中的文档信息可能被改动。", "Entry file {file} (document list and metadata) is not protected by any seal; its document information may have been changed."),
    "OFD_UNCOVERED_ATTACHMENT": M("warn", "附件文件 {file} 不受签章保护，其内容不能证明未被改动。", "Attachment {file} is not protected by a seal; it may have been changed."),
    "OFD_UNCOVERED_METADATA": M("info", "文件 {file}（元数据，不影响显示）不受签章保护。", "File {file} (metadata, not displayed) is not protected by a seal."),
    "OFD_UNREFERENCED_FILE": M("info", "文件包中的 {file} 未被文档引用，阅读器不会显示它。", "Package file {file} is not referenced by the document; readers do not show it."),
    "OFD_SIG_PARTIAL": M("info", "签章 {index} 只保护了部分可见内容（{count} 个文件未包含，如 {files}），这些文件需由其他签章保护。", "Signature {index} protects only part of the visible content ({count} files not included, e.g. {files})."),
    "OFD_SIG_FILE_MISSING": M("fail", "签章 {index}：签章文件 {file} 不存在，签章已被破坏。", "Signature {index}: signature file {file} is missing; the seal is broken."),
    "OFD_SIG_TYPE_UNKNOWN": M("warn", "签章 {index}：未知的签章类型 {type}。", "Signature {index}: unknown signature type {type}."),
    "OFD_SIG_NO_REFERENCES": M("warn", "签章 {index}：签章没有保护任何文件。", "Signature {index}: the signature protects no file."),
    "OFD_SIG_REF_MISSING": M("fail", "签章 {index}：受保护的文件 {file} 已不存在（签章后被删除或改名）。", "Signature {index}: protected file {file} is missing (deleted or renamed after signing)."),
    "OFD_SIG_REF_MISMATCH": M("fail", "签章 {index}：文件 {file} 在签章后被改动（摘要不一致）。", "Signature {index}: file {file} was changed after signing (digest mismatch)."),
    "OFD_SIG_DATAHASH_MISMATCH": M("fail", "签章 {index}：签名描述文件 Signature.xml 与签章数据不符（签章后被改动或签章值被替换）。", "Signature {index}: Signature.xml does not match the signed data (changed after signing or signed value replaced)."),
    "OFD_SIG_METHOD_MISMATCH": M("info", "签章 {index}：Signature.xml 声明的算法 {xml} 与签章数据中的算法 {seal} 不同。", "Signature {index}: algorithm {xml} declared in Signature.xml differs from {seal} in the seal data."),
    "OFD_SEAL_INFO": M("info", "签章 {index}：电子印章“{seal_name}”，{standard}，厂商标识 {vendor}，算法 {algorithm}。", "Signature {index}: e-seal \"{seal_name}\", {standard}, vendor id {vendor}, algorithm {algorithm}."),
    "OFD_SEAL_MAKER_INVALID": M("fail", "签章 {index}：电子印章的制章者签名无效（{detail}），印章可能是伪造的。", "Signature {index}: the seal maker's signature is invalid ({detail}); the seal may be forged."),
    "OFD_SEAL_MAKER_UNTRUSTED": M("warn", "签章 {index}：电子印章的制章者证书（{maker}）不能追溯到受信任的根证书，无法确认印章由正规制章系统制作。", "Signature {index}: the seal maker certificate ({maker}) does not chain to a trusted root."),
    "OFD_SEAL_SIGNER_NOT_LISTED": M("fail", "签章 {index}：签章人证书不在该电子印章授权的证书列表中（印章被他人冒用）。", "Signature {index}: the signer certificate is not among the certificates the seal authorises (seal misused)."),
    "OFD_SEAL_EXPIRED": M("warn", "签章 {index}：签章时间 {time} 不在电子印章有效期（{start} 至 {end}）内。", "Signature {index}: signing time {time} is outside the seal validity ({start} to {end})."),
    "OFD_SEAL_FILE_MISMATCH": M("fail", "签章 {index}：印章文件 {file} 与签章数据中的印章不一致。", "Signature {index}: seal file {file} differs from the seal inside the signed data."),
    "OFD_CMS_DATA_OID_MIX": M("info", "签章 {index}：签名数据混用了 PKCS#7 与国密（GM/T 0010）的“数据”类型标识，二者含义相同，不影响验证。", "Signature {index}: the CMS mixes the PKCS#7 and GM/T 0010 'data' content-type OIDs; both mean data, accepted."),
    "OFD_SIG_TYPE_MISMATCH": M("info", "签章 {index}：签章列表中标注的类型（{type}）与签章数据的实际格式不符，按实际格式核验。", "Signature {index}: the declared type ({type}) does not match the signed value's format; verified as what it is."),
    "OFD_ORPHAN_SIGNATURE_FILE": M("warn", "文件包中有签章文件 {file}，但文档的签章列表没有列出它：签章可能已被移除，请以发证渠道的原件为准。", "Package holds signature file {file} that the document's signature list does not name: a seal may have been removed."),
    "OFD_SEAL_SIGNER_UNCHECKED": M("warn", "签章 {index}：电子印章没有列出授权的签章人证书，无法确认签章人有权使用该印章。", "Signature {index}: the seal lists no authorised signer certificates; the signer's right to use it cannot be checked."),
    "OFD_SIGN_NO_CERT": M("warn", "签章 {index}：数字签名未附带签名证书，无法验证签名值和签名人。", "Signature {index}: the digital signature carries no certificate; its value and signer cannot be verified."),
    "OFD_TIMESTAMP_OK": M("info", "签章 {index}：时间戳有效，签章时间 {time}。", "Signature {index}: valid timestamp, signed at {time}."),
    "OFD_TIMESTAMP_INVALID": M("warn", "签章 {index}：签章中的时间戳无法验证（{detail}）。", "Signature {index}: the embedded timestamp does not verify ({detail})."),
    "OFD_IMAGE_UNDECODABLE": M("info", "图片 {file} 为 {format} 格式，无法在此识别其中可能的二维码。", "Image {file} is in {format} format; QR codes in it cannot be read here."),
    # ---- encodings tolerated (what was signed is still checked strictly) --
    "ENC_BIT_STRING_UNUSED_BITS": M("info", "签章 {index}：{field} 的位串声明了 {bits} 个未用位，但内容是整字节（部分厂商的写法），已按整字节读取；签名与摘要仍严格核验。", "Signature {index}: the BIT STRING {field} declares {bits} unused bits on a whole-byte value (a vendor quirk); read as whole bytes, signature and digest still checked strictly."),
    "ENC_BIT_STRING_TRIMMED": M("info", "签章 {index}：{field} 的位串省略了末尾 {count} 个零字节（按“命名位串”去掉了末尾的零），已补回后核验。", "Signature {index}: the BIT STRING {field} dropped {count} trailing zero bytes (trimmed like a named-bit list); restored before verifying."),
    "ENC_TIME_TYPE": M("info", "签章 {index}：{field} 的时间类型与其文字不符（“{text}”），已按文字读取。", "Signature {index}: the time field {field} has a type that does not match its text (\"{text}\"); read from the text."),
    "ENC_SEAL_CERT_LIST_ITEM": M("info", "签章 {index}：电子印章的证书列表中有一项不是证书（{tag}），已忽略。", "Signature {index}: the seal's certificate list holds an item that is not a certificate ({tag}); ignored."),
    "ENC_SIG_ALG_OID": M("info", "签章 {index}：签名算法写成了 {oid}（这不是签名算法标识），密钥为 SM2，已按 {used} 核验。", "Signature {index}: the signature algorithm is written as {oid} (not a signature algorithm identifier); the key is SM2, verified as {used}."),
    "ENC_SM2_RAW_SIGNATURE": M("info", "签章 {index}：{field} 的 SM2 签名值以 r‖s 原始 64 字节存放（而非 DER 编码），已按原始格式读取。", "Signature {index}: the SM2 signature over {field} is stored as raw 64-byte r||s instead of DER; read as such."),
    "ENC_INTEGER_NOT_MINIMAL": M("info", "签章 {index}：{field} 的 SM2 签名值中整数编码不规范（多余前导零或缺少符号字节），已按无符号数读取。", "Signature {index}: the SM2 signature over {field} has INTEGERs that are not minimal or lack the sign byte; read as unsigned."),
    "ENC_NAME_STRING_TYPE": M("info", "签章 {index}：{role_zh}证书的名称属性（{attributes}）使用了非标准的字符串类型，已按文字读取，仅影响显示。", "Signature {index}: the {role} certificate's name attributes ({attributes}) use unexpected string types; read as text (display only)."),
    "ENC_SM2_CURVE_OID": M("info", "签章 {index}：证书公钥的 SM2 曲线标识写成了 {oid}，已按 SM2 曲线读取。", "Signature {index}: the certificate key names the SM2 curve as {oid}; read as the SM2 curve."),
    "SIG_CERT_UNREADABLE": M("info", "签章 {index}：{role_zh}证书的名称无法解析（{detail}），仅影响显示。", "Signature {index}: the {role} certificate's names cannot be parsed ({detail}); display only."),
    "OFD_ZIP_DEFLATE_TRAILER": M("info", "文件包中 {count} 个文件（如 {files}）的压缩数据后带有 zlib 校验尾（部分签章客户端的写法），解压内容不受影响，已按目录中的长度和 CRC 核对。", "{count} package entries (e.g. {files}) carry a zlib checksum trailer after their deflate data (a signing-client quirk); the content is unaffected and was checked against the directory's size and CRC."),
    # ---- QR codes (checker/_cert/qr) -------------------------------------
    "QR_NOT_CHECKED": M("info", "未检查二维码（没有可用的二维码识别结果），二维码的内容未经核对。", "QR codes were not checked (no decoding result was available); their content is unverified."),
    "QR_DECODE_FAILED": M("info", "二维码识别出错，未能检查二维码：{detail}", "QR decoding failed; QR codes not checked: {detail}"),
    "QR_NONE": M("warn", "证书上没有找到核验二维码。正式电子证书通常带有核验二维码，请到官方渠道核对。", "No verification QR code was found on the certificate; check it through the official channel."),
    "QR_TOO_MANY": M("warn", "文件中二维码过多（{count} 个），只检查了前 {limit} 个。", "Too many QR codes ({count}); only the first {limit} were checked."),
    "QR_PAYLOAD_TOO_LONG": M("warn", "二维码内容过长（{length} 字符），不像核验二维码，未作判断。", "QR payload too long ({length} characters) for a verification code; not judged."),
    "QR_OFFICIAL": M("info", "二维码指向官方网站 {host}（{name}）。本工具不会访问该网址；请用手机扫码，在官方页面上核对证书信息。", "The QR code points to the official site {host} ({name}). It is not fetched; scan it and compare the official page with the certificate."),
    "QR_HTTP": M("warn", "二维码网址 {host} 使用不加密的 http 协议，可能被劫持；官方核验网址应使用 https。", "The QR URL for {host} uses unencrypted http; official verification links use https."),
    "QR_NO_SCHEME": M("warn", "二维码内容 {host} 没有写明 https:// 协议，无法确认打开的是官方加密网页。", "The QR payload for {host} has no https:// scheme; the official encrypted page cannot be confirmed."),
    "QR_PORT": M("warn", "二维码网址 {host} 使用了非标准端口 {port}。主机虽属官方域名，但官方核验网址一般不带端口，请谨慎核对。", "The QR URL for {host} uses the non-standard port {port}; official verification links normally have none."),
    "QR_REDIRECT_PARAM": M("warn", "二维码虽指向官方网站 {host}，但网址参数中夹带了另一个网站 {target}，可能利用跳转把人引到非官方页面。", "The QR URL points to the official {host} but carries another site ({target}) in its parameters, possibly to redirect visitors elsewhere."),
    "QR_NOT_URL": M("warn", "二维码内容不是网址（“{text}”），无法在线核验。", "The QR payload is not a URL (\"{text}\"); it cannot be verified online."),
    "QR_SCHEME_UNSUPPORTED": M("warn", "二维码使用了 {scheme}: 协议，不是网页地址，无法在线核验。", "The QR payload uses the {scheme}: scheme, not a web address; it cannot be verified online."),
    "QR_SCHEME_DANGEROUS": M("fail", "二维码含有危险的 {scheme}: 内容（可执行脚本或内嵌数据），正式证书不会这样做，疑似伪造或恶意文件。", "The QR code holds a dangerous {scheme}: payload (script or inline data); a genuine certificate never does this."),
    "QR_USERINFO": M("fail", "二维码网址含有“用户名@”写法（{text}），实际打开的是 {host}，不是前面显示的网址。这是常见的钓鱼手法。", "The QR URL contains a user-info part ('…@'); it really opens {host}, not the address shown first. A common phishing trick."),
    "QR_IP_HOST": M("fail", "二维码网址使用 IP 地址（{host}）而不是官方域名，疑似钓鱼链接。", "The QR URL uses an IP address ({host}) instead of an official domain name; likely phishing."),
    "QR_URL_AMBIGUOUS": M("fail", "二维码网址写法异常（{detail}），不同软件会打开不同网站，疑似钓鱼链接。", "The QR URL is malformed in a way browsers interpret differently ({detail}); likely phishing."),
    "QR_OFFICIAL_IN_SUBDOMAIN": M("fail", "二维码网址 {host} 只是把官方网址 {official} 放在了别的域名前面，实际属于 {registrable}，是仿冒网址。", "The QR host {host} only prefixes the official {official} to another domain ({registrable}); it is a look-alike."),
    "QR_OFFICIAL_IN_PATH": M("fail", "二维码网址实际打开的是 {host}，只是在网址后半部分写上了官方网址 {official}，让人误以为是官方网站。这是仿冒手法。", "The QR URL opens {host}; it only writes the official {official} later in the address to look official. A deceptive trick."),
    "QR_LOOKALIKE_HOST": M("fail", "二维码网址 {host} 与官方网址 {official} 相似但不相同，是仿冒网址。", "The QR host {host} resembles the official {official} but is a different site; it is a look-alike."),
    "QR_IDN_HOST": M("fail", "二维码网址 {host}（显示为 {display}）使用了国际化域名或混用多种文字，可伪装成官方网址，判定为可疑。", "The QR host {host} (shown as {display}) uses an internationalised name or mixed scripts that can imitate an official host."),
    "QR_SHORTENER": M("fail", "二维码使用短网址 {host}，无法看出最终打开的网站；正式证书的核验二维码直接指向官方网站。", "The QR code uses the URL shortener {host}; the destination is hidden. Genuine certificates link straight to the official site."),
    "QR_HOST_UNOFFICIAL": M("warn", "二维码指向 {host}（属于域名 {registrable}）。它不在本工具的官方核验网址名单中，也不是政府网站（.gov.cn），但不像在仿冒名单中的网址。本工具无法确认它是官方核验渠道：请不要在该网页输入个人信息，改到官方渠道核对证书。", "The QR code points to {host} (domain {registrable}). It is not on this tool's list of official verification sites and not a government (.gov.cn) site, but it imitates none of the listed ones. This tool cannot vouch for it: do not enter personal data there; check the certificate through the official channel."),
    "QR_HOST_GOV_UNLISTED": M("warn", "二维码指向政府网站 {host}，但它不在本工具的官方核验网址名单中，请自行确认。", "The QR code points to the government host {host}, which is not on this tool's list of official verification sites."),
    "QR_REGNO_MISMATCH": M("fail", "二维码中的注册编号 {qr} 与证书上印的 {printed} 不一致，证书可能被篡改。", "The registration number in the QR code ({qr}) differs from the printed one ({printed}); the certificate may be altered."),
    "QR_NAME_MISMATCH": M("fail", "二维码中的姓名 {qr} 与证书上印的 {printed} 不一致，证书可能被篡改。", "The name in the QR code ({qr}) differs from the printed name ({printed}); the certificate may be altered."),
    "QR_UNPROTECTED": M("warn", "二维码（{source}）位于不受签章保护的内容中，签章后可能被替换；它指向的网址和其中的信息都不能作为证书真伪的依据。", "The QR code ({source}) lies in content that no signature protects and may have been replaced after signing; neither its link nor its data can vouch for the certificate."),
    "QR_MATCHES_PRINTED": M("info", "二维码中的{what}与证书上印的一致。", "The {what_en} in the QR code matches the printed certificate."),
    # ---- printed fields (checker/_cert/fields) ---------------------------
    "FIELD_NO_TEXT": M("warn", "文件中没有可提取的文字（可能是扫描件或图片），无法核对证面信息。", "The file has no extractable text (a scan or image?); printed fields cannot be checked."),
    "FIELD_NOT_CERTIFICATE": M("warn", "未识别为二级建造师注册证书（没有找到姓名、注册编号等证面信息）。", "Not recognised as a 二级建造师 registration certificate (no name, registration number or similar fields found)."),
    "FIELD_MISSING": M("info", "证面上没有识别到“{label}”。", "The printed field '{label_en}' was not found."),
    "FIELD_ID_MASKED": M("info", "身份证号已部分隐藏（{value}），只核对了可见部分。", "The ID number is partly masked ({value}); only the visible digits were checked."),
    "FIELD_ID_INVALID": M("fail", "证面身份证号 {value} 不是有效的公民身份号码（{detail}），证书可能被伪造。", "The printed ID number {value} is not a valid citizen ID number ({detail}); the certificate may be forged."),
    "FIELD_ID_CHECKSUM": M("fail", "证面身份证号 {value} 的校验码错误（应为 {expected}），证书可能被伪造或篡改。", "The check digit of the printed ID number {value} is wrong (expected {expected}); the certificate may be forged or altered."),
    "FIELD_ID_BIRTH_MISMATCH": M("fail", "身份证号中的出生日期 {id_birth} 与证面出生日期 {printed} 不一致，证书可能被篡改。", "The birth date in the ID number ({id_birth}) differs from the printed birth date ({printed}); the certificate may be altered."),
    "FIELD_ID_GENDER_MISMATCH": M("fail", "身份证号表示的性别（{id_gender}）与证面性别（{printed}）不一致，证书可能被篡改。", "The gender encoded in the ID number ({id_gender_en}) differs from the printed gender ({printed}); the certificate may be altered."),
    "FIELD_DATE_INVALID": M("warn", "证面“{label}”的日期 {value} 不是有效日期。", "The printed date for '{label_en}' ({value}) is not a valid date."),
    "FIELD_REGNO_SHAPE": M("warn", "注册编号 {value} 的格式不常见（常见格式为省份简称加 12 位数字，或北京的 17 位格式），请到官方渠道核对。", "The registration number {value} has an unusual shape (usual: province character + 12 digits, or Beijing's 17-character form); check it officially."),
    "FIELD_REGNO_TEMPORARY": M("info", "注册编号 {value} 带“临”字，是临时注册编号。", "The registration number {value} is a temporary (临) number."),
    "FIELD_SPECIALTY_EXPIRED": M("warn", "注册专业“{specialty}”的有效期已于 {date} 届满，证书在该专业上已失效（以 {today} 为准）。", "The registration for '{specialty}' expired on {date} (as of {today})."),
    "FIELD_REG_EXPIRED": M("warn", "证面注册有效期已于 {date} 届满（以 {today} 为准），证书已失效。", "The printed registration validity ended on {date} (as of {today})."),
    "FIELD_USE_EXPIRED": M("warn", "电子证书的使用有效期已于 {date} 届满（以 {today} 为准），请重新下载最新证书。", "The electronic certificate's period of use ended on {date} (as of {today}); download a current one."),
    "FIELD_EXPIRING_SOON": M("info", "“{what}”的有效期将于 {date} 届满（还剩 {days} 天）。", "The validity of '{what_en}' ends on {date} ({days} days left)."),
    "FIELD_ISSUE_DATE_FUTURE": M("warn", "证面发证日期 {date} 晚于核验日期 {today}，日期不合理。", "The printed issue date {date} is later than the reference date {today}."),
    "CERT_SIGNER_NOT_ISSUER": M("warn", "签章人“{signer}”不是证面发证机关“{issuer}”，也不是已知的发证机构。请确认该签章是否由发证机关加盖。", "The signer '{signer}' is neither the printed issuer '{issuer}' nor a known issuing body; the seal may not be the issuer's."),
    "CERT_ISSUER_UNKNOWN": M("warn", "签章人“{signer}”与证面发证机关“{issuer}”一致，但它不是已知的发证机构。任何人都能购买以自己单位名义签发的证书，请核实发证机关。", "The signer '{signer}' matches the printed issuer '{issuer}', but that is not a known issuing body; anyone can buy a certificate in their own name."),
    "CERT_SIGNER_MATCHES_ISSUER": M("info", "签章人“{signer}”与发证机关相符。", "The signer '{signer}' matches the issuing body."),
}


# ---- labels and guide topics the result page shows (written for it by the site build) ----------

VERDICT_LABELS = {"pass": "通过", "warn": "注意", "fail": "不通过", "error": "无法核验"}
# What a verdict means when no finding says more (result cards, the printed report).
VERDICT_SUMMARIES = {
    "pass": "电子签章完好且由受信任的机构签发，文件自签章后未被改动。",
    "warn": "未发现篡改，但无法证明文件真实。请按下方提示进一步核实。",
    "fail": "发现伪造或篡改的迹象。请勿采信该文件。",
    "error": "无法分析该文件，没有结论。",
}
SEVERITY_LABELS = {"info": "信息", "warn": "注意", "fail": "不通过", "error": "错误"}
# Findings that say part of what a reader sees is not protected by a signature (the printed
# report lists them under "不受签章保护的内容").
UNPROTECTED_CONTENT = frozenset({
    "OFD_UNPROTECTED_PART", "QR_UNPROTECTED", "PDF_FORM_FILLED_PERMITTED", "PDF_SIGNATURE_ADDED_LATER",
    "OFD_SIG_PARTIAL", "OFD_UNCOVERED_ATTACHMENT", "OFD_UNCOVERED_CONTENT", "OFD_UNCOVERED_METADATA",
    "OFD_UNCOVERED_ROOT", "OFD_ENTRIES_UNSIGNED", "PDF_LATER_CHANGES_ALLOWED", "PDF_SIG_NOT_IN_REVISION",
    "PDF_TRAILING_GARBAGE", "PDF_UNSIGNED_TAIL",
})

# Where a trusted chain's anchor comes from (SignatureReport.anchor_origin): cards, report, CLI.
ANCHOR_ORIGIN_LABELS = {
    "bundled": "内置根证书",
    "demo": "演示 CA（仅用于示例）",
    "site": "本站额外信任的根证书",
    "user": "你在本浏览器添加的根证书",
    "cli": "调用方指定的根证书",
}
SIGNATURE_KIND_LABELS = {
    "pdf-signature": "PDF 数字签名",
    "pdf-timestamp": "PDF 文档时间戳",
    "ofd-seal": "OFD 电子印章",
    "ofd-sign": "OFD 数字签名",
}


class GuideTopic(NamedTuple):
    """A section of the guide (docs/checker/verify.md, anchor ``#anchor``) that explains what to
    do about the findings ``codes``; the result page links it when one of them objects."""

    anchor: str
    label: str
    codes: frozenset[str]


CHANGED_AFTER_SIGNING = frozenset({
    "SIG_INVALID", "SIG_DIGEST_MISMATCH", "CRYPTO_DIGEST_MISMATCH",
    "PDF_BYTERANGE_INVALID", "PDF_SIG_NOT_IN_REVISION", "PDF_CHANGED_AFTER_SIGNING", "PDF_FORM_CHANGED",
    "PDF_ANNOTATION_ADDED", "PDF_VISIBLE_SIGNATURE_ADDED", "PDF_DOCMDP_VIOLATION", "PDF_XREF_TAMPERED",
    "PDF_HIDDEN_OBJECT", "PDF_SIGNATURE_REMOVED", "PDF_LATER_CHANGES_ALLOWED", "PDF_UNSIGNED_TAIL",
    "PDF_TRAILING_GARBAGE", "PDF_BROKEN_AFTER_SIGNING",
    "OFD_UNCOVERED_CONTENT", "OFD_UNCOVERED_ROOT", "OFD_UNCOVERED_ATTACHMENT", "OFD_UNCOVERED_METADATA",
    "OFD_SIG_REF_MISMATCH", "OFD_SIG_DATAHASH_MISMATCH", "OFD_SEAL_FILE_MISMATCH",
})
"""Findings about what changed after signing (the page lists them under each signature)."""

GUIDE_TOPICS: tuple[GuideTopic, ...] = (
    GuideTopic("changed-after-signing", "签章后文件被修改是什么意思", CHANGED_AFTER_SIGNING),
    GuideTopic("untrusted-signer", "签名证书不受信任怎么办", frozenset({
        "SIG_UNTRUSTED", "SIG_DEMO_CA", "TRUST_NO_ANCHOR", "OFD_SEAL_MAKER_UNTRUSTED",
        "OFD_SEAL_SIGNER_NOT_LISTED", "CERT_SIGNER_NOT_ISSUER",
    })),
    GuideTopic("expired", "证书或签名证书已过期怎么办", frozenset({
        "SIG_CERT_EXPIRED", "SIG_CERT_EXPIRED_UNPROVEN", "TRUST_CERT_EXPIRED", "TRUST_ANCHOR_EXPIRED",
        "TRUST_ROOT_EXPIRED", "OFD_SEAL_EXPIRED", "FIELD_SPECIALTY_EXPIRED", "FIELD_REG_EXPIRED",
        "FIELD_USE_EXPIRED",
    })),
    GuideTopic("partial-coverage", "部分内容不受签章保护是什么意思",
               frozenset({"OFD_UNPROTECTED_PART", "QR_UNPROTECTED", "PDF_FORM_FILLED_PERMITTED",
                          "PDF_SIGNATURE_ADDED_LATER"})),
    GuideTopic("qr-host", "如何核对二维码指向的网址", frozenset({
        "QR_DECODE_FAILED", "QR_NONE", "QR_TOO_MANY", "QR_PAYLOAD_TOO_LONG", "QR_HTTP", "QR_NO_SCHEME",
        "QR_PORT", "QR_REDIRECT_PARAM", "QR_NOT_URL", "QR_SCHEME_UNSUPPORTED", "QR_SCHEME_DANGEROUS",
        "QR_USERINFO", "QR_IP_HOST", "QR_URL_AMBIGUOUS", "QR_OFFICIAL_IN_SUBDOMAIN", "QR_OFFICIAL_IN_PATH",
        "QR_LOOKALIKE_HOST", "QR_IDN_HOST", "QR_SHORTENER", "QR_HOST_UNOFFICIAL", "QR_HOST_GOV_UNLISTED",
        "QR_REGNO_MISMATCH", "QR_NAME_MISMATCH", "QR_UNPROTECTED",
    })),
)


def topics_for(code: str) -> tuple[str, ...]:
    """Anchors of the guide topics about ``code`` (in GUIDE_TOPICS order)."""
    return tuple(t.anchor for t in GUIDE_TOPICS if code in t.codes)


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
