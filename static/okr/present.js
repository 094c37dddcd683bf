// Presentation mode: one slide at a time; arrow keys, PageUp/PageDown (presenter clickers),
// Space, Home and End move; Esc leaves; F toggles full screen. The slide is kept in the URL.
(function () {
  "use strict";
  const deck = document.getElementById("slides");
  const slides = Array.from(deck.querySelectorAll(".okr-slide"));
  const counter = document.getElementById("slide-counter");
  let current = 0;

  // The most a slide's type grows to fill the screen: a title with two lines is large, not huge.
  const LARGEST_FIT = 1.7;

  function overflows(slide) {
    return slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1;
  }

  // The largest size at which the slide's content still fits: at least the base size (24 px and
  // up), which is what a slide with a lot on it keeps.
  function fit(slide) {
    slide.classList.add("okr-slide--fitting"); // a little room to spare at the bottom
    slide.style.setProperty("--okr-fit", "1");
    let low = 1, high = LARGEST_FIT;
    if (!overflows(slide)) {
      for (let step = 0; step < 7; step += 1) {
        const middle = (low + high) / 2;
        slide.style.setProperty("--okr-fit", String(middle));
        if (overflows(slide)) high = middle; else low = middle;
      }
    }
    slide.style.setProperty("--okr-fit", low.toFixed(3));
    slide.classList.remove("okr-slide--fitting");
    slide.dataset.fit = low.toFixed(2);
  }

  function show(index) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, position) { slide.hidden = position !== current; });
    fit(slides[current]);
    counter.textContent = (current + 1) + " / " + slides.length;
    history.replaceState(null, "", "#slide-" + (current + 1));
  }

  function toggleFullScreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  const match = location.hash.match(/^#slide-(\d+)$/);
  show(match ? parseInt(match[1], 10) - 1 : 0);
  window.addEventListener("resize", function () { fit(slides[current]); });
  // Live figures and a recorded decision change what is on the slide: fit it again.
  document.body.addEventListener("htmx:afterSettle", function () { fit(slides[current]); });
  if (document.fonts) document.fonts.ready.then(function () { fit(slides[current]); });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select")) return; // someone is typing a decision
    if (event.key === " " && event.target.closest("button, a")) return; // Space presses it
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ":
        show(current + 1); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp":
        show(current - 1); break;
      case "Home": show(0); break;
      case "End": show(slides.length - 1); break;
      case "f": case "F": toggleFullScreen(); break;
      case "Escape":
        if (!document.fullscreenElement) location.href = deck.dataset.exitUrl;
        break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    const control = event.target.closest("[data-slide]");
    if (!control) return;
    const action = control.dataset.slide;
    if (action === "next") show(current + 1);
    else if (action === "previous") show(current - 1);
    else toggleFullScreen();
  });
})();
