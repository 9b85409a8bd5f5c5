/* Status page of one ticket (QR code on the printed ticket); no personal data.
   It reads the ticket from the public API, then follows the ticket's event stream (the server's
   one event pipeline) and reads again whenever the ticket or its queue changes. */
(function () {
  "use strict";
  var RETRY_MS = 5000, TIMEOUT_MS = 8000, GRACE_MS = 3000;
  var FINAL = { done: 1, no_show: 1, cancelled: 1 };
  var QUEUED = { printing: 1, waiting: 1 };
  var ZONES = { 420: "WIB", 480: "WITA", 540: "WIT" };
  var match = /^\/t\/([A-Za-z0-9_-]+)\/?$/.exec(location.pathname);
  var publicId = match && match[1];
  var timer = null, busy = false, again = false, gone = false, last = null, offset = null, stream = null;
  var dropped = null;  // a reconnecting stream shows the banner only if it stays away

  function $(id) { return document.getElementById(id); }
  function text(id, value) {  // only touch the DOM on a change: the live region speaks once
    var el = $(id), v = value == null ? "" : String(value);
    if (el.textContent !== v) el.textContent = v;
  }
  function show(id, on) { $(id).hidden = !on; }

  // Minutes east of UTC written in an ISO instant ("…+07:00", "Z"); null when absent.
  function offsetOf(iso) {
    var m = /([+-])(\d\d):?(\d\d)$/.exec(iso || "");
    if (m) return (m[1] === "-" ? -1 : 1) * (60 * +m[2] + +m[3]);
    return /Z$/i.test(iso || "") ? 0 : null;
  }
  function zoneName(min) {
    if (ZONES[min]) return ZONES[min];
    var a = Math.abs(min), mm = a % 60;
    return "UTC" + (min < 0 ? "-" : "+") + Math.floor(a / 60) + (mm ? ":" + (mm < 10 ? "0" : "") + mm : "");
  }
  // Format instant `ms` as wall time at `min` minutes east of UTC (the server's offset, not the phone's).
  function fmt(ms, min, opts) {
    if (min == null) min = -new Date(ms).getTimezoneOffset();
    opts.timeZone = "UTC";
    return new Intl.DateTimeFormat("id-ID", opts).format(new Date(ms + min * 60000));
  }
  function clock(ms, min, seconds) {
    var o = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (seconds) o.second = "2-digit";
    return fmt(ms, min, o);
  }
  function issuedText(iso) {  // "Senin, 23 November 2026 09.00 WIB"
    var ms = Date.parse(iso), min = offsetOf(iso);
    if (isNaN(ms)) return "";
    var day = fmt(ms, min, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
    return day + " " + clock(ms, min) + (min == null ? "" : "\u00a0" + zoneName(min));  // keep "09.00 WIB" together
  }
  function waitText(min) {
    if (min <= 0) return "segera";
    var h = Math.floor(min / 60), m = min % 60;
    return "sekitar " + (h ? h + " jam" + (m ? " " + m + " menit" : "") : m + " menit");
  }
  function aheadText(n) {
    return n > 0 ? n.toLocaleString("id-ID") + " orang di depan Anda" : "Tidak ada orang di depan Anda";
  }

  function describe(t) {
    var place = t.counter_name || t.counter || "loket yang tertera di layar";
    switch (t.status) {
      case "printing": return { head: "Sedang dicetak", note: "Ambil tiket Anda di kios." };
      case "waiting": return { head: "Menunggu dipanggil",
        note: "Halaman ini diperbarui otomatis. Perhatikan juga layar antrean." };
      case "called": return { head: "Silakan menuju", place: place, note: t.recall_count > 0
        ? "Anda dipanggil ulang. Segera menuju loket." : "Nomor Anda sedang dipanggil." };
      case "serving": return { head: "Sedang dilayani di", place: place, note: "" };
      case "held": return { head: "Ditunda",
        note: "Petugas akan memanggil Anda kembali. Harap tetap berada di sekitar loket." };
      case "done": return { head: "Selesai dilayani", note: "Terima kasih atas kunjungan Anda." };
      case "no_show": return { head: "Tidak hadir saat dipanggil",
        note: "Bila Anda masih ingin dilayani, silakan hubungi petugas informasi." };
      case "cancelled": return { head: "Dibatalkan",
        note: "Nomor ini tidak berlaku. Silakan ambil nomor baru di kios atau hubungi petugas." };
      default: return { head: "Status: " + t.status, note: "" };
    }
  }

  function render(t) {
    // A served ticket's page is its survey (SKM) while it is open: the server draws the form.
    if (t.status === "done" && t.skm && t.skm.open && last && last.status !== "done") { location.reload(); return; }
    var prev = last, s = describe(t), queued = !!QUEUED[t.status];
    last = t;
    offset = offsetOf(t.issued_at);
    document.body.setAttribute("data-state", t.status);
    if (t.site_name) text("site", t.site_name);
    text("code", t.code);
    text("service", t.service_name || t.service);
    text("agency", t.agency_name || t.agency);
    text("priority", t.priority_name ? "Prioritas: " + t.priority_name : "");
    show("priority", !!t.priority_name);
    text("status-text", s.head);
    text("counter", s.place || "");
    show("counter", !!s.place);
    text("status-note", s.note);
    text("ahead", typeof t.ahead === "number" ? aheadText(t.ahead) : "");
    show("ahead-row", queued && typeof t.ahead === "number");
    text("wait", typeof t.est_wait_min === "number" ? waitText(t.est_wait_min) : "");
    show("wait-row", queued && typeof t.est_wait_min === "number");
    text("issued", issuedText(t.issued_at));
    $("issued").setAttribute("datetime", t.issued_at || "");
    show("issued-row", !!t.issued_at);
    document.title = t.code + " · " + s.head + (s.place ? " " + s.place : "") + " – " + (t.site_name || "Antrian MPP");
    if (t.status === "called" && prev &&
        (prev.status !== "called" || (t.recall_count || 0) > (prev.recall_count || 0))) alertCalled();
  }

  function alertCalled() {
    var box = $("status");
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
    try { if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 600]); } catch (e) { /* not allowed */ }
  }

  function showMissing() {
    gone = true;
    follow(false);
    document.body.setAttribute("data-state", "missing");
    show("ticket", false);
    show("missing", true);
    text("updated", "");
    document.title = "Tiket tidak ditemukan – Antrian MPP";
  }

  function offline(on) { show("offline", on); document.body.classList.toggle("stale", on); }

  function retryLater() { clearTimeout(timer); timer = setTimeout(read, RETRY_MS); }

  // Read the ticket once; a change announced meanwhile reads it once more afterwards.
  function read() {
    clearTimeout(timer);
    timer = null;
    if (gone) return;
    if (busy) { again = true; return; }
    busy = true;
    again = false;
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var kill = ctrl && setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS);
    fetch("/api/tickets/public/" + encodeURIComponent(publicId),
          { cache: "no-store", headers: { Accept: "application/json" }, signal: ctrl ? ctrl.signal : undefined })
      .then(function (r) {
        if (r.status === 404 || r.status === 422) return null;  // unknown or malformed id
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (t) {
        if (!t) return showMissing();
        if (!stream || stream.readyState !== 2) offline(false);
        render(t);
        // The server's clock, not the phone's.
        var now = Date.parse(t.now);
        if (!isNaN(now)) text("updated", "Diperbarui " + clock(now, offsetOf(t.now), true));
        follow(!FINAL[t.status]);
      })
      .catch(function () { offline(true); retryLater(); })
      .then(function () {
        busy = false;
        clearTimeout(kill);
        if (again) read();
      });
  }

  // Follow the ticket's event stream while its status can still change; the browser reconnects
  // by itself (with the last event id) after a dropped connection.
  function follow(on) {
    if (!on || typeof EventSource !== "function") {
      if (stream) { stream.close(); stream = null; clearTimeout(dropped); }
      if (on) { clearTimeout(timer); timer = setTimeout(read, RETRY_MS); }  // no EventSource: poll
      return;
    }
    if (stream && stream.readyState !== 2) return;
    stream = new EventSource("/api/tickets/public/" + encodeURIComponent(publicId) + "/events");
    stream.onopen = function () {
      clearTimeout(dropped);
      offline(false);
      read();  // catch up on what happened while away
    };
    stream.onmessage = function (e) {
      var change = {};
      try { change = JSON.parse(e.data); } catch (err) { /* read anyway */ }
      if (change.mine && change.type === "ticket.transferred") {  // another queue now: follow that one
        stream.close();
        stream = null;
      }
      read();
    };
    stream.onerror = function () {
      if (stream && stream.readyState === 2) {  // refused for good (e.g. the server restarted badly)
        stream = null;
        offline(true);
        retryLater();
      } else {
        clearTimeout(dropped);
        dropped = setTimeout(function () { offline(true); }, GRACE_MS);
      }
    };
  }

  function refresh() { if (!document.hidden && !gone) read(); }

  if (!publicId) return showMissing();
  // Back on screen: read at once, even after a final status (a no-show can be requeued).
  document.addEventListener("visibilitychange", refresh);
  window.addEventListener("online", refresh);
  window.addEventListener("pageshow", function (e) { if (e.persisted) refresh(); });
  read();
})();
