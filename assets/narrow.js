/* Charts on a narrow screen (a phone): they reflow to the width instead of scrolling sideways.
   The category labels of horizontal bars and heatmaps wrap onto short lines, so the plot keeps
   most of the width; the chart grows in height for the extra lines; a title or source line
   inside the chart (the stand-alone figure pages) gives way to the page's own text. When the
   screen widens again the chart gets its wide layout back. Plotly redraws the width itself
   (config "responsive"); this script only changes what the width cannot. */
(function () {
  "use strict";
  var NARROW = 640;        // px of the chart's container below which the chart reflows
  var CHAR = 6.4;          // average width of a character at 11 px, for wrapping labels
  var LINE = 14;           // height of one label line at 11 px
  var LEGEND_ROW = 24;
  var EXTRA_LINE = 17;

  function rowHeight(lines) { return LEGEND_ROW + (lines - 1) * EXTRA_LINE; }

  function wrap(text, chars) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > chars) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function legendTraces(gd) {
    if (gd.layout.showlegend === false) { return []; }
    var shown = [];
    gd.data.forEach(function (t, i) {
      if (t.name && t.showlegend !== false && t.type !== "heatmap") { shown.push(i); }
    });
    return shown.length < 2 ? [] : shown;
  }

  /* Height (px) of the horizontal legend at a width, for names given as lists of lines:
     a row of one-line names takes LEGEND_ROW, each further line of a name EXTRA_LINE. */
  function legendHeight(gd, width, names, fraction) {
    if (!names.length) { return 0; }
    var lines = names.map(function (n) { return n.length; });
    if (fraction) {
      var perRow = Math.max(1, Math.floor(1 / fraction)), total = 0;
      for (var i = 0; i < lines.length; i += perRow) {
        total += rowHeight(Math.max.apply(null, lines.slice(i, i + perRow)));
      }
      return total;
    }
    var used = 0, tallest = 1, sum = 0;
    names.forEach(function (name, i) {
      var w = 7.2 * Math.max.apply(null, name.map(function (x) { return x.length; })) + 48;
      if (used && used + w > width - 24) { sum += rowHeight(tallest); used = 0; tallest = 1; }
      used += w;
      tallest = Math.max(tallest, lines[i]);
    });
    return sum + rowHeight(tallest);
  }

  /* The wide layout as the page delivered it, kept once so that it can come back. */
  function wideLayout(gd) {
    if (!gd._vthWide) {
      var l = gd.layout, axes = {};
      Object.keys(l).forEach(function (k) {
        if (/^[xy]axis\d*$/.test(k)) {
          axes[k] = {tickmode: l[k].tickmode, tickvals: l[k].tickvals,
                     ticktext: l[k].ticktext, size: (l[k].tickfont || {}).size,
                     range: l[k].range ? l[k].range.slice() : undefined};
        }
      });
      var full = gd._fullLayout || l;  // as drawn: plotly's resize can drop layout.height
      gd._vthWide = {
        height: full.height || l.height, margin: Object.assign({}, full.margin || l.margin),
        title: l.title && l.title.text, legendY: l.legend && l.legend.y, axes: axes,
        legendSide: l.legend && l.legend.title && l.legend.title.side,
        bron: (l.annotations || []).map(function (a) { return a.name === "bron"; }),
        legend: legendTraces(gd), names: gd.data.map(function (t) { return t.name; }),
        fraction: l.legend && l.legend.entrywidthmode === "fraction" ? l.legend.entrywidth : null,
        texts: (l.annotations || []).map(function (a) { return a.text; }),
        places: (l.annotations || []).map(function (a) { return [a.x, a.y]; }),
        fonts: (l.annotations || []).map(function (a) { return (a.font || {}).size; }),
        domains: Object.keys(l).filter(function (k) { return /^[xy]axis\d*$/.test(k); })
          .map(function (k) { return [k, (l[k].domain || [0, 1]).slice()]; })
      };
    }
    return gd._vthWide;
  }

  /* Category axes that hold names (bars lying down, heatmap rows): their labels wrap. */
  function categoryAxes(gd) {
    var found = {};
    gd.data.forEach(function (t) {
      var lying = t.type === "bar" && t.orientation === "h";
      if ((lying || t.type === "heatmap") && t.y) {
        var axis = "yaxis" + (t.yaxis || "y").slice(1);
        found[axis] = (found[axis] || []).concat(Array.prototype.slice.call(t.y));
      }
    });
    return found;
  }

  /* Height over width of a map (axes at one scale), from the extent of its shapes. */
  function mapAspect(gd) {
    var y = gd.layout.yaxis || {};
    if (y.scaleanchor !== "x") { return null; }
    var box = [Infinity, -Infinity, Infinity, -Infinity];
    gd.data.forEach(function (t) {
      (t.x || []).forEach(function (v) {
        if (v !== null) { box[0] = Math.min(box[0], v); box[1] = Math.max(box[1], v); }
      });
      (t.y || []).forEach(function (v) {
        if (v !== null) { box[2] = Math.min(box[2], v); box[3] = Math.max(box[3], v); }
      });
    });
    var dx = box[1] - box[0], dy = box[3] - box[2];
    return dx > 0 && dy > 0 ? dy / dx / (y.scaleratio || 1) : null;
  }

  function axisNumber(name) { return Number(name.replace(/^[xy]axis/, "") || 1); }

  /* Small multiples (three or more panels) go to two columns, in the wide grid's reading order,
     each panel title above its panel and wrapped to its width. Returns the plot's new height,
     or null when the chart is no grid. */
  function regrid(gd, update, width) {
    var l = gd.layout, wide = gd._vthWide;
    var used = {};  // panels with data (a grid may have empty cells)
    gd.data.forEach(function (t) { used["xaxis" + (t.xaxis || "x").slice(1)] = true; });
    var xs = Object.keys(l).filter(function (k) { return /^xaxis\d*$/.test(k) && used[k]; });
    if (xs.length < 3) { return null; }
    var panels = xs.map(function (k) {
      var y = "yaxis" + k.slice(5);
      return {x: k, y: y, dx: l[k].domain || [0, 1], dy: (l[y] || {}).domain || [0, 1]};
    }).sort(function (a, b) {
      return (b.dy[1] - a.dy[1]) || (a.dx[0] - b.dx[0]) || (axisNumber(a.x) - axisNumber(b.x));
    });
    var titles = [];
    (l.annotations || []).forEach(function (a, i) {
      if (a.name !== "bron" && a.xref === "paper" && a.yref === "paper") { titles.push(i); }
    });
    var gap = 0.14, panelW = (width - 70) * (1 - gap) / 2;
    var chars = Math.max(10, Math.floor(panelW / 6.2)), titleLines = 1, texts = {};
    panels.forEach(function (p) {  // the title nearest above the panel's centre is its own
      var cx = (p.dx[0] + p.dx[1]) / 2, best = null, dist = Infinity;
      titles.forEach(function (i) {
        if (texts[i]) { return; }  // taken by another panel
        var d = Math.abs(l.annotations[i].x - cx) + Math.abs(l.annotations[i].y - p.dy[1]);
        if (d < dist) { dist = d; best = i; }
      });
      p.title = best;
      if (best !== null) {
        texts[best] = wrap(String(wide.texts[best]), chars);
        titleLines = Math.max(titleLines, texts[best].length);
      }
    });
    var rows = Math.ceil(panels.length / 2), panelPx = 170;
    var rowPx = panelPx + titleLines * 15 + 55;  // title above, year labels below
    var plotPx = rows * rowPx;
    panels.forEach(function (p, j) {
      var c = j % 2, r = Math.floor(j / 2);
      var left = c * (1 + gap) / 2, top = 1 - (r * rowPx + titleLines * 15 + 6) / plotPx;
      update[p.x + ".domain"] = [left, left + (1 - gap) / 2];
      update[p.y + ".domain"] = [top - panelPx / plotPx, top];
      if (p.title !== null) {
        update["annotations[" + p.title + "].x"] = left + (1 - gap) / 4;
        update["annotations[" + p.title + "].y"] = top;
        update["annotations[" + p.title + "].text"] = texts[p.title].join("<br>");
        update["annotations[" + p.title + "].font.size"] = 11;
      }
    });
    return plotPx;
  }

  function narrowUpdate(gd, width) {
    var wide = wideLayout(gd), update = {}, extra = 0;
    var chars = Math.max(12, Math.floor(width * 0.4 / CHAR));
    var axes = categoryAxes(gd);
    Object.keys(axes).forEach(function (axis) {
      var seen = {}, vals = axes[axis].filter(function (v) {
        var fresh = !seen[v]; seen[v] = true; return fresh;
      });
      var lines = vals.map(function (v) { return wrap(v, chars); });
      var most = Math.max.apply(null, lines.map(function (x) { return x.length; }));
      update[axis + ".tickmode"] = "array";
      update[axis + ".tickvals"] = vals;
      update[axis + ".ticktext"] = lines.map(function (x) { return x.join("<br>"); });
      update[axis + ".tickfont.size"] = 11;
      extra = Math.max(extra, vals.length * Math.max(0, most * LINE + 8 - 24));
    });
    var title = wide.title ? 1 : 0;
    // legend names longer than the screen wrap onto lines of their own
    var legendChars = Math.max(16, Math.floor((width - 60) / 7.2));
    var wideNames = wide.legend.map(function (i) { return [String(wide.names[i])]; });
    var narrowNames = wideNames.map(function (n) { return wrap(n[0], legendChars); });
    var fraction = wide.fraction && wide.fraction < 1 ? 1 : wide.fraction;  // one per row
    if (fraction !== wide.fraction) { update["legend.entrywidth"] = fraction; }
    var top = wide.margin.t + legendHeight(gd, width, narrowNames, fraction)
      - legendHeight(gd, 1000, wideNames, wide.fraction);
    // the titles of side-by-side panels wrap onto lines of their panel's width
    var titleLines = 1, gridPx = regrid(gd, update, width);
    (gd.layout.annotations || []).forEach(function (a, i) {
      if (gridPx !== null || a.name === "bron" || a.xref !== "paper" || a.yref !== "paper"
          || a.y !== 1) { return; }
      var lines = wrap(String(wide.texts[i]), Math.max(12, Math.floor(width / 2 / 7.5)));
      update["annotations[" + i + "].text"] = lines.join("<br>");
      titleLines = Math.max(titleLines, lines.length);
    });
    top += (titleLines - 1) * EXTRA_LINE;
    if (gd.layout.legend && gd.layout.legend.title && gd.layout.legend.title.text) {
      update["legend.title.side"] = "top";  // beside the entries it would push them off screen
      top += LEGEND_ROW;
    }
    if (narrowNames.some(function (n) { return n.length > 1; })) {
      update.names = {name: narrowNames.map(function (n) { return n.join("<br>"); }),
                      traces: wide.legend};
    }
    if (title) { top -= 30; update["title.text"] = ""; }
    wide.bron.forEach(function (isBron, i) {
      if (isBron) { update["annotations[" + i + "].visible"] = false; }
    });
    var bottom = wide.bron.some(Boolean) ? 60 : wide.margin.b;
    var height = Math.max(wide.height || 450, (wide.height || 450) + extra
                          + (top - wide.margin.t) + (bottom - wide.margin.b));
    if (gridPx !== null) { height = Math.round(top + bottom + gridPx); }
    var aspect = mapAspect(gd);
    if (aspect) {  // a map fills the width; the height follows its shape
      var plotWidth = width - Math.min(wide.margin.l || 70, 40) - Math.min(wide.margin.r || 40, 24);
      height = Math.round(top + bottom + plotWidth * aspect * 1.04);
    }
    update.height = height;
    update["margin.t"] = Math.max(20, top);
    update["margin.b"] = bottom;
    update["margin.l"] = Math.min(wide.margin.l || 70, 40);
    update["margin.r"] = Math.min(wide.margin.r || 40, 24);
    if (wide.legendY !== undefined) { update["legend.y"] = 1 - 18 / height; }
    return update;
  }

  function wideUpdate(gd) {
    var wide = gd._vthWide, update = {height: wide.height, "title.text": wide.title};
    if (wide.legend.length) {
      update.names = {name: wide.legend.map(function (i) { return wide.names[i]; }),
                      traces: wide.legend};
    }
    ["t", "b", "l", "r"].forEach(function (k) { update["margin." + k] = wide.margin[k]; });
    if (wide.legendY !== undefined) { update["legend.y"] = wide.legendY; }
    update["legend.title.side"] = wide.legendSide === undefined ? null : wide.legendSide;
    var orDefault = function (v) { return v === undefined ? null : v; };  // null: plotly's own
    Object.keys(wide.axes).forEach(function (axis) {
      var a = wide.axes[axis];
      update[axis + ".tickmode"] = orDefault(a.tickmode);
      update[axis + ".tickvals"] = orDefault(a.tickvals);
      update[axis + ".ticktext"] = orDefault(a.ticktext);
      update[axis + ".tickfont.size"] = orDefault(a.size);
      if (a.range) { update[axis + ".range"] = a.range.slice(); }
      else if (gd.layout[axis] && gd.layout[axis].autorange === false) {
        update[axis + ".autorange"] = true;
      }
    });
    wide.bron.forEach(function (isBron, i) {
      if (isBron) { update["annotations[" + i + "].visible"] = true; }
    });
    wide.texts.forEach(function (text, i) { update["annotations[" + i + "].text"] = text; });
    wide.places.forEach(function (xy, i) {
      update["annotations[" + i + "].x"] = xy[0];
      update["annotations[" + i + "].y"] = xy[1];
      update["annotations[" + i + "].font.size"] = orDefault(wide.fonts[i]);
    });
    if (wide.title === undefined) { update["title.text"] = null; }
    wide.domains.forEach(function (d) { update[d[0] + ".domain"] = d[1]; });
    if (wide.fraction) { update["legend.entrywidth"] = wide.fraction; }
    return update;
  }

  /* Value labels outside lying bars must fit in their own panel: on a narrow screen the plot
     is so short that the label of the longest bar would run off the screen or under the next
     panel. Measured on the drawn axis (its length in px), the range grows until the longest
     bar plus its label fits. */
  function roomForLabels(gd) {
    var full = gd._fullLayout, update = {}, any = false;
    gd.data.forEach(function (t) {
      if (t.type !== "bar" || t.orientation !== "h" || t.textposition !== "outside" || !t.x) {
        return;
      }
      var axis = "xaxis" + (t.xaxis || "x").slice(1), ax = full[axis];
      if (!ax || !ax._length || !ax.range) { return; }
      var most = 0, chars = 0;
      Array.prototype.forEach.call(t.x, function (v, i) {
        if (v === null || v === undefined) { return; }
        var text = Array.isArray(t.text) ? t.text[i] : t.text;
        var shown = String(text === undefined || text === null ? v : text);
        if (Number(v) >= most) { most = Number(v); }
        chars = Math.max(chars, shown.length);
      });
      var size = (t.textfont && t.textfont.size) || (full.font && full.font.size) || 12;
      var label = chars * size * 0.62 + 10;  // px of the widest label and its gap to the bar
      if (most <= 0 || ax._length <= label * 1.5) { return; }
      var range = update[axis + ".range"] || ax.range;
      var needed = range[0] + (most - range[0]) * ax._length / (ax._length - label);
      if (needed > range[1]) { update[axis + ".range"] = [range[0], needed]; any = true; }
    });
    return any ? window.Plotly.relayout(gd, update) : null;
  }

  /* A table or chart wider than the screen scrolls sideways: a line above it says so, and it
     can be scrolled with the keyboard. */
  function markScrolls() {
    var boxes = document.querySelectorAll(".table-scroll, figure .interactive");
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling;
      var has = hint && hint.classList.contains("scroll-hint");
      if (scrolls && !has) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = box.classList.contains("interactive")
          ? "De figuur is breder dan het scherm: schuif opzij voor de rest →"
          : "De tabel is breder dan het scherm: schuif opzij voor de overige kolommen →";
        box.parentNode.insertBefore(hint, box);
        has = true;
      }
      if (has) { hint.hidden = !scrolls; }
      box.classList.toggle("scrolls", scrolls);
      if (scrolls) { box.setAttribute("tabindex", "0"); }
      else { box.removeAttribute("tabindex"); }
    });
  }

  function fit(gd) {
    if (!gd.data || !gd.layout || !window.Plotly) { return; }
    var width = (gd.parentElement || gd).clientWidth;
    var narrow = width > 0 && width < NARROW;
    wideLayout(gd);  // kept at the first look, before any resize
    if (narrow === Boolean(gd._vthNarrow) && (!narrow || width === gd._vthWidth)) { return; }
    gd._vthNarrow = narrow;
    gd._vthWidth = width;
    var update = narrow ? narrowUpdate(gd, width) : wideUpdate(gd);
    var names = update.names;
    delete update.names;
    if (names) { window.Plotly.restyle(gd, {name: names.name}, names.traces); }
    // plotly's page sets the heights of the div and of its wrapper for the wide chart
    gd.style.height = update.height + "px";
    if (gd.parentElement && /px$/.test(gd.parentElement.style.height)) {
      gd.parentElement.style.height = update.height + "px";
    }
    // the width stays the container's (a height given to relayout would fix the width too)
    update.width = null;
    update.autosize = true;
    var drawn = window.Plotly.relayout(gd, update);
    if (drawn && drawn.then) {
      drawn.then(function () { return narrow ? roomForLabels(gd) : null; }).then(markScrolls);
    }
  }

  function fitAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".plotly-graph-div"), fit);
    markScrolls();
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(fitAll, 120);
  });
  window.addEventListener("load", fitAll);
}());
