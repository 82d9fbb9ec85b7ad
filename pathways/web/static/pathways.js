// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Forms with data-confirm ask before they submit (revoking a token, reloading offices).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A read-only field with data-select-on-focus selects its whole value (the new token).
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-select-on-focus")) {
      el.select();
    }
  });

  function enhance(root) {
    // Copy buttons are hidden until this script can make them work.
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.querySelector(button.getAttribute("data-copy"));
        navigator.clipboard.writeText(source.value).then(function () {
          button.textContent = "Copied";
        });
      });
    });
    var focus = root.querySelector("[data-focus]");
    if (focus) { focus.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
