// Alignment map: open and close branches; a branch that was not drawn loads (htmx) when opened.
(function () {
  function setOpen(button, open) {
    const branch = button.closest("li").querySelector(":scope > ul");
    if (!branch) return;
    branch.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  }
  document.addEventListener("click", function (event) {
    const toggle = event.target.closest(".okr-map__toggle");
    if (toggle) {
      setOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    const all = event.target.closest("[data-map-toggle-all]");
    if (all) {
      const open = all.dataset.mapToggleAll === "true";
      document.querySelectorAll(".okr-map__toggle").forEach(function (button) {
        // Opening everything would load every branch that was left out; open what is drawn.
        if (!open || !button.hasAttribute("hx-get")) setOpen(button, open);
      });
    }
  });
})();
