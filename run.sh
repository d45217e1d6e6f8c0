#!/usr/bin/env bash
# ./run.sh — the AdManager data-migration service on a private local stack.
#
#   ./run.sh                 start everything, run a demo migration of samples/demo-export
#                            through the HTTP API with live progress, print the report,
#                            keep serving (Swagger at /swagger) until Ctrl-C, then stop
#                            everything it started
#   ./run.sh up [--silos N]  start PostgreSQL, dynalite and N silos (default 1) in the
#                            background; returns when the API answers; starts only what
#                            is missing; writes .data/stack.env and .data/run/<name>.pid
#   ./run.sh down            stop exactly what `up` started
#   ./run.sh status          what runs
#   ./run.sh token [--role platform-admin|platform-viewer] [--sub NAME] [--hours H]
#                            print a bearer token for this stack on the last line (for
#                            the admin page at /, Swagger's Authorize, curl); signed with
#                            the data folder's own key (.data/secrets/jwt-signing-key)
#   ./run.sh bench [opts]    the benchmark (tests/Benchmarks; --help lists its options): a
#                            generated export, the stores' raw limits, the product end to end
#                            through the API, pgloader as the peer (apt-installed when missing,
#                            unless --no-pgloader); table + JSON (.data/bench).
#                            Runs on its own stack (.data/bench, API 5380, PostgreSQL 25436,
#                            dynalite 28040, Orleans 11411/30300; BENCH_* overrides them),
#                            started and stopped by the command
#
# Environment: API_PORT (5080; silo N serves HTTP on API_PORT+N-1), SILO_PORT (11111) and
# GATEWAY_PORT (30000) likewise, PG_PORT (25432), DYNAMODB_PORT (28000), DATA_DIR (.data),
# and any .NET setting as Section__Key
# (e.g. Jobs__LoadConcurrency=8), passed through to the silos.
set -euo pipefail

if [[ "${1:-}" == bench ]]; then
    # The bench's own stack: never the one `up` or the tests use, so figures are not mixed with other work.
    DATA_DIR="${BENCH_DATA_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/.data/bench}"
    API_PORT="${BENCH_API_PORT:-5380}" PG_PORT="${BENCH_PG_PORT:-25436}" DYNAMODB_PORT="${BENCH_DYNAMODB_PORT:-28040}"
    SILO_PORT="${BENCH_SILO_PORT:-11411}" GATEWAY_PORT="${BENCH_GATEWAY_PORT:-30300}"
fi

# shellcheck source-path=SCRIPTDIR source=scripts/lib/stack.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib/stack.sh"
stack_init

CONFIGURATION=Release
# Who the local stack's tokens come from; the audience is the service's default (Auth:Audience).
LOCAL_ISSUER=admanager-local LOCAL_AUDIENCE=admanager-migration
# Orleans ports of silo 1; silo N uses base + N - 1.
SILO_PORT="${SILO_PORT:-11111}" GATEWAY_PORT="${GATEWAY_PORT:-30000}"
API_DLL="$ROOT/src/Api/bin/$CONFIGURATION/net10.0/AdManager.Api.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[run] %s\n' "$*" >&2; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

# Builds once; later runs skip the build while no source file is newer than the binary.
ensure_built() {
    if [[ -f "$API_DLL" ]] && [[ -z "$(find "$ROOT/src" "$ROOT/Directory.Build.props" "$ROOT/Directory.Packages.props" \
        -newer "$API_DLL" -type f ! -path '*/bin/*' ! -path '*/obj/*' -print -quit)" ]]; then
        return 0
    fi
    log "building (dotnet build -c $CONFIGURATION)"
    dotnet build "$ROOT/src/Api/Api.csproj" -c "$CONFIGURATION" -nologo -v quiet >&2
}

silo_pidfile() { echo "$RUN_DIR/silo-$1.pid"; }

# silo_start N MODE — one silo process co-hosting the API, in the background.
silo_start() {
    local n="$1" mode="$2" pidfile port
    pidfile="$(silo_pidfile "$n")"
    port=$((API_PORT + n - 1))
    if proc_alive "$pidfile"; then
        log "silo-$n already running (PID $(head -1 "$pidfile"), http://127.0.0.1:$port)"
        return 0
    fi
    mkdir -p "$LOG_DIR" "$RUN_DIR"
    log "starting silo-$n on http://127.0.0.1:$port ($mode mode)"
    (
        cd "$ROOT/src/Api"
        export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
        export ConnectionStrings__Postgres="$(pg_npgsql)"
        export DynamoDb__ServiceUrl="http://127.0.0.1:$DYNAMODB_PORT"
        export DynamoDb__AccessKey=local DynamoDb__SecretKey=local
        export Orleans__Mode="$mode" Orleans__SiloName="silo-$n"
        export Orleans__SiloPort=$((SILO_PORT + n - 1)) Orleans__GatewayPort=$((GATEWAY_PORT + n - 1))
        # Log lines with their UTC time, so the silos' logs can be read side by side (the caller's own settings win; the
        # options apply only with the formatter named).
        if [[ "${Logging__Console__FormatterName:-simple}" == simple ]]; then
            export Logging__Console__FormatterName=simple
            export Logging__Console__FormatterOptions__TimestampFormat="${Logging__Console__FormatterOptions__TimestampFormat:-yyyy-MM-ddTHH:mm:ss.fffZ }"
            export Logging__Console__FormatterOptions__UseUtcTimestamp="${Logging__Console__FormatterOptions__UseUtcTimestamp:-true}"
        fi
        # File sources: no allowed roots unless the caller sets them (Sources__File__AllowedRoots__0=/dir ./run.sh up):
        # this stack listens on loopback only and every request needs an admin token, and administrators keep
        # exports wherever they like; deployments list their export volumes (deploy/kubernetes: /exports).
        if [[ "$mode" == Cluster ]]; then
            # A laptop cluster: notice a killed silo in seconds rather than Orleans' production defaults.
            export Orleans__Membership__ProbeTimeout="${Orleans__Membership__ProbeTimeout:-00:00:02}"
            export Orleans__Membership__NumMissedProbesLimit="${Orleans__Membership__NumMissedProbesLimit:-2}"
        fi
        export Auth__Issuer="${Auth__Issuer:-$LOCAL_ISSUER}" Auth__SigningKeyFile="${Auth__SigningKeyFile:-$JWT_KEY_FILE}"
        export SecretStore__Directory="${SecretStore__Directory:-$SECRETS_DIR/sources}"
        exec 197>&- setsid dotnet "$API_DLL" --urls "http://127.0.0.1:$port" \
            >>"$LOG_DIR/silo-$n.log" 2>&1 </dev/null
    ) &
    local pid=$!
    _write_pidfile "$pidfile" "$pid"
    if ! wait_ready "http://127.0.0.1:$port" 120 "$pidfile"; then
        log "silo-$n did not become ready; last log lines:"
        tail -n 30 "$LOG_DIR/silo-$n.log" >&2 || true
        return 1
    fi
}

wait_ready() {
    local url="$1" timeout="$2" pidfile="$3" deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        proc_alive "$pidfile" || return 1
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/health/ready" || true)" == 200 ]] && return 0
        sleep 0.5
    done
    return 1
}

up() {
    local silos=1
    while (($#)); do
        case "$1" in
        --silos) silos="${2:?--silos needs a number}"; shift 2 ;;
        *) log "unknown option $1"; usage >&2; exit 2 ;;
        esac
    done
    [[ "$silos" =~ ^[1-9][0-9]?$ ]] || { log "--silos takes 1..99"; exit 2; }
    local mode=Local
    ((silos > 1)) && mode=Cluster
    if [[ -f "$RUN_DIR/mode" && "$(cat "$RUN_DIR/mode")" != "$mode" ]] && compgen -G "$RUN_DIR/silo-*.pid" >/dev/null; then
        log "silos already run in $(cat "$RUN_DIR/mode") mode; ./run.sh down first to switch to $mode mode"
        exit 2
    fi
    pg_ensure_installed
    dynalite_ensure_installed
    pg_start
    dynalite_start
    ensure_built
    jwt_key_ensure
    local n
    for ((n = 1; n <= silos; n++)); do silo_start "$n" "$mode"; done
    write_stack_env
    echo "$mode" >"$RUN_DIR/mode"
    log "ready: admin portal http://127.0.0.1:$API_PORT/  Swagger http://127.0.0.1:$API_PORT/swagger  (env: $DATA_DIR/stack.env; a token: ./run.sh token)"
}

# mint_token ROLE SUBJECT [HOURS]
mint_token() {
    node "$ROOT/scripts/token.mjs" --key-file "$JWT_KEY_FILE" --issuer "$LOCAL_ISSUER" --audience "$LOCAL_AUDIENCE" \
        --role "$1" --sub "$2" --hours "${3:-8}"
}

token() {
    local role=platform-admin sub="" hours=8
    while (($#)); do
        case "$1" in
        --role) role="${2:?--role needs platform-admin or platform-viewer}"; shift 2 ;;
        --sub) sub="${2:?--sub needs a name}"; shift 2 ;;
        --hours) hours="${2:?--hours needs a number}"; shift 2 ;;
        *) log "unknown option $1"; usage >&2; exit 2 ;;
        esac
    done
    case "$role" in
    platform-admin | platform-viewer) ;;
    *) log "--role takes platform-admin or platform-viewer"; exit 2 ;;
    esac
    jwt_key_ensure
    log "a $role token for http://127.0.0.1:$API_PORT (subject ${sub:-local-${role#platform-}}, valid ${hours} h):"
    mint_token "$role" "${sub:-local-${role#platform-}}" "$hours"
}

down() {
    local f
    for f in "$RUN_DIR"/silo-*.pid; do
        [[ -e "$f" ]] || continue
        log "stopping $(basename "$f" .pid)"
        stop_pidfile "$f" TERM 130
    done
    dynalite_stop
    pg_stop
    rm -f "$RUN_DIR/mode"
}

status() {
    local f rc=0
    pg_status || rc=3
    dynalite_status || rc=3
    for f in "$RUN_DIR"/silo-*.pid; do
        [[ -e "$f" ]] || continue
        if proc_alive "$f"; then echo "$(basename "$f" .pid): running (PID $(head -1 "$f"))"; else echo "$(basename "$f" .pid): stopped"; rc=3; fi
    done
    return "$rc"
}

demo() {
    up
    trap 'echo; log "stopping"; down; exit 0' INT TERM
    local admin
    admin="$(mint_token platform-admin local-admin)"
    node "$ROOT/scripts/demo.mjs" "http://127.0.0.1:$API_PORT" "$ROOT/samples/demo-export" "$admin"
    log "serving: admin portal http://127.0.0.1:$API_PORT/, Swagger http://127.0.0.1:$API_PORT/swagger — Ctrl-C stops everything"
    log "sign in to the portal (or Swagger's Authorize) with this platform-admin token, valid 8 h (another: ./run.sh token):"
    echo "$admin"
    while proc_alive "$(silo_pidfile 1)"; do sleep 1; done
    log "silo-1 exited"
    down
}

bench() {
    local dll="$ROOT/tests/Benchmarks/bin/$CONFIGURATION/net10.0/AdManager.Benchmarks.dll" rc=0
    case "${1:-}" in -h | --help) dotnet build "$ROOT/tests/Benchmarks/Benchmarks.csproj" -c "$CONFIGURATION" -nologo -v quiet >&2
        dotnet "$dll" --help; return 0 ;; esac
    log "building the bench (tests/Benchmarks)"
    dotnet build "$ROOT/tests/Benchmarks/Benchmarks.csproj" -c "$CONFIGURATION" -nologo -v quiet >&2
    # A fresh dynalite store per run: the probes and runs write many items and nothing needs to survive.
    proc_alive "$DYNALITE_PIDFILE" || rm -rf "$DYNALITE_DATA"
    mkdir -p "$DATA_DIR/exports"
    case " $* " in *" --no-pgloader "*) ;; *) pgloader_ensure_installed ;; esac
    export Sources__File__AllowedRoots__0="$DATA_DIR/exports"
    trap 'log "stopping the bench stack"; down; rm -rf "$DYNALITE_DATA"; exit 130' INT TERM
    up
    BENCH_TOKEN="$(token --sub bench | tail -n 1)" dotnet "$dll" --stack-env "$DATA_DIR/stack.env" --out "$DATA_DIR" "$@" || rc=$?
    trap - INT TERM
    log "stopping the bench stack"
    down
    rm -rf "$DYNALITE_DATA"
    return "$rc"
}

case "${1:-}" in
"") demo ;;
bench) shift; bench "$@" ;;
up) shift; up "$@" ;;
down) down ;;
status) status ;;
token) shift; token "$@" ;;
-h | --help | help) usage ;;
*) usage >&2; exit 2 ;;
esac
