#!/usr/bin/env bash
# scripts/infra.sh — start/stop the project's private PostgreSQL and dynalite by hand or
# from CI. run.sh and test.sh use the same library (scripts/lib/stack.sh), so what works
# here works there.
#
#   scripts/infra.sh up      start both (no-op for whatever already runs), write stack.env
#   scripts/infra.sh down    stop both (fast, clean PostgreSQL shutdown)
#   scripts/infra.sh status  exit 0 only when both run
#   scripts/infra.sh pg-stop | pg-start | dynalite-stop | dynalite-start
#                            one server only (the fault-tolerance tests restart them)
#   scripts/infra.sh pg-crash  stop PostgreSQL as a crash would (immediate); the next
#                            pg-start recovers, which empties unlogged tables
#   scripts/infra.sh env     print stack.env: API_URL, PG_CONNECTION (libpq URI),
#                            PG_NPGSQL, DYNAMODB_ENDPOINT; to export them:
#                            set -a; eval "$(scripts/infra.sh env)"; set +a
#
# Environment: DATA_DIR (default <repo>/.data), PG_PORT (25432), DYNAMODB_PORT (28000),
# API_PORT (5080).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/stack.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"
stack_init

usage() {
    # The header comment above is the help text.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

cmd="${1:-}"
case "$cmd" in
up)
    pg_start
    dynalite_start
    write_stack_env
    echo "postgres: 127.0.0.1:$PG_PORT  database admanager, user admanager (password in $SECRETS_DIR/pg-password)"
    echo "dynalite: http://127.0.0.1:$DYNAMODB_PORT  (data in $DATA_DIR/dynalite)"
    echo "env:      $DATA_DIR/stack.env   logs: $DATA_DIR/logs/"
    ;;
down)
    # dynalite first: nothing depends on it, and it is the quicker one to stop.
    dynalite_stop
    pg_stop
    echo "stopped (data kept in $DATA_DIR)"
    ;;
status)
    rc=0
    pg_status || rc=3
    dynalite_status || rc=3
    exit "$rc"
    ;;
pg-stop) pg_stop ;;
pg-crash) pg_crash ;;
pg-start) pg_start ;;
dynalite-stop) dynalite_stop ;;
dynalite-start) dynalite_start ;;
env)
    write_stack_env
    cat "$DATA_DIR/stack.env"
    ;;
-h | --help | help)
    usage
    ;;
*)
    usage >&2
    exit 2
    ;;
esac
