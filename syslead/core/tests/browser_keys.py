"""Browser tests by keyboard alone (docs/ux.md, "Keyboard"): reach a control with Tab and prove it
is in the tab order, shows where the focus is, and can be worked with the keys a person uses.

Nothing here clicks or fills: every step is a key press through ``page.keyboard``. The only
script run in the page reads where the focus is (and, for ``expect_focus_visible``, how the
focused control looks with and without the focus)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import JSHandle, Locator, Page, expect

from conftest import PASSWORD, axe_check

#: How many presses of Tab a control may be from where the focus is: the header and the main
#: navigation come first on a page, so a control at the end of a long page needs a few dozen.
TAB_LIMIT = 60

#: The focused element in a few words, for the list a failing ``tab_to`` prints.
_DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(nothing: the page itself)";
  const label = el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].textContent : "")
    || el.textContent || el.value || "";
  const id = el.id ? "#" + el.id : "";
  return `${el.tagName.toLowerCase()}${id} "${label.trim().replace(/\\s+/g, " ").slice(0, 70)}"`;
}"""

_IS_FOCUSED = "el => el === document.activeElement"

#: Whether the focus is on the element given (or on a radio of the name given), and where it is.
_REACHED = (
    "wanted => { const el = document.activeElement; const done = typeof wanted === 'string' "
    "? el?.type === 'radio' && el.name === wanted : el === wanted; return [done, ("
    + _DESCRIBE_FOCUS
    + ")()]; }"
)

#: The look of the focused element, then of the same element without the focus, then focus put
#: back where it was (the next Tab goes on from there, as it would have). A GOV.UK checkbox or
#: radio hides its input and draws the box, and the focus ring, on its label's ``::before``.
_FOCUS_STYLES = """el => {
  const drawn = (el.type === "checkbox" || el.type === "radio") && el.labels?.length;
  const look = () => {
    const s = drawn ? getComputedStyle(el.labels[0], "::before") : getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
            s.borderWidth, s.color, s.textDecorationLine, s.textDecorationThickness].join(" | ");
  };
  const focused = look();
  const visible = el.matches(":focus-visible");
  el.blur();
  const unfocused = look();
  el.focus();
  return { focused, unfocused, visible };
}"""


def focused_element(page: Page) -> str:
    return str(page.evaluate(_DESCRIBE_FOCUS))


def _tab_until(page: Page, reached: JSHandle | str, what: str, limit: int, backwards: bool) -> None:
    """Press Tab until the focus is on the element ``reached`` (or, given a string, on a radio
    of that name). One round trip a press: the answer and a description of where focus is."""
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        done, where = page.evaluate(_REACHED, reached)
        if done:
            return
        seen.append(where)
    pytest.fail(
        f"{what} not reached in {limit} presses of {key} on {page.url}; the focus went to:\n  "
        + "\n  ".join(seen),
        pytrace=False,
    )


def tab_to(page: Page, target: Locator, *, limit: int = TAB_LIMIT, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab with ``backwards``) until ``target`` has the focus: fail, listing
    every element the focus went to, if it has not within ``limit`` presses (it is not in the
    tab order, or focus is trapped or lost on the way)."""
    handle = target.element_handle()
    try:
        _tab_until(page, handle, str(target), limit, backwards)
    finally:
        handle.dispose()


def expect_focus_visible(target: Locator) -> None:
    """``target`` has the focus, matches ``:focus-visible`` and looks different with it (an
    outline, a shadow or a colour change): WCAG 2.2, 2.4.7 Focus Visible."""
    expect(target).to_be_focused()
    styles = target.evaluate(_FOCUS_STYLES)
    assert styles["visible"], f"{target} has the focus but not :focus-visible"
    assert styles["focused"] != styles["unfocused"], (
        f"{target} looks the same with and without the focus: {styles['focused']}"
    )
    expect(target).to_be_focused()


def press_on(page: Page, target: Locator, key: str = "Enter", *, visible: bool = False) -> None:
    """Tab to ``target`` and press ``key`` on it (Enter for a link or a button, Space for a
    checkbox or a radio); with ``visible``, check the focus shows first."""
    tab_to(page, target)
    if visible:
        expect_focus_visible(target)
    page.keyboard.press(key)


def type_into(
    page: Page, target: Locator, text: str, *, replace: bool = False, visible: bool = False
) -> None:
    """Tab to a field and type ``text`` (after selecting what is there, with ``replace``); with
    ``visible``, check the focus shows first."""
    tab_to(page, target)
    if visible:
        expect_focus_visible(target)
    if replace:
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


def choose_radio(page: Page, target: Locator, *, limit: int = 10, visible: bool = False) -> None:
    """Tab into the group of radios of ``target`` (the focus lands on its chosen radio, or the
    first when none is), then press the down arrow until ``target`` has the focus, and Space;
    with ``visible``, check the focus shows on it."""
    name = target.get_attribute("name") or ""
    _tab_until(page, name, f"The radios {name!r}", TAB_LIMIT, False)
    for _ in range(limit):
        if target.evaluate(_IS_FOCUSED):
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail(f"{target} not reached with the arrow keys; at {focused_element(page)}")
    if visible:
        expect_focus_visible(target)
    page.keyboard.press("Space")
    expect(target).to_be_checked()


def type_date(page: Page, scope: Page | Locator, legend: str, day: dt.date) -> None:
    """Tab into a GOV.UK date input (docs/ux.md, "Dates") and type the day, month and year,
    replacing what each part held."""
    group = scope.get_by_role("group", name=legend)
    for label, part in zip(("Day", "Month", "Year"), (day.day, day.month, day.year), strict=True):
        type_into(page, group.get_by_label(label, exact=True), str(part), replace=True)


def skip_to_main(page: Page) -> None:
    """From the top of a page just arrived: the first Tab reaches the skip link, Enter on it puts
    the focus on the ``main`` landmark, so the next Tab goes to the page's own first control."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect_focus_visible(skip)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


#: The pages of a tab checked by axe-core, each as its path and main heading: ``arrive`` checks a
#: page the first time it arrives at it. The same page seen again (the task list after each
#: section, the agreement after each party signs, a person's home page when they sign in again)
#: differs in a status or a sentence; a page whose state matters (a form with its errors, a form
#: added) is checked again with ``again`` or by calling ``axe_check`` itself.
_checked: WeakKeyDictionary[Page, set[tuple[str, str]]] = WeakKeyDictionary()


def arrive(
    page: Page, heading: str | re.Pattern[str], *, again: bool = False, skip: bool = True
) -> None:
    """The next page has loaded (its main heading shows) and passes axe-core; then, with
    ``skip``, the skip link takes the focus to the main content (unless the page has put it
    somewhere or its address names a part of it). ``again``: check a page seen before, now in
    another state (a form added, a record changed). A page must have arrived before the next
    key is pressed: a Tab pressed on the page being left is lost."""
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text(heading)
    seen = _checked.setdefault(page, set())
    key = (urlsplit(page.url).path, title.inner_text())
    if again or key not in seen:
        axe_check(page)
        seen.add(key)
    else:
        page.wait_for_load_state("load")
    # A page that put the focus somewhere itself (a field with autofocus, an error summary), or
    # an address with a fragment (the next Tab goes on from the part it names), starts there.
    if (
        skip
        and not urlsplit(page.url).fragment
        and page.evaluate("() => document.activeElement === document.body")
    ):
        skip_to_main(page)


def sign_in(page: Page, email: str, heading: str | re.Pattern[str]) -> None:
    """Open the sign-in page and sign in by keyboard: the e-mail address, the password, Enter."""
    page.goto("/accounts/login/")
    arrive(page, "Sign in to Syslead")
    type_into(page, page.get_by_label("E-mail address"), email)
    type_into(page, page.get_by_label("Password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    arrive(page, heading)


def sign_out(page: Page) -> None:
    """The header's Sign out button: a few presses of Shift+Tab back from the main content, or of
    Tab from the top of a page whose focus has not moved."""
    at_top = page.evaluate("() => document.activeElement === document.body")
    tab_to(page, page.get_by_role("button", name="Sign out"), backwards=not at_top)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/accounts/login/"))
