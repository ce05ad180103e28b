// Added to every page of `python build.py serve`: reloads the page when the preview's site
// changes, or swaps a stylesheet in place when only CSS changed (the scroll position stays).
// It speaks the LiveReload protocol (version 7) over a WebSocket to the preview server.
(function () {
  "use strict";
  var protocol = "http://livereload.com/protocols/official-7";

  function swapStylesheets(path) {
    var name = path.split("/").pop();
    var swapped = false;
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      if (url.pathname.split("/").pop() === name) {
        url.searchParams.set("reload", String(Date.now()));
        link.href = url.href;
        swapped = true;
      }
    });
    return swapped;
  }

  var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/livereload");
  socket.onopen = function () {
    socket.send(JSON.stringify({ command: "hello", protocols: [protocol] }));
    socket.send(JSON.stringify({ command: "info", url: location.href, plugins: {} }));
  };
  socket.onmessage = function (event) {
    var message = JSON.parse(event.data);
    if (message.command !== "reload") {
      return;
    }
    if (message.liveCSS && /\.css$/.test(message.path) && swapStylesheets(message.path)) {
      return;
    }
    location.reload();
  };
})();
