// Video uploads go through XHR so that a progress bar can show how far they got.
(function () {
  var form = document.getElementById("lesson-form");
  var input = form.querySelector('input[type="file"][name="video_file"]');
  var bar = document.getElementById("upload-progress");
  var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);
  form.addEventListener("submit", function (event) {
    if (!input || !input.files.length) { return; }
    var file = input.files[0];
    if (maxBytes && file.size > maxBytes) {
      event.preventDefault();
      alert(form.dataset.tooLarge);
      return;
    }
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    bar.classList.remove("d-none");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round(100 * e.loaded / e.total);
      bar.firstElementChild.style.width = percent + "%";
      bar.firstElementChild.textContent = percent + "%";
      bar.setAttribute("aria-valuenow", percent);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.location.href = xhr.responseURL;
      } else {
        document.open(); document.write(xhr.responseText); document.close();
      }
    });
    xhr.addEventListener("error", function () {
      bar.classList.add("d-none");
      alert(form.dataset.uploadFailed);
    });
    xhr.send(new FormData(form));
  });
})();
