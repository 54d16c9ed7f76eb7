// Syslead's page script, loaded as a module (the Content-Security-Policy allows no inline script).
// GOV.UK Frontend's components start here. The body class is what GOV.UK's own page template
// sets with an inline script: a browser running this module supports GOV.UK Frontend's scripts.
// initAll() then starts every component, and moves focus to an error summary so that screen
// readers announce it first.
import { initAll } from "./govuk-frontend.min.js";
import "./accessible-autocomplete.min.js";

document.body.classList.add("govuk-frontend-supported");
// A form with no action posts to the page's address, fragment included: after the skip link
// ("#main") the page with the form's errors would come back as ".../#main", and Chromium, going
// to that fragment once the page has loaded, takes the focus off the error summary that
// initAll() has just moved it to. Post to the address without its fragment instead.
for (const form of document.querySelectorAll("form:not([action])")) {
  form.setAttribute("action", window.location.pathname + window.location.search);
}
initAll();
// Anything else marked to take focus on load (the error summary does so itself).
document.querySelector("[data-autofocus]:not([data-module])")?.focus();

// Autocomplete (docs/ux.md, "Autocomplete"): accessible-autocomplete, imported above, sets
// window.accessibleAutocomplete. Without this script the fields stay as they are: a school field
// takes a URN or words of a name, a leader field is a <select>, and the server checks both.
const autocomplete = window.accessibleAutocomplete;
const DEFAULT_HINT =
  "When suggestions are available, use the up and down arrows to review them and Enter to " +
  "choose one. On a touch device, explore by touch or swipe.";

// The field's own hint and error message, read before its own description: the autocomplete's
// input describes itself with its instructions only.
function describedBy(field) {
  const ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  const words = ids.map((id) => document.getElementById(id)?.textContent.trim()).filter(Boolean);
  return () => [...words, DEFAULT_HINT].join(" ");
}

// A school field: suggestions from the server, only schools this person may choose for the
// field's purpose. A chosen suggestion ends with its URN in brackets, which the server reads.
function schoolField(input) {
  const form = input.form;
  const address = new URL(input.dataset.suggest, window.location.href);
  let timer;
  let pending;
  const source = (query, populate) => {
    window.clearTimeout(timer);
    const text = query.trim();
    if (text.length < 2) {
      populate([]);
      return;
    }
    // A short pause while typing: one query for a word, not one per key.
    timer = window.setTimeout(async () => {
      pending?.abort();
      pending = new AbortController();
      const url = new URL(address);
      url.searchParams.set("q", text.slice(0, 100));
      url.searchParams.set("for", input.dataset.suggestFor || "any");
      const withName = input.dataset.suggestWith;
      const withField = withName && form ? form.elements.namedItem(withName) : null;
      if (withField) url.searchParams.set("organisation", withField.value);
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: pending.signal,
        });
        const data = response.ok ? await response.json() : { results: [] };
        populate(data.results.map((s) => `${s.name}, ${s.town} (URN ${s.urn})`));
      } catch {
        // Aborted by the next key, or offline: the typed words are still sent as they are.
      }
    }, 250);
  };
  const container = document.createElement("div");
  input.before(container);
  const errored = input.classList.contains("govuk-input--error");
  const id = input.id;
  const name = input.name;
  const value = input.value;
  const hint = describedBy(input);
  input.remove();
  autocomplete({
    element: container,
    id,
    name,
    defaultValue: value,
    source,
    minLength: 2,
    confirmOnBlur: false,
    showNoOptionsFound: true,
    inputClasses: errored ? "govuk-input--error" : null,
    tAssistiveHint: hint,
    tNoResults: () => "No school you may choose matches",
    tStatusQueryTooShort: (n) => `Type at least ${n} characters to see suggestions`,
  });
}

if (autocomplete) {
  document.querySelectorAll("input[data-suggest]").forEach(schoolField);
  // A long list of leaders: the <select> becomes a field that narrows as you type.
  document.querySelectorAll("select[data-autocomplete]").forEach((selectElement) => {
    autocomplete.enhanceSelectElement({
      selectElement,
      defaultValue: "",
      showAllValues: true,
      confirmOnBlur: false,
      inputClasses: selectElement.classList.contains("govuk-select--error")
        ? "govuk-input--error"
        : null,
      tAssistiveHint: describedBy(selectElement),
    });
  });
}
