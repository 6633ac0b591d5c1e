// Small enhancements on top of htmx; every flow works without this file.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    // After an outerHTML swap the old target is detached; its replacement has the same id.
    if (!target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target) return;
    // Move focus to an error summary or a marked element so keyboard users land where the
    // change happened; otherwise announce the change.
    var focus = target.querySelector("[data-error-summary], [data-focus-after-swap]");
    if (!focus && target.matches && target.matches("[data-focus-after-swap]")) focus = target;
    if (focus) {
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
    var message = target.querySelector("[data-announce]");
    if (!message && target.matches && target.matches("[data-announce]")) message = target;
    if (message) announce(message.getAttribute("data-announce"));
  });

  document.addEventListener("htmx:responseError", function () {
    announce(document.documentElement.lang === "en"
      ? "The action failed. Reload the page and try again."
      : "De actie is mislukt. Laad de pagina opnieuw en probeer het nog eens.");
  });

  // Drag and drop on lists marked data-sortable (the implementation plan's order): after a
  // drop that changed the order, the surrounding form posts the new order through htmx.
  function initSortables(root) {
    if (!window.Sortable || !root.querySelectorAll) return;
    var lists = root.matches && root.matches("[data-sortable]") ? [root] : [];
    lists = lists.concat(Array.prototype.slice.call(root.querySelectorAll("[data-sortable]")));
    lists.forEach(function (list) {
      if (list.getAttribute("data-sortable-ready")) return;
      list.setAttribute("data-sortable-ready", "1");
      window.Sortable.create(list, {
        animation: 0,  // animations leave inline styles that CSP refuses on clones
        handle: ".order-item__handle",
        forceFallback: true,
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex && window.htmx) {
            window.htmx.trigger(list.closest("form"), "reordered");
          }
        }
      });
    });
  }
  document.addEventListener("htmx:load", function (event) { initSortables(event.detail.elt); });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
