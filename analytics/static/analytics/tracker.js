/* Study time: while a lesson page is visible and in use, count the seconds and
 * report them every 30 s (and when the page is hidden or left).
 *
 * "In use": a video is playing, or the reader scrolled, typed, clicked or
 * moved within the last two minutes. Video lessons also report the position
 * (where people stop) and seeks back (where people rewind). The page carries a
 * signed ticket; the server credits no more than the time since the last beat.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.url || !script.dataset.ticket) return;
  var url = script.dataset.url;
  var ticket = script.dataset.ticket;
  var csrf = script.dataset.csrf || "";
  var every = (parseInt(script.dataset.every || "30", 10) || 30) * 1000;
  var idleAfter = 120 * 1000;
  var video = document.getElementById("player");
  var active = 0;
  var lastInput = Date.now();
  var lastPosition = null;

  function send(fields, useBeacon) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("ticket", ticket);
    Object.keys(fields).forEach(function (key) { body.append(key, String(fields[key])); });
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": csrf },
    }).catch(function () { /* offline: the seconds are lost, nothing else */ });
  }

  function videoFields(fields) {
    if (video && isFinite(video.duration) && video.duration > 0) {
      fields.pos = Math.floor(video.currentTime || 0);
      fields.dur = Math.floor(video.duration);
    }
    return fields;
  }

  function flush(useBeacon) {
    if (active <= 0) return;
    var seconds = active;
    active = 0;
    send(videoFields({ kind: "beat", seconds: seconds }), useBeacon);
  }

  function inUse() {
    if (document.visibilityState !== "visible") return false;
    if (video && !video.paused && !video.ended) return true;
    return Date.now() - lastInput < idleAfter;
  }

  ["scroll", "keydown", "pointerdown", "pointermove", "touchstart", "wheel"].forEach(
    function (name) {
      window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true });
    }
  );
  setInterval(function () { if (inUse()) active += 1; }, 1000);
  setInterval(function () { flush(false); }, every);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
    else lastInput = Date.now();
  });
  window.addEventListener("pagehide", function () { flush(true); });

  if (video) {
    video.addEventListener("timeupdate", function () {
      if (!video.seeking) lastPosition = video.currentTime;
    });
    video.addEventListener("seeked", function () {
      var to = video.currentTime || 0;
      if (lastPosition !== null && lastPosition - to > 3) {
        send(videoFields({ kind: "seek", start: Math.floor(lastPosition), pos: Math.floor(to) }), false);
      }
      lastPosition = to;
    });
    video.addEventListener("pause", function () { flush(false); });
    video.addEventListener("ended", function () { flush(false); });
  }
})();
