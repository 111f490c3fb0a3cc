#!/usr/bin/env bash
# Runs once, when PostgreSQL initialises an empty data directory (the official image sources every
# *.sh in /docker-entrypoint-initdb.d). Each service gets its own database owned by its own login
# role, so neither service can read the other's tables.
# The same script is used by docker-compose.yml and by the Kubernetes dev overlay
# (k8s/overlays/dev/postgres/init-databases.sh is a copy; a test in deployment/ keeps them identical).
#
# Inputs (environment of the postgres container):
#   USERS_DB_USER / USERS_DB_PASSWORD   role owning database "users" (user-service)
#   CHAT_DB_USER  / CHAT_DB_PASSWORD    role owning database "chat"  (chat-service)
set -euo pipefail

: "${USERS_DB_USER:?USERS_DB_USER is not set}"
: "${USERS_DB_PASSWORD:?USERS_DB_PASSWORD is not set}"
: "${CHAT_DB_USER:?CHAT_DB_USER is not set}"
: "${CHAT_DB_PASSWORD:?CHAT_DB_PASSWORD is not set}"

# psql variables (:"name" quotes an identifier, :'name' a literal), so that passwords with quotes
# or spaces cannot break or inject into the SQL.
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v users_user="$USERS_DB_USER" -v users_password="$USERS_DB_PASSWORD" \
    -v chat_user="$CHAT_DB_USER" -v chat_password="$CHAT_DB_PASSWORD" <<'SQL'
CREATE ROLE :"users_user" LOGIN PASSWORD :'users_password';
CREATE DATABASE users OWNER :"users_user";
REVOKE ALL ON DATABASE users FROM PUBLIC;

CREATE ROLE :"chat_user" LOGIN PASSWORD :'chat_password';
CREATE DATABASE chat OWNER :"chat_user";
REVOKE ALL ON DATABASE chat FROM PUBLIC;
SQL
# Since PostgreSQL 15 the public schema belongs to the database owner, so each role can run its
# Flyway migrations in its own database without further grants.
