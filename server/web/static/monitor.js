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
  // The keyboard focus stays where it was across a swap: on the new element of the same data-key
  // (the fragment's links carry no id, see monitor_actions.html) or id (htmx's own way, which needs
  // the old element still there: it is not, see below).
  var focusKey = null;
  function keyOf(element) {
    if (element.dataset && element.dataset.key) return '[data-key="' + CSS.escape(element.dataset.key) + '"]';
    return element.id ? "#" + CSS.escape(element.id) : null;
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var inside = active && event.detail.target && event.detail.target !== active && event.detail.target.contains(active);
    focusKey = inside ? keyOf(active) : null;
  });
  // #floor's old content holds nothing htmx set up (the actions are plain links, actions.js), so it
  // goes at once instead of htmx cleaning up each of its ~6,000 elements with an event apiece (a
  // tenth of a second on a tablet, every swap). On window: after every other beforeSwap handler.
  window.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail, target = detail.target;
    if (event.defaultPrevented || !detail.shouldSwap || !target || target.id !== "floor") return;
    if (detail.xhr && detail.xhr.getResponseHeader("HX-Reswap")) return;  // e.g. a refusal: swaps nothing
    target.replaceChildren();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    reopen(event.detail.target);
    if (focusKey === null || !event.detail.target) return;
    var again = event.detail.target.querySelector(focusKey);
    focusKey = null;
    if (again && document.activeElement !== again) again.focus({preventScroll: true});
  });
  document.addEventListener("DOMContentLoaded", function () { reopen(document); });
})();

// A call, a start or a ticket's end shows in its counter's row as soon as its event arrives: the
// event says which counter, which ticket and its status (the server's words for them are in
// #floor's data-ticket-statuses); the rest of the row follows with the next fragment.
(function () {
  "use strict";
  var followed = typeof WeakSet === "function" ? new WeakSet() : null;

  function floor() { return document.getElementById("floor"); }

  function show(event) {
    var root = floor();
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (!root || !data.counter) return;
    var row = root.querySelector('[data-counter="' + CSS.escape(data.counter) + '"]');
    var cell = row && row.querySelector(".ticket");
    if (!cell) return;
    var statuses = JSON.parse(root.dataset.ticketStatuses || "{}");
    var ticket = data.ticket || {};
    var label = statuses[ticket.status];
    cell.textContent = "";
    if (label === undefined || !ticket.code) {  // the ticket left the counter (done, no-show, moved on)
      cell.textContent = "–";
      return;
    }
    var strong = document.createElement("strong");
    strong.dataset.ticket = ticket.code;
    strong.textContent = ticket.code;
    cell.appendChild(strong);
    if (cell.tagName === "TD") {  // the desk view names the ticket's status; the TV shows the number only
      var small = document.createElement("small");
      small.textContent = label;
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(small);
      if (ticket.booked) {  // checked in from an appointment, as the fragment marks it
        var tag = document.createElement("span");
        tag.className = "tag booked";
        tag.textContent = "janji temu";
        cell.appendChild(document.createTextNode(" "));
        cell.appendChild(tag);
      }
    }
  }

  // The waiting counts change with every ticket: #floor (or a queue's page's list) fetches itself at
  // most every data-counts-every-ms, at once after a quiet spell, and once more after the last change
  // of a burst (htmx's own throttle would drop that last one).
  var lastCounts = 0, countsTimer = null;
  function counted() { return document.querySelector("[data-counts-every-ms]"); }
  function countsChanged() {
    var root = counted();
    if (!root || countsTimer !== null) return;
    var wait = lastCounts + Number(root.dataset.countsEveryMs || 3000) - Date.now();
    countsTimer = setTimeout(function () {
      countsTimer = null;
      lastCounts = Date.now();
      htmx.trigger(root, "counts-changed");
    }, Math.max(0, wait));
  }

  document.addEventListener("htmx:sseOpen", function (event) {
    var source = event.detail && event.detail.source;
    var root = counted();
    if (!source || !root || (followed && followed.has(source))) return;
    if (followed) followed.add(source);
    (root.dataset.live || "").split(" ").forEach(function (type) {
      if (type) source.addEventListener(type, show);
    });
    source.addEventListener("queue.counts", countsChanged);
  });
})();
