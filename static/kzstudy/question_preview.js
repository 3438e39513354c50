// The editor's "Try it as a learner" panel, live: the draft is shown again a moment after each
// change, and "Check the answer" grades in place. Both post the editor to its own address with
// "preview" set (the server then previews and never saves) and take the panel from the page
// that comes back. Without JavaScript the same two buttons reload the page.
(function () {
  "use strict";
  const form = document.getElementById("question-editor");
  const panel = document.getElementById("live-preview");
  if (!form || !panel || !window.fetch || !window.DOMParser) return;
  const DELAY_MS = 700;
  let timer = null;
  let latest = 0;

  function say(text) {
    const note = panel.querySelector("#preview-note");
    if (note) note.textContent = text;
  }

  function preview(action) {
    const data = new FormData(form);
    data.set("preview", action);
    const mine = ++latest;
    panel.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
    })
      .then(function (reply) {
        if (!reply.ok) throw new Error("HTTP " + reply.status);
        return reply.text();
      })
      .then(function (html) {
        if (mine !== latest) return; // a newer preview is on its way
        const page = new DOMParser().parseFromString(html, "text/html");
        const fresh = page.getElementById("live-preview");
        if (!fresh) throw new Error("no preview in the reply");
        panel.innerHTML = fresh.innerHTML;
        const result = panel.querySelector("#preview-result");
        if (action === "check" && result) result.focus();
      })
      .catch(function () {
        if (mine === latest) say("The preview could not be updated: use the button to try again.");
      })
      .finally(function () {
        if (mine === latest) panel.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("click", function (event) {
    const button = event.target.closest("button[name=preview]");
    if (!button) return;
    event.preventDefault();
    preview(button.value);
  });

  // Enter in the preview's answer box checks the answer (it would otherwise save the question).
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("input")) {
      event.preventDefault();
      preview("check");
    }
  });

  function changed(event) {
    if (panel.contains(event.target)) return; // answering the preview is not editing
    clearTimeout(timer);
    timer = setTimeout(function () {
      preview("show");
    }, DELAY_MS);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // An existing question can be shown at once; a new one waits for its first words.
  if (panel.dataset.showAtOnce === "1") preview("show");
})();
