#!/bin/sh
# Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d).
# One database and one login per municipality's referrals store, plus placements and monitoring:
# a service cannot read another's event store or PII vault even though they share a PostgreSQL
# server. docker-compose.yml mounts one secret file /run/secrets/postgres_password_<name> per
# database (<name>: placements, monitoring, referrals_<municipality>); each becomes a login and a
# database of that name owned by it. Passwords are read from those files, never written here.
# A municipality added later, on a volume already initialised: run the same three statements by hand.
set -eu

create() {  # create <role/database name> <password>
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$1" -v pw="$2" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'pw';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

for file in /run/secrets/postgres_password_*; do
  [ -f "$file" ] || continue
  name=${file#/run/secrets/postgres_password_}
  case "$name" in
    *[!a-z0-9_]*) echo "init-databases: skipping $file (names are [a-z0-9_])" >&2; continue ;;
  esac
  create "$name" "$(cat "$file")"
done
