// Move focus to the error summary after a failed submit, so screen-reader users hear it first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
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
