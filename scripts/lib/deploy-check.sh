# shellcheck shell=bash
# scripts/lib/deploy-check.sh — offline checks of the deployment files: renders every kustomize
# overlay with `kubectl kustomize`, validates the objects against the Kubernetes schemas
# (kubernetes-models, pinned in tools/k8s-check/package-lock.json) and asserts the invariants the
# service relies on, plus static checks of the Dockerfile. No cluster and no Docker engine needed.
# Sourced by test.sh; expects ROOT from stack_init.

_deploy_log() { printf '[deploy] %s\n' "$*" >&2; }

kubectl_ensure_installed() {
    command -v kubectl >/dev/null 2>&1 && return 0
    [[ $EUID -eq 0 ]] || { _deploy_log "kubectl missing and not root to install it"; return 1; }
    _deploy_log "installing kubectl (apt)"
    { DEBIAN_FRONTEND=noninteractive apt-get update &&
        { DEBIAN_FRONTEND=noninteractive apt-get install -y kubectl ||
            DEBIAN_FRONTEND=noninteractive apt-get install -y kubernetes-client; }; } >&2 || return 1
    command -v kubectl >/dev/null 2>&1
}

# npm ci when node_modules is missing or older than the lockfile.
k8s_check_ensure_installed() {
    local dir="$ROOT/tools/k8s-check"
    if [[ -f "$dir/node_modules/.package-lock.json" && ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
        return 0
    fi
    _deploy_log "installing the manifest checker from its lockfile (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

# deploy_checks RESULTS_DIR — node's test runner; TAP to RESULTS_DIR/deploy.tap for the summary.
deploy_checks() {
    local results="$1"
    kubectl_ensure_installed || return 1
    k8s_check_ensure_installed || return 1
    _deploy_log "kubectl kustomize + schema validation + invariants ($(kubectl version --client 2>/dev/null | head -1))"
    (cd "$ROOT/tools/k8s-check" &&
        node --test --test-reporter=spec --test-reporter-destination=stdout \
            --test-reporter=tap --test-reporter-destination="$results/deploy.tap" test/)
}
