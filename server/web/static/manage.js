// The management pages' one script of our own (the CSRF token travels in <body hx-headers>).
// A page's event stream closed for good (signed out, an error answer): the SSE extension keeps
// retrying, but events in between are lost. So: if the page itself now sends us to the sign-in
// form, go there; once the stream is open again, reload the page to show the floor as it is.
(function () {
  "use strict";
  var lost = false;
  document.addEventListener("htmx:sseError", function (event) {
    var source = event.detail && event.detail.source;
    if (!source || source.readyState !== EventSource.CLOSED) return;
    lost = true;
    fetch(location.href, { method: "HEAD", redirect: "manual", cache: "no-store" }).then(function (answer) {
      if (answer.type === "opaqueredirect" || answer.status === 401) location.reload();
    }, function () { /* the server is away: the extension tries again */ });
  });
  document.addEventListener("htmx:sseOpen", function () {
    if (lost) location.reload();
  });
})();
