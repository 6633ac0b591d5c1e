// Small enhancements on top of htmx; every flow works without this file.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }
  // The other scripts of a page (mentions.js) speak through the same live region.
  window.wasstraatAnnounce = announce;

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    // After an outerHTML swap the old target is detached; its replacement has the same id.
    if (!target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target) return;
    // Move focus to an error summary or a marked element so keyboard users land where the
    // change happened; otherwise announce the change.
    // A region may name where focus goes (data-focus: what the action changed).
    var focus = target.querySelector("[data-error-summary], [data-focus-after-swap]");
    if (!focus && target.matches && target.matches("[data-focus-after-swap]")) focus = target;
    var named = target.getAttribute && target.getAttribute("data-focus");
    if (!focus && named) focus = document.getElementById(named);
    var message = target.querySelector("[data-announce]");
    if (!message && target.matches && target.matches("[data-announce]")) message = target;
    // The control that was used went with the old content: stay in the updated part, never
    // on whatever control now sits where it was.
    var lost = !document.activeElement || document.activeElement === document.body;
    if (!focus && lost) focus = message || target;
    if (focus) {
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
    if (message) announce(message.getAttribute("data-announce"));
  });

  // On a phone the ten-step track folds to its summary line, so that "Wat nu?" is on the
  // first screen; the line opens it again. Without this file it simply stays open.
  if (window.matchMedia && window.matchMedia("(max-width: 40em)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-collapse-narrow]"),
      function (details) { details.removeAttribute("open"); });
  }

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

  // Session timeout warning (WCAG 2.2.1): shortly before the idle timeout a dialog offers to
  // stay signed in; each request to the app counts as activity. When the time is up the page
  // is loaded again, and the server sends the person to the login page with a message.
  function initSessionWarning() {
    var dialog = document.getElementById("session-warning");
    if (!dialog) return;
    var idle = Number(dialog.getAttribute("data-idle-seconds")) * 1000;
    var warning = Number(dialog.getAttribute("data-warning-seconds")) * 1000;
    var form = dialog.querySelector("form");
    var timers = [];
    var returnFocus = null;

    function reloadAsGet(target) { window.location.assign(target || window.location.href); }
    function show() {
      returnFocus = document.activeElement;
      if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
      var button = dialog.querySelector("button");
      if (button) button.focus();
    }
    function schedule() {
      timers.forEach(window.clearTimeout);
      timers = [window.setTimeout(show, idle - warning),
                window.setTimeout(reloadAsGet, idle + 2000)];
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(form.action, {method: "POST", body: new FormData(form),
                                 headers: {"HX-Request": "true"}, credentials: "same-origin"})
        .then(function (response) {
          var redirect = response.headers.get("HX-Redirect");
          if (response.status !== 204 || redirect) return reloadAsGet(redirect);
          if (dialog.close) dialog.close(); else dialog.removeAttribute("open");
          if (returnFocus && returnFocus.focus) returnFocus.focus();
          announce(document.documentElement.lang === "en"
            ? "You stay signed in." : "U blijft ingelogd.");
          schedule();
        })
        .catch(function () { reloadAsGet(); });
    });
    document.addEventListener("htmx:afterRequest", schedule);
    schedule();
  }

  // Delete links ask in a dialog instead of opening the confirmation page; the dialog's form
  // posts to the same URL the page would.
  function initConfirmDialog() {
    var dialog = document.getElementById("confirm-delete");
    if (!dialog || !dialog.showModal) return;
    var form = dialog.querySelector("form");
    var question = dialog.querySelector("[data-confirm-question]");
    var opener = null;
    function close() {
      dialog.close();
      if (opener && opener.focus) opener.focus();
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      opener = link;
      form.setAttribute("action", link.getAttribute("href"));
      question.textContent = link.getAttribute("data-confirm");
      dialog.showModal();
      var cancel = dialog.querySelector("[data-confirm-cancel]");
      if (cancel) cancel.focus();
    });
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    initSessionWarning();
    initConfirmDialog();
  });
})();
