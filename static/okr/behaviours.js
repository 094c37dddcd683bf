// Small behaviours the pages once wrote inline; the Content-Security-Policy allows only files.
"use strict";

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

document.addEventListener("change", (event) => {
  const select = event.target;
  if (select.matches("[data-submit-on-change]")) {
    select.form.submit();
  } else if (select.matches("[data-choose-unit]") && select.value) {
    select.form.unit.value = select.value;
    select.form.submit();
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  const trigger = event.detail.elt;
  if (trigger && trigger.matches("[data-remove-after-request]")) {
    trigger.remove();
  }
});
