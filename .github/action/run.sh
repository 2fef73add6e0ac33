#!/usr/bin/env bash
# The check step of the GitHub Action (action.yml at the repository root), kept out of the YAML so
# that tests/e2e/test_action.py can run it with the variables GitHub sets. It reads the inputs from
# FLAGKEEPER_* variables (never `${{ inputs.* }}` pasted into shell code), decides from the event
# what to run, and tells the next steps where the SARIF file is:
#   pull_request / pull_request_target   check --since <base sha>, annotations on the diff
#   push to the default branch, sarif    check, SARIF for github/codeql-action/upload-sarif
#   anything else                        check, annotations
# It exits with flagkeeper's exit code: 1 findings, 2 a usage or configuration error.
set -euo pipefail

flagkeeper=${FLAGKEEPER:-flagkeeper}
python=${FLAGKEEPER_PYTHON:-python3}
fail_on=${FLAGKEEPER_FAIL_ON:-warning}
sarif=${FLAGKEEPER_SARIF:-true}

fail() {
    echo "flagkeeper: error: $*" >&2
    exit 2
}

case "$fail_on" in error | warning) ;; *) fail "action input fail-on: expected error or warning, got '$fail_on'" ;; esac
case "$sarif" in true | false) ;; *) fail "action input sarif: expected true or false, got '$sarif'" ;; esac
[ -n "${GITHUB_EVENT_NAME:-}" ] || fail "GITHUB_EVENT_NAME is not set: this script runs inside the GitHub Action"
[ -f "${GITHUB_EVENT_PATH:-}" ] || fail "GITHUB_EVENT_PATH does not name the event file: '${GITHUB_EVENT_PATH:-}'"

# The two fields of the event this needs, one a line; an unreadable event is one line and exit 2.
# shellcheck disable=SC2016
event_fields=$("$python" -c '
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as file:
        event = json.load(file)
except (OSError, ValueError) as error:
    sys.exit(f"flagkeeper: error: {sys.argv[1]}: not a GitHub event: {error}".replace("\n", " "))
base = (event.get("pull_request") or {}).get("base") or {}
print(base.get("sha") or "")
print((event.get("repository") or {}).get("default_branch") or "")
' "$GITHUB_EVENT_PATH") || exit 2
{ read -r base_sha || true; read -r default_branch || true; } <<<"$event_fields"  # a missing field is an empty line

# Inputs are whitespace-separated words (newlines too); `read -a` splits without glob expansion.
paths_input=${FLAGKEEPER_PATHS:-} args_input=${FLAGKEEPER_ARGS:-}
read -r -a paths <<<"${paths_input//$'\n'/ }"
read -r -a extra <<<"${args_input//$'\n'/ }"
options=(--fail-on "$fail_on")
sarif_file=""

case "$GITHUB_EVENT_NAME" in
pull_request | pull_request_target)
    [[ "$base_sha" =~ ^[0-9a-f]{40}$ ]] || fail "$GITHUB_EVENT_PATH: a $GITHUB_EVENT_NAME event without pull_request.base.sha"
    # actions/checkout fetches one commit by default: fetch the base too (one commit is enough,
    # --since reads its tree). A full clone (fetch-depth: 0) has it already.
    if ! git cat-file -e "$base_sha^{commit}" 2>/dev/null; then
        depth=()
        [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ] && depth=(--depth=1)
        git fetch --quiet --no-tags ${depth[@]+"${depth[@]}"} origin "$base_sha" 2>/dev/null \
            || fail "the pull request's base commit $base_sha is not in the checkout and could not be fetched from origin (use actions/checkout with fetch-depth: 0)"
    fi
    options+=(--since "$base_sha" --output-format github)
    ;;
push)
    if [ "$sarif" = true ] && [ -n "$default_branch" ] && [ "${GITHUB_REF:-}" = "refs/heads/$default_branch" ]; then
        sarif_file="${RUNNER_TEMP:-$(mktemp -d)}/flagkeeper.sarif"
        options+=(--output-format sarif --output-file "$sarif_file")
    else
        options+=(--output-format github)
    fi
    ;;
*) options+=(--output-format github) ;;
esac

report=$(mktemp)
status=0
# ${a[@]+"${a[@]}"}: an empty array under `set -u` in the bash 3.2 of macOS runners.
"$flagkeeper" check "${options[@]}" ${extra[@]+"${extra[@]}"} -- ${paths[@]+"${paths[@]}"} >"$report" || status=$?
cat "$report"  # the annotations reach the log, where GitHub turns them into annotations
[ -f "$sarif_file" ] || sarif_file=""  # none after an error: then no upload either

if [ -n "$sarif_file" ]; then
    findings=$("$python" -c 'import json, sys; print(sum(len(run["results"]) for run in json.load(open(sys.argv[1]))["runs"]))' "$sarif_file" 2>/dev/null || echo "?")
else
    findings=$(grep -c -E '^::(error|warning) ' "$report" || true)
fi
rm -f "$report"

if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { echo "sarif-file=$sarif_file"; echo "exit-code=$status"; } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$status" != 2 ]; then
    scope="the whole project"
    [ -n "$base_sha" ] && scope="what the pull request brought since ${base_sha:0:12}"
    [ -n "$sarif_file" ] && scope="$scope, uploaded as SARIF"
    noun=findings
    [ "$findings" = 1 ] && noun=finding
    echo "**flagkeeper**: $findings $noun in $scope (exit code $status)." >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
