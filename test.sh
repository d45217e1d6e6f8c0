#!/usr/bin/env bash
# ./test.sh — every test, on a fresh machine: installs what is missing, starts a private
# PostgreSQL and dynalite for the tests (under .data/test, on their own ports, so a running
# ./run.sh stack is left alone), builds once, runs the unit and integration tests, and
# stops what it started.
#
#   ./test.sh                 all tests
#   ./test.sh unit            unit tests only (no servers)
#   ./test.sh integration     integration tests only
#   ./test.sh deploy          Dockerfile and Kubernetes manifests only (kubectl kustomize, schemas)
#   TEST_FILTER=Name ./test.sh  passes --filter to dotnet test
set -euo pipefail

export DATA_DIR="${TEST_DATA_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/.data/test}"
export PG_PORT="${TEST_PG_PORT:-55442}" DYNAMODB_PORT="${TEST_DYNAMODB_PORT:-58010}"
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
    for s in "${started[@]}"; do
        case "$s" in
        dynalite) dynalite_stop || true ;;
        postgres) pg_stop || true ;;
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

if [[ "$what" == all || "$what" == integration ]]; then
    pg_ensure_installed
    dynalite_ensure_installed
    proc_alive "$PG_PIDFILE" || started+=(postgres)
    pg_start
    proc_alive "$DYNALITE_PIDFILE" || started+=(dynalite)
    dynalite_start
    # A clean database per run: the tests assert exact target contents.
    _pg_psql postgres -c "DROP DATABASE IF EXISTS admanager_test WITH (FORCE)" >/dev/null
    pg_create_db admanager_test
    export ADMANAGER_TEST_PG="$(pg_npgsql | sed 's/Database=admanager;/Database=admanager_test;/')"
    export ADMANAGER_TEST_DYNAMODB="http://127.0.0.1:$DYNAMODB_PORT"
    # The fault-tolerance tests stop and start these servers, and run real silo processes.
    export ADMANAGER_TEST_INFRA="$ROOT/scripts/infra.sh"
    export ADMANAGER_API_DLL="$ROOT/src/Api/bin/Release/net10.0/AdManager.Api.dll"
    run_tests "$ROOT/tests/AdManager.IntegrationTests/AdManager.IntegrationTests.csproj" || rc=1
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
echo "tests: $passed passed, $failed failed"
if ((passed == 0)); then rc=1; fi
exit "$rc"
