// argus_lite console: refresh the incident rows in place by polling the rows fragment. Without this file
// every page works the same, only without the refresh. Never replaces rows while a form is being edited
// or rows are selected, so that nothing a person is doing is lost.
(function () {
  "use strict";
  var picker = document.getElementById("refresh");
  var rows = document.getElementById("rows");
  if (!picker || !rows) return;
  var KEY = "argus_lite.console.refresh";
  var timer = null;
  // A choice made on this page lasts until the preference itself changes: stored as "<seconds>@<preferred>".
  var preferred = picker.dataset.preferred || "";
  var stored = ((window.localStorage && localStorage.getItem(KEY)) || "").split("@");
  if (stored.length === 2 && stored[1] === preferred &&
      picker.querySelector('option[value="' + stored[0] + '"]')) picker.value = stored[0];

  function busy() {
    var active = document.activeElement;
    var editing = active && active.form && active !== picker && active.type !== "checkbox" &&
                  active.type !== "submit";
    if (editing) return true;                                             // typing in a filter or comment
    return document.querySelector('input[name="ids"]:checked') !== null;  // rows chosen for a bulk action
  }

  function refresh() {
    if (busy() || document.hidden) return schedule();
    fetch(picker.dataset.rowsUrl, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (answer) {
        if (answer.status === 401) { window.location.reload(); return null; }   // the session ended: log in
        return answer.ok ? answer.text() : null;
      })
      .then(function (html) {
        if (html !== null && !busy()) {
          rows.innerHTML = html;    // server-rendered and escaped by the same templates as the page
          document.getElementById("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
        }
      })
      .catch(function () {})
      .then(schedule);
  }

  function schedule() {
    window.clearTimeout(timer);
    var seconds = parseInt(picker.value, 10);
    if (seconds > 0) timer = window.setTimeout(refresh, seconds * 1000);
  }

  picker.addEventListener("change", function () {
    if (window.localStorage) localStorage.setItem(KEY, picker.value + "@" + preferred);
    schedule();
  });
  schedule();
}());

// The filter form's preview without leaving the page: the preview button, and a pause while the source or tag
// lists are typed, post the form with action=preview and put the server-rendered preview (or its message) in
// place. Without this file the button posts the form and the page comes back with the preview.
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var timer = null;

  function swap(id, page, put) {
    var fresh = page.getElementById(id), old = document.getElementById(id);
    if (fresh) fresh = document.adoptNode(fresh);
    if (old && fresh) old.replaceWith(fresh);
    else if (old) old.remove();
    else if (fresh) put(fresh);
  }

  function preview() {
    var body = new URLSearchParams(new FormData(form));   // (form.action would be the button named action)
    body.set("action", "preview");
    fetch(form.getAttribute("action"), {method: "POST", credentials: "same-origin", body: body, headers: {"Accept": "text/html"}})
      .then(function (answer) { return answer.text(); })      // a refused preview's page says why
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        swap("preview", page, function (node) { form.after(node); });
        swap("error-preview", page, function (node) { form.appendChild(node); });
      })
      .catch(function () {});
  }

  document.getElementById("preview-button").addEventListener("click", function (event) {
    event.preventDefault();
    preview();
  });
  ["sourceSystemIds", "tags"].forEach(function (id) {
    document.getElementById(id).addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(preview, 700);
    });
  });
}());
