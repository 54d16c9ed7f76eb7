// Syslead's only page script (the Content-Security-Policy allows no inline script).
// Move focus to the error summary, as GOV.UK does, so that screen readers announce it first.
document.querySelector("[data-autofocus]")?.focus();
