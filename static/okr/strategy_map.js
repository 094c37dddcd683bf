// Strategy map: draw the cause-and-effect arrows between the objective cards, and redraw them
// whenever the layout changes (resize, fonts, printing).
(function () {
  const map = document.getElementById("strategy-map");
  const data = document.getElementById("strategy-map-edges");
  if (!map || !data) return;
  const edges = JSON.parse(data.textContent);
  const svg = map.querySelector(".okr-smap__arrows");
  const NS = "http://www.w3.org/2000/svg";

  function anchor(box, origin, side) {
    const x = box.left - origin.left, y = box.top - origin.top;
    switch (side) {
      case "top": return [x + box.width / 2, y];
      case "bottom": return [x + box.width / 2, y + box.height];
      case "left": return [x, y + box.height / 2];
      default: return [x + box.width, y + box.height / 2];
    }
  }

  function draw() {
    svg.querySelectorAll("path.okr-smap__edge").forEach(function (path) { path.remove(); });
    const origin = map.getBoundingClientRect();
    svg.setAttribute("width", origin.width);
    svg.setAttribute("height", origin.height);
    edges.forEach(function (edge) {
      const source = document.getElementById("smap-" + edge.from);
      const target = document.getElementById("smap-" + edge.to);
      if (!source || !target) return;
      const a = source.getBoundingClientRect(), b = target.getBoundingClientRect();
      let from, to, bend;
      if (b.bottom <= a.top) {            // the target is in a perspective above
        from = anchor(a, origin, "top"); to = anchor(b, origin, "bottom"); bend = [0, -1];
      } else if (b.top >= a.bottom) {     // below
        from = anchor(a, origin, "bottom"); to = anchor(b, origin, "top"); bend = [0, 1];
      } else if (b.right <= a.left) {     // same perspective, to the left
        from = anchor(a, origin, "left"); to = anchor(b, origin, "right"); bend = [-1, 0];
      } else {
        from = anchor(a, origin, "right"); to = anchor(b, origin, "left"); bend = [1, 0];
      }
      const reach = Math.max(30, Math.hypot(to[0] - from[0], to[1] - from[1]) / 3);
      const path = document.createElementNS(NS, "path");
      path.setAttribute("d", "M " + from[0] + " " + from[1] +
        " C " + (from[0] + bend[0] * reach) + " " + (from[1] + bend[1] * reach) +
        " " + (to[0] - bend[0] * reach) + " " + (to[1] - bend[1] * reach) +
        " " + to[0] + " " + to[1]);
      path.setAttribute("class", "okr-smap__edge okr-smap__edge--" + edge.kind);
      path.setAttribute("marker-end", "url(#smap-arrow-" + edge.kind + ")");
      svg.appendChild(path);
    });
    map.dataset.arrowsDrawn = String(svg.querySelectorAll("path.okr-smap__edge").length);
  }

  draw();
  window.addEventListener("resize", draw);
  window.addEventListener("beforeprint", draw);
  window.addEventListener("afterprint", draw);
  if (document.fonts) document.fonts.ready.then(draw);
})();
