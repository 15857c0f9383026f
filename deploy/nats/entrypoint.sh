#!/bin/sh
# The nats container's entrypoint in docker-compose.yml. accounts.conf names each password as a
# config variable ($NATS_PASSWORD_*) that nats-server resolves from its environment; compose hands
# the passwords over as secret files /run/secrets/NATS_PASSWORD_*. Export each, then run the server
# (a missing one stops nats-server from starting, as it should).
set -eu
for file in /run/secrets/NATS_PASSWORD_*; do
  [ -f "$file" ] || continue
  export "$(basename "$file")=$(cat "$file")"
done
exec nats-server "$@"
