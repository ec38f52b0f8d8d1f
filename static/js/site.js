// Small behaviours that pages ask for with data- attributes, so that no page
// needs an inline script or an on*= attribute (the Content-Security-Policy
// allows scripts from our static files only).
(function () {
  "use strict";

  // <form data-confirm="Delete this post?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <select data-autosubmit>: submit its form when the choice changes.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-autosubmit]");
    if (!select || !select.form) { return; }
    if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
  });

  // Course reviews: the list is shared by every viewer (a cached fragment);
  // the viewer's own state comes from [data-review-viewer] outside it. Show
  // "Report" on others' reviews, "Reported by you" on those already reported.
  function reviewActions() {
    var viewer = document.querySelector("[data-review-viewer]");
    if (!viewer) { return; }
    var me = viewer.dataset.reviewViewer;
    var reported = (viewer.dataset.reported || "").split(" ").filter(Boolean);
    document.querySelectorAll("[data-review-report]").forEach(function (link) {
      if (link.dataset.author === me) { return; }
      var id = link.dataset.reviewReport;
      if (reported.indexOf(id) >= 0) {
        var mark = document.querySelector('[data-review-reported="' + id + '"]');
        if (mark) { mark.hidden = false; }
      } else {
        link.hidden = false;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reviewActions);
  } else {
    reviewActions();
  }

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Bootstrap classes on Django's default widgets inside .studio-form.
  function decorate(root) {
    root.querySelectorAll(".studio-form input, .studio-form select, .studio-form textarea").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.classList.add("form-check-input"); return; }
      if (el.type === "hidden") { return; }
      el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { decorate(document); });
  } else {
    decorate(document);
  }
})();
