// Result card, batch row and details.  Text only: see dom.mjs.
import { h } from "./dom.mjs";
import { guideUrl } from "./paths.mjs";
import { ORIGIN_ZH, groupFingerprint } from "./trust.mjs";
import { DATA } from "./data.mjs";

// Labels, guide topics and finding codes come from checker/messages.py (data.mjs).
export const VERDICT_ZH = DATA.labels.verdict;
const VERDICT_ICON = { pass: "✓", warn: "!", fail: "✗", error: "?" };
const VERDICT_SUMMARY = DATA.labels.verdict_summary;
const SEVERITY_ZH = DATA.labels.severity;
export const KIND_ZH = DATA.labels.signature_kind;

// Next steps: the verdict's own section of the guide, plus sections named by finding codes.
const VERDICT_ANCHOR = { pass: "verdict-pass", warn: "verdict-warn", fail: "verdict-fail", error: "verdict-error" };
// Findings about changes made after signing (checker/messages.py CHANGED_AFTER_SIGNING).
const CHANGED = new Set(DATA.changed_after_signing);
// Printed-field keys of Result.fields (checker/_cert/fields.py FIELD_LABELS_ZH).
const FIELD_ZH = DATA.labels.field;

// 1234567 -> "1,234,567" (no Intl: its first use loads locale data, a 100+ ms main-thread task)
function groupDigits(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function verdictLabel(v) {
  return VERDICT_ZH[v] || VERDICT_ZH.error;
}

function yesNo(b, yes, no) {
  return h("span", { class: b ? "cqc-yes" : "cqc-no", text: b ? yes : no });
}

function problems(result) {
  return (result.findings || []).filter((f) => f.severity !== "info");
}

export function mainReason(result) {
  const p = problems(result);
  const order = { fail: 0, error: 1, warn: 2 }; // the finding that decides the verdict first (fail > error > warn)
  p.sort((a, b) => order[a.severity] - order[b.severity]);
  return p.length ? p[0].message : VERDICT_SUMMARY[result.verdict] || "";
}

export function nextSteps(result) {
  const links = [{ anchor: VERDICT_ANCHOR[result.verdict] || "verdict-error", label: `结论“${verdictLabel(result.verdict)}”怎么理解、下一步做什么` }];
  const codes = problems(result).map((f) => f.code);
  for (const t of DATA.topics) {
    if (codes.some((c) => (DATA.codes[c]?.topics || []).includes(t.anchor))) links.push({ anchor: t.anchor, label: t.label });
  }
  return links;
}

function kv(rows) {
  return h(
    "dl",
    { class: "cqc-kv" },
    rows.filter((r) => r && r[1] !== null && r[1] !== undefined && r[1] !== "").map(([k, v]) => [h("dt", { text: k }), h("dd", null, v)]),
  );
}

function signatureBlock(sig, result) {
  // Changes after signing: this signature's change findings, plus document-level ones.
  const changes = (result.findings || []).filter((f) => {
    if (!CHANGED.has(f.code) || f.severity === "info" && f.code !== "PDF_LATER_CHANGES_ALLOWED") return false;
    const idx = (f.params || {}).index;
    return idx === undefined || idx === null ? true : String(idx) === String(sig.index) && (sig.codes || []).includes(f.code);
  });
  return h(
    "div",
    { class: "cqc-sig" },
    h("h4", { text: `签章 ${sig.index}：${KIND_ZH[sig.kind] || sig.kind}` }),
    kv([
      ["签章人", sig.signer || "（未知）"],
      ["签发者", sig.issuer],
      ["印章名称", sig.seal_name],
      ["算法", sig.algorithm],
      ["签章时间", sig.signed_at],
      ["可信时间戳", sig.timestamp],
      ["签名完好", yesNo(sig.intact, "完好（签名值正确，内容未改动）", "已损坏或被改动")],
      ["证书可信", yesNo(sig.trusted, sig.anchor ? `可信（根证书：${sig.anchor}；${ORIGIN_ZH[sig.anchor_origin] || sig.anchor_origin || ""}）` : "可信", "不能追溯到受信任的根证书")],
      ["根证书指纹", sig.trusted && sig.anchor_sha256 ? h("code", { class: "cqc-fp", text: `SHA-256 ${groupFingerprint(sig.anchor_sha256)}` }) : null],
      ["覆盖范围", sig.covers_whole_file ? "覆盖整个文件" : sig.kind.startsWith("ofd") ? "只覆盖部分内容（见“原因”中不受签章保护的文件）" : "未覆盖整个文件（签章之后还有内容）"],
      ["所属修订版本", sig.revision],
      ["证书链", sig.chain && sig.chain.length ? h("ol", { class: "cqc-chain" }, sig.chain.map((c) => h("li", { text: c }))) : null],
      ["覆盖的文件", sig.covered && sig.covered.length ? h("ul", { class: "cqc-covered" }, sig.covered.map((c) => h("li", null, h("code", { text: c })))) : null],
      ["签章后的改动", changes.length ? h("ul", null, changes.map((f) => h("li", { class: `cqc-sev-${f.severity}`, text: f.message }))) : "未发现"],
    ]),
  );
}

// ---- what no signature protects (result.unprotected), drawn on the page preview ----------------

function placeBox(el, [x, y, w, hgt]) {
  // CSSOM, not a style attribute: the page's CSP allows no inline styles.
  el.style.left = `${x * 100}%`;
  el.style.top = `${y * 100}%`;
  el.style.width = `${w * 100}%`;
  el.style.height = `${hgt * 100}%`;
  return el;
}

function unprotectedBoxes(areas, result) {
  const qrSources = new Set((result.qr || []).filter((q) => q.unprotected).map((q) => q.source));
  return areas.map((a) => {
    const qr = qrSources.has(a.file);
    const label = `${a.what_zh} ${a.file}${qr ? "（含识别到的二维码）" : ""}：不受签章保护`;
    return placeBox(h("div", { class: qr ? "cqc-unprot cqc-unprot-qr" : "cqc-unprot", title: label, "data-file": a.file }, qr ? h("span", { class: "cqc-unprot-tag", text: "二维码" }) : null), a.box);
  });
}

function legend(withQr) {
  return h(
    "span",
    { class: "cqc-legend" },
    h("span", { class: "cqc-legend-item" }, h("span", { class: "cqc-swatch cqc-swatch-unprot", "aria-hidden": "true" }), "虚线框：不受签章保护的内容"),
    withQr ? h("span", { class: "cqc-legend-item" }, h("span", { class: "cqc-swatch cqc-swatch-qr", "aria-hidden": "true" }), "红框：识别到的二维码") : null,
  );
}

/**
 * The preview with the unprotected areas outlined: on the rendered page 1 of a PDF, else (OFD)
 * on a sketch of the page, its proportions from the document, above the QR image preview.
 */
function unprotectedPreview(result, preview) {
  const all = result.unprotected || [];
  if (!all.length) return preview || null;
  const page = Math.min(...all.map((a) => a.page));
  const areas = all.filter((a) => a.page === page);
  const frame = preview && result.format === "pdf" && page === 1 ? preview.querySelector(".cqc-preview-frame") : null;
  if (frame) {
    frame.append(...unprotectedBoxes(areas, result));
    const cap = preview.querySelector("figcaption");
    if (cap) cap.replaceChildren("第 1 页预览 ", legend(true));
    return preview;
  }
  const size = areas.find((a) => a.page_size) ? areas.find((a) => a.page_size).page_size : [210, 297];
  const sketch = h("div", { class: "cqc-preview-frame cqc-pagemap", role: "img", "aria-label": `第 ${page} 页上不受签章保护的区域示意图` }, unprotectedBoxes(areas, result));
  sketch.style.aspectRatio = `${size[0]} / ${size[1]}`;
  const map = h("figure", { class: "cqc-preview cqc-unprot-map", "data-page": String(page) }, sketch, h("figcaption", null, `第 ${page} 页示意（不是页面图像）`, " ", legend(false)));
  return preview ? h("div", { class: "cqc-preview cqc-preview-stack" }, map, preview) : map;
}

function qrBlock(q, result) {
  let badge;
  if (!q.is_url) badge = h("span", { class: "cqc-badge cqc-badge-neutral", text: "不是网址" });
  else if (q.official) badge = h("span", { class: "cqc-badge cqc-badge-official", text: "官方网址" });
  else badge = h("span", { class: "cqc-badge cqc-badge-unofficial", text: "非官方网址" });
  let open = null;
  if (q.is_url && q.official) {
    // Only for hosts on the official list, only on an explicit click, never automatically.
    let url = null;
    try {
      url = new URL(q.text);
    } catch (_) {
      url = null;
    }
    if (url && (url.protocol === "https:" || url.protocol === "http:") && q.host && url.hostname.toLowerCase() === String(q.host).toLowerCase()) {
      open = h("a", { class: "cqc-open", href: url.href, target: "_blank", rel: "noopener noreferrer", text: "打开官方核验页面" });
    }
  }
  return h(
    "div",
    { class: "cqc-qr" },
    h(
      "p",
      null,
      badge,
      q.unprotected ? [" ", h("span", { class: "cqc-badge cqc-badge-unprot", "data-unprotected": "1", text: "位于不受签章保护的内容中" })] : null,
      q.host ? h("span", { class: "cqc-host", text: ` 主机：${q.host}` }) : null,
      q.source ? h("span", { class: "cqc-src", text: `（${q.source}）` }) : null,
    ),
    h("pre", { class: "cqc-qrtext" }, h("code", { text: q.text })),
    qrJudgement(q, result),
    open,
  );
}

function qrJudgement(q, result) {
  if (!q.code) return null;
  const f = (result.findings || []).find((x) => x.code === q.code);
  const sev = q.status === "fail" || q.status === "warn" ? q.status : "info";
  return h("p", { class: `cqc-qrjudge cqc-sev-${sev}`, "data-code": q.code }, h("span", { class: "cqc-sev", text: SEVERITY_ZH[sev] }), " ", h("span", { text: f ? f.message : q.code }));
}

function findingList(findings) {
  return h(
    "ul",
    { class: "cqc-findings" },
    findings.map((f) => h("li", { class: `cqc-sev-${f.severity}`, "data-code": f.code }, h("span", { class: "cqc-sev", text: SEVERITY_ZH[f.severity] || f.severity }), " ", h("span", { text: f.message }))),
  );
}

export function card(result, extra) {
  const v = VERDICT_ZH[result.verdict] ? result.verdict : "error";
  const file = result.file || extra.name;
  const attrs = { "data-file": file, "data-verdict": v };
  const p = problems(result);
  const fieldChecks = (result.findings || []).filter((f) => /^FIELD_/.test(f.code));
  const fields = Object.entries(result.fields || {});

  const details = [];
  details.push(
    h(
      "details",
      { class: "cqc-det", ...attrs },
      h("summary", { text: `签章与数字签名（${(result.signatures || []).length}）` }),
      (result.signatures || []).length ? result.signatures.map((s) => signatureBlock(s, result)) : h("p", { text: "文件中没有找到电子签章或数字签名。" }),
    ),
  );
  details.push(
    h(
      "details",
      { class: "cqc-det", ...attrs },
      h("summary", { text: `二维码（${(result.qr || []).length}）` }),
      (result.qr || []).length ? result.qr.map((q) => qrBlock(q, result)) : h("p", { text: extra.qrNote || "没有识别到二维码。" }),
    ),
  );
  details.push(
    h(
      "details",
      { class: "cqc-det", ...attrs },
      h("summary", { text: `证面信息（${fields.length}）` }),
      fields.length ? h("table", { class: "cqc-fields" }, h("tbody", null, fields.map(([k, val]) => h("tr", { "data-field": k }, h("th", { text: FIELD_ZH[k] || k }), h("td", { text: val }))))) : h("p", { text: "没有读取到证面信息。" }),
      fieldChecks.length ? [h("h4", { text: "证面信息检查" }), findingList(fieldChecks)] : null,
    ),
  );
  details.push(
    h(
      "details",
      { class: "cqc-det", ...attrs },
      h("summary", { text: `全部检查项（${(result.findings || []).length}）` }),
      findingList(result.findings || []),
      kv([
        ["格式", (result.format || "").toUpperCase()],
        ["大小", result.size ? `${groupDigits(result.size)} 字节` : null],
        ["页数", result.pages],
        ["SHA-256", result.sha256 ? h("code", { class: "cqc-hash", text: result.sha256 }) : null],
        ["核验程序版本", result.checker_version],
        ["核验选项", trustOptions(extra)],
      ]),
    ),
  );

  const el = h(
    "article",
    { class: `cqc-card cqc-v-${v}`, ...attrs, "aria-label": `${file}：${VERDICT_ZH[v]}` },
    h(
      "header",
      { class: "cqc-card-head" },
      h("span", { class: "cqc-verdict", ...attrs }, h("span", { class: "cqc-icon", "aria-hidden": "true", text: VERDICT_ICON[v] }), h("span", { class: "cqc-vword", text: VERDICT_ZH[v] })),
      h("span", { class: "cqc-file", title: file, text: file }),
      extra.trustDemo ? h("span", { class: "cqc-badge cqc-badge-demo", text: "演示 CA 已信任" }) : null,
    ),
    h("p", { class: "cqc-summary", text: VERDICT_SUMMARY[v] }),
    anchorLines(result),
    p.length ? h("div", { class: "cqc-reasons" }, h("h4", { text: "原因" }), findingList(p)) : null,
    h(
      "div",
      { class: "cqc-next" },
      h("h4", { text: "下一步" }),
      h(
        "ul",
        null,
        nextSteps(result).map((l) => h("li", null, h("a", { href: guideUrl(l.anchor), text: l.label }))),
        untrustedButIntact(result) && document.getElementById("add-trusted-root")
          ? h("li", null, h("a", { href: "#add-trusted-root", "data-trust-link": true, text: "已从发证机构取得并核对过它的根证书？可以在本页下方添加（只对本浏览器有效）" }))
          : null,
      ),
    ),
    h("div", { class: "cqc-body" }, unprotectedPreview(result, extra.preview), h("div", { class: "cqc-details" }, details)),
  );
  return el;
}

// What the check trusted: bundled roots, plus the site's, the reader's and the demo CA.
function trustOptions(extra) {
  const parts = ["内置的正式根证书"];
  if (extra.siteRoots) parts.push(`本站额外信任的根证书 ${extra.siteRoots} 个`);
  if (extra.userRoots) parts.push(`你在本浏览器添加的根证书 ${extra.userRoots} 个`);
  if (extra.trustDemo) parts.push("演示（示例）CA");
  return `信任${parts.join("、")}`;
}

// An intact signature whose chain ends in no trusted root: adding the issuer's root may help.
function untrustedButIntact(result) {
  return (result.signatures || []).some((s) => s.intact && !s.trusted);
}

// One line per anchor a trusted signature ends in: which root, where it comes from, fingerprint.
function anchorLines(result) {
  const seen = new Set();
  const lines = [];
  for (const sig of result.signatures || []) {
    if (!sig.trusted || !sig.anchor_sha256 || seen.has(sig.anchor_sha256)) continue;
    seen.add(sig.anchor_sha256);
    lines.push(
      h(
        "p",
        { class: `cqc-anchor cqc-anchor-${sig.anchor_origin}`, "data-anchor-origin": sig.anchor_origin, "data-anchor-sha256": sig.anchor_sha256 },
        h("strong", { text: "信任依据：" }),
        `${ORIGIN_ZH[sig.anchor_origin] || sig.anchor_origin}“${sig.anchor}”`,
        h("br"),
        h("span", { class: "cqc-note" }, "SHA-256 ", h("code", { class: "cqc-fp", text: groupFingerprint(sig.anchor_sha256) })),
      ),
    );
  }
  return lines;
}

export function pendingCard(name, text) {
  return h("article", { class: "cqc-card cqc-pending", "data-file": name, "data-state": "pending" }, h("header", { class: "cqc-card-head" }, h("span", { class: "cqc-spinner", "aria-hidden": "true" }), h("span", { class: "cqc-file", title: name, text: name })), h("p", { class: "cqc-summary", "data-role": "status", text }));
}

export function batchRow(result, extra) {
  const v = VERDICT_ZH[result.verdict] ? result.verdict : "error";
  const file = result.file || extra.name;
  const attrs = { "data-file": file, "data-verdict": v };
  return h(
    "tr",
    attrs,
    h("td", { class: "cqc-col-file" }, h("a", { href: `#${extra.cardId}`, text: file })),
    h("td", null, h("span", { class: `cqc-pill cqc-v-${v}`, ...attrs, text: VERDICT_ZH[v] })),
    h("td", { class: "cqc-col-reason", text: mainReason(result) }),
  );
}
