// "Add a row" for Django formsets, in place: a blank row is cloned from the formset's
// <template class="empty-row"> (its empty_form) and TOTAL_FORMS goes up by one; nothing is
// sent to the server. The button is a submit button, so without JavaScript it asks the server
// for the same page one row longer and the author loses nothing typed.
//
// Markup: <div class="formset" data-prefix="P"> holding the management form, a .rows element,
// the template, and a .add-row button (or a button.add-row[data-formset="P"] elsewhere).
// In the template, __prefix__ is the row's index and __number__ its number as the page shows it.
(function () {
  "use strict";
  document.querySelectorAll(".formset[data-prefix]").forEach(function (formset) {
    const prefix = formset.dataset.prefix;
    const total = formset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const most = formset.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    const template = formset.querySelector("template.empty-row");
    const rows = formset.querySelector(".rows");
    const button =
      formset.querySelector(".add-row") ||
      document.querySelector(".add-row[data-formset='" + prefix + "']");
    if (!total || !template || !rows || !button) return;

    button.addEventListener("click", function (event) {
      event.preventDefault();
      const index = Number(total.value);
      if (most && index >= Number(most.value)) return;
      const html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const row = rows.lastElementChild;
      row.dispatchEvent(new CustomEvent("formset:added", { bubbles: true, detail: { row: row } }));
      const first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });
})();
