// Search box: hidden without JavaScript. Pagefind's library (tens of KB) is loaded only when a
// reader starts typing, so pages stay light. Results show each page's title and an excerpt.
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  if (!form || !("noModule" in HTMLScriptElement.prototype)) return;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var pagefind = null, latest = 0;
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  function load() {
    if (!pagefind) {
      pagefind = import(form.dataset.pagefind).then(function (module) {
        return module.options({ baseUrl: form.dataset.base }).then(function () { return module; });
      });
    }
    return pagefind;
  }
  function show(items) {
    list.replaceChildren();
    items.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      var excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt; // Pagefind's excerpt: our own text with <mark> around hits
      item.append(link, excerpt);
      list.append(item);
    });
    list.hidden = items.length === 0 && !input.value.trim();
  }
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", function () {
    var query = input.value.trim(), ticket = ++latest;
    if (!query) { show([]); status.textContent = ""; return; }
    load().then(function (module) { return module.debouncedSearch(query, {}, 150); }).then(function (search) {
      if (!search || ticket !== latest) return;
      return Promise.all(search.results.slice(0, 8).map(function (r) { return r.data(); })).then(function (items) {
        if (ticket !== latest) return;
        show(items);
        status.textContent = search.results.length + (search.results.length === 1 ? " result" : " results");
      });
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show([]); status.textContent = ""; }
  });
})();
