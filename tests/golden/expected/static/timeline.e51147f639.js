// Timeline filter: progressive enhancement. Without JavaScript the whole timeline shows.
// The filter state lives in the URL (?actor=...&topic=...) so a filtered view can be shared.
(function () {
  "use strict";
  var form = document.getElementById("timeline-filter");
  if (!form) return;
  var actorSelect = document.getElementById("filter-actor");
  var topicSelect = document.getElementById("filter-topic");
  var status = document.getElementById("filter-status");
  var items = Array.prototype.slice.call(document.querySelectorAll(".timeline > li"));
  var years = Array.prototype.slice.call(document.querySelectorAll(".timeline-year"));

  function has(list, value) {
    return !value || (" " + list + " ").indexOf(" " + value + " ") !== -1;
  }
  function optionExists(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }
  function apply() {
    var actor = actorSelect.value, topic = topicSelect.value, shown = 0;
    items.forEach(function (item) {
      var visible = has(item.dataset.actors, actor) && has(item.dataset.tags, topic);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector(".timeline > li:not([hidden])");
    });
    status.textContent = actor || topic
      ? "Showing " + shown + " of " + items.length + " events."
      : "Showing all " + items.length + " events.";
  }
  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var actor = params.get("actor") || "", topic = params.get("topic") || "";
    actorSelect.value = optionExists(actorSelect, actor) ? actor : "";
    topicSelect.value = optionExists(topicSelect, topic) ? topic : "";
  }
  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    [["actor", actorSelect.value], ["topic", topicSelect.value]].forEach(function (pair) {
      if (pair[1]) params.set(pair[0], pair[1]); else params.delete(pair[0]);
    });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", function () { writeUrl(); apply(); });
  window.addEventListener("popstate", function () { readUrl(); apply(); });
  readUrl();
  apply();
})();
