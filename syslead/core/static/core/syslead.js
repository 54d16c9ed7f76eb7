// Syslead's page script, loaded as a module (the Content-Security-Policy allows no inline script).
// GOV.UK Frontend's components start here: the body class first (it is what GOV.UK's own
// template sets with an inline script), then initAll(), which also moves focus to an error
// summary so that screen readers announce it first.
import { initAll, isSupported } from "./govuk-frontend.min.js";

if (isSupported()) {
  document.body.classList.add("govuk-frontend-supported");
  initAll();
}
// Anything else marked to take focus on load (the error summary does so itself).
document.querySelector("[data-autofocus]:not([data-module])")?.focus();
