// "添加信任的根证书": extra roots a reader trusts, kept in this browser only (localStorage).
// The certificate is read by the Python core in the worker (checker._crypto.trust.examine_root):
// no second certificate parser here.  Nothing is uploaded; the roots travel to the worker with
// each check (options.user_trust) and are trusted there with origin "user".
import { h, clear } from "./dom.mjs";
import { DATA } from "./data.mjs";

const KEY = "cqc-trusted-roots-v1";

// Where a trusted chain's anchor comes from (SignatureReport.anchor_origin): the core's labels.
export const ORIGIN_ZH = DATA.labels.anchor_origin;

// "9c28d384…" -> "9C28 D384 …" (easier to read aloud and compare by phone)
export function groupFingerprint(hex) {
  return String(hex || "").toUpperCase().replace(/(.{4})(?=.)/g, "$1 ");
}

/** The roots this browser keeps: [{der, sha256, subject, issuer, not_before, not_after, ...}]. */
export function storedRoots() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list.filter((r) => r && typeof r.der === "string" && typeof r.sha256 === "string") : [];
  } catch (_) {
    return [];
  }
}

/** What a check sends to the worker (options.user_trust): base64 DER of each kept root. */
export function userTrust() {
  return storedRoots().map((r) => r.der);
}

function save(list) {
  localStorage.setItem(KEY, JSON.stringify(list)); // throws when storage is disabled or full
}

function day(iso) {
  return String(iso || "").slice(0, 10);
}

function describe(root) {
  return h(
    "dl",
    { class: "cqc-kv cqc-root-kv" },
    h("dt", { text: "证书主体" }), h("dd", { "data-field": "subject", text: root.subject }),
    h("dt", { text: "类型" }), h("dd", { text: root.self_signed ? "根证书（自签名）" : `中级 CA 证书，签发者：${root.issuer}` }),
    h("dt", { text: "有效期" }), h("dd", { "data-field": "validity", text: `${day(root.not_before)} 至 ${day(root.not_after)}` }),
    h("dt", { text: "签名算法" }), h("dd", { text: root.algorithm || "" }),
    h("dt", { text: "SHA-256 指纹" }), h("dd", null, h("code", { class: "cqc-fp", "data-field": "sha256", text: groupFingerprint(root.sha256) })),
  );
}

/**
 * Build the section into `container`.  `examine(ArrayBuffer)` resolves with the worker's answer
 * ({ok, root} | {ok: false, code, message}); `onChange()` runs after a root is added or removed.
 */
export function mountTrust(container, { examine, onChange = () => {} }) {
  const ui = {};
  let pending = null; // the examined root awaiting confirmation

  ui.input = h("input", {
    type: "file",
    id: "cqc-trust-file",
    class: "cqc-trust-file",
    "data-trust-input": true,
    accept: ".cer,.crt,.pem,.der,application/pkix-cert,application/x-x509-ca-cert,application/x-pem-file",
  });
  ui.message = h("p", { class: "cqc-trust-msg", "data-trust-message": true, role: "status", "aria-live": "polite" });
  ui.confirm = h("button", { type: "button", class: "md-button md-button--primary", "data-trust-confirm": true, text: "确认信任此证书" });
  ui.cancel = h("button", { type: "button", class: "md-button", "data-trust-cancel": true, text: "取消" });
  ui.previewBody = h("div");
  ui.preview = h(
    "div",
    { class: "cqc-trust-preview", "data-trust-preview": true, hidden: true },
    h("p", { class: "cqc-trust-ask", text: "请把下面的 SHA-256 指纹与发证机构或主管部门通过电话、正式文件等渠道告知的指纹逐位核对，一致后再确认。" }),
    ui.previewBody,
    h("p", { class: "cqc-actions" }, ui.confirm, " ", ui.cancel),
  );
  ui.list = h("ul", { class: "cqc-root-list", "data-trust-list": true });
  ui.empty = h("p", { class: "cqc-note", "data-trust-empty": true, text: "尚未添加。核验只信任内置的正式根证书" + "（以及本站管理员额外信任的根证书，如有）。" });

  clear(container);
  container.append(
    h("h2", { id: "add-trusted-root", text: "添加信任的根证书" }),
    h("p", { text: "如果真实证书的签章由本站没有内置的机构签发，核验结果会是“注意：不能追溯到受信任的根证书”。这时可以在这里添加该机构的根证书（.cer/.crt/.pem/.der）。证书只保存在本浏览器中，不会上传；添加后的核验都会信任它，结果中会注明“你在本浏览器添加的根证书”。" }),
    h("p", { class: "cqc-trust-warning" }, h("strong", { text: "添加根证书意味着信任它签发的一切。" }), "只添加从发证机构或主管部门的正式渠道取得、并已通过电话等其他渠道核对过指纹的证书；来历不明的证书不要添加。"),
    h("p", null, h("label", { for: "cqc-trust-file", class: "cqc-trust-label", text: "选择证书文件：" }), " ", ui.input),
    ui.message,
    ui.preview,
    h("h3", { text: "你添加的根证书" }),
    ui.empty,
    ui.list,
  );

  function say(text, kind = "info") {
    ui.message.textContent = text;
    ui.message.dataset.kind = kind;
    ui.message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  function render() {
    clear(ui.list);
    const roots = storedRoots();
    ui.empty.hidden = roots.length > 0;
    for (const r of roots) {
      const remove = h("button", { type: "button", class: "md-button cqc-trust-remove", "data-trust-remove": r.sha256, text: "移除" });
      remove.addEventListener("click", () => {
        try {
          save(storedRoots().filter((x) => x.sha256 !== r.sha256));
        } catch (err) {
          say(`无法修改本浏览器保存的证书：${err && err.message ? err.message : err}`, "error");
          return;
        }
        say(`已移除“${r.subject}”。之后的核验不再信任它。`);
        render();
        onChange();
      });
      ui.list.append(h("li", { "data-sha256": r.sha256 }, describe(r), h("p", { class: "cqc-actions" }, remove)));
    }
  }

  function hidePreview() {
    pending = null;
    ui.preview.hidden = true;
    clear(ui.previewBody);
  }

  ui.input.addEventListener("change", async () => {
    const file = ui.input.files && ui.input.files[0];
    ui.input.value = "";
    hidePreview();
    if (!file) return;
    say(`正在读取 ${file.name} …`);
    let answer;
    try {
      answer = await examine(await file.arrayBuffer());
    } catch (err) {
      say(`无法读取该证书：${err && err.message ? err.message : err}`, "error");
      return;
    }
    if (!answer.ok) {
      say(`未添加：${answer.message}`, "error");
      ui.message.dataset.code = answer.code || "";
      return;
    }
    delete ui.message.dataset.code;
    const root = answer.root;
    if (storedRoots().some((r) => r.sha256 === root.sha256)) {
      say(`“${root.subject}”已在你添加的根证书中，无需重复添加。`);
      return;
    }
    pending = root;
    ui.previewBody.append(describe(root));
    ui.preview.hidden = false;
    say(`已读取 ${file.name}。核对指纹后请确认。`);
    ui.confirm.focus();
  });

  ui.confirm.addEventListener("click", () => {
    if (!pending) return;
    const root = { ...pending, added: new Date().toISOString() };
    try {
      save([...storedRoots().filter((r) => r.sha256 !== root.sha256), root]);
    } catch (err) {
      say(`本浏览器不允许保存（${err && err.message ? err.message : err}），证书未添加。`, "error");
      return;
    }
    hidePreview();
    say(`已信任“${root.subject}”。之后核验的文件都会信任它签发的签章。`);
    render();
    onChange();
  });

  ui.cancel.addEventListener("click", () => {
    hidePreview();
    say("已取消，未添加任何证书。");
  });

  render();
}
