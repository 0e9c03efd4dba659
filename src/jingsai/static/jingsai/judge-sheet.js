// The judge's mark sheet (no inline scripts: CSP-friendly). htmx swaps in each
// field's error after a draft is saved; flag the input so it is marked invalid.
document.addEventListener("htmx:afterSettle", function () {
  var inputs = document.querySelectorAll("#sheet input.mark-input");
  Array.prototype.forEach.call(inputs, function (input) {
    var error = document.getElementById(input.getAttribute("aria-describedby"));
    if (error && error.textContent.trim()) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  });
});
