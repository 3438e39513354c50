// Flashcards: reveal the answer in place, then rate; keyboard shortcuts as in Anki.
// Space shows the answer, 1-4 rate it (only once it is shown), U or Ctrl+Z undoes the last
// rating. Without this script the page still works: "Show answer" reloads with the answer shown.
(function () {
  "use strict";

  const card = document.querySelector("[data-flashcard]");
  const revealForm = document.getElementById("reveal-form");
  const back = document.getElementById("card-back");
  const ratingForm = document.getElementById("rating-form");
  const undoForm = document.getElementById("undo-form");
  const announce = document.getElementById("flashcard-announce");
  let sent = false;

  function isRevealed() {
    return card !== null && card.dataset.revealed === "true";
  }

  function reveal() {
    if (card === null || isRevealed()) {
      return;
    }
    card.dataset.revealed = "true";
    revealForm.hidden = true;
    back.hidden = false;
    // Focus the answer so a screen reader reads it; the live region says what comes next.
    back.focus();
    announce.textContent = "Answer shown. Rate it: 1 Again, 2 Hard, 3 Good, 4 Easy.";
  }

  function send(form, button) {
    if (!sent) {
      form.requestSubmit(button);
    }
  }

  function rate(value) {
    if (!isRevealed() || ratingForm === null) {
      return;
    }
    const button = ratingForm.querySelector('button[name="rating"][value="' + value + '"]');
    if (button !== null) {
      send(ratingForm, button);
    }
  }

  function isTyping(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function isControl(target) {
    return target instanceof Element && target.closest("button, a, summary") !== null;
  }

  if (revealForm !== null) {
    revealForm.addEventListener("submit", function (event) {
      event.preventDefault();
      reveal();
    });
  }
  // One rating or undo per page: a second key or click while the first is on its way would
  // otherwise apply to the next card.
  [ratingForm, undoForm].forEach(function (form) {
    if (form !== null) {
      form.addEventListener("submit", function (event) {
        if (sent) {
          event.preventDefault();
        }
        sent = true;
      });
    }
  });

  // A page the browser brings back from its cache (Back) may rate again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      sent = false;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    const key = event.key;
    const undo = (event.ctrlKey && (key === "z" || key === "Z")) ||
      (!event.ctrlKey && (key === "u" || key === "U"));
    if (undo) {
      if (undoForm !== null) {
        event.preventDefault();
        send(undoForm, null);
      }
      return;
    }
    if (event.ctrlKey || event.shiftKey) {
      return;
    }
    if (key === " " && !isRevealed() && !isControl(event.target)) {
      // A focused button or link keeps its own Space; anywhere else Space shows the answer.
      event.preventDefault();
      reveal();
    } else if (["1", "2", "3", "4"].includes(key)) {
      event.preventDefault();
      rate(key);
    }
  });
})();
