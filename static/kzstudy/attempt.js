// Attempt page: autosave each answer as it changes, practice checks, and the countdown timer.
// Without JavaScript the page still works: the form posts to the same endpoints.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const statusEl = document.getElementById("save-status");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const pending = new Map();
  // Questions with changes not yet saved: id -> the number of their latest change. A save only
  // clears its question when no newer change came in while it was on its way.
  const dirty = new Map();
  let changes = 0;

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("text-danger", !!isError);
    statusEl.classList.toggle("text-muted", !isError);
  }

  function fieldsetData(fieldset) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.disabled) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function markNav(questionId, answered, flagged) {
    const link = document.getElementById("nav-q" + questionId);
    if (!link) return;
    link.classList.toggle("btn-secondary", answered);
    link.classList.toggle("btn-outline-secondary", !answered);
    link.classList.toggle("flagged", flagged);
    const hidden = link.querySelector(".visually-hidden");
    if (hidden) hidden.textContent = ", " + (answered ? "answered" : "not answered") + (flagged ? ", flagged" : "");
  }

  function updateProgress() {
    // The navigation lists every question of the attempt, answered ones filled in.
    const links = document.querySelectorAll(".quiz-nav [data-question]");
    const answered = document.querySelectorAll(".quiz-nav [data-question].btn-secondary").length;
    const total = links.length;
    const bar = document.getElementById("progress-bar");
    if (!bar || !total) return;
    bar.style.width = Math.floor((100 * answered) / total) + "%";
    document.getElementById("progress-text").textContent = answered + " of " + total + " answered";
    bar.parentElement.setAttribute("aria-valuenow", answered);
  }

  // Questions whose last save failed for a passing reason (server busy or unreachable): while
  // any is left, no other save may say "Saved", or the learner would think every answer is.
  const retrying = new Set();
  const RETRYABLE = new Set([0, 429, 502, 503, 504]);

  function retryLater(fieldset, attempt, change) {
    // Keep the answer on the page and try again with a growing delay (2 s, 4 s … 30 s); a newer
    // change to the same question cancels this try through `pending` and saves itself.
    const id = fieldset.dataset.question;
    retrying.add(id);
    setStatus("Not saved — retrying…", true);
    pending.set(id, setTimeout(function () { save(fieldset, attempt + 1, change); }, Math.min(30000, 2000 * Math.pow(2, attempt))));
  }

  // A question's saves go one at a time, in the order they were made: a save sent while an
  // older one is on its way could be answered first and then overwritten by the older answer
  // (or meet it as a conflict). Each waits for the one before it, then sends the fields as they
  // are by then; the promise it returns settles once this one is answered.
  const queued = new Map();

  function save(fieldset, attempt, change) {
    const questionId = fieldset.dataset.question;
    const before = queued.get(questionId) || Promise.resolve();
    const mine = before.then(function () { return send(fieldset, questionId, attempt, change); });
    queued.set(questionId, mine);
    mine.finally(function () { if (queued.get(questionId) === mine) queued.delete(questionId); });
    return mine;
  }

  async function send(fieldset, questionId, attempt, change) {
    if (!retrying.size) setStatus("Saving…");
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST", body: fieldsetData(fieldset), credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrf},
      });
      if (RETRYABLE.has(response.status)) return retryLater(fieldset, attempt, change);
      const body = await response.json();
      if (!response.ok || (body.errors && body.errors[questionId])) {
        retrying.delete(questionId);
        const message = (body.errors && body.errors[questionId]) || (body.error && body.error.message) || "Not saved.";
        setStatus("Not saved: " + message, true);
        if (response.status === 409) window.location.reload();
        return;
      }
      // The server says whether the answer counts (a blank or partial one does not).
      const saved = body.states[questionId];
      const answered = saved !== "unanswered" && saved !== "incomplete";
      const flag = fieldset.querySelector("input[name$=-flag]");
      markNav(questionId, answered, flag && flag.checked);
      updateProgress();
      const state = fieldset.querySelector("[data-role=state]");
      if (state && !fieldset.querySelector("[data-role=feedback] .alert")) {
        state.textContent = answered ? "Answered" : saved === "incomplete" ? "Partially answered" : "Not yet answered";
      }
      if (dirty.get(questionId) === change) dirty.delete(questionId);
      retrying.delete(questionId);
      if (retrying.size) setStatus("Not saved — retrying…", true);
      else setStatus("Saved at " + new Date(body.saved_at).toLocaleTimeString() + ".");
    } catch (error) {
      // Dropped connection, or a proxy's page instead of our JSON: not saved, try again.
      retryLater(fieldset, attempt, change);
    }
  }

  function schedule(fieldset, delay) {
    const id = fieldset.dataset.question;
    clearTimeout(pending.get(id));
    const change = ++changes;
    dirty.set(id, change);
    setStatus("Unsaved changes…");
    pending.set(id, setTimeout(function () { save(fieldset, 0, change); }, delay));
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "text") return;  // typing is handled by the input event
    const fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) return;
    if (event.target.name && event.target.name.endsWith("-flag")) {
      const badge = fieldset.querySelector("[data-role=flag-badge]");
      if (badge) badge.hidden = !event.target.checked;
    }
    schedule(fieldset, 100);
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text") return;
    const fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) schedule(fieldset, 800);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  // Every way out of the page inside the attempt (Previous, Next, a question number, Finish
  // attempt…) submits this form, which saves the answers shown: nothing is left to warn about.
  form.addEventListener("submit", function () { dirty.clear(); });

  // Practice: check one answer without leaving the page.
  form.querySelectorAll("[data-role=check]").forEach(function (button) {
    button.addEventListener("click", async function (event) {
      event.preventDefault();
      const fieldset = button.closest("fieldset[data-question]");
      const id = fieldset.dataset.question;
      // A change not saved yet (a flag just ticked, say) is saved before the check, which
      // keeps the question's saved flag: the check never clears it, nor races the save.
      if (dirty.has(id)) {
        clearTimeout(pending.get(id));
        await save(fieldset, 0, dirty.get(id));
      }
      const data = fieldsetData(fieldset);
      data.append("question", fieldset.dataset.question);
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrf},
      });
      const body = await response.json();
      const region = fieldset.querySelector("[data-role=feedback]");
      region.replaceChildren();
      const box = document.createElement("div");
      // The focus goes to the verdict, so the keyboard and a screen reader land on it.
      box.tabIndex = -1;
      if (!response.ok) {
        box.className = "alert alert-danger mb-0";
        box.textContent = (body.error && body.error.message) || "Could not check the answer.";
        region.appendChild(box);
        box.focus();
        return;
      }
      const ok = body.state === "correct";
      // The server words the verdict with the mark earned and its tone (the page's own too).
      box.className = "alert mb-0 alert-" + body.tone;
      const head = document.createElement("p");
      head.className = "fw-semibold mb-1";
      head.textContent = body.verdict;
      box.appendChild(head);
      (body.messages || []).concat(body.explanation ? [body.explanation] : []).forEach(function (text) {
        const p = document.createElement("p"); p.className = "mb-1"; p.textContent = text; box.appendChild(p);
      });
      region.appendChild(box);
      box.focus();
      fieldset.querySelector("[data-role=state]").textContent = body.state_label;
      const flagBox = fieldset.querySelector("input[name$=-flag]");
      markNav(fieldset.dataset.question, true, !!(flagBox && flagBox.checked));
      updateProgress();
      if (ok) {
        fieldset.querySelectorAll("input:not([name$=-flag]), select").forEach(function (el) { el.disabled = true; });
        // The disabled inputs are no longer sent: say so, or a later flag change would clear them.
        const keep = document.createElement("input");
        keep.type = "hidden"; keep.name = "q" + fieldset.dataset.question + "-keep-answer"; keep.value = "1";
        fieldset.appendChild(keep);
        button.remove();
      }
    });
  });

  // Countdown to the server's deadline; at zero the attempt is submitted with what was saved.
  const timer = document.getElementById("timer");
  if (timer) {
    const deadline = Date.parse(timer.dataset.deadline);
    const skew = Date.parse(timer.dataset.serverNow) - Date.now();
    const value = document.getElementById("timer-value");
    // The timer's own live region, apart from the save status: "Saved at…" never hides a warning.
    const warning = document.getElementById("timer-warning");
    const warned = new Set();
    const tick = function () {
      // Rounded up: "0:00" (and the submission) only once the deadline has passed, so the
      // server records the attempt as closed by its deadline ("Time ran out at …").
      const left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
      const minutes = Math.floor(left / 60), seconds = left % 60;
      value.textContent = minutes + ":" + String(seconds).padStart(2, "0");
      // The most urgent mark passed; each is said once, and stays until a more urgent one.
      const mark = [60, 300].find(function (m) { return left <= m && left > 0; });
      if (mark && !warned.has(mark)) {
        warned.add(mark);
        warning.textContent = (mark === 60 ? "1 minute" : "5 minutes") + " left: your answers are saved as you go.";
      }
      if (left === 0) {
        clearInterval(handle);
        dirty.clear();
        warning.textContent = "Time is up: submitting your attempt with your saved answers…";
        document.getElementById("timeout-form").submit();
      }
    };
    const handle = setInterval(tick, 1000);
    tick();
  }
})();
