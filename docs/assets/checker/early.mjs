// Loaded with <script type="module" async> from the checker page's <head> (overrides/checker.html):
// starts the Pyodide worker as soon as this tiny module graph arrives, instead of after the page
// has been parsed and Material's and the UI's scripts have run (measured: the worker started
// 0.56–0.92 s after navigation that way).  app.js later calls startChecker() again and gets this
// same client (client.mjs).  Pages opened from file:// cannot run module workers: app.js and the
// page's inline script explain that, so nothing starts here.
import {startChecker} from "./client.mjs";

if (location.protocol !== "file:") {
  try {
    startChecker();
  } catch (err) {
    // app.js calls startChecker() again and shows the reason to the user.
    console.warn("early checker start failed", err);
  }
}
