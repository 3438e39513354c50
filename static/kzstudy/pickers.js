// Searchable pickers: every <select data-picker> becomes a Tom Select box (vendored in
// static/vendor/tom-select/) where typing filters the options. Without JavaScript the plain
// <select> works as it always did; rows added later (formsets.js) are enhanced as they arrive.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;

  function enhance(select) {
    if (select.tomselect) return;
    const multiple = select.multiple;
    const picker = new TomSelect(select, {
      plugins: multiple ? ["remove_button"] : [],
      maxOptions: null, // every match, not just the first 50
      allowEmptyOption: !multiple,
      placeholder: select.dataset.placeholder || "Type to search…",
      hidePlaceholder: multiple,
      closeAfterSelect: !multiple,
      searchField: ["text", "optgroup"],
    });
    // The search box takes over the label; the original <select> only carries the value now,
    // so it leaves the accessibility tree (it is already out of the tab order).
    select.setAttribute("aria-hidden", "true");
    return picker;
  }

  function enhanceAll(root) {
    root.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("formset:added", function (event) {
    enhanceAll(event.detail.row);
  });
  enhanceAll(document);
})();
