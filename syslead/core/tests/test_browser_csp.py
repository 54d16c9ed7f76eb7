"""In Chromium, under the real Content-Security-Policy: key pages (sign-in, a home page, the schools
and leaders searches, an organisation's public page, the API documentation) load and work with no
CSP violation reported, so no page relies on inline script or injected styles."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from conftest import browser_sign_in, browser_signed_in
from syslead.accounts.models import User
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser

# Records every violation the page reports, before any page script runs (an init script is added
# by the browser's DevTools, so the policy does not apply to it).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class CspWatch:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        reported: list[str] = self.page.evaluate("window.__cspViolations || []")
        return [*reported, *self.console]

    def assert_none(self) -> None:
        found = self.violations()
        assert not found, f"CSP violations on {self.page.url}:\n" + "\n".join(found)


@pytest.fixture
def watched(page: Page) -> CspWatch:
    page.add_init_script(RECORD_VIOLATIONS)
    return CspWatch(page)


def test_the_watch_reports_an_inline_script_so_a_clean_page_means_something(
    watched: CspWatch, db: None
) -> None:
    page = watched.page
    page.goto("/accounts/login/")
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'), "
        "{textContent: 'window.__ran = true'}))"
    )
    page.wait_for_function("window.__cspViolations.length > 0")

    assert any("script-src" in v for v in watched.violations())
    assert page.evaluate("window.__ran === undefined")


def test_sign_in_and_signed_in_pages_report_no_csp_violation(
    watched: CspWatch,
    coordinator: User,
    alliance: Organisation,
    home_school: School,
) -> None:
    page = watched.page
    page.goto("/accounts/login/")
    watched.assert_none()
    page.get_by_role("button", name="Sign in").click()  # the error summary takes focus by script
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    watched.assert_none()

    browser_sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    watched.assert_none()
    for path in ("/schools/?q=school", "/leaders/", f"/organisations/{alliance.slug}/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        watched.assert_none()


def test_the_api_documentation_renders_under_the_policy(watched: CspWatch, db: Any) -> None:
    page = watched.page
    page.goto("/api/v1/docs")
    # Swagger UI is built by script from the OpenAPI document: seeing operations proves it ran.
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    watched.assert_none()


def test_the_admin_reports_no_csp_violation(
    watched: CspWatch, administrator: User, alliance: Organisation
) -> None:
    page = watched.page
    browser_signed_in(page, administrator.email)
    for path in (
        "/admin/",
        "/admin/organisations/organisation/",
        f"/admin/organisations/organisation/{alliance.pk}/change/",
    ):
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
        watched.assert_none()
