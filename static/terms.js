// Term definitions appear on hover and focus (pure CSS). This keeps each one inside the screen,
// lets a tap show one on a touch screen (a second tap follows the link to the glossary), and adds
// the Escape key to hide one without moving focus or the pointer (WCAG 1.4.13).
(function () {
  "use strict";
  var MARGIN = 8;
  var lastPointer = "mouse";

  function termOf(event) {
    return event.target.closest ? event.target.closest(".term") : null;
  }
  // Shift a shown definition left (or right) just enough to fit the viewport.
  function fit(term) {
    var definition = term && term.querySelector(".term-def");
    if (!definition) return;
    definition.style.left = "0px";
    var box = definition.getBoundingClientRect();
    if (box.width === 0) return;
    var width = document.documentElement.clientWidth;
    var shift = Math.min(0, width - MARGIN - box.right);
    if (box.left + shift < MARGIN) shift = MARGIN - box.left;
    definition.style.left = shift + "px";
  }
  function closeAll(except) {
    document.querySelectorAll(".term.term-open").forEach(function (term) {
      if (term !== except) term.classList.remove("term-open");
    });
  }
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; }, true);
  document.addEventListener("click", function (event) {
    var term = termOf(event);
    if (!term) { closeAll(null); return; }
    if (lastPointer !== "touch" || !event.target.closest(".term-link")) return;
    if (!term.classList.contains("term-open")) {
      event.preventDefault(); // the first tap shows the definition; the next one follows the link
      closeAll(term);
      term.classList.add("term-open");
      term.classList.remove("term-dismissed");
      fit(term);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".term:hover, .term:focus-within, .term.term-open").forEach(function (term) {
      term.classList.add("term-dismissed");
      term.classList.remove("term-open");
    });
  });
  function show(event) {
    var term = termOf(event);
    if (!term) return;
    term.classList.remove("term-dismissed");
    fit(term);
  }
  document.addEventListener("focusin", show);
  document.addEventListener("mouseover", show);
})();
