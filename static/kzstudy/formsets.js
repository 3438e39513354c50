// Question editor: "Add another" rows for formsets. Without JavaScript, the blank rows that the
// page always includes are enough; this only adds more on demand.
(function () {
  "use strict";
  document.querySelectorAll(".formset").forEach(function (formset) {
    const prefix = formset.dataset.prefix;
    const total = formset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const template = formset.querySelector("template.empty-row");
    const button = formset.querySelector(".add-row");
    if (!total || !template || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const index = Number(total.value);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      formset.querySelector(".rows").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const first = formset.querySelectorAll(".formset-row")[index].querySelector("input, select, textarea");
      if (first) first.focus();
    });
  });
})();
