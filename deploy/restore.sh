#!/bin/sh
# Restores a dump made by backup.sh into a NEW database, and refuses one that exists: the
# database in use stays as it is until you switch over (README: "Restore").
#   restore.sh DUMP_FILE NEW_DATABASE
# The connection comes from libpq's variables: PGHOST, PGPORT, PGUSER, PGPASSWORD.
set -eu

dump="${1:?usage: restore.sh DUMP_FILE NEW_DATABASE}"
target="${2:?usage: restore.sh DUMP_FILE NEW_DATABASE}"

[ -f "$dump" ] || { echo "restore: no such dump: $dump" >&2; exit 1; }
createdb --maintenance-db=postgres "$target"
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
    --dbname="$target" "$dump"
echo "restore: $dump is now database $target"
