#!/usr/bin/env bash
# Production smoke test: Syslead as it runs in production, on PostgreSQL with DEBUG=false.
#   migrate + collectstatic (into a temporary folder), a task worker, the scheduler, and two
#   gunicorn instances (A: 2 processes x 2 threads, B: 1 process) on two loopback ports; then:
#   /health/live and /health/ready answer ok (the worker's heartbeat arrived), the sign-in page
#   and a hashed, compressed static file are served, a JSON log line is written per request,
#   and a session made by signing in on A works on B (nothing is local to one process).
# Bounded in time (SMOKE_TIMEOUT seconds for each wait) and always cleans up: processes stopped,
# the database dropped, the temporary folder removed. PG_URL: the server (trust authentication).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=$(command -v python3)
GUNICORN=$(dirname "$PY")/gunicorn
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-40}
DB="syslead_smoke_$$_$(date +%s)"
WORK=$(mktemp -d)
PIDS=()

say() { echo "smoke: $*"; }
fail() { echo "smoke: FAILED: $*" >&2; for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }; done; exit 1; }

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  wait 2>/dev/null
  psql "$PG_URL/postgres" -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for URL STATUS: poll until the URL answers STATUS, at most SMOKE_TIMEOUT seconds.
wait_for() {
  local deadline=$(( $(date +%s) + SMOKE_TIMEOUT )) code
  while [ "$(date +%s)" -lt "$deadline" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)
    [ "$code" = "$2" ] && return 0
    sleep 0.3
  done
  fail "$1 did not answer $2 within ${SMOKE_TIMEOUT}s (last: ${code:-none})"
}

export DATABASE_URL="$PG_URL/$DB" DEBUG=false ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$WORK/static"
export SECRET_KEY="smoke-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# Plain HTTP on the loopback address: no TLS here, so the cookies may not require it.
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false LOG_LEVEL=WARNING
export GUNICORN_GRACEFUL_TIMEOUT=5 SYSLEAD_HEARTBEAT_EVERY_SECONDS=5
unset REDIS_URL SENTRY_DSN

psql "$PG_URL/postgres" -qAtc "CREATE DATABASE \"$DB\"" >/dev/null
# collectstatic needs no database: it runs while the migrations do.
"$PY" manage.py collectstatic --noinput -v0 >"$WORK/collectstatic.log" 2>&1 &
COLLECT=$!
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py db_worker --no-startup-delay --interval 0.5 --no-reload >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
"$PY" manage.py run_scheduler --interval 1 >"$WORK/scheduler.log" 2>&1 &
PIDS+=($!)
EMAIL="smoke@syslead.test"
PASSWORD="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SMOKE_EMAIL=$EMAIL SMOKE_PASSWORD=$PASSWORD "$PY" manage.py shell -v0 -c "
import os
from syslead.accounts.models import User
User.objects.create_user(email=os.environ['SMOKE_EMAIL'], password=os.environ['SMOKE_PASSWORD'], name='Smoke Tester')
"
wait "$COLLECT" || fail "collectstatic failed"
[ -f "$STATIC_ROOT/staticfiles.json" ] || fail "collectstatic wrote no manifest"
say "database $DB migrated, static files collected ($(( $(date +%s) - started ))s)"

PORT_A=$(free_port)
PORT_B=$(free_port)
WEB_CONCURRENCY=2 GUNICORN_THREADS=2 GUNICORN_BIND="127.0.0.1:$PORT_A" \
  "$GUNICORN" -c gunicorn.conf.py >"$WORK/web-a.log" 2>&1 &
PIDS+=($!)
WEB_CONCURRENCY=1 GUNICORN_BIND="127.0.0.1:$PORT_B" \
  "$GUNICORN" -c gunicorn.conf.py >"$WORK/web-b.log" 2>&1 &
PIDS+=($!)
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"

wait_for "$A/health/live" 200
wait_for "$B/health/live" 200
wait_for "$A/health/ready" 200
[ "$(curl -fsS "$A/health/ready")" = '{"status": "ok"}' ] || fail "/health/ready body"
say "both gunicorn instances live, ready once the worker's heartbeat came ($(( $(date +%s) - started ))s)"

# The sign-in page, its request id, and a static file it links to (hashed name, compressed).
JAR="$WORK/cookies"
curl -fsS -c "$JAR" -D "$WORK/login.headers" -o "$WORK/login.html" \
  -H 'X-Request-ID: smoke-login-1' "$A/accounts/login/" || fail "sign-in page"
grep -q 'csrfmiddlewaretoken' "$WORK/login.html" || fail "sign-in page has no form"
grep -qi '^x-request-id: smoke-login-1' "$WORK/login.headers" || fail "request id not echoed"
CSS=$(grep -o '/static/[^"]*\.css' "$WORK/login.html" | head -n 1)
[ -n "$CSS" ] || fail "no stylesheet on the sign-in page"
[[ "$CSS" =~ \.[0-9a-f]{12}\.css$ ]] || fail "stylesheet $CSS is not a hashed (manifest) name"
curl -fsS -o /dev/null -D "$WORK/css.headers" -H 'Accept-Encoding: gzip' "$A$CSS" \
  || fail "static file $CSS"
grep -qi '^content-encoding: gzip' "$WORK/css.headers" || fail "static file not served compressed"
grep -qi '^cache-control:.*max-age=[1-9]' "$WORK/css.headers" || fail "static file not cacheable"
say "sign-in page and $CSS served"

# Sign in on A; the session cookie then works on B (sessions live in the database).
TOKEN=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$WORK/login.html" | head -n 1 | sed 's/.*value="//; s/"$//')
CODE=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' "$A/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=$EMAIL" \
  --data-urlencode "password=$PASSWORD")
[ "$CODE" = 302 ] || fail "signing in on A answered $CODE, not 302"
grep -q 'sessionid' "$JAR" || fail "no session cookie after signing in"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$B/")
[ "$CODE" = 302 ] || fail "B's home page without a session answered $CODE, not 302 (sign in)"
curl -fsS -b "$JAR" -o "$WORK/home-b.html" "$B/" || fail "home page on B with A's session"
grep -q 'Smoke Tester' "$WORK/home-b.html" || fail "B did not recognise the session made on A"
say "a session made on A ($PORT_A) is signed in on B ($PORT_B)"

# One JSON line per request on standard error, with the request id and no e-mail address.
grep -q '"request_id": "smoke-login-1"' "$WORK/web-a.log" || fail "no JSON request line on A"
if grep -q "$EMAIL" "$WORK"/web-*.log; then fail "an e-mail address reached the logs"; fi
"$PY" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
requests = [l for l in lines if l.get("logger") == "syslead.request"]
assert requests, "no request lines"
for l in requests:
    assert {"request_id", "method", "path", "status", "duration_ms"} <= set(l), l
' "$WORK/web-a.log" || fail "request log lines are not JSON with the expected fields"
say "passed in $(( $(date +%s) - started ))s"
