/* Draws each chart when its slot comes near the viewport (see dashboard/components/charts.py).
   A slot is an empty `[data-lazy-chart]` div whose id is the pattern-matching id
   {"index": ..., "type": "lazy-chart"}. Setting the matching "lazy-chart-seen" store to true
   runs the clientside callback below, which puts the stored figure in the slot as a dcc.Graph.
   A slot that is empty again (a callback re-rendered its chart) is watched again. */
(function () {
  var MARGIN = "300px 0px"; // start drawing a little before the chart scrolls in
  var state = new WeakMap(); // slot element -> "watched" | "requested" | "drawn"

  function reveal(slot) {
    var dc = window.dash_clientside;
    var id;
    try {
      id = JSON.parse(slot.id);
    } catch (e) {
      return;
    }
    if (!dc || !dc.set_props) {
      // Dash's renderer is not ready yet: watch the slot again shortly.
      state.delete(slot);
      setTimeout(scan, 100);
      return;
    }
    state.set(slot, "requested");
    try {
      dc.set_props({index: id.index, type: "lazy-chart-seen"}, {data: true});
    } catch (e) {
      // The page changed before the chart was seen; nothing to draw.
    }
  }

  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          reveal(entry.target);
        });
      }, {rootMargin: MARGIN})
    : null;

  // A chart whose points carry a site path as customdata (the confusion matrix's counts)
  // opens it when a point is clicked; its data table holds the same links for keyboards.
  function follow(event) {
    var point = event && event.points && event.points[0];
    var target = point && point.customdata;
    if (typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/") {
      window.location.assign(target);
    }
  }

  function linkCharts() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      if (graph.dataset.linked || typeof graph.on !== "function") return;
      graph.dataset.linked = "true";
      graph.on("plotly_click", follow);
    });
  }

  function scan() {
    linkCharts();
    document.querySelectorAll("[data-lazy-chart]").forEach(function (slot) {
      var current = state.get(slot);
      if (slot.childElementCount > 0) {
        state.set(slot, "drawn");
      } else if (current === undefined || current === "drawn") {
        state.set(slot, "watched");
        if (observer) observer.observe(slot); // reports the current intersection at once
        else reveal(slot);
      }
    });
  }

  // The clientside callback: the stored figure becomes a dcc.Graph in the slot.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.vitrine = Object.assign(window.dash_clientside.vitrine || {}, {
    drawChart: function (seen, stored) {
      if (!seen || !stored) return window.dash_clientside.no_update;
      return {
        namespace: "dash_core_components",
        type: "Graph",
        props: {id: stored.id, figure: stored.figure, config: stored.config}
      };
    }
  });

  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", scan);
})();
