// Move focus to the error summary after a failed submit, so screen-reader users hear it first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A link in the summary puts the cursor in its field and shows the field's label or
    // legend above it (a plain jump would scroll the label off the top of the screen).
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var input = target.matches("input, select, textarea, button")
        ? target : target.querySelector("input, select, textarea");
      if (!input) { return; }
      event.preventDefault();
      // The question a date's or a choice's boxes answer is their fieldset's legend.
      var group = input.closest("fieldset.date-field, fieldset.field");
      var caption = group ? group.querySelector("legend") : null;
      if (!caption && input.labels && input.labels.length) { caption = input.labels[0]; }
      (caption || input).scrollIntoView({block: "start"});
      var box = input.getBoundingClientRect();
      if (box.bottom > window.innerHeight) { input.scrollIntoView({block: "center"}); }
      input.focus({preventScroll: true});
    });
  }
  // A message already in a live region when the page loads is not announced by most screen
  // readers: take the flash messages out and put them back a moment later so they are.
  var region = document.querySelector(".flash-area[role=status]");
  if (region && region.children.length) {
    var messages = Array.prototype.slice.call(region.children);
    messages.forEach(function (m) { region.removeChild(m); });
    window.setTimeout(function () {
      messages.forEach(function (m) { region.appendChild(m); });
    }, 150);
  }
  // Disable a submit button once clicked; the server's one-time key is what really stops doubles.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
      });
    });
  });
});
