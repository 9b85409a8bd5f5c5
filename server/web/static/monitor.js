// The floor monitor: #floor is swapped anew on every change, and a queue the manager opened to see
// its tickets stays open (also across the reload after a server restart: kept for this tab).
(function () {
  "use strict";
  var KEY = "mpp.monitor.open";
  var open;
  try { open = new Set(JSON.parse(sessionStorage.getItem(KEY) || "[]")); } catch (e) { open = new Set(); }

  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify(Array.from(open))); } catch (e) { /* private mode */ }
  }
  function reopen(root) {
    root.querySelectorAll("details[data-queue]").forEach(function (details) {
      if (open.has(details.id)) details.open = true;
    });
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-queue]")) return;
    if (details.open) open.add(details.id); else open.delete(details.id);
    save();
  }, true);  // toggle does not bubble
  document.addEventListener("htmx:afterSwap", function (event) { reopen(event.detail.target); });
  document.addEventListener("DOMContentLoaded", function () { reopen(document); });
})();
