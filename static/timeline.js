// Timeline filter: progressive enhancement. Without JavaScript the whole timeline shows (and
// no-js.css leaves the filter out). The filter state lives in the URL (?actor=...&topic=...) so
// a filtered view can be shared; a link to an event the filter hides clears the filter. The
// overview's marks of hidden events are dimmed.
(function () {
  "use strict";
  var form = document.getElementById("timeline-filter");
  if (!form) return;
  var selects = { actor: document.getElementById("filter-actor"), topic: document.getElementById("filter-topic") };
  var status = document.getElementById("filter-status");
  var clear = document.getElementById("filter-clear");
  var items = Array.prototype.slice.call(document.querySelectorAll(".timeline > li"));
  var years = Array.prototype.slice.call(document.querySelectorAll(".timeline-year"));
  var marks = Array.prototype.slice.call(document.querySelectorAll(".overview-chart a"));
  var unknown = [];

  function has(list, value) {
    return !value || (" " + list + " ").indexOf(" " + value + " ") !== -1;
  }
  function optionExists(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }
  function apply() {
    var actor = selects.actor.value, topic = selects.topic.value, shown = 0;
    items.forEach(function (item) {
      var visible = has(item.dataset.actors, actor) && has(item.dataset.tags, topic);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector(".timeline > li:not([hidden])");
    });
    marks.forEach(function (mark) { // the overview follows the filter
      var item = document.getElementById(mark.getAttribute("href").slice(1));
      mark.classList.toggle("is-out", !item || item.hidden);
    });
    var text = !(actor || topic) ? "Showing all " + items.length + " events."
      : shown ? "Showing " + shown + " of " + items.length + " events."
      : "No events match both filters.";
    status.textContent = unknown.concat([text]).join(" ");
    clear.hidden = !(actor || topic);
  }
  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    unknown = [];
    Object.keys(selects).forEach(function (name) {
      var value = params.get(name) || "";
      var known = optionExists(selects[name], value);
      selects[name].value = known ? value : "";
      if (!known) unknown.push("This timeline has no " + name + " \u201c" + value + "\u201d, so it is not filtered by " + name + ".");
    });
  }
  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(selects).forEach(function (name) {
      if (selects[name].value) params.set(name, selects[name].value); else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }
  function clearFilters() {
    selects.actor.value = selects.topic.value = "";
    unknown = [];
    writeUrl();
    apply();
  }
  function revealLinkedEvent() {
    var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    var item = target && target.closest(".timeline > li");
    if (item && item.hidden) {
      clearFilters();
      target.scrollIntoView();
    }
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", function () { unknown = []; writeUrl(); apply(); });
  form.addEventListener("reset", function (event) { event.preventDefault(); clearFilters(); selects.actor.focus(); });
  window.addEventListener("popstate", function () { readUrl(); apply(); });
  window.addEventListener("hashchange", revealLinkedEvent);
  readUrl();
  apply();
  revealLinkedEvent();
})();
