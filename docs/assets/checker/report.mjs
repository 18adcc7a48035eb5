// Printable verification report: a batch summary page, then one page per certificate, printed
// with the browser's own print dialog (app.css has the print stylesheet).  Built from the
// results' JSON only; text only (dom.mjs), nothing leaves the browser.
import { h } from "./dom.mjs";
import { VERDICT_ZH, KIND_ZH, mainReason } from "./render.mjs";
import { ORIGIN_ZH } from "./trust.mjs";
import { DATA } from "./data.mjs";

// Finding codes that say part of the file is not protected by a signature (checker/messages.py).
const UNPROTECTED_CODES = new Set(DATA.unprotected_content);

function pad(n) {
  return String(n).padStart(2, "0");
}

function now() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function verdictWord(v) {
  return `${VERDICT_ZH[v] || VERDICT_ZH.error}（${v}）`;
}

function rows(pairs) {
  return h("table", { class: "cqc-r-kv" }, h("tbody", null, pairs.filter((p) => p && p[1] !== null && p[1] !== undefined && p[1] !== "").map(([k, v]) => h("tr", null, h("th", { text: k }), h("td", null, v)))));
}

function problems(result) {
  return (result.findings || []).filter((f) => f.severity !== "info");
}

function signature(sig) {
  return h(
    "div",
    { class: "cqc-r-sig" },
    h("h4", { text: `签章 ${sig.index}：${KIND_ZH[sig.kind] || sig.kind || ""}` }),
    rows([
      ["签章人", sig.signer || "（未知）"],
      ["签发者", sig.issuer],
      ["印章名称", sig.seal_name],
      ["算法", sig.algorithm],
      ["签章时间", sig.signed_at],
      ["签名完好", sig.intact ? "完好（签名值正确，内容未改动）" : "已损坏或被改动"],
      ["证书可信", sig.trusted ? "可信" : "不能追溯到受信任的根证书"],
      ["根证书", sig.anchor],
      ["根证书指纹（SHA-256）", sig.anchor_sha256 ? h("code", { text: sig.anchor_sha256 }) : null],
      ["根证书来源", sig.anchor_origin ? ORIGIN_ZH[sig.anchor_origin] || sig.anchor_origin : null],
      ["覆盖范围", sig.covers_whole_file ? "覆盖整个文件" : "未覆盖整个文件"],
    ]),
  );
}

// result.unprotected[]: {page, box, file, what, what_zh, page_size}
function unprotectedPart(u) {
  if (typeof u === "string") return u;
  const where = u.page ? `（第 ${u.page} 页）` : "";
  return `${u.what_zh || u.what || "内容"} ${u.file || ""}${where}：不受签章保护`.replace(/\s+：/, "：");
}

function unprotected(result) {
  const items = [];
  for (const s of result.signatures || []) {
    if (!s.covers_whole_file) items.push(`签章 ${s.index} 没有覆盖整个文件。`);
    for (const u of Array.isArray(s.unprotected) ? s.unprotected : []) items.push(typeof u === "string" ? u : JSON.stringify(u));
  }
  for (const u of Array.isArray(result.unprotected) ? result.unprotected : []) items.push(unprotectedPart(u));
  for (const f of result.findings || []) if (UNPROTECTED_CODES.has(f.code)) items.push(f.message);
  if (!(result.signatures || []).length) items.push("文件没有电子签章，全部内容都不受保护。");
  return [...new Set(items)];
}

function certificatePage(result, index, opts) {
  const v = VERDICT_ZH[result.verdict] ? result.verdict : "error";
  const p = problems(result);
  const gaps = unprotected(result);
  return h(
    "section",
    { class: `cqc-r-page cqc-r-v-${v}`, "data-file": result.file, "data-verdict": v },
    h("p", { class: "cqc-r-kicker", text: `核验报告 · 第 ${index + 1} 份证书` }),
    h("h2", { text: result.file || "（无文件名）" }),
    h("p", { class: "cqc-r-verdict" }, h("strong", { text: `结论：${verdictWord(v)}` })),
    h("p", { text: mainReason(result) }),
    h("h3", { text: "原因" }),
    p.length ? h("ul", null, p.map((f) => h("li", { text: `[${f.code}] ${f.message}` }))) : h("p", { text: "没有发现问题。" }),
    h("h3", { text: "签章" }),
    (result.signatures || []).length ? result.signatures.map(signature) : h("p", { text: "文件中没有找到电子签章或数字签名。" }),
    h("h3", { text: "二维码" }),
    (result.qr || []).length
      ? h("ul", null, result.qr.map((q) => h("li", null, h("code", { class: "cqc-r-link", text: q.text }), ` ${q.official ? "（官方网址）" : q.is_url ? "（非官方网址）" : "（不是网址）"}`)))
      : h("p", { text: "没有识别到二维码。" }),
    h("h3", { text: "不受签章保护的内容" }),
    gaps.length ? h("ul", null, gaps.map((t) => h("li", { text: t }))) : h("p", { text: "没有：签章覆盖整个文件。" }),
    h("h3", { text: "文件与核验信息" }),
    rows([
      ["格式", (result.format || "").toUpperCase()],
      ["大小", result.size ? `${result.size} 字节` : null],
      ["SHA-256", result.sha256 ? h("code", { text: result.sha256 }) : null],
      ["核验时间", opts.printed],
      ["核验基准日期", opts.today],
      ["核验程序版本", result.checker_version || opts.version],
      ["核验选项", opts.trustDemo ? "已信任演示（示例）CA" : "仅信任内置的正式根证书"],
    ]),
  );
}

function summaryPage(results, opts) {
  const n = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of results) n[r.verdict in n ? r.verdict : "error"]++;
  return h(
    "section",
    { class: "cqc-r-page cqc-r-summary" },
    h("h2", { text: "二级建造师电子注册证书核验报告" }),
    rows([
      ["打印时间", opts.printed],
      ["核验基准日期", opts.today],
      ["核验程序版本", opts.version],
      ["核验选项", opts.trustDemo ? "已信任演示（示例）CA" : "仅信任内置的正式根证书"],
      ["文件数", String(results.length)],
      ["结论统计", ["pass", "warn", "fail", "error"].map((v) => `${VERDICT_ZH[v]} ${n[v]}`).join("，")],
    ]),
    h(
      "table",
      { class: "cqc-r-list" },
      h("thead", null, h("tr", null, h("th", { text: "序号" }), h("th", { text: "文件" }), h("th", { text: "结论" }), h("th", { text: "主要原因" }))),
      h("tbody", null, results.map((r, i) => h("tr", null, h("td", { text: String(i + 1) }), h("td", { text: r.file }), h("td", { text: VERDICT_ZH[r.verdict] || VERDICT_ZH.error }), h("td", { text: mainReason(r) })))),
    ),
    h("p", { class: "cqc-r-note", text: "本报告由浏览器中的核验程序生成，文件未上传。“通过”表示电子签章完好且可追溯到受信任的根证书；“注意”表示无法证明文件真实；“不通过”表示发现伪造或篡改的迹象；“无法核验”表示无法分析该文件。" }),
  );
}

/** Build the report for `results` (in the order given) and open the browser's print dialog. */
export function printReport(results, { trustDemo = false, today = null, version = "" } = {}) {
  const opts = {
    printed: now(),
    today,
    trustDemo,
    version: version || (results.find((r) => r.checker_version) || {}).checker_version || "",
  };
  document.getElementById("cqc-report")?.remove();
  const report = h("div", { id: "cqc-report", class: "cqc-report", "data-count": String(results.length) }, summaryPage(results, opts), results.map((r, i) => certificatePage(r, i, opts)));
  document.body.append(report);
  document.body.classList.add("cqc-printing");
  const done = () => {
    document.body.classList.remove("cqc-printing");
    window.removeEventListener("afterprint", done);
  };
  window.addEventListener("afterprint", done);
  window.print();
}
