"""The files a deployment uses: the compose file parses and runs the four services from one
image; gunicorn takes its processes and threads from the environment; the image runs as a
non-root user with WeasyPrint's libraries."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_postgresql_web_worker_and_scheduler(compose: dict) -> None:
    services = compose["services"]
    assert {"db", "web", "worker", "scheduler"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["web"]["command"][:2] == ["gunicorn", "-c"]
    assert "db_worker" in services["worker"]["command"]
    assert "run_scheduler" in services["scheduler"]["command"]


def test_compose_runs_every_app_service_from_one_image_on_postgresql(compose: dict) -> None:
    services = compose["services"]
    for name in ("web", "worker", "scheduler", "migrate"):
        service = services[name]
        assert service["image"] == "syslead:latest"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["DEBUG"] == "false"
        assert service["depends_on"]["migrate" if name != "migrate" else "db"]["condition"]
    assert "migrate" in services["migrate"]["command"]


def test_gunicorn_takes_processes_and_threads_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 3
    assert config["threads"] == 4
    assert config["worker_class"] == "gthread"
    assert config["bind"] == "0.0.0.0:9000"
    assert config["wsgi_app"] == "syslead.wsgi:application"
    assert config["accesslog"] is None  # Syslead writes its own JSON line per request


def test_gunicorn_defaults_to_sync_workers_on_the_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "sync"
    assert config["bind"] == "127.0.0.1:8000"
    assert 1 <= config["workers"] <= 8


def test_the_image_is_python_311_slim_with_weasyprint_libraries_and_no_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") or "FROM python:3.11-slim" in dockerfile
    assert "FROM python:3.11-slim" in dockerfile
    for library in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b"):
        assert library in dockerfile
    assert "collectstatic" in dockerfile
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines
    assert user_lines[-1] != "USER root"
