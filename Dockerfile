# Syslead's image: the web application (gunicorn), the task worker and the scheduler all run
# from it, with different commands (see compose.yaml). Build: docker build -t syslead .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    GUNICORN_BIND=0.0.0.0:8000 \
    GUNICORN_WORKER_TMP_DIR=/dev/shm \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint (PDFs) needs Pango, HarfBuzz and fonts; pg_dump/pg_restore for backups; curl for the
# container's health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libffi8 libjpeg62-turbo libopenjp2-7 shared-mime-info fonts-dejavu-core \
        postgresql-client curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files collected at build time (hashed and compressed; WhiteNoise serves them). The key
# here is a throwaway used only to run collectstatic; the real one comes from the environment.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin syslead \
    && mkdir -p /app/var && chown syslead /app/var

USER syslead
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD curl -fsS http://127.0.0.1:8000/health/live || exit 1
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
