# Shared by bin/run and bin/test: find Odoo 18 and a PostgreSQL server.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
LOCAL_DIR="$ROOT/.local"

die() {
    echo "error: $*" >&2
    exit 2
}

require_odoo() {
    local version
    if ! version="$("$PYTHON" -c 'import odoo.release as r; print(r.version)' 2>/dev/null)"; then
        die "Odoo 18.0 is not importable by $PYTHON.
  Install Odoo 18.0 Community from source (https://www.odoo.com/documentation/18.0/administration/on_premise/source.html):
    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo /opt/odoo
    $PYTHON -m pip install -r /opt/odoo/requirements.txt   # on Python 3.11 use cbor2==5.4.6
    $PYTHON -m pip install -e /opt/odoo
  then: $PYTHON -m pip install -r $ROOT/requirements.txt"
    fi
    case "$version" in
        18.0*) ;;
        *) die "Odoo $version found; customer_archive needs Odoo 18.0." ;;
    esac
    ODOO_ADDONS="$("$PYTHON" - <<'PY'
import os, odoo
root = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [os.path.join(root, "addons"), os.path.join(os.path.dirname(root), "addons")]
print(",".join(p for p in paths if os.path.isdir(p)))
PY
)"
    ADDONS_PATH="$ROOT,$ODOO_ADDONS"
}

pg_answers() {
    psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1
}

# Use the configured server (PGHOST/PGPORT/PGUSER/PGPASSWORD) or the local default;
# where none answers, initialise and start a project-local cluster under .local/pg.
ensure_postgres() {
    command -v psql >/dev/null || die "psql not found: install the PostgreSQL client (apt-get install postgresql-client)."
    if [ -z "${PGHOST:-}" ] && ! pg_answers; then
        start_local_cluster
    fi
    pg_answers || die "PostgreSQL at ${PGHOST:-the default socket}:${PGPORT:-5432} does not answer as ${PGUSER:-$(id -un)}.
  Set PGHOST/PGPORT/PGUSER/PGPASSWORD, or unset PGHOST to let the project start its own cluster."
    DB_ARGS=()
    [ -n "${PGHOST:-}" ] && DB_ARGS+=(--db_host "$PGHOST")
    [ -n "${PGPORT:-}" ] && DB_ARGS+=(--db_port "$PGPORT")
    [ -n "${PGUSER:-}" ] && DB_ARGS+=(--db_user "$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && DB_ARGS+=(--db_password "$PGPASSWORD")
    return 0
}

start_local_cluster() {
    local bindir data="$LOCAL_DIR/pg" run_as=()
    bindir="$(pg_config --bindir 2>/dev/null)"
    [ -x "$bindir/initdb" ] || bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -x "$bindir/initdb" ] || die "No PostgreSQL server answers and initdb was not found: install PostgreSQL (apt-get install postgresql)."
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: run the cluster as the postgres system user.
        id postgres >/dev/null 2>&1 || die "Running as root needs a 'postgres' system user for the local cluster."
        chown -R postgres "$data"
        run_as=(runuser -u postgres --)
    fi
    if [ ! -f "$data/db/PG_VERSION" ]; then
        echo "Initialising a project-local PostgreSQL cluster in $data/db"
        "${run_as[@]}" "$bindir/initdb" -D "$data/db" -U "$(id -un)" --auth=trust -E UTF8 >/dev/null \
            || die "initdb failed in $data/db"
    fi
    export PGHOST="$data" PGPORT="${PGPORT:-54329}"
    if ! pg_answers; then
        echo "Starting the project-local PostgreSQL on socket $PGHOST port $PGPORT"
        "${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
            -o "-k $data -p $PGPORT -c listen_addresses=''" start >/dev/null \
            || die "the local PostgreSQL did not start; see $data/server.log"
    fi
    export PGUSER="$(id -un)"
}

odoo_cmd() {
    "$PYTHON" -m odoo "$@"
}
