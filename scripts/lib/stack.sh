# shellcheck shell=bash
# scripts/lib/stack.sh — start and stop the project's private PostgreSQL server and
# the dynalite DynamoDB emulator. Sourced by run.sh, test.sh and scripts/infra.sh.
#
# Design notes (the "why"):
# - Everything lives under one data folder ($DATA_DIR, default $ROOT/.data) so that a
#   checkout, a CI clone or a test run in /tmp each get their own isolated servers and
#   `rm -rf $DATA_DIR` is a full reset.
# - No Docker exists on these machines: we drive Debian's PostgreSQL 15 binaries
#   directly and run dynalite from a lockfile-pinned npm install under tools/dynalite.
# - Both servers listen on 127.0.0.1 only; PostgreSQL has no unix socket at all, so
#   every client (psql, Npgsql, the scripts below) uses TCP + password.
# - Start functions are idempotent and serialised with flock, so run.sh and test.sh may
#   both call them, even concurrently, against the same data folder.
# - Processes are only ever addressed by the PID we recorded; never by name.
#
# This file only defines functions and a couple of internal constants. It does not
# change shell options, so it is safe to source under `set -euo pipefail`.

_STACK_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

# Pinned here and in tools/dynalite/package.json (+ package-lock.json); the version
# check below reinstalls when node_modules holds something else (stale checkout).
_STACK_DYNALITE_VERSION="4.0.0"

# File descriptor used for the start/stop lock. Long-lived children (postmaster,
# dynalite) must NOT inherit it, or they would hold the lock forever: every spawn
# below closes it explicitly with `197>&-`.
_STACK_LOCK_FD=197

_stack_log() { printf '[stack] %s\n' "$*" >&2; }
_stack_die() { printf '[stack] ERROR: %s\n' "$*" >&2; return 1; }

# --------------------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------------------

stack_init() {
    ROOT="$(cd "$_STACK_LIB_DIR/../.." && pwd -P)"
    # Absolute path even when given relative: pg_ctl and dynalite are started from
    # other working directories.
    DATA_DIR="$(realpath -m "${DATA_DIR:-$ROOT/.data}")"
    RUN_DIR="$DATA_DIR/run"
    LOG_DIR="$DATA_DIR/logs"
    SECRETS_DIR="$DATA_DIR/secrets"
    PG_DATA="$DATA_DIR/pg"
    PG_PASSWORD_FILE="$SECRETS_DIR/pg-password"
    JWT_KEY_FILE="$SECRETS_DIR/jwt-signing-key"
    PG_PIDFILE="$RUN_DIR/postgres.pid"
    DYNALITE_DIR="$ROOT/tools/dynalite"
    DYNALITE_DATA="$DATA_DIR/dynalite"
    DYNALITE_PIDFILE="$RUN_DIR/dynalite.pid"
    PG_PORT="${PG_PORT:-25432}"
    DYNAMODB_PORT="${DYNAMODB_PORT:-28000}"
    API_PORT="${API_PORT:-5080}"
    # Debian's versioned path; overridable for other layouts.
    PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
    PG_DB="admanager"
    PG_ROLE="admanager"
    export ROOT DATA_DIR RUN_DIR PG_PORT DYNAMODB_PORT API_PORT
    _STACK_INITIALISED=1
}

# Lets callers use any function without remembering to call stack_init first.
_stack_need_init() {
    if [[ -z "${_STACK_INITIALISED:-}" ]]; then stack_init; fi
}

_stack_dirs() {
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    # Secrets are root/owner-only; the server user never needs to read them.
    mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
}

# Run "$@" while holding the data folder's lock, in a subshell (so the lock is released
# even when the command fails under set -e).
_stack_locked() {
    _stack_need_init
    _stack_dirs
    (
        eval "exec ${_STACK_LOCK_FD}>\"\$RUN_DIR/stack.lock\""
        flock -w 600 "$_STACK_LOCK_FD" || { _stack_die "timed out waiting for $RUN_DIR/stack.lock"; exit 1; }
        "$@"
    )
}

# --------------------------------------------------------------------------------------
# Generic process helpers
# --------------------------------------------------------------------------------------

# _proc_stat PID — sets _PS_STATE and _PS_START (start time in clock ticks since boot)
# from /proc/PID/stat. Builtins only: stop_pidfile polls this ten times a second.
# The command name (field 2) may contain spaces, so split after its closing paren;
# what follows starts at field 3 (state), which puts the start time (field 22) at [19].
_proc_stat() {
    local line f
    _PS_STATE="" _PS_START=""
    read -r line <"/proc/$1/stat" 2>/dev/null || return 1
    read -r -a f <<<"${line##*) }"
    _PS_STATE="${f[0]:-}" _PS_START="${f[19]:-}"
}

# _write_pidfile PIDFILE PID — line 1: the PID (what other tools read); line 2: its start
# time, so that a PID recycled after a reboot or crash is not mistaken for our server
# (and never gets our signals).
_write_pidfile() {
    _proc_stat "$2" || true
    printf '%s\n%s\n' "$2" "$_PS_START" >"$1.tmp" && mv "$1.tmp" "$1"
}

# proc_alive PIDFILE — true when the file names a running (non-zombie) process, and, if
# the file records a start time, it is still that same process.
proc_alive() {
    local pidfile="$1" pid="" want_st=""
    [[ -f "$pidfile" ]] || return 1
    { read -r pid; read -r want_st; } <"$pidfile" 2>/dev/null || true
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    _proc_stat "$pid" || return 1
    # kill -0 succeeds on zombies; a zombie is as good as dead for us.
    [[ "$_PS_STATE" != "Z" ]] || return 1
    [[ -z "$want_st" || "$_PS_START" == "$want_st" ]]
}

# stop_pidfile PIDFILE [SIGNAL=TERM] [TIMEOUT_SECONDS=30]
# Signals only the PID in the file; escalates to KILL after the timeout; removes the file.
stop_pidfile() {
    local pidfile="$1" sig="${2:-TERM}" timeout="${3:-30}" pid i
    if ! proc_alive "$pidfile"; then
        rm -f "$pidfile"
        return 0
    fi
    read -r pid <"$pidfile"
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
        proc_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
        sleep 0.1
    done
    _stack_log "PID $pid did not exit within ${timeout}s after SIG$sig; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        proc_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
        sleep 0.1
    done
    _stack_die "PID $pid survived SIGKILL"
}

# wait_http URL TIMEOUT_SECONDS — true once anything answers HTTP at URL (any status
# code counts: we are checking that the server is up, not that the request is valid).
wait_http() {
    local url="$1" timeout="${2:-30}" code deadline
    deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)"
        if [[ -n "$code" && "$code" != "000" ]]; then return 0; fi
        sleep 0.2
    done
    return 1
}

# True when something accepts TCP connections on 127.0.0.1:PORT. Uses bash's /dev/tcp so
# it works on a fresh machine without ss/netstat.
_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------

pg_ensure_installed() {
    _stack_need_init
    [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] && return 0
    [[ $EUID -eq 0 ]] || _stack_die "PostgreSQL binaries missing at $PG_BIN and not root to apt-get install them" || return 1
    _stack_log "installing PostgreSQL 15 (apt)"
    # Debian's postinst creates and *starts* a system cluster on 5432. We don't want a
    # stray server we don't own, so block service starts for the duration of the install
    # (standard policy-rc.d mechanism), unless the admin already has a policy in place.
    local policy_added=0 rc=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    {
        DEBIAN_FRONTEND=noninteractive apt-get update &&
            { DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 ||
                DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; }
    } >&2 || rc=$?
    if ((policy_added)); then rm -f /usr/sbin/policy-rc.d; fi
    ((rc == 0)) || _stack_die "apt-get install of PostgreSQL failed" || return 1
    if [[ ! -x "$PG_BIN/postgres" ]]; then
        # The `postgresql` metapackage may have brought another major version.
        local alt
        alt="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
        [[ -n "$alt" && -x "$alt/postgres" ]] || _stack_die "no PostgreSQL binaries after install" || return 1
        _stack_log "PostgreSQL 15 not available; using $alt"
        PG_BIN="$alt"
    fi
}

# The OS user the server runs as. postgres refuses to run as root.
_pg_os_user() {
    if [[ $EUID -ne 0 ]]; then
        id -un
    elif id -u postgres >/dev/null 2>&1; then
        echo postgres
    else
        echo admanager
    fi
}

_pg_ensure_os_user() {
    local u="$1"
    [[ $EUID -eq 0 ]] || return 0
    id -u "$u" >/dev/null 2>&1 && return 0
    _stack_log "creating system user $u to own the PostgreSQL data folder"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$u"
}

# Run a command as the server's OS user. cd / first: the server user usually cannot read
# the caller's working directory (e.g. /root), which makes initdb/postgres complain.
_pg_as() {
    local u
    u="$(_pg_os_user)"
    if [[ $EUID -eq 0 && "$u" != root ]]; then
        (cd / && runuser -u "$u" -- "$@")
    else
        (cd / && "$@")
    fi
}

# The server user must be able to traverse every ancestor of the data folder (e.g. a
# DATA_DIR under /root would otherwise be unreachable). Grant only o+x where missing.
_pg_ensure_traversable() {
    local u="$1" d="$2"
    [[ $EUID -eq 0 && "$u" != root ]] || return 0
    local -a chain=()
    while [[ "$d" != "/" && -n "$d" ]]; do
        chain=("$d" "${chain[@]}")
        d="$(dirname "$d")"
    done
    for d in "${chain[@]}"; do
        if ! runuser -u "$u" -- test -x "$d" 2>/dev/null; then
            _stack_log "granting o+x on $d so $u can reach the data folder"
            chmod o+x "$d"
        fi
    done
}

# Generated once per data folder; hex so it needs no escaping in URIs or conn strings.
_pg_ensure_password() {
    if [[ ! -s "$PG_PASSWORD_FILE" ]]; then
        local pw
        pw="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        (umask 077 && printf '%s\n' "$pw" >"$PG_PASSWORD_FILE.tmp")
        mv "$PG_PASSWORD_FILE.tmp" "$PG_PASSWORD_FILE"
    fi
    chmod 600 "$PG_PASSWORD_FILE"
}

pg_password() {
    _stack_need_init
    [[ -s "$PG_PASSWORD_FILE" ]] || _stack_die "no password yet at $PG_PASSWORD_FILE (run pg_start / scripts/infra.sh up)" || return 1
    head -n1 "$PG_PASSWORD_FILE"
}

pg_uri() {
    local pw
    pw="$(pg_password)" || return 1
    printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$PG_ROLE" "$pw" "$PG_PORT" "$PG_DB"
}

pg_npgsql() {
    local pw
    pw="$(pg_password)" || return 1
    printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s\n' "$PG_PORT" "$PG_DB" "$PG_ROLE" "$pw"
}

# psql against the server as admanager; password via env, not argv (argv shows in ps).
_pg_psql() {
    local db="$1"
    shift
    PGPASSWORD="$(pg_password)" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" \
        -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"
}

# Settings we own. Rewritten on every start so edits here (or a new PG_PORT) reach
# existing data folders; postgresql.conf from initdb just includes this file.
_pg_write_conf() {
    cat >"$PG_DATA/admanager-dev.conf" <<EOF
# Written by scripts/lib/stack.sh on every pg_start; local edits are overwritten.
listen_addresses = '127.0.0.1'
port = $PG_PORT
# No unix socket: nothing else on the box can reach us without the password, and there
# is no socket dir to own or to collide with the system cluster's /var/run/postgresql.
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
max_connections = 200
shared_buffers = 256MB
# Durability stays real: the silo-crash / resume tests rely on committed == on disk.
fsync = on
synchronous_commit = on
full_page_writes = on
# Bulk loads: with the default 1GB a 500k-row job forces a checkpoint in the middle of its load
# ("checkpoints are occurring too frequently"), and every page touched after it is logged whole again.
max_wal_size = 8GB
checkpoint_timeout = 15min
# No replicas on a dev box; minimal WAL makes bulk loads cheaper.
wal_level = minimal
max_wal_senders = 0
# The WAL writer writes out and flushes WAL every 10 ms while there is any (default 200 ms): a merge's
# rows fill wal_buffers (8MB) many times over, and with the writer asleep the merging backend writes
# them out itself when they are full (pg_stat_wal's wal_buffers_full: 19,501 of 19,841 WAL writes in
# a bench of 50k campaigns, 3,788 of 4,468 at 10 ms), and a commit flushes whatever is left.
wal_writer_delay = 10ms
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
# PG_LOG_MIN_DURATION=50 ./run.sh bench logs every statement over 50 ms (profiling); off by default.
log_min_duration_statement = ${PG_LOG_MIN_DURATION:--1}
EOF
}

_pg_init_cluster() {
    local u="$1" pwtmp
    _stack_log "initialising PostgreSQL data folder $PG_DATA (owner $u)"
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA"
    chmod 700 "$PG_DATA"
    chown "$u:" "$PG_DATA" 2>/dev/null || chown "$u" "$PG_DATA"
    # The bootstrap superuser *is* admanager, created with its password by initdb itself:
    # no trust phase, no socket needed to set a password afterwards. A superuser is what
    # a private dev/test server wants (tests create databases, Orleans scripts create
    # functions).
    # initdb reads the password from a file as the server user; keep the copy outside
    # the data folder (initdb wants that empty) and delete it right after.
    pwtmp="$(mktemp "$RUN_DIR/.initdb-pw.XXXXXX")"
    pg_password >"$pwtmp"
    chown "$u" "$pwtmp"
    if ! _pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --pwfile="$pwtmp" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 \
        -E UTF8 --locale=C --data-checksums >"$LOG_DIR/initdb.log" 2>&1; then
        rm -f "$pwtmp"
        cat "$LOG_DIR/initdb.log" >&2
        _stack_die "initdb failed (log: $LOG_DIR/initdb.log)"
        return 1
    fi
    rm -f "$pwtmp"
    # Only loopback TCP with a password; no replication entries.
    cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# Written by scripts/lib/stack.sh. TYPE DATABASE USER ADDRESS METHOD
host    all    all    127.0.0.1/32    scram-sha-256
EOF
    printf "\n# Project settings (scripts/lib/stack.sh)\ninclude = 'admanager-dev.conf'\n" >>"$PG_DATA/postgresql.conf"
    chown "$u" "$PG_DATA/pg_hba.conf"
    # Marker that initdb finished; a half-initialised folder is redone next time.
    touch "$PG_DATA/.admanager-initialised"
}

# PIDs of postgres processes working in our data folder: postgres chdirs into its data
# directory, so a process's cwd identifies the cluster it belongs to.
_pg_cluster_pids() {
    local p cwd out=""
    for p in /proc/[0-9]*; do
        cwd="$(readlink "$p/cwd" 2>/dev/null)" || continue
        [[ "$cwd" == "$PG_DATA" ]] || continue
        [[ "$(cat "$p/comm" 2>/dev/null)" == postgres ]] && out+="${p#/proc/} "
    done
    echo "${out% }"
}

# True when PID is the postmaster (or any process) of *this* data folder.
_pg_is_ours() {
    [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == postgres &&
        "$(readlink "/proc/$1/cwd" 2>/dev/null)" == "$PG_DATA" ]]
}

_pg_start_locked() {
    local u
    u="$(_pg_os_user)"

    if proc_alive "$PG_PIDFILE"; then
        return 0
    fi
    rm -f "$PG_PIDFILE"

    # Explicit `|| return 1` throughout: callers may invoke us as `pg_start || ...`, where
    # bash ignores set -e inside the function.
    pg_ensure_installed || return 1
    _pg_ensure_os_user "$u" || return 1
    _pg_ensure_password || return 1
    _pg_ensure_traversable "$u" "$DATA_DIR" || return 1

    if [[ ! -f "$PG_DATA/.admanager-initialised" ]]; then
        _pg_init_cluster "$u" || return 1
    fi
    # The folder may come from another machine/run where the uid differed.
    if [[ "$(stat -c %U "$PG_DATA")" != "$u" ]]; then
        chown -R "$u" "$PG_DATA" || return 1
    fi

    # postmaster.pid left in the data folder tells us about servers we did not record:
    # - its PID is a postgres whose working directory is this data folder: a server from
    #   this folder runs without our pid file (file deleted, started by hand): adopt it.
    # - its PID is dead (kill -9, crash): leave the file; postgres itself then checks
    #   that no orphaned backend still uses the old shared memory before starting.
    # - its PID is alive but something else (PID recycled after a reboot): postgres would
    #   refuse to start, so remove the file, unless orphaned backends of this folder live.
    if [[ -f "$PG_DATA/postmaster.pid" ]]; then
        local lockpid
        read -r lockpid <"$PG_DATA/postmaster.pid" || true
        if [[ "$lockpid" =~ ^[0-9]+$ ]] && kill -0 "$lockpid" 2>/dev/null; then
            if _pg_is_ours "$lockpid"; then
                _write_pidfile "$PG_PIDFILE" "$lockpid" || return 1
                _stack_log "adopted running PostgreSQL (PID $lockpid)"
                return 0
            fi
            local orphans
            orphans="$(_pg_cluster_pids)"
            if [[ -n "$orphans" ]]; then
                _stack_die "processes of $PG_DATA still run without their postmaster (PIDs: $orphans); stop them first"
                return 1
            fi
            _stack_log "removing stale $PG_DATA/postmaster.pid (PID $lockpid is not its postmaster)"
            rm -f "$PG_DATA/postmaster.pid"
        fi
    fi

    if _port_in_use "$PG_PORT"; then
        _stack_die "port $PG_PORT is already taken by another process; set PG_PORT"
        return 1
    fi

    _pg_write_conf || return 1
    chown "$u" "$PG_DATA/admanager-dev.conf" || return 1
    # pg_ctl opens the log as the server user.
    touch "$LOG_DIR/postgres.log" && chown "$u" "$LOG_DIR/postgres.log" || return 1

    _stack_log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    if ! _pg_as "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 120 \
        >/dev/null 197>&-; then
        tail -n 30 "$LOG_DIR/postgres.log" >&2 || true
        _stack_die "PostgreSQL failed to start (log: $LOG_DIR/postgres.log)"
        return 1
    fi
    _write_pidfile "$PG_PIDFILE" "$(head -n1 "$PG_DATA/postmaster.pid")" || return 1

    local i
    for ((i = 0; i < 600; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.1
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || _stack_die "pg_isready never answered on $PG_PORT" || return 1

    _pg_create_db_unlocked "$PG_DB" || return 1
}

# pg_start — idempotent; see the header for what it guarantees.
pg_start() {
    _stack_locked _pg_start_locked
}

_pg_stop_locked() {
    local u
    u="$(_pg_os_user)"
    if [[ -f "$PG_DATA/postmaster.pid" ]] && [[ -x "$PG_BIN/pg_ctl" ]]; then
        # Fast = roll back open transactions and checkpoint: quick *and* clean.
        _pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null 2>&1 || true
    fi
    # Whatever pg_ctl could not stop (data folder gone, timeout), end by our PID.
    stop_pidfile "$PG_PIDFILE" TERM 30
}

pg_stop() {
    _stack_locked _pg_stop_locked
}

# Stops PostgreSQL as a crash would (immediate: no checkpoint, no clean shutdown); the next
# start runs crash recovery, which also empties unlogged tables. For the crash tests.
_pg_crash_locked() {
    [[ -f "$PG_DATA/postmaster.pid" ]] || _stack_die "PostgreSQL is not running" || return 1
    _pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 60 >/dev/null 2>&1 || true
    stop_pidfile "$PG_PIDFILE" TERM 30
}

pg_crash() {
    _stack_locked _pg_crash_locked
}

_pg_create_db_unlocked() {
    local name="$1"
    # Identifier rules keep quoting trivial and catch typos early.
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || _stack_die "invalid database name: $name" || return 1
    # \gexec runs the CREATE only when absent; concurrent creators may still race, so on
    # failure re-check that it exists before reporting an error.
    if ! _pg_psql postgres -v dbname="$name" -v owner="$PG_ROLE" >/dev/null 2>&1 <<'SQL'; then
SELECT format('CREATE DATABASE %I OWNER %I', :'dbname', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname')
\gexec
SQL
        local exists
        exists="$(_pg_psql postgres -tA -v dbname="$name" <<<"SELECT 1 FROM pg_database WHERE datname = :'dbname'" 2>/dev/null || true)"
        [[ "$exists" == 1 ]] || _stack_die "could not create database $name" || return 1
    fi
}

# pg_create_db NAME — create a database owned by admanager if it does not exist.
pg_create_db() {
    _stack_need_init
    _pg_create_db_unlocked "$1"
}

pg_status() {
    _stack_need_init
    if proc_alive "$PG_PIDFILE"; then
        local ready="not accepting connections"
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null && ready="accepting connections"
        echo "postgres: running, PID $(head -n1 "$PG_PIDFILE"), 127.0.0.1:$PG_PORT, $ready"
    else
        echo "postgres: stopped"
        return 1
    fi
}

# --------------------------------------------------------------------------------------
# dynalite (DynamoDB emulator)
# --------------------------------------------------------------------------------------

_dynalite_installed_ok() {
    local pj="$DYNALITE_DIR/node_modules/dynalite/package.json"
    [[ -f "$DYNALITE_DIR/node_modules/dynalite/cli.js" && -f "$pj" ]] || return 1
    grep -q "\"version\": *\"$_STACK_DYNALITE_VERSION\"" "$pj"
}

dynalite_ensure_installed() {
    _stack_need_init
    _dynalite_installed_ok && return 0
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        [[ $EUID -eq 0 ]] || _stack_die "node/npm missing" || return 1
        _stack_log "installing node and npm (apt); dynalite $_STACK_DYNALITE_VERSION wants node >= 20"
        { DEBIAN_FRONTEND=noninteractive apt-get update &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; } >&2 || return 1
    fi
    [[ -f "$DYNALITE_DIR/package-lock.json" ]] || _stack_die "missing $DYNALITE_DIR/package-lock.json" || return 1
    # node_modules is shared by every DATA_DIR of this checkout, so the per-data-folder
    # lock does not cover it: serialise installs on the lockfile itself (read-only fd;
    # npm ci never rewrites it) and re-check once we hold it.
    (
        flock -w 600 9 || { _stack_die "timed out waiting for another npm ci"; exit 1; }
        _dynalite_installed_ok && exit 0
        _stack_log "installing dynalite $_STACK_DYNALITE_VERSION from the lockfile (npm ci)"
        # npm ci = exactly the lockfile. classic-level (LevelDB) ships prebuilt linux-x64
        # binaries inside the package, so no compiler or download is needed.
        # stdout to stderr: callers such as `infra.sh env` print machine-readable output.
        cd "$DYNALITE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2
    ) 9<"$DYNALITE_DIR/package-lock.json" 197>&- || return 1
    _dynalite_installed_ok || _stack_die "dynalite not usable after npm ci" || return 1
}

_dynalite_start_locked() {
    if proc_alive "$DYNALITE_PIDFILE"; then
        return 0
    fi
    rm -f "$DYNALITE_PIDFILE"
    dynalite_ensure_installed || return 1
    if _port_in_use "$DYNAMODB_PORT"; then
        _stack_die "port $DYNAMODB_PORT is already taken by another process; set DYNAMODB_PORT"
        return 1
    fi
    mkdir -p "$DYNALITE_DATA" || return 1
    _stack_log "starting dynalite on 127.0.0.1:$DYNAMODB_PORT (data in $DYNALITE_DATA)"
    # --path = LevelDB on disk: survives restarts and does not grow the heap without
    # bound like the in-memory store. Short table-state delays keep tests fast.
    # tools/dynalite/server.js is dynalite's server with the options of its cli.js, and a
    # guard: a client closing its connection mid-upload no longer ends the emulator.
    #
    # Detaching: node resets inherited signal dispositions at start-up, so nohup's
    # "ignore SIGHUP" does not survive into node (verified). What really shields dynalite
    # from a closing terminal or a Ctrl-C aimed at run.sh is its own session (setsid -f).
    # setsid -f forks, so $! would be the wrong PID: the child shell writes its own PID
    # and then execs node, keeping that PID.
    rm -f "$DYNALITE_PIDFILE"
    # shellcheck disable=SC2016  # $$ and $@ are for the inner sh
    nohup setsid -f sh -c 'echo $$ >"$0"; exec "$@"' "$DYNALITE_PIDFILE" \
        node "$DYNALITE_DIR/server.js" \
        --host 127.0.0.1 --port "$DYNAMODB_PORT" --path "$DYNALITE_DATA" \
        --createTableMs 50 --deleteTableMs 50 --updateTableMs 50 \
        >>"$LOG_DIR/dynalite.log" 2>&1 </dev/null 197>&- || return 1

    local i
    for ((i = 0; i < 50; i++)); do
        [[ -s "$DYNALITE_PIDFILE" ]] && break
        sleep 0.1
    done
    [[ -s "$DYNALITE_PIDFILE" ]] || _stack_die "dynalite did not record its PID" || return 1
    _write_pidfile "$DYNALITE_PIDFILE" "$(head -n1 "$DYNALITE_PIDFILE")" || return 1

    local deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        if ! proc_alive "$DYNALITE_PIDFILE"; then
            rm -f "$DYNALITE_PIDFILE"
            tail -n 20 "$LOG_DIR/dynalite.log" >&2 || true
            _stack_die "dynalite exited during start-up (log: $LOG_DIR/dynalite.log)"
            return 1
        fi
        if wait_http "http://127.0.0.1:$DYNAMODB_PORT/" 1; then
            return 0
        fi
    done
    stop_pidfile "$DYNALITE_PIDFILE" TERM 5 || true
    _stack_die "dynalite did not answer on port $DYNAMODB_PORT within 30s"
}

dynalite_start() {
    _stack_locked _dynalite_start_locked
}

dynalite_stop() {
    # LevelDB writes its log with write(2) per batch, so a TERM loses nothing that was
    # acknowledged; node exits at once on TERM.
    _stack_locked stop_pidfile "$DYNALITE_PIDFILE" TERM 15
}

dynalite_status() {
    _stack_need_init
    if proc_alive "$DYNALITE_PIDFILE"; then
        echo "dynalite: running, PID $(head -n1 "$DYNALITE_PIDFILE"), http://127.0.0.1:$DYNAMODB_PORT"
    else
        echo "dynalite: stopped"
        return 1
    fi
}

# --------------------------------------------------------------------------------------
# Environment for the app and tests
# --------------------------------------------------------------------------------------

# Single-quote a value for POSIX shells ('...' with ' written as '\'').
_sh_quote() {
    local s="$1"
    printf "'%s'" "${s//\'/\'\\\'\'}"
}

# write_stack_env — $DATA_DIR/stack.env, sourceable by sh/bash (mode 600: has the password).
write_stack_env() {
    _stack_need_init
    _stack_dirs
    local uri npgsql envfile="$DATA_DIR/stack.env"
    uri="$(pg_uri)" || return 1
    npgsql="$(pg_npgsql)" || return 1
    (
        umask 077
        {
            echo "# Written by scripts/lib/stack.sh; regenerated on every start."
            echo "API_URL=$(_sh_quote "http://127.0.0.1:$API_PORT")"
            echo "PG_CONNECTION=$(_sh_quote "$uri")"
            echo "PG_NPGSQL=$(_sh_quote "$npgsql")"
            echo "DYNAMODB_ENDPOINT=$(_sh_quote "http://127.0.0.1:$DYNAMODB_PORT")"
        } >"$envfile.tmp"
    )
    mv "$envfile.tmp" "$envfile"
}

# --------------------------------------------------------------------------------------
# Local bearer tokens
# --------------------------------------------------------------------------------------

# The local stack signs its tokens (HS256) with a 256-bit key made once per data folder,
# like the PostgreSQL password: never committed, owner-only, gone with `rm -rf $DATA_DIR`.
_jwt_key_ensure_locked() {
    if [[ ! -s "$JWT_KEY_FILE" ]]; then
        (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$JWT_KEY_FILE.tmp")
        mv "$JWT_KEY_FILE.tmp" "$JWT_KEY_FILE"
    fi
    chmod 600 "$JWT_KEY_FILE"
}

jwt_key_ensure() {
    _stack_locked _jwt_key_ensure_locked
}

# _stack_apt_install PACKAGE... — installs Debian packages, trying without `apt-get update` first (it is slow and
# usually the lists are fresh). apt's chatter goes to stderr: callers may be printing machine-readable output.
_stack_apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null 2>&1 || {
        DEBIAN_FRONTEND=noninteractive apt-get update &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
    } >&2
}

# --------------------------------------------------------------------------------------
# The bench's peer
# --------------------------------------------------------------------------------------

# pgloader (Debian package), which the bench runs on the same campaign CSV as the peer of its ratios. Never fatal:
# without it the bench says so in its table and measures the rest.
pgloader_ensure_installed() {
    command -v pgloader >/dev/null 2>&1 && return 0
    if [[ $EUID -ne 0 ]]; then
        _stack_log "pgloader missing and not root to install it: the bench runs without its peer"
        return 0
    fi
    _stack_log "installing pgloader (apt), the bench's peer"
    _stack_apt_install pgloader || _stack_log "apt-get install pgloader failed: the bench runs without its peer"
    return 0
}

# --------------------------------------------------------------------------------------
# Browser for UI checks
# --------------------------------------------------------------------------------------

chromium_ensure_installed() {
    [[ -x /usr/bin/chromium ]] && return 0
    [[ $EUID -eq 0 ]] || _stack_die "/usr/bin/chromium missing and not root to install it" || return 1
    _stack_log "installing chromium (apt)"
    _stack_apt_install chromium
    [[ -x /usr/bin/chromium ]] || _stack_die "chromium install did not provide /usr/bin/chromium"
}
