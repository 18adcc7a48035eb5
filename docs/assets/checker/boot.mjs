// Minimal checker page: boots the worker and shows load progress (the real UI replaces this).
import {startChecker} from "./client.mjs";

const status = document.getElementById("checker-status");
const bar = document.getElementById("checker-progress");
const detail = document.getElementById("checker-detail");
const STAGE_WEIGHT = {runtime: [0, 0.7], packages: [0.7, 0.9], checker: [0.9, 1]};

function mb(n) { return (n / 1048576).toFixed(1); }

const checker = startChecker({
  onProgress({stage, loaded, total, label}) {
    const [from, to] = STAGE_WEIGHT[stage] || [0, 1];
    const frac = total ? Math.min(loaded / total, 1) : 0;
    if (bar) bar.value = from + (to - from) * frac;
    if (status) status.textContent = `${label}…`;
    if (detail) detail.textContent = total ? `${mb(loaded)} / ${mb(total)} MB` : "";
  },
  onError(message) {
    if (status) { status.textContent = message; status.dataset.state = "error"; }
  },
});

checker.ready.then(({python, checker: version, ms}) => {
  if (bar) bar.value = 1;
  if (status) {
    status.textContent = `核验程序已就绪（Python ${python}，checker ${version}，${(ms / 1000).toFixed(1)} 秒）`;
    status.dataset.state = "ready";
  }
  if (detail) detail.textContent = "";
});
