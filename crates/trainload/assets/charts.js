// TrainingLoad charts: draws every `[data-chart]` container from the JSON in its
// `<script type="application/json">` child with the vendored uPlot (drag to zoom, double-click
// to reset). Runs on DOMContentLoaded and again on `tl:refresh`, which live.js fires after it
// swaps <main> (the old charts are gone with the old DOM). Without JavaScript, or if uPlot did
// not load, the server-rendered fallback inside the container stays.
//
// Spec: { x: [..], x_kind: "date" | "seconds" | "log_seconds", height?: px, sync?: key,
//         y_label?, y2_label?, y3_label?: axis titles with units (else the axis' series
//         labels), series: [{ label, color, values: [..], bars?: bool, steps?: bool,
//                    axis?: "right" | "right2", format?: "pace" }] }
// `steps` draws a value held until the next point (thresholds effective from a date).
// Dates are "YYYY-MM-DD" strings; values may be null (a gap).
(function () {
  "use strict";

  var drawn = [];

  function clock(total) {
    total = Math.round(total);
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = (h > 0 && m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
    return h > 0 ? h + ":" + mm + ":" + ss : m + ":" + ss;
  }

  function shortDuration(seconds) {
    if (seconds < 60) return Math.round(seconds) + "s";
    if (seconds < 3600) return Math.round(seconds / 60) + "min";
    return (Math.round(seconds / 360) / 10) + "h";
  }

  function formatter(format) {
    if (format === "pace") return function (v) { return v == null ? "–" : clock(v); };
    return function (v) { return v == null ? "–" : (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)); };
  }

  // Round durations for the log axis (uPlot's own log ticks are powers of ten only).
  var LOG_TICKS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200, 14400, 28800];
  // The same at a phone's width, spaced so that their labels do not run into each other.
  var LOG_TICKS_NARROW = [1, 15, 60, 300, 1200, 3600, 14400];
  // Round steps of an elapsed-time axis (0:15, 0:30, 1:00, 5:00, 15:00, 0:30:00, 1:00:00 …).
  var TIME_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

  // Fewer ticks on a phone: tick labels need more room than the plot gives them at 390 px.
  function narrow() { return window.innerWidth < 600; }

  var X_TITLES = { date: "Date", seconds: "Elapsed time (h:mm:ss)", log_seconds: "Duration" };

  function xAxis(kind) {
    var title = { label: X_TITLES[kind] || "", labelSize: 20, space: narrow() ? 90 : 60 };
    return Object.assign(title, xTicks(kind));
  }

  function xTicks(kind) {
    if (kind === "date") return {};
    if (kind === "log_seconds") {
      return {
        splits: function (u, i, min, max) {
          var ticks = narrow() ? LOG_TICKS_NARROW : LOG_TICKS;
          return ticks.filter(function (t) { return t >= min && t <= max; });
        },
        // uPlot blanks log ticks other than powers of ten unless told to keep them all.
        filter: function (u, splits) { return splits; },
        values: function (u, ticks) {
          return ticks.map(function (t) { return t == null ? "" : shortDuration(t); });
        },
      };
    }
    return {
      incrs: TIME_STEPS,
      values: function (u, ticks) { return ticks.map(function (t) { return clock(t); }); },
    };
  }

  // Round steps of a pace axis, seconds (0:05, 0:10, 0:15, 0:30, 1:00, 2:00, 5:00 …).
  var PACE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200];

  // A pace scale hugs its values with a margin, on whole quarter-minutes: paces are far from
  // zero, and a flat threshold pace would otherwise be stretched down to 0:00.
  function paceRange(u, min, max) {
    if (min == null || max == null) return [240, 360];
    var pad = Math.max(15, (max - min) * 0.1);
    return [Math.max(0, Math.floor((min - pad) / 15) * 15), Math.ceil((max + pad) / 15) * 15];
  }

  // A scale whose data includes bars starts at zero (a bar's length is its value).
  function fromZero(u, min, max) {
    if (min == null || max == null) return [0, 1];
    var lo = Math.min(0, min), hi = Math.max(0, max);
    return [lo, hi === lo ? lo + 1 : hi + (hi - lo) * 0.05];
  }

  function xSeries(kind) {
    if (kind === "date") return {};
    return {
      label: kind === "log_seconds" ? "Duration" : "Time",
      value: function (u, v) { return v == null ? "–" : clock(v); },
    };
  }

  function build(root, spec) {
    var kind = spec.x_kind || "date";
    var xs = kind === "date"
      ? spec.x.map(function (d) { return Date.parse(d + "T12:00:00Z") / 1000; })
      : spec.x;
    var scales = { x: { time: kind === "date" } };
    if (kind === "log_seconds") { scales.x.distr = 3; scales.x.log = 10; }
    var axes = [xAxis(kind)];
    // One scale per axis name: the left one always, the right ones when a series uses them
    // (`right2` sits outside `right`, e.g. threshold pace beside heart rate).
    var sides = [
      { name: "left", scale: "y", side: 3, title: spec.y_label },
      { name: "right", scale: "y2", side: 1, title: spec.y2_label },
      { name: "right2", scale: "y3", side: 1, title: spec.y3_label },
    ].map(function (a) { return Object.assign(a, { labels: [], bars: false, format: null }); });
    var series = [xSeries(kind)];
    var data = [xs];
    spec.series.forEach(function (s) {
      var side = sides.filter(function (a) { return a.name === (s.axis || "left"); })[0] || sides[0];
      side.format = side.format || s.format;
      side.labels.push(s.label); side.bars = side.bars || !!s.bars;
      var one = {
        label: s.label, stroke: s.color, width: s.bars ? 0 : 2, scale: side.scale,
        value: (function (f) { return function (u, v) { return f(v); }; })(formatter(s.format)),
        points: { show: false }, spanGaps: !s.bars,
      };
      if (s.bars) {
        one.fill = s.color;
        one.paths = uPlot.paths.bars({ size: [0.7, 24] });
      } else if (s.steps) {
        one.paths = uPlot.paths.stepped({ align: 1 });
      }
      series.push(one);
      data.push(s.values);
    });
    var axisValues = function (f) {
      return f === "pace" ? function (u, t) { return t.map(clock); } : undefined;
    };
    var ySpace = narrow() ? 40 : 30;
    sides.forEach(function (a, i) {
      if (i > 0 && a.labels.length === 0) return;
      // A faster pace is a smaller number: up the axis, as a higher power would be.
      scales[a.scale] = a.format === "pace" ? { dir: -1, range: paceRange } : {};
      if (a.bars) scales[a.scale].range = fromZero;
      var axis = {
        scale: a.scale, values: axisValues(a.format), space: ySpace, labelSize: 20,
        label: a.title || a.labels.join(" · "),
      };
      if (a.format === "pace") axis.incrs = PACE_STEPS;
      if (a.side === 1) { axis.side = 1; axis.grid = { show: false }; }
      axes.push(axis);
    });
    var opts = {
      width: Math.max(root.clientWidth - 4, 200),
      height: spec.height || (window.innerWidth < 600 ? 200 : 280),
      scales: scales, axes: axes, series: series,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
    };
    if (spec.sync) opts.cursor.sync = { key: spec.sync };
    // The axis titles are drawn on the canvas; the attribute lets a test (and a reader of the
    // markup) see them.
    root.setAttribute("data-axis-titles", axes.map(function (a) { return a.label; }).join(" | "));
    return new uPlot(opts, data, root);
  }

  function drawAll() {
    if (typeof uPlot === "undefined") return;
    // Charts whose container left the page (live.js swapped <main>) release their listeners.
    drawn = drawn.filter(function (c) {
      if (document.body.contains(c.root)) return true;
      c.plot.destroy();
      return false;
    });
    var roots = document.querySelectorAll("[data-chart]:not([data-drawn])");
    Array.prototype.forEach.call(roots, function (root) {
      var source = root.querySelector('script[type="application/json"]');
      if (!source) return;
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      if (!spec.x || spec.x.length === 0) return;
      var fallback = root.querySelector(".chart-fallback");
      if (fallback) fallback.style.display = "none";
      var plot = build(root, spec);
      root.setAttribute("data-drawn", "");
      root.setAttribute("data-points", String(spec.x.length));
      drawn.push({ root: root, plot: plot });
    });
  }

  function resize() {
    drawn.forEach(function (c) {
      c.plot.setSize({ width: Math.max(c.root.clientWidth - 4, 200), height: c.plot.height });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  document.addEventListener("tl:refresh", drawAll);
  window.addEventListener("resize", resize);
})();
