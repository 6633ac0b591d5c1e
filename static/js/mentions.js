// Suggestions while typing @ in a comment (templates/comments/_thread.html). The team members
// come from the form's own checkboxes, which stay the way to name someone without this file:
// choosing a suggestion writes "@Name " and ticks that person's box. Keyboard: arrow keys move,
// Enter or Tab chooses, Escape closes; the list is an ARIA listbox owned by the textarea.
(function () {
  "use strict";

  function people(form) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=mention]"), function (box) {
      var label = form.querySelector("label[for='" + box.id + "']");
      return { box: box, name: label ? label.textContent.trim() : "" };
    }).filter(function (person) { return person.name; });
  }

  // The word being typed after an "@" at the start of a word, or null.
  function asked(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|\s)@([^\s@]{0,30})$/.exec(before);
    return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
  }

  // Screen readers hear that suggestions appeared and how to choose (app.js's live region).
  function tell(count) {
    if (!window.wasstraatAnnounce) return;
    var english = document.documentElement.lang === "en";
    window.wasstraatAnnounce(english
      ? count + (count === 1 ? " team member" : " team members") + ": arrow keys and Enter to choose"
      : count + (count === 1 ? " teamlid" : " teamleden") + ": kies met de pijltjes en Enter");
  }

  function enhance(form) {
    var textarea = form.querySelector("textarea");
    if (!textarea || textarea.getAttribute("data-mentions-ready")) return;
    textarea.setAttribute("data-mentions-ready", "1");
    var team = people(form);
    if (!team.length) return;
    var list = document.createElement("ul");
    list.id = textarea.id + "-suggestions";
    list.className = "mention-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", document.documentElement.lang === "en"
      ? "Team members" : "Teamleden");
    list.hidden = true;
    textarea.parentNode.appendChild(list);
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-autocomplete", "list");
    var shown = [], active = -1, query = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      shown = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) textarea.setAttribute("aria-activedescendant", list.children[index].id);
    }

    function choose(person) {
      var value = textarea.value;
      var end = query.start + 1 + query.text.length;
      var written = "@" + person.name + " ";
      textarea.value = value.slice(0, query.start) + written + value.slice(end);
      var caret = query.start + written.length;
      textarea.setSelectionRange(caret, caret);
      person.box.checked = true;
      close();
      textarea.focus();
    }

    function open() {
      query = asked(textarea);
      if (!query) return close();
      var wanted = query.text.toLocaleLowerCase();
      shown = team.filter(function (person) {
        return person.name.toLocaleLowerCase().split(/\s+/).some(function (word) {
          return word.indexOf(wanted) === 0;
        }) || person.name.toLocaleLowerCase().indexOf(wanted) === 0;
      }).slice(0, 8);
      if (!shown.length) return close();
      list.innerHTML = "";
      shown.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = person.name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(person);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      mark(0);
      tell(shown.length);
    }

    textarea.addEventListener("input", open);
    textarea.addEventListener("blur", function () { window.setTimeout(close, 100); });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        mark((active + step + shown.length) % shown.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(shown[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
  }

  function enhanceAll(root) {
    if (!root.querySelectorAll) return;
    Array.prototype.forEach.call(root.querySelectorAll("form.comment-form"), enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:afterSwap", function () { enhanceAll(document); });
})();
