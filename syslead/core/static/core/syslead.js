// Syslead's page script, loaded as a module (the Content-Security-Policy allows no inline script).
// GOV.UK Frontend's components start here. The body class is what GOV.UK's own page template
// sets with an inline script: a browser running this module supports GOV.UK Frontend's scripts.
// initAll() then starts every component, and moves focus to an error summary so that screen
// readers announce it first.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
// Anything else marked to take focus on load (the error summary does so itself).
document.querySelector("[data-autofocus]:not([data-module])")?.focus();
