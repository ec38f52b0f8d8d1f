// Mention autocomplete: in a <textarea data-mentions="/accounts/handles/">,
// typing "@li" lists the accounts whose handle starts with (or whose name
// contains) "li"; arrow keys move, Enter or Tab or a click inserts "@handle ".
// A static file because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  var TOKEN = /(?:^|[^\p{L}\p{N}_@\/])@([\p{L}\p{N}_.\-]{1,30})$/u;
  var counter = 0;

  function Picker(textarea) {
    this.textarea = textarea;
    this.url = textarea.dataset.mentions;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.list = document.createElement("ul");
    this.list.id = "mention-list-" + (++counter);
    this.list.className = "mention-list list-group shadow-sm";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", textarea.dataset.mentionsLabel || "@");
    this.list.hidden = true;
    textarea.parentNode.classList.add("position-relative");
    textarea.insertAdjacentElement("afterend", this.list);
    textarea.setAttribute("role", "combobox");
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", this.list.id);
    textarea.setAttribute("aria-expanded", "false");
    textarea.addEventListener("input", this.onInput.bind(this));
    textarea.addEventListener("keydown", this.onKey.bind(this));
    textarea.addEventListener("blur", this.close.bind(this, 150));
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", this.onClick.bind(this));
  }

  Picker.prototype.token = function () {
    var ta = this.textarea;
    if (ta.selectionStart !== ta.selectionEnd) { return null; }
    var match = TOKEN.exec(ta.value.slice(0, ta.selectionStart));
    return match ? match[1] : null;
  };

  Picker.prototype.onInput = function () {
    var query = this.token();
    window.clearTimeout(this.timer);
    if (!query) { this.close(); return; }
    this.timer = window.setTimeout(this.fetch.bind(this, query), 150);
  };

  Picker.prototype.fetch = function (query) {
    var self = this;
    if (this.request) { this.request.abort(); }
    this.request = new AbortController();
    window.fetch(this.url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      signal: this.request.signal,
    }).then(function (response) {
      return response.ok ? response.json() : { results: [] };
    }).then(function (data) {
      if (self.token() === query) { self.show(data.results || []); }
    }).catch(function () { /* aborted or offline: keep typing */ });
  };

  Picker.prototype.show = function (items) {
    this.items = items;
    this.active = items.length ? 0 : -1;
    this.list.textContent = "";
    var self = this;
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = self.list.id + "-" + index;
      li.className = "list-group-item list-group-item-action";
      li.setAttribute("role", "option");
      li.dataset.index = String(index);
      var handle = document.createElement("strong");
      handle.textContent = "@" + item.handle;
      var name = document.createElement("span");
      name.className = "ms-2 text-body-secondary";
      name.textContent = item.name;
      li.appendChild(handle);
      li.appendChild(name);
      (item.labels || []).forEach(function (text) {
        var label = document.createElement("span");
        label.className = "badge text-bg-light border ms-2";
        label.dataset.testid = "mention-label";
        label.textContent = text;
        li.appendChild(label);
      });
      self.list.appendChild(li);
    });
    // Just under the text box (the CSSOM, which the CSP allows).
    this.list.style.top = (this.textarea.offsetTop + this.textarea.offsetHeight) + "px";
    this.list.style.left = this.textarea.offsetLeft + "px";
    this.list.hidden = !items.length;
    this.textarea.setAttribute("aria-expanded", items.length ? "true" : "false");
    this.highlight();
  };

  Picker.prototype.highlight = function () {
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (li, index) {
      var on = index === self.active;
      li.classList.toggle("active", on);
      li.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (this.active >= 0) {
      this.textarea.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
    } else {
      this.textarea.removeAttribute("aria-activedescendant");
    }
  };

  Picker.prototype.close = function (delay) {
    var self = this;
    window.setTimeout(function () {
      self.list.hidden = true;
      self.items = [];
      self.active = -1;
      self.textarea.setAttribute("aria-expanded", "false");
      self.textarea.removeAttribute("aria-activedescendant");
    }, typeof delay === "number" ? delay : 0);
  };

  Picker.prototype.onKey = function (event) {
    if (this.list.hidden || !this.items.length) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.highlight();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (this.active >= 0) { this.choose(this.active); event.preventDefault(); }
    } else if (event.key === "Escape") {
      this.close();
      event.preventDefault();
    }
  };

  Picker.prototype.onClick = function (event) {
    var li = event.target.closest("[data-index]");
    if (li) { this.choose(Number(li.dataset.index)); }
  };

  Picker.prototype.choose = function (index) {
    var item = this.items[index];
    var ta = this.textarea;
    var query = this.token();
    if (!item || query === null) { this.close(); return; }
    var end = ta.selectionStart;
    var start = end - query.length;
    var insert = item.handle + " ";
    ta.value = ta.value.slice(0, start) + insert + ta.value.slice(end);
    ta.selectionStart = ta.selectionEnd = start + insert.length;
    ta.focus();
    this.close();
  };

  function init(root) {
    root.querySelectorAll("textarea[data-mentions]").forEach(function (textarea) {
      if (!textarea.dataset.mentionsReady) {
        textarea.dataset.mentionsReady = "1";
        new Picker(textarea);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Forms that htmx swaps in (reply and comment boxes).
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
