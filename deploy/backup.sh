#!/bin/sh
# A dump of the database into $BACKUP_DIR, named by the time it was taken (PostgreSQL's custom
# format: compressed, restored with restore.sh), and dumps older than $BACKUP_KEEP_DAYS days
# removed. With --every HOURS it does so at start and then every HOURS hours (the compose file's
# backup service). The connection comes from libpq's variables: PGHOST, PGPORT, PGUSER,
# PGPASSWORD, PGDATABASE.
set -eu

dir="${BACKUP_DIR:-/backups}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
database="${PGDATABASE:?set PGDATABASE to the database to back up}"

dump_once() {
    mkdir -p "$dir"
    target="$dir/$database-$(date -u +%Y-%m-%dT%H%M%SZ).dump"
    # Written under another name first, so a dump cut short never passes for a whole one.
    pg_dump --format=custom --no-owner --no-privileges --file="$target.partial"
    mv "$target.partial" "$target"
    echo "backup: $target ($(du -h "$target" | cut -f1))"
    find "$dir" -name "$database-*.dump" -mtime +"$keep_days" -print -exec rm -f {} \;
}

if [ "${1:-}" = "--every" ]; then
    hours="${2:?usage: backup.sh [--every HOURS]}"
    while true; do
        dump_once || echo "backup: FAILED, trying again in $hours hours" >&2
        sleep $((hours * 3600))
    done
else
    dump_once
fi
