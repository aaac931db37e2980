/* After a decision on the Review page (dashboard/pages/review.py), the focus moves to the next
   item still to decide, so a keyboard user goes on with Tab and Enter alone. */
(function () {
  // Dash's DOM id of a pattern-matching id: its keys sorted, each value as JSON.
  function domId(id) {
    return "{" + Object.keys(id).sort().map(function (k) {
      return JSON.stringify(k) + ":" + JSON.stringify(id[k]);
    }).join(",") + "}";
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.vitrine = Object.assign(window.dash_clientside.vitrine || {}, {
    nextReviewItem: function () {
      var dc = window.dash_clientside;
      var done = dc.callback_context.triggered_id;
      if (!done || done.item === undefined) return dc.no_update;
      var status = document.getElementById(domId(done));
      var item = status && status.closest("li.review-item");
      // Only a recorded decision moves on; a refusal keeps the focus where it is.
      if (!item || status.textContent.indexOf("Recorded") !== 0) return dc.no_update;
      for (var next = item.nextElementSibling; next; next = next.nextElementSibling) {
        var button = next.querySelector(".review-decision button:not([disabled])");
        if (button) {
          button.focus();
          return String(done.item);
        }
      }
      var pager = document.querySelector('nav[aria-label="Pages"] a');
      (pager || item).focus();
      return String(done.item);
    }
  });
})();
