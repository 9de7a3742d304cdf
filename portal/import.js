// Progress for a roster import, which on a slow office connection can take a while: the
// upload in kilobytes, then the rows the server checks or saves. Without this script (or
// without XMLHttpRequest) the forms are sent as usual and the browser shows its own progress.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.XMLHttpRequest || !window.FormData) { return; }
  var lang = document.documentElement.lang || "id";

  function number(n) { return Number(n).toLocaleString(lang === "id" ? "id-ID" : "en-GB"); }
  function say(box, template, values) {
    box.querySelector("p").textContent = template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  // Data rows of a CSV: its lines after the header, empty ones not counted.
  function rowsIn(text) {
    return text.split(/\r\n|\n|\r/).filter(function (line) { return line.trim() !== ""; }).length - 1;
  }

  // The page that answers replaces this one, as a normal submission would; the listener is
  // on the document, which stays, so the new page's forms have it too.
  function show(xhr) {
    var page = xhr.response;
    if (!page || !page.documentElement) { window.location.reload(); return; }
    window.history.replaceState(null, "", xhr.responseURL);
    document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
    window.scrollTo(0, 0);
    var focus = document.querySelector(".error-summary[tabindex]") || document.getElementById("main");
    if (focus) { focus.focus(); }
  }

  function send(form, rows) {
    var box = document.getElementById("import-progress");
    var bar = box.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    var rowText = { rows: number(Math.max(rows, 0)) };
    form.parentNode.insertBefore(box, form.nextSibling);
    box.hidden = false;
    button.disabled = true;
    say(box, box.getAttribute("data-starting"), rowText);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) { return; }
      bar.max = event.total;
      bar.value = event.loaded;
      say(box, box.getAttribute("data-uploading"), { done: number(Math.ceil(event.loaded / 1024)), total: number(Math.ceil(event.total / 1024)) });
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value");  // the server's part has no measure: an indeterminate bar
      say(box, box.getAttribute(form.getAttribute("data-progress") === "confirm" ? "data-saving" : "data-checking"), rowText);
    };
    xhr.onload = function () { show(xhr); };
    xhr.onerror = function () {
      button.disabled = false;
      say(box, box.getAttribute("data-failed"), rowText);
    };
    xhr.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-progress")) { return; }
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (file && file.text) {
      file.text().then(function (text) { send(form, rowsIn(text)); }, function () { send(form, 0); });
    } else {
      send(form, Number(form.getAttribute("data-rows")) || 0);
    }
  });
}());
