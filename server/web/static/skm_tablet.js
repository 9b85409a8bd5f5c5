/* The counter's survey tablet: while a form is shown, ask every few seconds which ticket the survey is
   for; once the officer calls the next citizen (or the time is up) go back to the waiting screen, so
   nobody answers for the citizen before. Without this script the page's own refresh still resets it. */
(function () {
  "use strict";
  var body = document.body, EVERY_MS = 4000;
  function check() {
    fetch(body.dataset.poll, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (answer && answer.ticket !== body.dataset.ticket) location.replace(body.dataset.reset);
        else setTimeout(check, EVERY_MS);
      })
      .catch(function () { setTimeout(check, EVERY_MS); });
  }
  setTimeout(check, EVERY_MS);
})();
