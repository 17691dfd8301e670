# Shared by bin/run, bin/test and bin/update-po: bring in what the addon needs (Odoo 18.0,
# the Python requirements, Debian packages, a PostgreSQL server) and say what could not be.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The family of addons: the core first, then each companion (a folder with a manifest).
FAMILY=(customer_archive)
for _manifest in "$ROOT"/*/__manifest__.py; do
    _addon="$(basename "$(dirname "$_manifest")")"
    [ "$_addon" = customer_archive ] || FAMILY+=("$_addon")
done
FAMILY_CSV="$(IFS=,; echo "${FAMILY[*]}")"
PYTHON="${PYTHON:-python3}"
LOCAL_DIR="$ROOT/.local"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo}"

die() {
    echo "error: $*" >&2
    exit 2
}

step() {
    echo "setup: $*"
}

# Everything the commands need, in order. Quiet when all is there already.
#   $@: the Debian packages this command needs besides PostgreSQL.
ensure_prerequisites() {
    ensure_odoo
    ensure_python_requirements
    ensure_system_packages "$@"
    ensure_postgres
}

odoo_version() {
    "$1" -c 'import odoo.release as r; print(r.version)' 2>/dev/null
}

# Use the Odoo 18.0 importable by $PYTHON; else the project's own .local/venv; else build
# that venv from ODOO_SRC (a directory or a .tar.gz of the 18.0 source) or a git clone.
ensure_odoo() {
    local version venv_python="$LOCAL_DIR/venv/bin/python"
    version="$(odoo_version "$PYTHON")" || version=""
    if [ -z "$version" ] && [ -x "$venv_python" ]; then
        version="$(odoo_version "$venv_python")" || version=""
        [ -n "$version" ] && PYTHON="$venv_python"
    fi
    if [ -z "$version" ]; then
        bootstrap_odoo
        PYTHON="$venv_python"
        version="$(odoo_version "$PYTHON")" || die "Odoo was installed into $LOCAL_DIR/venv but does not import."
    fi
    case "$version" in
        18.0*) ;;
        *) die "Odoo $version is importable by $PYTHON; customer_archive needs Odoo 18.0.
  Point PYTHON at a Python without Odoo (a .local/venv is then built), or at one with Odoo 18.0." ;;
    esac
    ODOO_ADDONS="$("$PYTHON" - <<'PY'
import os, odoo
root = os.path.dirname(os.path.abspath(odoo.__path__[0]))
paths = [os.path.join(root, "odoo", "addons"), os.path.join(root, "addons")]
print(",".join(p for p in paths if os.path.isdir(p)))
PY
)"
    ADDONS_PATH="$ROOT,$ODOO_ADDONS"
}

bootstrap_odoo() {
    local src="$LOCAL_DIR/odoo" venv="$LOCAL_DIR/venv" base_python="$PYTHON"
    "$base_python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
        || die "$base_python is not Python 3.10 or newer: set PYTHON to one (Odoo 18.0 needs it)."
    mkdir -p "$LOCAL_DIR"
    if [ ! -f "$src/odoo/release.py" ]; then
        rm -rf "$src"
        if [ -n "${ODOO_SRC:-}" ]; then
            fetch_odoo_from "$ODOO_SRC" "$src"
        else
            step "cloning Odoo 18.0 into $src (git clone --depth 1 --branch 18.0 $ODOO_GIT_URL)"
            git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$src" 2>"$LOCAL_DIR/git-clone.log" \
                || { rm -rf "$src"; die "could not clone Odoo 18.0 ($(tail -n 1 "$LOCAL_DIR/git-clone.log")).
  Bring the Odoo 18.0 source another way and name it, then run this again:
    ODOO_SRC=/path/to/odoo-18.0 $0        # a source directory or a .tar.gz of one
  or install Odoo into your Python by hand:
    git clone --depth 1 --branch 18.0 $ODOO_GIT_URL /opt/odoo
    $base_python -m pip install -r /opt/odoo/requirements.txt   # Python 3.11: cbor2==5.4.6, drop python-ldap
    $base_python -m pip install -e /opt/odoo"; }
        fi
    fi
    [ -f "$src/odoo/release.py" ] || die "$src does not hold the Odoo source (no odoo/release.py)."
    if [ ! -x "$venv/bin/python" ]; then
        step "creating $venv from $base_python"
        "$base_python" -m venv "$venv" || die "could not create the virtualenv: $base_python -m venv $venv
  (Debian: apt-get install python3-venv)"
    fi
    ensure_build_packages
    step "installing Odoo's Python requirements into $venv (a few minutes)"
    odoo_requirements "$src/requirements.txt" >"$LOCAL_DIR/odoo-requirements.txt"
    "$venv/bin/python" -m pip install --quiet --upgrade pip wheel >/dev/null 2>&1 || true
    "$venv/bin/python" -m pip install --quiet -r "$LOCAL_DIR/odoo-requirements.txt" \
        >"$LOCAL_DIR/pip.log" 2>&1 \
        || die "installing Odoo's requirements failed ($(tail -n 1 "$LOCAL_DIR/pip.log")). Run by hand and read the error:
    $venv/bin/python -m pip install -r $LOCAL_DIR/odoo-requirements.txt"
    # Odoo runs from its source tree, which stays unmodified (no egg-info written into it).
    "$venv/bin/python" - "$src" <<'PY'
import pathlib, sys, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "odoo-src.pth").write_text(sys.argv[1] + "\n")
PY
    step "installing the addon's requirements into $venv"
    "$venv/bin/python" -m pip install --quiet -r "$ROOT/requirements.txt" >>"$LOCAL_DIR/pip.log" 2>&1 \
        || die "installing the addon's requirements failed ($(tail -n 1 "$LOCAL_DIR/pip.log")). Run by hand:
    $venv/bin/python -m pip install -r $ROOT/requirements.txt"
}

# Copy or unpack ODOO_SRC (a directory or a .tar.gz of the Odoo 18.0 source) into $2.
fetch_odoo_from() {
    local from="$1" to="$2" top
    if [ -d "$from" ]; then
        [ -f "$from/odoo/release.py" ] || die "ODOO_SRC=$from is not an Odoo source tree (no odoo/release.py)."
        step "copying Odoo from $from into $to"
        mkdir -p "$to"
        tar -C "$from" --exclude=./.git --exclude=./custom_addons -cf - . | tar -C "$to" -xf - \
            || die "copying $from into $to failed."
    elif [ -f "$from" ]; then
        step "unpacking Odoo from $from into $to"
        top="$(set +o pipefail; tar -tzf "$from" 2>/dev/null | grep -m1 -E '(^|/)odoo/release\.py$')"
        [ -n "$top" ] || die "ODOO_SRC=$from is not a .tar.gz of the Odoo source (no odoo/release.py inside)."
        top="${top%odoo/release.py}"
        mkdir -p "$to"
        tar -xzf "$from" -C "$to" --strip-components "$(printf '%s' "$top" | tr -cd / | wc -c)" \
            || die "unpacking $from failed."
    else
        die "ODOO_SRC=$from is neither a directory nor a file."
    fi
}

# Odoo's requirements.txt with the fixes Python 3.11 needs: cbor2 5.4.2 has no wheel
# (5.4.6 works) and python-ldap (LDAP login) is optional and needs system headers.
odoo_requirements() {
    sed -E -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' -e '/^python-ldap/d' "$1"
}

# A missing requirement of requirements.txt is installed; nothing is done when all are there.
ensure_python_requirements() {
    local missing
    missing="$("$PYTHON" - "$ROOT/requirements.txt" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    try:
        if req.specifier.contains(version(req.name), prereleases=True):
            continue
    except PackageNotFoundError:
        pass
    print(line)
PY
)" || die "could not read $ROOT/requirements.txt with $PYTHON."
    [ -z "$missing" ] && return 0
    local reqs=()
    mapfile -t reqs <<<"$missing"
    step "installing the addon's Python requirements: ${reqs[*]}"
    mkdir -p "$LOCAL_DIR"
    "$PYTHON" -m pip install --quiet "${reqs[@]}" >"$LOCAL_DIR/pip.log" 2>&1 \
        || die "installing the addon's requirements failed. Run by hand:
    $PYTHON -m pip install -r $ROOT/requirements.txt"
}

# The Debian package that provides a command or a font, checked without dpkg where possible.
package_present() {
    case "$1" in
        wkhtmltopdf) command -v wkhtmltopdf >/dev/null ;;
        chromium) command -v chromium >/dev/null || command -v chromium-browser >/dev/null ;;
        fonts-noto-cjk) fc-list :lang=zh 2>/dev/null | grep -qi "noto.*cjk" ;;
        postgresql) command -v initdb >/dev/null || [ -n "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ] ;;
        postgresql-client) command -v psql >/dev/null ;;
        libpq-dev) command -v pg_config >/dev/null ;;
        *) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" ;;
    esac
}

APT_UPDATED=""
# Install the Debian packages that are missing; where that cannot be done, say the line.
ensure_system_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        package_present "$pkg" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        die "missing system packages: ${missing[*]}. Install them, then run this again:
    sudo apt-get install -y ${missing[*]}"
    fi
    step "installing Debian packages: ${missing[*]}"
    mkdir -p "$LOCAL_DIR"
    if [ -z "$APT_UPDATED" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$LOCAL_DIR/apt.log" 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >>"$LOCAL_DIR/apt.log" 2>&1 \
        || die "apt-get could not install ${missing[*]} (see $LOCAL_DIR/apt.log). Run by hand:
    apt-get update && apt-get install -y ${missing[*]}"
    for pkg in "${missing[@]}"; do
        package_present "$pkg" || die "$pkg was installed but is not usable; see $LOCAL_DIR/apt.log."
    done
}

# What building Odoo's requirements from source needs (psycopg2 wants pg_config).
ensure_build_packages() {
    command -v pg_config >/dev/null || ensure_system_packages libpq-dev
}

pg_answers() {
    psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1
}

# Use the configured server (PGHOST/PGPORT/PGUSER/PGPASSWORD) or the local default;
# where none answers, initialise and start a project-local cluster under .local/pg
# (installing Debian's PostgreSQL first when there is none and we are root).
ensure_postgres() {
    package_present postgresql-client || ensure_system_packages postgresql-client
    if [ -z "${PGHOST:-}" ] && ! pg_answers; then
        package_present postgresql || ensure_system_packages postgresql
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
        step "initialising a project-local PostgreSQL cluster in $data/db"
        "${run_as[@]}" "$bindir/initdb" -D "$data/db" -U "$(id -un)" --auth=trust -E UTF8 >/dev/null \
            || die "initdb failed in $data/db"
    fi
    export PGHOST="$data" PGPORT="${PGPORT:-54329}"
    if ! pg_answers; then
        step "starting the project-local PostgreSQL on socket $PGHOST port $PGPORT"
        "${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
            -o "-k $data -p $PGPORT -c listen_addresses=''" start >/dev/null \
            || die "the local PostgreSQL did not start; see $data/server.log"
    fi
    export PGUSER="$(id -un)"
}

odoo_cmd() {
    "$PYTHON" -m odoo "$@"
}
