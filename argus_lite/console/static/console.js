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
