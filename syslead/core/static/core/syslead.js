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

// Small screens (docs/ux.md, "Small screens"): every cell of a data table names its column in
// data-label (a template may set it itself), and the table is marked to stack: below the tablet
// breakpoint each row then reads as a short summary, its cells headed by their columns. Without
// this script a table stays a table. A matrix (.rag-grid) scrolls inside its own region instead.
for (const table of document.querySelectorAll("table.table:not(.rag-grid), table.govuk-table")) {
  // A heading shown only to screen readers (a column of buttons) labels nothing on screen.
  const headings = Array.from(table.querySelectorAll("thead tr:last-child th"), (th) => {
    const shown = th.cloneNode(true);
    shown.querySelectorAll(".visually-hidden, .govuk-visually-hidden").forEach((el) => el.remove());
    return shown.textContent.replace(/\s+/g, " ").trim();
  });
  for (const row of table.querySelectorAll("tbody tr, tfoot tr")) {
    let column = 0;
    for (const cell of row.cells) {
      if (!cell.hasAttribute("data-label") && headings[column] && cell.colSpan === 1) {
        cell.dataset.label = headings[column];
      }
      column += cell.colSpan;
    }
  }
  table.classList.add("table--stacks");
}
