"""Fifty people using Syslead at once (Syslead issue 16, item 7): run by ``benchmarks/load.py``,
which starts gunicorn on 127.0.0.1 over the national data and hands this file the signed-in
sessions it made (``SYSLEAD_LOAD_SESSIONS``: a JSON file of role → list of session cookies, and
the ids the journeys visit).

Each simulated person takes one role's journey, reading the pages that role reads most, with a
short think time; every so often they open the trivial signed-in page (``/about-the-data/``),
the yardstick printed beside each page's p95. Only GETs: the load is on reading lists and
reports, which is what grows with ten years of data.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

with open(os.environ["SYSLEAD_LOAD_SESSIONS"], encoding="utf-8") as handle:
    SETUP: dict[str, Any] = json.load(handle)

TRIVIAL = "/about-the-data/"


class Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    role = ""

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", random.choice(SETUP["sessions"][self.role]))

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} for {url}")

    @task(1)
    def trivial(self) -> None:
        self.page(TRIVIAL, "trivial signed-in page")


class Coordinator(Person):
    weight = 3
    role = "coordinator"

    @task(3)
    def requests(self) -> None:
        self.page("/requests/", "requests")

    @task(3)
    def agreements(self) -> None:
        self.page("/deployments/", "agreements")

    @task(2)
    def directory(self) -> None:
        self.page("/leaders/", "directory")

    @task(2)
    def visits(self) -> None:
        self.page(f"/deployments/{random.choice(SETUP['agreements'])}/delivery/", "notes of visit")

    @task(1)
    def invoices(self) -> None:
        self.page(f"/deployments/{random.choice(SETUP['agreements'])}/invoices/", "invoices")

    @task(1)
    def kpis(self) -> None:
        self.page(f"/reports/kpis/?organisation={SETUP['broker']}", "KPIs")

    @task(1)
    def unmet(self) -> None:
        self.page(f"/requests/unmet-demand/?organisation={SETUP['broker']}", "unmet demand")

    @task(1)
    def impact(self) -> None:
        self.page(f"/reports/impact/?organisation={SETUP['broker']}", "impact")

    @task(1)
    def request(self) -> None:
        if SETUP["open_requests"]:  # the broker's own open requests: the page with its shortlist
            chosen = random.choice(SETUP["open_requests"])
            self.page(f"/requests/{chosen}/", "request with shortlist")


class Administrator(Person):
    weight = 1
    role = "administrator"

    @task(2)
    def agreements(self) -> None:
        self.page("/deployments/", "agreements")

    @task(2)
    def requests(self) -> None:
        self.page("/requests/", "requests")

    @task(1)
    def directory(self) -> None:
        self.page("/leaders/", "directory")

    @task(1)
    def impact(self) -> None:
        self.page("/reports/impact/", "impact")


class Leader(Person):
    weight = 1
    role = "leader"

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(2)
    def agreements(self) -> None:
        self.page("/deployments/", "agreements")
