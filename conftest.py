"""Test personas shared by every app (coordinator, leader, client headteacher, home
headteacher, stranger), and an API client that speaks with a bearer token."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from syslead.accounts.models import ApiToken, Role, RoleAssignment, User
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import OfstedRating, Phase, School
from syslead.schools.postcodes import postcode_compact
from syslead.schools.search_text import name_search_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Playwright's sync API runs an event loop in the main thread; Django's ORM must still be usable
# from the test itself there (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"

# Hypothesis: no time limit per example (a busy machine is not a failing test), derandomised so a
# run is reproducible, and a bounded number of examples. HYPOTHESIS_PROFILE=dev explores more.
hypothesis_settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
hypothesis_settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _empty_cache(_fast_tests: None) -> None:
    """Every test starts with an empty cache: cached lists (the directory's local authorities, for
    one) would otherwise carry one test's data into the next."""
    from django.core.cache import cache

    cache.clear()


def ensure_builtin_vocabularies() -> None:
    """Put back what the leaders' data migration writes (built-in specialisms and designation
    types) when a transactional test elsewhere in the run has flushed the tables."""
    from syslead.leaders.constants import BUILTIN_DESIGNATION_TYPES, BUILTIN_SPECIALISMS
    from syslead.leaders.models import DesignationType, Specialism

    if Specialism.objects.filter(organisation=None).count() < len(BUILTIN_SPECIALISMS):
        for code, label in BUILTIN_SPECIALISMS.items():
            Specialism.objects.update_or_create(
                code=code, organisation=None, defaults={"label": label}
            )
    if DesignationType.objects.filter(organisation=None).count() < len(BUILTIN_DESIGNATION_TYPES):
        for code, spec in BUILTIN_DESIGNATION_TYPES.items():
            DesignationType.objects.update_or_create(
                code=code, organisation=None, defaults=dict(spec)
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database is made from the models (``--no-migrations`` in pyproject.toml): running
    the migrations one by one costs each test process many seconds. What their data steps write
    into an empty database is put here instead: the built-in vocabularies (the cache table is made
    by Django's test runner either way). ``make test`` checks the migrations match the models."""
    with django_db_blocker.unblock():
        ensure_builtin_vocabularies()


#: Settings every test runs with: a fast password hasher, tasks run at once, e-mail kept in
#: memory, plain file storage, a cache in memory (query-count budgets count no cache queries;
#: the shared database cache of production has its own tests). Module- and session-scoped
#: fixtures that write data apply them too (``override_settings(**TEST_SETTINGS)``), so what
#: they make is what a test would make.
TEST_SETTINGS: dict[str, Any] = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
}


@pytest.fixture(autouse=True)
def _fast_tests(settings: Any) -> None:
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _two_factor_not_required(settings: Any) -> None:
    """Tests sign people in with ``client.force_login`` (a password alone): the two-factor
    requirement is off unless a test asks for it with the ``two_factor_required`` fixture. A
    person who has set up an app is still asked for a code either way."""
    settings.SYSLEAD_MFA_REQUIRED = False


@pytest.fixture
def two_factor_required(settings: Any) -> None:
    """Two-factor sign-in required of the roles that need it, as in production."""
    settings.SYSLEAD_MFA_REQUIRED = True


def totp_code(key_hex: str, *, step_offset: int = 0) -> str:
    """The 6-digit code an authenticator app shows now for this secret (``step_offset`` 30-second
    steps ahead), as django-otp computes it."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * step_offset
    return f"{totp.token():06d}"


def make_school(urn: int, name: str, **extra: Any) -> School:
    defaults: dict[str, Any] = {
        "name": name,
        "phase": Phase.PRIMARY,
        "local_authority": "Lincolnshire",
        "town": "Lincoln",
        "postcode": "LN1 1AA",
        "postcode_compact": "LN11AA",
        "latitude": 53.234,
        "longitude": -0.54,
        "ofsted_rating": OfstedRating.GOOD,
    }
    defaults.update(extra)
    defaults["name_search"] = name_search_for(defaults["name"], defaults["town"])
    if "postcode_compact" not in extra:
        defaults["postcode_compact"] = postcode_compact(defaults["postcode"])
    return School.objects.create(urn=urn, **defaults)


def make_user(email: str, name: str, *roles: tuple[str, Any]) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, name=name)
    for role, where in roles:
        RoleAssignment.objects.create(
            user=user,
            role=role,
            organisation=where if isinstance(where, Organisation) else None,
            school=where if isinstance(where, School) else None,
        )
    return user


@pytest.fixture
def client_school(db: None) -> School:
    """The supported school: a Lincoln primary."""
    return make_school(
        120001, "Ermine Primary Academy", postcode="LN2 2HG", latitude=53.2467, longitude=-0.5284
    )


@pytest.fixture
def home_school(db: None) -> School:
    """The leader's home school, a few kilometres away."""
    return make_school(
        120002,
        "Mount Street Academy",
        postcode="LN1 3JG",
        latitude=53.2412,
        longitude=-0.5466,
        ofsted_rating=OfstedRating.OUTSTANDING,
    )


@pytest.fixture
def far_school(db: None) -> School:
    return make_school(
        109001,
        "Bristol Road Primary",
        local_authority="South Gloucestershire",
        town="Bristol",
        postcode="BS16 1AA",
        latitude=51.4816,
        longitude=-2.5122,
    )


@pytest.fixture
def alliance(db: None) -> Organisation:
    return Organisation.objects.create(
        name="KYRA Teaching School Alliance",
        kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE,
        slug="kyra",
    )


@pytest.fixture
def other_org(db: None) -> Organisation:
    return Organisation.objects.create(
        name="South Gloucestershire Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="south-glos",
        local_authority_name="South Gloucestershire",
    )


@pytest.fixture
def administrator(db: None) -> User:
    return User.objects.create_superuser(email="admin@syslead.test", password=PASSWORD)


@pytest.fixture
def coordinator(alliance: Organisation) -> User:
    """Alice coordinates the alliance's system leaders."""
    return make_user("alice@kyra.test", "Alice Coordinator", (Role.COORDINATOR, alliance))


@pytest.fixture
def broker_lead(alliance: Organisation) -> User:
    return make_user("bea@kyra.test", "Bea Broker-Lead", (Role.BROKER_LEAD, alliance))


@pytest.fixture
def sip(alliance: Organisation) -> User:
    return make_user("sid@kyra.test", "Sid Partner", (Role.SIP, alliance))


@pytest.fixture
def leader_user(home_school: School) -> User:
    """Lee is a system leader at the home school (the leader profile comes from leaders' tests)."""
    return make_user("lee@mountstreet.test", "Lee Leader", (Role.SYSTEM_LEADER, None))


@pytest.fixture
def client_head(client_school: School) -> User:
    return make_user("cara@ermine.test", "Cara Client-Head", (Role.HEADTEACHER, client_school))


@pytest.fixture
def home_head(home_school: School) -> User:
    return make_user("hal@mountstreet.test", "Hal Home-Head", (Role.HEADTEACHER, home_school))


@pytest.fixture
def other_coordinator(other_org: Organisation) -> User:
    """Olly coordinates another organisation: a stranger to the alliance's records."""
    return make_user("olly@southglos.test", "Olly Other", (Role.COORDINATOR, other_org))


@pytest.fixture
def stranger(db: None) -> User:
    """Charlie has an account and no role anywhere: refused everywhere."""
    return make_user("charlie@nowhere.test", "Charlie Stranger")


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


class ApiClient:
    """Calls /api/v1/ as a user with a bearer token, JSON in and out."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, raw = ApiToken.issue(user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def _call(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"headers": self.headers}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path: str) -> Any:
        return self._call("get", path)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self._call("post", path, body, raw)

    def put(self, path: str, body: Any = None) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str) -> Any:
        return self._call("delete", path)


@pytest.fixture
def api(db: None) -> Callable[[User | None], ApiClient]:
    return ApiClient


# --- Spreading the tests over processes (``pytest -n 2 --dist loadfile``) -----------------------

#: Packages whose test files share a package-scoped fixture: all their files go to one process,
#: so the fixture is made once a run (the whole demo takes seconds to build).
ONE_PROCESS_PACKAGES = ("syslead/demo/tests/built/",)


#: The longest test files (a minute or more each for the first three, half a minute the others),
#: longest first: started before any other.
LONGEST_FIRST = (
    "syslead/demo/tests/test_browser_reflow.py",
    "syslead/core/tests/test_browser_keyboard_journey.py",
    "syslead/core/tests/test_access_matrix.py",
    "syslead/core/tests/test_bad_query_strings.py",
    "syslead/brokering/tests/test_browser_journey.py",
    "syslead/leaders/tests/test_browser_directory.py",
    "syslead/visits/tests/test_browser_delivery.py",
)


def _longest_first_rank(path: str) -> int:
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first, then the other browser tests, then the rest, each file's tests
    in their order: a long file started last keeps one process busy after the other has
    finished, and the many short files fill both processes up to the end.
    (``pytest_xdist_make_scheduler`` keeps this order.)"""
    items.sort(
        key=lambda item: (
            _longest_first_rank(item.nodeid.split("::")[0]),
            item.get_closest_marker("browser") is None,
        )
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, a test file a unit of work, but a package of ``ONE_PROCESS_PACKAGES``
    one unit; the files handed out in the order collected (``pytest_collection_modifyitems``),
    not xdist's own (most tests first, which would leave the long one-test browser files to the
    end)."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for package in ONE_PROCESS_PACKAGES:
                if nodeid.startswith(package):
                    return package
            return super()._split_scope(nodeid)

    return Scheduling(config, log)


# --- Browser tests: Playwright (sync API) on Debian's Chromium, axe-core on every page ----------

CHROMIUM = "/usr/bin/chromium"
#: How long a browser test waits for a page or an element (Playwright's default for actions).
BROWSER_WAIT_MS = 30_000
#: Features Playwright turns off itself (its ``chromiumSwitches``, version 1.5x). Chromium reads
#: only the last ``--disable-features`` it is given, and ours comes after Playwright's: its list
#: is repeated here so that adding to it takes nothing away.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,"
    "ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,"
    "OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A page load takes a quarter less time, and Chromium's processes a sixth less processor
    # time (docs/testing.md, "Chromium's switches"): a new page reuses the frame of the one it
    # replaces (RenderDocument makes a new one for every page).
    f"--disable-features={PLAYWRIGHT_DISABLED_FEATURES},RenderDocument",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole run (never Playwright's own download: `make browsers`)."""
    from playwright.sync_api import expect, sync_playwright

    # A busy machine is not a failing test: actions keep Playwright's 30-second default, and
    # assertions wait as long (their own default is 5 seconds). A passing test waits no longer.
    expect.set_options(timeout=BROWSER_WAIT_MS)
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browsers` (apt-get install chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _empties_the_database(item: pytest.Item) -> bool:
    """Transactional tests (browser tests, races) flush every table when they end."""
    names = set(getattr(item, "fixturenames", ()))
    if names & {"page", "live_server", "transactional_db"}:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test (browser tests: the live server needs ``transactional_db``) empties
    the database when it ends. Afterwards, put back what the migrations wrote (built-in
    vocabularies, content types) so that tests run after it in the same process still find it."""
    yield
    # With no next test the test databases are already gone: nothing to put back, nowhere safe.
    if nextitem is None or not _empties_the_database(item):
        return
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    # A test without serialized rollback ran the post-migrate handlers after its flush, which
    # made content types and permissions anew under other ids: empty the tables again first, or
    # restoring the migrations' rows (matched by id) would collide with them.
    marker = item.get_closest_marker("django_db")
    serialized = "django_db_serialized_rollback" in getattr(item, "fixturenames", ()) or bool(
        marker and marker.kwargs.get("serialized_rollback")
    )
    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            # With the database made from the models (``--no-migrations``) nothing is serialized
            # ("[]"): there are no migration rows to put back by id.
            if contents and contents != "[]":
                if not serialized:
                    call_command(
                        "flush",
                        database=connection.alias,
                        interactive=False,
                        verbosity=0,
                        inhibit_post_migrate=True,
                        # As Django's own teardown flush: PostgreSQL's sequences go on from where
                        # they were, so rows restored with their ids never meet new ones.
                        reset_sequences=False,
                    )
                connection.creation.deserialize_db_from_string(contents)
            # A serialized-rollback flush skips the post-migrate handlers, leaving no content types
            # or permissions: make them as ``migrate`` does, committed, so that no test makes them
            # inside its own rolled-back transaction (their ids would stay cached, then vanish).
            if not ContentType.objects.using(connection.alias).exists():
                emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        # Content types cached while the flushed ones existed carry ids that may be gone now.
        ContentType.objects.clear_cache()
        ensure_builtin_vocabularies()


@pytest.fixture(scope="session")
def browser_context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    """One browser context (Chromium's profile: cookies, cache, storage) for the tests of this
    process. A new one for each test cost a quarter of a second of Chromium's time, twice that
    on a busy machine (docs/testing.md); ``page`` clears what one test leaves for the next."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def page(
    browser_context: BrowserContext,
    transactional_db: None,
    django_db_serialized_rollback: None,
) -> Iterator[Page]:
    """A fresh browser tab on the live server, signed in as nobody, the migrations' data in
    place: ``page.goto("/")`` opens the home page. Its context is shared with the other tests of
    this process: the cookies and permissions an earlier test left are cleared, and what a test
    adds to its tab (routes, listeners, scripts run on each page) ends with the tab. Syslead keeps
    nothing in the browser's storage, and its pages are never cached (``Cache-Control:
    no-store``), so nothing else passes from one test to the next. A test that needs a context of
    its own (another viewport from the start, scripts for every tab) makes it from ``browser``."""
    ensure_builtin_vocabularies()
    browser_context.clear_cookies()
    browser_context.clear_permissions()
    tab = browser_context.new_page()
    yield tab
    tab.close()


def axe_violations_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    at {', '.join(map(str, node.get('target', [])))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def _has_main(page: Page, timeout_ms: int = BROWSER_WAIT_MS // 2) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.locator("main").first.wait_for(state="attached", timeout=timeout_ms)
    except PlaywrightTimeoutError:
        return False
    return True


#: The page's markup as axe-core reads it, reduced to a 53-bit hash (cyrb53): every element with
#: its attributes, and for text only whether there is any. Per-request values are left out (the
#: CSP nonce, the CSRF token in forms and in the body's htmx headers: masked afresh for every
#: response, it made every page a new markup) and digits in addresses and values are made 0, so
#: two pages that differ only in their records' ids and words hash alike. The viewport's width is
#: part of it (target sizes and reflow depend on the layout).
_MARKUP_HASH_JS = r"""() => {
  const walk = (node) => {
    if (node.nodeType === 3) return node.textContent.trim() ? "T" : "";
    if (node.nodeType !== 1) return "";
    const attrs = Array.from(node.attributes)
      .filter(a => a.name !== "nonce"
        && !(a.name === "value" && node.name === "csrfmiddlewaretoken"))
      .map(a => a.name + "=" + (/^(href|action|src|value)$/.test(a.name)
        ? a.value.replace(/[0-9]+/g, "0")
        : a.name === "hx-headers" ? a.value.replace(/"X-CSRFToken":\s*"[^"]*"/, "") : a.value))
      .sort().join(" ");
    let inner = "";
    for (const child of node.childNodes) inner += walk(child);
    return "<" + node.tagName + " " + attrs + ">" + inner + "</>";
  };
  const text = window.innerWidth + walk(document.documentElement);
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return String(4294967296 * (2097151 & h2) + (h1 >>> 0));
}"""

#: The markups axe-core has passed in this run (see ``axe_check``): in this test process, and
#: with ``pytest -n`` in a directory the processes share (an empty file a markup), so that a page
#: one process has passed is not checked again by the other.
_AXE_PASSED: set[str] = set()
_AXE_SHARED: dict[str, str] = {}
_AXE_SHARED_KEY = pytest.StashKey[str]()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """(xdist, in the controlling process) Give each test process the shared directory of the
    markups axe-core has passed, made for this run and removed at its end."""
    config = node.config
    if _AXE_SHARED_KEY not in config.stash:
        config.stash[_AXE_SHARED_KEY] = tempfile.mkdtemp(prefix="syslead-axe-passed-")
    node.workerinput["syslead_axe_passed"] = config.stash[_AXE_SHARED_KEY]


def _console_log_not_written() -> None:
    """The JSON lines production writes to standard error (``LOGGING``'s "console" handler) are
    not written in tests: pytest keeps every record itself (a failing test shows them under
    "Captured log"), and formatting each request's line, a refusal's traceback included, a second
    time cost a twentieth of the access matrix's time. The JSON formatter has its own tests
    (``syslead/operations/tests/test_request_log.py``)."""
    import logging

    for handler in logging.getLogger().handlers:
        if handler.get_name() == "console":
            handler.setLevel(logging.CRITICAL + 1)


def pytest_configure(config: pytest.Config) -> None:
    _console_log_not_written()
    workerinput = getattr(config, "workerinput", None)
    if workerinput and workerinput.get("syslead_axe_passed"):
        _AXE_SHARED["dir"] = workerinput["syslead_axe_passed"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _AXE_SHARED_KEY in config.stash:
        shutil.rmtree(config.stash[_AXE_SHARED_KEY], ignore_errors=True)


def _axe_passed_before(markup: str) -> bool:
    if markup in _AXE_PASSED:
        return True
    shared = _AXE_SHARED.get("dir")
    if shared and os.path.exists(os.path.join(shared, markup)):
        _AXE_PASSED.add(markup)
        return True
    return False


def _axe_passed(markup: str) -> None:
    _AXE_PASSED.add(markup)
    shared = _AXE_SHARED.get("dir")
    if shared:
        with open(os.path.join(shared, markup), "w"):
            pass


def axe_check(page: Page) -> None:
    """Run axe-core on the page once it has loaded, and fail the test on any violation.

    Every Syslead page has a ``main`` landmark. A page that shows none has not finished
    arriving (CI once saw Chromium fire ``load`` on a response cut short after the header),
    so the check waits for it, and if it never comes, fetches the same address again once.
    A page that truly lacks ``main`` still fails: axe reports it on the second fetch.

    axe-core is the costliest step of a browser test (it takes as long as a page load or
    longer). A page whose markup is the same as one it passed earlier in the run — the same
    elements, attributes and places with text; only ids in addresses and the words differ
    (``_MARKUP_HASH_JS``) — would give the same answer, so it is not run again, in this test
    process or the other (``_AXE_SHARED``)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    if not _has_main(page):
        page.goto(page.url)
        _has_main(page)
    markup = str(page.evaluate(_MARKUP_HASH_JS))
    if _axe_passed_before(markup):
        return
    results = Axe().run(page)
    violations = results.response["violations"]
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} accessibility problem(s) on {page.url}:\n"
            + axe_violations_report(violations),
            pytrace=False,
        )
    _axe_passed(markup)


def browser_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in as a person would: type the e-mail address and password, press the button.
    For tests of signing in itself (the form, two-factor, session limits, where signing in
    leads); other tests use ``browser_signed_in``."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


#: The live server's address (``live_server`` below notes it), for ``browser_signed_in``'s cookie.
_LIVE_SERVER_URL: list[str] = []


@pytest.fixture(scope="session")
def live_server(live_server: Any) -> Any:
    """pytest-django's live server, its address noted for ``browser_signed_in``."""
    _LIVE_SERVER_URL[:] = [str(live_server.url)]
    return live_server


def browser_signed_in(page: Page, email: str, *, home: bool = True) -> None:
    """Sign in without the form, then open the home page (where signing in leads); with
    ``home=False`` the tab stays where it was, for a test that goes elsewhere at once.

    The session is made on the server as signing in makes it: Django's ``login`` sends the
    signal the sign-in form's does, so the session gets the same clock (signed in, last seen),
    the same ``UserSession`` row (this browser's user agent, the live server's address) and the
    same two-factor standing (a person with an app is still asked for a code). Its cookie is then
    given to the browser. This saves the sign-in page, the POST and the redirect;
    ``test_browser_shell`` shows that both ways land on the same page."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    if not _LIVE_SERVER_URL:
        pytest.fail("browser_signed_in needs the live_server fixture (the page fixture has it).")
    request = HttpRequest()
    request.META["HTTP_USER_AGENT"] = str(page.evaluate("() => navigator.userAgent"))
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    # The backend the sign-in form's password check ends with (axes' backend only refuses).
    user = User.objects.get_by_natural_key(email)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": str(request.session.session_key),
                "url": _LIVE_SERVER_URL[0],
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    if home:
        page.goto("/")


def only_on_postgresql(deciding: str) -> pytest.MarkDecorator:
    """Skip a race test on SQLite, saying why: ``deciding`` names what settles the race."""
    from django.db import connection

    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            f"Needs PostgreSQL: two threads must write at once through separate connections, "
            f"with {deciding} deciding. SQLite serialises every writer on one database file "
            "lock, so the race cannot happen there; run with DATABASE_URL=postgres://... to "
            "exercise it."
        ),
    )


def race(calls: list[Callable[[], Any]]) -> list[str]:
    """Run each call in its own thread (own connection), all released at once; the outcome of
    each as "ok", the rule that refused it, or any other error's type and message, sorted."""
    import threading

    from django.db import connections

    from syslead.core.exceptions import RuleViolation

    start = threading.Barrier(len(calls))
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=60)
            call()
            result = "ok"
        except RuleViolation as refused:
            result = refused.rule
        except Exception as error:  # any other error (a deadlock, say) is an outcome too
            result = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)
