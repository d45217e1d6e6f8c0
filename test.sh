#!/usr/bin/env bash
# ./test.sh — every test, on a fresh machine: installs what is missing, starts a private
# PostgreSQL and dynalite for the tests (under .data/test, on their own ports, so a running
# ./run.sh stack is left alone), builds once, runs the unit, integration and browser tests,
# and stops what it started.
#
#   ./test.sh                 all tests
#   ./test.sh unit            unit tests only (no servers)
#   ./test.sh integration     integration tests only
#   ./test.sh deploy          Dockerfile and Kubernetes manifests only (kubectl kustomize, schemas)
#   ./test.sh e2e             browser tests only: Debian's chromium (installed when missing)
#                             driven by playwright-core against `./run.sh up` on free ports;
#                             screenshots in TestResults/e2e/
#   TEST_FILTER=Name ./test.sh  passes --filter to dotnet test (and skips the browser tests)
set -euo pipefail

export DATA_DIR="${TEST_DATA_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/.data/test}"
export PG_PORT="${TEST_PG_PORT:-25442}" DYNAMODB_PORT="${TEST_DYNAMODB_PORT:-28010}"
# shellcheck source-path=SCRIPTDIR source=scripts/lib/stack.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib/stack.sh"
# shellcheck source-path=SCRIPTDIR source=scripts/lib/deploy-check.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib/deploy-check.sh"
stack_init
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

what="${1:-all}"
results="$ROOT/TestResults"
rm -rf "$results"
mkdir -p "$results"

log() { printf '[test] %s\n' "$*" >&2; }

started=()
cleanup() {
    local rc=$?
    local i s
    # Last started, first stopped: the silo before the stores it uses.
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do
        s="${started[i]}"
        case "$s" in
        dynalite) dynalite_stop || true ;;
        postgres) pg_stop || true ;;
        silo) stop_pidfile "$RUN_DIR/silo-1.pid" TERM 60 || true ;;
        esac
    done
    exit "$rc"
}
trap cleanup EXIT

rc=0
if [[ "$what" == all || "$what" == deploy ]]; then
    deploy_checks "$results" || rc=1
fi

if [[ "$what" != deploy ]]; then
    log "restoring and building (Release)"
    dotnet build "$ROOT/AdManager.sln" -c Release -nologo -v quiet
fi

filter=()
[[ -n "${TEST_FILTER:-}" ]] && filter=(--filter "$TEST_FILTER")

run_tests() {
    local project="$1" name
    name="$(basename "$project" .csproj)"
    dotnet test "$project" -c Release --no-build --nologo "${filter[@]}" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
        --results-directory "$results" 2>&1 | tee "$results/$name.log"
    return "${PIPESTATUS[0]}"
}

if [[ "$what" == all || "$what" == unit ]]; then
    run_tests "$ROOT/tests/AdManager.UnitTests/AdManager.UnitTests.csproj" || rc=1
fi

start_stores() {
    pg_ensure_installed
    dynalite_ensure_installed
    if ! proc_alive "$PG_PIDFILE"; then started+=(postgres); fi
    pg_start
    if ! proc_alive "$DYNALITE_PIDFILE"; then started+=(dynalite); fi
    dynalite_start
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# The browser tests run against the real local stack: ./run.sh up on free ports, in the test
# data folder (its own database, its own signing key), with tokens from ./run.sh token.
run_e2e() {
    local e2e="$ROOT/tests/e2e" work="$DATA_DIR/e2e-exports" api_port
    chromium_ensure_installed
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) >&2
    _pg_psql postgres -c "DROP DATABASE IF EXISTS admanager WITH (FORCE)" >/dev/null
    pg_create_db admanager
    rm -rf "$work" && mkdir -p "$work"
    api_port="$(free_port)"
    # A silo this data folder still runs from an interrupted run would answer on another port.
    stop_pidfile "$RUN_DIR/silo-1.pid" TERM 60
    started+=(silo)
    API_PORT="$api_port" SILO_PORT="$(free_port)" GATEWAY_PORT="$(free_port)" \
        Sources__File__AllowedRoots__0="$ROOT/samples" Sources__File__AllowedRoots__1="$work" \
        "$ROOT/run.sh" up
    E2E_BASE_URL="http://127.0.0.1:$api_port/" \
        E2E_ADMIN_TOKEN="$("$ROOT/run.sh" token --role platform-admin 2>/dev/null | tail -n1)" \
        E2E_VIEWER_TOKEN="$("$ROOT/run.sh" token --role platform-viewer 2>/dev/null | tail -n1)" \
        E2E_SAMPLE_EXPORT="$ROOT/samples/demo-export" E2E_WORK_DIR="$work" E2E_ARTIFACTS="$results/e2e" \
        node --test --test-concurrency=1 \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=junit --test-reporter-destination="$results/e2e.junit.xml" \
        "$e2e/tests/" 2>&1 | tee "$results/e2e.log"
    local rc="${PIPESTATUS[0]}"
    ((rc == 0)) || tail -n 40 "$LOG_DIR/silo-1.log" >&2 || true
    return "$rc"
}

if [[ "$what" == all || "$what" == integration ]]; then
    start_stores
    # A clean database per run: the tests assert exact target contents.
    _pg_psql postgres -c "DROP DATABASE IF EXISTS admanager_test WITH (FORCE)" >/dev/null
    pg_create_db admanager_test
    export ADMANAGER_TEST_PG="$(pg_npgsql | sed 's/Database=admanager;/Database=admanager_test;/')"
    export ADMANAGER_TEST_DYNAMODB="http://127.0.0.1:$DYNAMODB_PORT"
    # The fault-tolerance tests stop and start these servers, and run real silo processes.
    export ADMANAGER_TEST_INFRA="$ROOT/scripts/infra.sh"
    run_tests "$ROOT/tests/AdManager.IntegrationTests/AdManager.IntegrationTests.csproj" || rc=1
fi

if [[ "$what" == e2e || ("$what" == all && -z "${TEST_FILTER:-}") ]]; then
    log "browser tests (chromium, playwright-core) against ./run.sh up"
    start_stores
    run_e2e || rc=1
fi

# One closing line for CI, summed over every test run above.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
    [[ -e "$trx" ]] || continue
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [[ -f "$results/deploy.tap" ]]; then
    p="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$results/deploy.tap" | tail -1)"
    f="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$results/deploy.tap" | tail -1)"
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
fi
if [[ -s "$results/e2e.junit.xml" ]]; then
    p="$(sed -n 's/.*<!-- pass \([0-9]*\) -->.*/\1/p' "$results/e2e.junit.xml" | tail -n1)"
    f="$(sed -n 's/.*<!-- fail \([0-9]*\) -->.*/\1/p' "$results/e2e.junit.xml" | tail -n1)"
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
fi
echo "tests: $passed passed, $failed failed"
if ((passed == 0)); then rc=1; fi
exit "$rc"
