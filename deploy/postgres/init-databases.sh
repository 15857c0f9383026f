#!/bin/sh
# Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d).
# One database and one login per service instance: a service cannot read another's
# event store or PII vault even though they share a PostgreSQL server.
# Passwords come from the environment (POSTGRES_PASSWORD_<NAME>), never from this file.
set -eu

create() {  # create <role/database name> <password>
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$1" -v pw="$2" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'pw';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create placements "$POSTGRES_PASSWORD_PLACEMENTS"
create monitoring "$POSTGRES_PASSWORD_MONITORING"
create referrals_bari "$POSTGRES_PASSWORD_REFERRALS_BARI"
create referrals_mola_di_bari "$POSTGRES_PASSWORD_REFERRALS_MOLA_DI_BARI"
