// Tell the server the browser's time zone once (kp_tz cookie), so that pages
// show times in the viewer's zone. A zone chosen by hand is kept.
(function () {
  try {
    if (document.cookie.split("; ").some(function (c) { return c.indexOf("kp_tz=") === 0; })) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z0-9_+/-]+$/.test(zone)) document.cookie = "kp_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  } catch (e) { /* old browsers: the site's zone stays */ }
})();
