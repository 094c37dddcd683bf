// "Add a key result" on the objective form: clones the formset's empty form. Without JavaScript
// the form still offers one empty key result per save.
(function () {
  "use strict";
  const button = document.getElementById("add-key-result");
  const template = document.getElementById("key-result-empty-form");
  const container = document.getElementById("key-result-forms");
  const total = document.getElementById("id_key_results-TOTAL_FORMS");
  if (!button || !template || !container || !total) return;
  button.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    container.lastElementChild.querySelector("input, select")?.focus();
  });
})();
