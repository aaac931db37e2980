/* dcc.Upload renders a clickable box that the keyboard cannot reach and a hidden file input
   that Chromium still lists as a second button. This makes the `.upload-zone__button` inside
   every `.upload-zone` the one labelled button (named after the zone's data-label-id), opened
   by Enter and Space, and hides the file input from assistive technology: it only receives
   the forwarded click. React may re-create either element, so every mutation re-checks both. */
(function () {
  function enhance(zone) {
    var input = zone.querySelector('input[type="file"]');
    var target = zone.querySelector(".upload-zone__button");
    if (!input || !target) return;
    var labelId = zone.dataset.labelId;
    var hintId = zone.dataset.hintId;
    if (input.getAttribute("aria-hidden") !== "true") {
      input.setAttribute("aria-hidden", "true");
      input.setAttribute("tabindex", "-1");
    }
    if (target.dataset.a11y === "done") return;
    target.setAttribute("role", "button");
    target.setAttribute("tabindex", "0");
    // Its name is the field label followed by its own visible words, so speech-input users
    // can say what they see ("choose a file") - WCAG 2.5.3, label in name.
    if (!target.id) target.id = (labelId || "upload") + "-button";
    target.setAttribute("aria-labelledby", (labelId ? labelId + " " : "") + target.id);
    if (hintId) target.setAttribute("aria-describedby", hintId);
    target.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        var current = zone.querySelector('input[type="file"]');
        if (current) current.click();
      }
    });
    target.dataset.a11y = "done";
  }
  function scan() {
    document.querySelectorAll(".upload-zone").forEach(enhance);
  }
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["aria-hidden"]
  });
  document.addEventListener("DOMContentLoaded", scan);
})();
