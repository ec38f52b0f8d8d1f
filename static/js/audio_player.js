/*
 * Audio player for column posts and audio lessons.
 *
 * Markup: <div data-audio-player data-resume-key="..."> holding an <audio>
 * and buttons with data-rate. The player docks at the top of the reading
 * column (CSS .audio-dock, position: sticky), so it keeps playing in view while
 * the reader scrolls the notes. The chosen speed is remembered for every
 * player; the position per recording (data-resume-key) unless the page saves
 * progress on the server (lessons: learning/player.js does that).
 */
(function () {
  "use strict";
  var RATE_KEY = "kp-audio-rate";

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  document.querySelectorAll("[data-audio-player]").forEach(function (box) {
    var audio = box.querySelector("audio");
    if (!audio) return;
    var buttons = box.querySelectorAll("[data-rate]");
    var status = box.querySelector("[data-audio-status]");
    var key = box.dataset.resumeKey ? "kp-audio-pos:" + box.dataset.resumeKey : "";

    function setRate(rate) {
      audio.playbackRate = rate;
      buttons.forEach(function (b) {
        var on = parseFloat(b.dataset.rate) === rate;
        b.classList.toggle("active", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
    var saved = parseFloat(load(RATE_KEY) || "1") || 1;
    setRate(saved);
    audio.addEventListener("loadedmetadata", function () { audio.playbackRate = saved; });
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        saved = parseFloat(b.dataset.rate) || 1;
        setRate(saved);
        store(RATE_KEY, String(saved));
      });
    });

    if (key) {
      var resumeAt = parseFloat(load(key) || "0") || 0;
      var resume = function () {
        if (resumeAt > 1 && (!audio.duration || resumeAt < audio.duration - 2)) {
          try { audio.currentTime = resumeAt; } catch (e) { /* not seekable yet */ }
          if (status && status.dataset.resumeText) {
            status.textContent = status.dataset.resumeText.replace(
              "{time}", Math.floor(resumeAt / 60) + ":" + ("0" + Math.floor(resumeAt % 60)).slice(-2)
            );
          }
        }
      };
      if (audio.readyState >= 1) resume();
      else audio.addEventListener("loadedmetadata", resume, { once: true });
      var last = 0;
      audio.addEventListener("timeupdate", function () {
        var now = Date.now();
        if (now - last > 3000) { last = now; store(key, String(audio.currentTime)); }
      });
      audio.addEventListener("pause", function () { store(key, String(audio.currentTime)); });
      audio.addEventListener("ended", function () { store(key, "0"); });
    }
  });
})();
