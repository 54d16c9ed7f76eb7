#!/usr/bin/env bash
# Backup and restore, proven: migrate a fresh PostgreSQL database, load the demonstration data
# (schools, people, casework: rows in most tables), back it up with `pg_dump -Fc`, restore it with
# `pg_restore` into a second new database, and compare every table's row count and a checksum of
# its rows (and every sequence's position). Any difference fails the run. Both databases and the
# dump are removed however it ends. PG_URL: the server (trust authentication).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=$(command -v python3)
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
RUN="$$_$(date +%s)"
SOURCE="syslead_backup_src_$RUN"
TARGET="syslead_backup_dst_$RUN"
WORK=$(mktemp -d)

say() { echo "backup-check: $*"; }
q() { psql "$PG_URL/$1" -X -qAt -v ON_ERROR_STOP=1 -c "$2"; }

cleanup() {
  set +e
  q postgres "DROP DATABASE IF EXISTS \"$SOURCE\" WITH (FORCE)" >/dev/null 2>&1
  q postgres "DROP DATABASE IF EXISTS \"$TARGET\" WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings need a secret key (Syslead refuses to start without one when DEBUG is off).
export SECRET_KEY="${SECRET_KEY:-backup-check-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
q postgres "CREATE DATABASE \"$SOURCE\"" >/dev/null
DATABASE_URL="$PG_URL/$SOURCE" DEBUG=false "$PY" manage.py migrate --noinput -v0
DATABASE_URL="$PG_URL/$SOURCE" DEBUG=false "$PY" manage.py load_demo >/dev/null
say "migrated and loaded the demo data in $(( $(date +%s) - started ))s"

# The backup, as docs/operations.md says to take it, and the restore into a new database.
pg_dump --format=custom --no-owner --file="$WORK/syslead.dump" "$PG_URL/$SOURCE"
q postgres "CREATE DATABASE \"$TARGET\"" >/dev/null
pg_restore --no-owner --exit-on-error --jobs=2 --dbname="$PG_URL/$TARGET" "$WORK/syslead.dump"
say "backed up ($(du -h "$WORK/syslead.dump" | cut -f1)) and restored in $(( $(date +%s) - started ))s"

# The checks are one SQL script written from the original's catalogue, run on both databases.
q "$SOURCE" "
  SELECT format('SELECT %L, count(*), coalesce(md5(string_agg(md5(t::text), %L ORDER BY md5(t::text))), %L) FROM %I t;', tablename, '', '-', tablename)
  FROM pg_tables WHERE schemaname = 'public'
  UNION ALL
  SELECT format('SELECT %L, last_value, is_called FROM %I;', 'sequence ' || sequencename, sequencename)
  FROM pg_sequences WHERE schemaname = 'public'
  ORDER BY 1" >"$WORK/fingerprint.sql"
fingerprint() { psql "$PG_URL/$1" -X -qAt -v ON_ERROR_STOP=1 -f "$WORK/fingerprint.sql"; }
# BACKUP_CHECK_SELF_TEST=1 changes one restored row first: the check must then fail.
if [ "${BACKUP_CHECK_SELF_TEST:-}" = 1 ]; then
  q "$TARGET" "UPDATE schools_school SET name = name || ' (changed)' WHERE urn = (SELECT min(urn) FROM schools_school)" >/dev/null
fi
fingerprint "$SOURCE" >"$WORK/source.txt"
fingerprint "$TARGET" >"$WORK/target.txt"

tables=$(grep -vc '^sequence ' "$WORK/source.txt")
rows=$(grep -v '^sequence ' "$WORK/source.txt" | awk -F'|' '{ s += $2 } END { print s }')
nonempty=$(grep -v '^sequence ' "$WORK/source.txt" | awk -F'|' '$2 > 0' | wc -l)
sequences=$(grep -c '^sequence ' "$WORK/source.txt" || true)
if ! diff -u "$WORK/source.txt" "$WORK/target.txt"; then
  echo "backup-check: FAILED: the restored database differs from the original (diff above)" >&2
  exit 1
fi
[ "$rows" -gt 0 ] || { echo "backup-check: FAILED: no rows to compare" >&2; exit 1; }
say "$tables tables ($nonempty with rows, $rows rows) and $sequences sequences identical after restore"
say "passed in $(( $(date +%s) - started ))s"
