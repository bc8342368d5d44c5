-- One-machine installation: one role and one database per jichi process, and
-- the login PgBouncer uses to look up passwords (auth_query).
--
-- Run once by the postgres image's entrypoint, on an empty data directory
-- (mounted at /docker-entrypoint-initdb.d/). Passwords come from the
-- container's environment (see deploy/.env.example); psql's \getenv reads them,
-- so no secret is written in this file. ON_ERROR_STOP makes any failure fatal.

\set ON_ERROR_STOP on

\getenv pgbouncer_password PGBOUNCER_AUTH_PASSWORD
\getenv gateway_password GATEWAY_DB_PASSWORD
\getenv registry_password REGISTRY_DB_PASSWORD
\getenv elections_password ELECTIONS_DB_PASSWORD
\getenv funds_password FUNDS_DB_PASSWORD
\getenv revitalization_password REVITALIZATION_DB_PASSWORD

-- Roles -----------------------------------------------------------------------

CREATE ROLE pgbouncer LOGIN PASSWORD :'pgbouncer_password';
CREATE ROLE gateway LOGIN PASSWORD :'gateway_password';
CREATE ROLE registry LOGIN PASSWORD :'registry_password';
CREATE ROLE elections LOGIN PASSWORD :'elections_password';
CREATE ROLE funds LOGIN PASSWORD :'funds_password';
CREATE ROLE revitalization LOGIN PASSWORD :'revitalization_password';

-- Databases: each owned by its service's role, closed to every other role ----

CREATE DATABASE gateway OWNER gateway ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE registry OWNER registry ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE elections OWNER elections ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE funds OWNER funds ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE revitalization OWNER revitalization ENCODING 'UTF8' TEMPLATE template0;

REVOKE ALL ON DATABASE gateway, registry, elections, funds, revitalization FROM PUBLIC;
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
GRANT CONNECT ON DATABASE gateway, registry, elections, funds, revitalization TO pgbouncer;

-- PgBouncer's password lookup, in every database it serves ------------------
-- A SECURITY DEFINER function in a schema of its own, callable only by the
-- pgbouncer role, that never returns a superuser's secret.

\connect gateway
CREATE SCHEMA pgbouncer;
REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer;
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (usename name, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename AND NOT usesuper $$;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;

\connect registry
CREATE SCHEMA pgbouncer;
REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer;
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (usename name, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename AND NOT usesuper $$;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;

\connect elections
CREATE SCHEMA pgbouncer;
REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer;
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (usename name, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename AND NOT usesuper $$;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;

\connect funds
CREATE SCHEMA pgbouncer;
REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer;
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (usename name, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename AND NOT usesuper $$;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;

\connect revitalization
CREATE SCHEMA pgbouncer;
REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer;
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (usename name, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename AND NOT usesuper $$;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;
