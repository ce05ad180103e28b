// Term definitions appear on hover and focus (pure CSS). This adds the Escape key to hide one
// without moving focus or the pointer (WCAG 1.4.13, content on hover or focus).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".term:hover, .term:focus-within").forEach(function (term) {
      term.classList.add("term-dismissed");
    });
  });
  function reset(event) {
    var term = event.target.closest && event.target.closest(".term");
    if (term) term.classList.remove("term-dismissed");
  }
  document.addEventListener("focusin", reset);
  document.addEventListener("mouseover", reset);
})();
