// Search box (left out without JavaScript by no-js.css). Pagefind's library (tens of KB) is loaded
// only when a reader starts typing, so pages stay light. Each result shows its page's title and
// the passage that matches best, and links to that passage; results come eight at a time.
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  if (!form || !("noModule" in HTMLScriptElement.prototype)) return;
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var list = document.getElementById("search-results");
  var count = document.getElementById("search-count");
  var more = document.getElementById("search-more");
  var status = document.getElementById("search-status");
  var PAGE = 8;
  var pagefind = null, latest = 0, found = [], shown = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(form.dataset.pagefind).then(function (module) {
        return module.options({ baseUrl: form.dataset.base }).then(function () { return module; });
      });
    }
    return pagefind;
  }
  // The passage with the most hits (Pagefind splits a page at its headings), else the page.
  function bestPassage(data) {
    var best = null;
    (data.sub_results || []).forEach(function (sub) {
      if (!best || (sub.locations || []).length > (best.locations || []).length) best = sub;
    });
    return best || data;
  }
  function resultItem(data) {
    var passage = bestPassage(data);
    var title = (data.meta && data.meta.title) || data.url;
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = passage.url;
    link.textContent = passage.title && passage.title !== title ? title + " \u203a " + passage.title : title;
    var excerpt = document.createElement("p");
    excerpt.innerHTML = passage.excerpt; // Pagefind's excerpt: our own text with <mark> around hits
    item.append(link, excerpt);
    return item;
  }
  function showMore() {
    var next = found.slice(shown, shown + PAGE);
    shown += next.length;
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (items) {
      items.forEach(function (data) { list.append(resultItem(data)); });
      more.hidden = shown >= found.length;
    });
  }
  function say(text) {
    count.textContent = text;
    status.textContent = text;
  }
  function open(isOpen) {
    panel.hidden = !isOpen;
  }
  function search() {
    var query = input.value.trim(), ticket = ++latest;
    if (!query) { open(false); say(""); return; }
    load().then(function (module) { return module.debouncedSearch(query, {}, 150); }).then(function (result) {
      if (!result || ticket !== latest) return;
      found = result.results;
      shown = 0;
      list.replaceChildren();
      return showMore().then(function () {
        say(found.length === 0 ? "No results for \u201c" + query + "\u201d."
          : found.length === 1 ? "1 result." : found.length + " results.");
        open(true);
      });
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  function reopen() {
    load();
    if (input.value.trim() && count.textContent) open(true);
  }
  input.addEventListener("focus", reopen);
  input.addEventListener("click", reopen);
  input.addEventListener("input", search);
  more.addEventListener("click", function () {
    var first = shown;
    showMore().then(function () { var link = list.children[first] && list.children[first].querySelector("a"); if (link) link.focus(); });
  });
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (!panel.hidden) {
      event.preventDefault(); // (a search field would clear itself too: the first Escape only closes)
      open(false);
      input.focus();
    } else {
      input.value = "";
      say("");
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) open(false);
  });
  form.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !form.contains(event.relatedTarget)) open(false);
  });
})();
