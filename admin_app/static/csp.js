/* Our Content-Security-Policy runs no inline event handler and no javascript: URL. A few of
   Flask-Admin's templates use them (bulk actions, the delete confirmation, the filter menu,
   "add" on inline tables); the server renames them to data-onclick and href="#"
   (admin_app/headers.py) and this binds the same behaviour from a file. */
(function () {
  "use strict";
  function unquote(text) {
    return text.replace(/\\(['"\\])/g, "$1");
  }
  var handlers = [
    [/^return modelActions\.execute\('([^']*)'\);?$/, function (m) {
      return function (e) { e.preventDefault(); window.modelActions.execute(m[1]); };
    }],
    [/^return faHelpers\.safeConfirm\('((?:[^'\\]|\\.)*)'\);?$/, function (m) {
      return function (e) { if (!window.confirm(unquote(m[1]))) { e.preventDefault(); } };
    }],
    [/^return confirm\('((?:[^'\\]|\\.)*)'\);?$/, function (m) {
      return function (e) { if (!window.confirm(unquote(m[1]))) { e.preventDefault(); } };
    }],
    [/^faForm\.addInlineField\(this, '([^']*)'\);?$/, function (m) {
      return function (e) { e.preventDefault(); window.faForm.addInlineField(this, m[1]); };
    }],
    [/^return false;?$/, function () {
      return function (e) { e.preventDefault(); };
    }]
  ];
  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    root.querySelectorAll(selector).forEach(fn);
  }
  function bind(root) {
    each(root, "[data-onclick]", function (el) {
      var code = el.getAttribute("data-onclick").trim();
      el.removeAttribute("data-onclick");
      for (var i = 0; i < handlers.length; i++) {
        var m = code.match(handlers[i][0]);
        if (m) { el.addEventListener("click", handlers[i][1](m)); return; }
      }
      if (window.console) { window.console.warn("unbound inline handler", code); }
    });
    each(root, "[data-print]:not([data-bound])", function (button) {
      button.setAttribute("data-bound", "");
      button.addEventListener("click", function () { window.print(); });
    });
  }
  function start() {
    bind(document);
    // What were javascript:void(0) links, and any a script makes later: a click stays on the
    // page — no "#" in the address, no javascript: URL for the policy to refuse.
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest('a[href="#"], a[href^="javascript:"]');
      if (a) { e.preventDefault(); }
    }, true);  // capturing: before a menu's own handler stops the click
    // Inline forms added later (faForm.addInlineField) bring their own markup.
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) { bind(node); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
