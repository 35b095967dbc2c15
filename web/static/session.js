// The session timeout warning (WCAG 2.2.1 Timing Adjustable).
// Five minutes before the session would end, the banner appears and says so; "ใช้งานต่อ"
// (extend) restarts the idle clock without leaving the page, so nothing typed is lost. Before
// showing it, the server is asked again: work in another tab may have extended the session.
(function () {
  "use strict";
  var box = document.getElementById("session-timeout");
  if (!box || !window.fetch) { return; }
  var warnMs = Number(box.getAttribute("data-warn-seconds")) * 1000;
  var statusUrl = box.getAttribute("data-status-url");
  var form = box.querySelector("form[data-extend]");
  var announce = box.querySelector("[data-announce]");
  var deadline = Date.now() + Number(box.getAttribute("data-seconds-left")) * 1000;
  var limit = box.getAttribute("data-limit");
  var checkTimer = null;
  var tickTimer = null;

  function showOnly(which) {
    box.querySelectorAll("[data-when]").forEach(function (p) {
      p.hidden = p.getAttribute("data-when") !== which;
    });
    form.hidden = which !== "idle";
  }

  function minutesLeft() {
    return Math.max(0, Math.ceil((deadline - Date.now()) / 60000));
  }

  function tick() {
    if (Date.now() >= deadline) { expired(); return; }
    box.querySelectorAll("[data-minutes]").forEach(function (s) {
      s.textContent = String(minutesLeft());
    });
  }

  function schedule() {
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(check, Math.max(0, deadline - Date.now() - warnMs));
  }

  function show() {
    showOnly(limit);
    tick();
    box.hidden = false;
    window.clearInterval(tickTimer);
    tickTimer = window.setInterval(tick, 15000);
  }

  function hide() {
    box.hidden = true;
    window.clearInterval(tickTimer);
  }

  function expired() {
    window.clearInterval(tickTimer);
    window.clearTimeout(checkTimer);
    showOnly("expired");
    box.hidden = false;
  }

  function apply(data) {
    deadline = Date.now() + data.seconds_left * 1000;
    limit = data.limit;
    if (data.seconds_left * 1000 > warnMs) { hide(); schedule(); } else { show(); }
  }

  function check() {
    fetch(statusUrl, {
      credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { expired(); return null; }
      return response.json();
    }).then(function (data) {
      if (data) { apply(data); }
    }).catch(function () {
      show();  // the server did not answer: warn from the local estimate
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      redirect: "manual", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("extend refused"); }
      return response.json();
    }).then(function (data) {
      apply(data);
      announce.textContent = box.getAttribute("data-extended-text") || "ต่อเวลาใช้งานแล้ว";
    }).catch(function () {
      form.submit();  // fall back to the plain form post
    });
  });

  if (box.hidden) { schedule(); } else { show(); }
})();
