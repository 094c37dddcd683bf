// Strategy map: draw the cause-and-effect arrows between the objective cards, routed through the
// free space so that no arrow runs behind a card. Cards stack in their horizon's column; right of
// each column's cards runs a vertical channel, and between the perspectives a horizontal gutter.
// An arrow leaves its card sideways into a channel, changes channel (if it must) in the gutter
// next to its target's perspective, and enters its target from the side; arrows sharing a
// channel, a gutter or a card's side each get their own lane. Redrawn whenever the layout
// changes (resize, fonts, printing).
(function () {
  "use strict";
  const map = document.getElementById("strategy-map");
  const data = document.getElementById("strategy-map-edges");
  if (!map || !data) return;
  const edges = JSON.parse(data.textContent);
  const svg = map.querySelector(".okr-smap__arrows");
  const NS = "http://www.w3.org/2000/svg";
  const RADIUS = 6;

  function relative(box, origin) {
    return {left: box.left - origin.left, right: box.right - origin.left,
            top: box.top - origin.top, bottom: box.bottom - origin.top,
            width: box.width, height: box.height};
  }

  // Where things are: each card's box, perspective and column; the channels and the gutters.
  function layout(origin) {
    const bands = Array.from(map.querySelectorAll(".okr-smap__band"));
    const head = map.querySelector(".okr-smap__row--head");
    const cards = new Map();
    const columnCount = bands.length ? bands[0].querySelectorAll(".okr-smap__cell").length : 0;
    const cardsRight = new Array(columnCount).fill(-Infinity);
    const columnLeft = new Array(columnCount + 1).fill(Infinity);
    bands.forEach(function (band, bandIndex) {
      const cells = band.querySelectorAll(".okr-smap__cell");
      cells.forEach(function (cell, column) {
        const cellBox = relative(cell.getBoundingClientRect(), origin);
        columnLeft[column] = Math.min(columnLeft[column], cellBox.left);
        cardsRight[column] = Math.max(cardsRight[column], cellBox.left);
        cell.querySelectorAll(".okr-smap__objective").forEach(function (card) {
          const box = relative(card.getBoundingClientRect(), origin);
          cards.set(card.id.slice(5), {box: box, band: bandIndex, column: column});
          cardsRight[column] = Math.max(cardsRight[column], box.right);
        });
      });
      const kpis = band.querySelector(".okr-smap__kpis");
      if (kpis) {
        columnLeft[columnCount] = Math.min(columnLeft[columnCount],
          relative(kpis.getBoundingClientRect(), origin).left);
      }
    });
    // Channel k: right of column k's cards, up to the next column (the KPIs after the last).
    const channels = cardsRight.map(function (right, column) {
      return {from: right + 4, to: columnLeft[column + 1] - 4, lanes: []};
    });
    const boxes = bands.map(function (band) { return relative(band.getBoundingClientRect(), origin); });
    const headBottom = head ? relative(head.getBoundingClientRect(), origin).bottom : boxes[0].top - 12;
    // Gutter i: above band i; the last one below the last band.
    const gutters = boxes.map(function (box, index) {
      const above = index ? boxes[index - 1].bottom : headBottom;
      return {from: above + 3, to: box.top - 3, lanes: []};
    });
    const last = boxes[boxes.length - 1];
    gutters.push({from: last.bottom + 3, to: last.bottom + 21, lanes: []});
    return {cards: cards, channels: channels, gutters: gutters};
  }

  // Space n lanes evenly across a channel or gutter (or a card's side).
  function lane(span, index, count) {
    return span.from + (span.to - span.from) * (index + 1) / (count + 1);
  }

  // The route as corner points, before lanes are known: which channel, gutter and sides it takes.
  function plan(edge, where) {
    const source = where.cards.get(String(edge.from));
    const target = where.cards.get(String(edge.to));
    if (!source || !target) return null;
    let exitChannel, entryChannel;
    if (target.column > source.column) {
      exitChannel = source.column; entryChannel = target.column - 1;
    } else if (target.column < source.column) {
      exitChannel = source.column - 1; entryChannel = target.column;
    } else {
      exitChannel = entryChannel = source.column;
    }
    let gutter = null;
    if (exitChannel !== entryChannel) {
      if (target.band < source.band) gutter = target.band + 1;      // just below the target's row
      else gutter = target.band;                                     // just above it
    }
    return {edge: edge, source: source, target: target,
            exitSide: exitChannel >= source.column ? "right" : "left",
            entrySide: entryChannel >= target.column ? "right" : "left",
            exitChannel: exitChannel, entryChannel: entryChannel, gutter: gutter};
  }

  function assignLanes(routes, where) {
    const sides = new Map();
    function side(card, name, route) {
      const key = card.box.left + ":" + card.box.top + ":" + name;
      if (!sides.has(key)) sides.set(key, []);
      sides.get(key).push(route);
    }
    routes.forEach(function (route) {
      where.channels[route.exitChannel].lanes.push(route);
      if (route.entryChannel !== route.exitChannel) where.channels[route.entryChannel].lanes.push(route);
      if (route.gutter !== null) where.gutters[route.gutter].lanes.push(route);
      side(route.source, route.exitSide, route);
      side(route.target, route.entrySide, route);
    });
    function laneOf(span, route) { return lane(span, span.lanes.indexOf(route), span.lanes.length); }
    routes.forEach(function (route) {
      route.exitX = laneOf(where.channels[route.exitChannel], route);
      route.entryX = laneOf(where.channels[route.entryChannel], route);
      if (route.gutter !== null) route.gutterY = laneOf(where.gutters[route.gutter], route);
    });
    sides.forEach(function (list) {
      list.sort(function (a, b) { return a.edge.from - b.edge.from || a.edge.to - b.edge.to; });
      list.forEach(function (route, index) {
        const isSource = list === sides.get(route.source.box.left + ":" + route.source.box.top + ":" + route.exitSide);
        const card = isSource ? route.source : route.target;
        const y = lane({from: card.box.top, to: card.box.bottom}, index, list.length);
        if (isSource) route.exitY = y; else route.entryY = y;
      });
    });
  }

  function points(route) {
    const s = route.source.box, t = route.target.box;
    const start = [route.exitSide === "right" ? s.right : s.left, route.exitY];
    const end = [route.entrySide === "right" ? t.right : t.left, route.entryY];
    const corners = [start, [route.exitX, start[1]]];
    if (route.gutter !== null) {
      corners.push([route.exitX, route.gutterY], [route.entryX, route.gutterY]);
    }
    corners.push([route.entryX, end[1]], end);
    return corners;
  }

  // Straight segments with small rounded corners: easy to follow, never a curve over a card.
  function rounded(corners) {
    let d = "M " + corners[0][0] + " " + corners[0][1];
    for (let i = 1; i < corners.length - 1; i += 1) {
      const [px, py] = corners[i - 1], [x, y] = corners[i], [nx, ny] = corners[i + 1];
      const into = Math.hypot(x - px, y - py), out = Math.hypot(nx - x, ny - y);
      const r = Math.min(RADIUS, into / 2, out / 2);
      if (!r) { d += " L " + x + " " + y; continue; }
      const ax = x - (x - px) / into * r, ay = y - (y - py) / into * r;
      const bx = x + (nx - x) / out * r, by = y + (ny - y) / out * r;
      d += " L " + ax + " " + ay + " Q " + x + " " + y + " " + bx + " " + by;
    }
    const lastCorner = corners[corners.length - 1];
    return d + " L " + lastCorner[0] + " " + lastCorner[1];
  }

  function draw() {
    svg.querySelectorAll("path.okr-smap__edge").forEach(function (path) { path.remove(); });
    const origin = map.getBoundingClientRect();
    svg.setAttribute("width", origin.width);
    svg.setAttribute("height", origin.height);
    const where = layout(origin);
    const routes = edges.map(function (edge) { return plan(edge, where); }).filter(Boolean);
    assignLanes(routes, where);
    routes.forEach(function (route) {
      const path = document.createElementNS(NS, "path");
      path.setAttribute("d", rounded(points(route)));
      path.setAttribute("class", "okr-smap__edge okr-smap__edge--" + route.edge.kind);
      path.setAttribute("marker-end", "url(#smap-arrow-" + route.edge.kind + ")");
      path.dataset.from = String(route.edge.from);
      path.dataset.to = String(route.edge.to);
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
