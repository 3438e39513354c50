// The "try again" page after a form was sent (templates/503.html): "Go back to the form" does
// what the browser's Back button does, which keeps what was typed in the form; following the
// link instead would load the form afresh. The link stays the way back without JavaScript, or
// when this page was opened on its own (no page to go back to).
document.querySelectorAll("[data-go-back]").forEach((link) => {
  link.addEventListener("click", (event) => {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
});
