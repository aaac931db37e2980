/* Dash 4's number fields carry their own − and + buttons, each named "Decrease value" or
   "Increase value": with two number fields on a page a screen reader lists four buttons and
   cannot say which field each one changes. This names each after its field's label
   ("Decrease Confidence at least (%)"), in the page's language: the words come from the
   shell's #page-words, which the server wrote from its catalogue. React may re-create the
   buttons: every mutation re-checks them. */
(function () {
  function name(button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    var label = input && input.labels && input.labels[0];
    if (!label) return;
    var words = document.getElementById("page-words");
    var down = button.classList.contains("dash-stepper-decrement");
    var pattern = (words && words.dataset[down ? "decrease" : "increase"]) ||
      (down ? "Decrease %(field)s" : "Increase %(field)s");
    var wanted = pattern.replace("%(field)s", label.textContent.trim());
    if (button.getAttribute("aria-label") !== wanted) button.setAttribute("aria-label", wanted);
  }
  function scan() {
    document.querySelectorAll(".dash-input-stepper[aria-controls]").forEach(name);
  }
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"]
  });
  document.addEventListener("DOMContentLoaded", scan);
})();
