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
    let scale = Math.floor(frame.clientWidth / table.offsetWidth * 100) / 100;
    // Text wraps a little differently when smaller: step down until it truly fits.
    while (scale < 1 && scale >= SMALLEST) {
      table.style.zoom = String(scale);
      if (frame.scrollWidth <= frame.clientWidth) break;
      scale = Math.round((scale - 0.01) * 100) / 100;
    }
    if (scale < SMALLEST) table.style.zoom = String(SMALLEST);
    frame.dataset.zoom = table.style.zoom || "1";
  }

  fit();
  window.addEventListener("resize", fit);
  if (document.fonts) document.fonts.ready.then(fit);
})();
