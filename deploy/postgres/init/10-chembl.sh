#!/bin/sh
# First start of an empty volume: the database, the cartridge and the read-only role ChemAgent connects as.
# Load ChEMBL afterwards (pg_restore of the official dump + the rdk schema, docs/operations.md), or the
# development subset with `DATABASE_URL=postgres://postgres:…@host:5432/chembl deno task data:postgres`.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v ro_password="$CHEMAGENT_DB_PASSWORD" <<'SQL'
CREATE DATABASE chembl;
CREATE ROLE chemagent_ro LOGIN PASSWORD :'ro_password';
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname chembl <<'SQL'
CREATE EXTENSION IF NOT EXISTS rdkit;
GRANT CONNECT ON DATABASE chembl TO chemagent_ro;
GRANT USAGE ON SCHEMA public TO chemagent_ro;
CREATE SCHEMA IF NOT EXISTS rdk;
GRANT USAGE ON SCHEMA rdk TO chemagent_ro;
-- Tables the loader or pg_restore creates later are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO chemagent_ro;
ALTER DEFAULT PRIVILEGES IN SCHEMA rdk GRANT SELECT ON TABLES TO chemagent_ro;
SQL
