/* The lesson player: resume where the learner stopped and save the position.
 *
 * The <video> carries data-resume (seconds) and data-progress-url (absent for
 * anonymous visitors of a free preview). The position is posted every few
 * seconds while playing, on pause, after a seek, when the page is hidden, and
 * with completed=1 at the end. The CSRF token travels in the form body, so
 * that navigator.sendBeacon (which cannot set headers) works too.
 *
 * Any lesson of an enrolled learner also carries data-opened-url: opening it
 * is posted once, so that "Continue learning" comes back here (the page view
 * itself writes nothing).
 */
(function () {
  "use strict";
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value ||
    (JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]);
  var opened = document.querySelector("[data-opened-url]");
  if (opened) {
    var openedBody = new FormData();
    openedBody.append("csrfmiddlewaretoken", csrf);
    fetch(opened.dataset.openedUrl, {
      method: "POST",
      body: openedBody,
      credentials: "same-origin",
      keepalive: true,
    }).catch(function () { /* offline: the next visit records it */ });
  }
  var video = document.getElementById("player");
  if (!video) return;
  var url = video.dataset.progressUrl;
  var resume = parseFloat(video.dataset.resume || "0") || 0;
  var every = (parseFloat(video.dataset.saveEvery || "5") || 5) * 1000;
  var status = document.getElementById("player-status");
  // External HLS streams: hls.js where Media Source Extensions exist (the
  // order hls.js recommends), the browser's own HLS otherwise (iOS Safari).
  var hlsSource = video.dataset.hlsSrc;
  if (hlsSource) {
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls();
      hls.loadSource(hlsSource);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = hlsSource;
    } else if (status) {
      status.textContent = video.dataset.hlsUnsupported || "";
    }
  }
  var lastSent = -1;
  var lastSentAt = 0;
  var completedSent = false;

  function applyResume() {
    if (resume > 0 && (!video.duration || resume < video.duration - 1)) {
      try { video.currentTime = resume; } catch (e) { /* not seekable yet */ }
    }
    resume = 0;
  }
  if (video.readyState >= 1) applyResume();
  else video.addEventListener("loadedmetadata", applyResume, { once: true });

  function body(position, completed) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("position", String(Math.floor(position)));
    if (completed) data.append("completed", "1");
    return data;
  }

  function save(completed, useBeacon) {
    if (!url) return;
    var position = Math.floor(video.currentTime || 0);
    if (!completed && position === lastSent) return;
    lastSent = position;
    lastSentAt = Date.now();
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, body(position, completed));
      return;
    }
    fetch(url, {
      method: "POST",
      body: body(position, completed),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      video.dataset.savedPosition = String(data.position);
      if (data.completed && !completedSent) {
        completedSent = true;
        var badge = document.querySelector("[data-testid=course-progress]");
        if (badge && data.course_progress !== null) {
          badge.textContent = badge.textContent.replace(/\d+%/, data.course_progress + "%");
        }
      }
    }).catch(function () { /* offline: the next heartbeat retries */ });
  }

  video.addEventListener("timeupdate", function () {
    if (!video.paused && Date.now() - lastSentAt >= every) save(false);
  });
  video.addEventListener("pause", function () { save(false); });
  video.addEventListener("seeked", function () { save(false); });
  video.addEventListener("ended", function () { save(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save(false, true);
  });
  window.addEventListener("pagehide", function () { save(false, true); });
  if (status) {
    video.addEventListener("play", function () { status.textContent = ""; }, { once: true });
  }
})();
