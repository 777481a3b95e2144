/* What select2 3.5 (Flask-Admin's select boxes) draws for the mouse only: the box's face and a
   chosen item's "x" are links without a name, out of the tab order (tabindex=-1). Keyboard and
   screen-reader users work the box through its labelled input, so these are hidden from them
   (WCAG 4.1.2: no nameless link is announced). Its search box is a combobox that names its
   list with ARIA 1.1's aria-owns only; ARIA 1.2 asks for aria-controls: the same list. */
(function () {
  "use strict";
  var MOUSE_ONLY = "a.select2-choice, a.select2-search-choice-close";
  function hide(root) {
    if (root.matches && root.matches(MOUSE_ONLY)) { root.setAttribute("aria-hidden", "true"); }
    root.querySelectorAll(MOUSE_ONLY).forEach(function (a) { a.setAttribute("aria-hidden", "true"); });
    root.querySelectorAll("input[role='combobox'][aria-owns]:not([aria-controls])").forEach(
      function (input) { input.setAttribute("aria-controls", input.getAttribute("aria-owns")); });
  }
  function start() {
    hide(document);
    // select2 sets some attributes after it inserts its markup: look again when a box opens.
    document.addEventListener("focusin", function () { hide(document); });
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) { hide(node); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
