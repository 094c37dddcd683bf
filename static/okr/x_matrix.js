// X-matrix: a matrix a little wider than the screen is drawn a little smaller so that all of it,
// owners included, is in view; far wider (a phone) it keeps its size and its frame scrolls.
(function () {
  "use strict";
  const frame = document.querySelector(".okr-x-wrap");
  if (!frame) return;
  const table = frame.querySelector(".okr-x");
  const SMALLEST = 0.75; // below this the type is too small to read: scroll instead

  function fit() {
    table.style.zoom = "";
    const scale = frame.clientWidth / table.offsetWidth;
    if (scale < 1) table.style.zoom = String(Math.max(SMALLEST, Math.floor(scale * 100) / 100));
    frame.dataset.zoom = table.style.zoom || "1";
  }

  fit();
  window.addEventListener("resize", fit);
  if (document.fonts) document.fonts.ready.then(fit);
})();
