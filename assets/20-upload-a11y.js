/* dcc.Upload renders a clickable box that the keyboard cannot reach and a hidden file input
   with no name. This makes the `.upload-zone__button` inside every `.upload-zone` a labelled
   button that Enter and Space open, and names the file input after the zone's label
   (data-label-id). React may re-create either element, so every mutation re-checks both. */
(function () {
  function enhance(zone) {
    var input = zone.querySelector('input[type="file"]');
    var target = zone.querySelector(".upload-zone__button");
    if (!input || !target) return;
    var labelId = zone.dataset.labelId;
    var hintId = zone.dataset.hintId;
    if (labelId && input.getAttribute("aria-labelledby") !== labelId) {
      input.setAttribute("aria-labelledby", labelId);
      // The visible box is the control; the input only receives the forwarded click.
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
    childList: true, subtree: true, attributes: true, attributeFilter: ["aria-labelledby"]
  });
  document.addEventListener("DOMContentLoaded", scan);
})();
