"""Gunicorn's settings for Syslead, all from the environment (`gunicorn -c gunicorn.conf.py`).

WEB_CONCURRENCY   worker processes (default: 2 per CPU core plus 1, at most 8)
GUNICORN_THREADS  threads per process (default 1; above 1 the threaded worker is used)
GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; a container uses 0.0.0.0:8000)
GUNICORN_TIMEOUT  seconds before a silent worker is restarted (default 60: PDFs take a while)
GUNICORN_MAX_REQUESTS  restart each worker after so many requests (default 1000, jittered)
FORWARDED_ALLOW_IPS    proxies trusted for X-Forwarded-* (default 127.0.0.1)

Access logs are off: Syslead writes its own JSON line per request (request id, user id, status,
duration). Gunicorn's own messages go to standard error."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "syslead.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Where the workers' heartbeat files go (the image sets a memory-backed folder).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
