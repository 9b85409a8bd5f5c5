// The supervisor's actions on the floor monitor: links (data-post, data-action) to their confirmation
// pages, which this file POSTs through htmx instead, after the question (data-confirm). One handler
// for all of them: with hx-post on each, htmx set up a building's ~600 links anew on every swap of
// #floor (monitor_actions.html). A refused action
// answers with its status (403/404/409/422) and only the words for #action-status, out of band
// (HX-Reswap: none, X-Action-Refused): htmx would not swap an error answer, so let it. Any other
// error answer (an expired form, the server away) still gets words in #action-status.
(function () {
  "use strict";
  var timer = null;

  function say(words, refused) {
    var status = document.getElementById("action-status");
    if (!status) return;
    var span = document.createElement("span");
    span.className = refused ? "refused" : "done";
    span.textContent = words;
    status.replaceChildren(span);
  }

  function fromAction(detail) {  // the element that sent the request (detail.elt is the swap's target)
    var sender = detail.requestConfig ? detail.requestConfig.elt : detail.elt;
    return !!(sender && sender.closest && sender.closest("[data-action]"));
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey || !event.target.closest) return;
    var link = event.target.closest("a[data-post]");
    var floor = link && link.closest("#floor");
    if (!floor) return;  // elsewhere the link leads to its confirmation page
    event.preventDefault();
    if (link.dataset.confirm && !window.confirm(link.dataset.confirm)) return;
    htmx.ajax("POST", link.getAttribute("href"), {source: link, target: floor, swap: "innerHTML"});
  });

  // They look and are announced as buttons (role="button"): Space presses them, as it does a button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || !event.target.matches || !event.target.matches("a[data-post][role=button]")) return;
    event.preventDefault();
    event.target.click();
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!fromAction(detail)) return;
    if (detail.xhr.status >= 400 && detail.xhr.getResponseHeader("X-Action-Refused")) {
      detail.shouldSwap = true;
      detail.isError = false;
    } else if (detail.xhr.status >= 400) {
      say("Tindakan tidak berhasil (kode " + detail.xhr.status + "). Muat ulang halaman, lalu coba lagi.", true);
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (fromAction(event.detail)) {
      say("Server tidak terjangkau; tindakan belum dilakukan. Coba lagi sebentar lagi.", true);
    }
  });
  // Words of a done action leave after a while; a refusal stays until the next action.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "action-status") return;
    if (timer) clearTimeout(timer);
    timer = null;
    if (event.detail.target.querySelector(".done")) {
      timer = setTimeout(function () { event.detail.target.replaceChildren(); }, 10000);
    }
  });
})();
