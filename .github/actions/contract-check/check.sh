#!/usr/bin/env bash
# Run `authcontract check` for the action and tell the workflow what came of it.
#
# Inputs come from the environment (never pasted into a script): CONTRACT_* for the suite, and
# AUTHCONTRACT (the command), ADVISORY, CA_BUNDLE, EXTRA_ARGS, REPORTS. Writes to GITHUB_OUTPUT
# `verdict` (kept, broken, no-verdict) and `junit` / `html` for the report files that exist, and to
# GITHUB_STEP_SUMMARY a heading with the verdict, the reason when there is none, and the table.
# Exits as the check did: 0 kept, 1 broken, 2 no verdict.
set -uo pipefail
: "${GITHUB_OUTPUT:?set by the runner}"

summary() { printf '%s\n' "$@" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"; }
# the platform's text is untrusted: escaped for the summary's HTML, and capped
pre() { summary '<pre>'; head -c 65536 "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
  >> "${GITHUB_STEP_SUMMARY:-/dev/null}"; summary '</pre>'; }
no_verdict() {
  echo "verdict=no-verdict" >> "$GITHUB_OUTPUT"
  echo "::error title=contract check: no verdict::$1"
  summary "### Contract check: no verdict" "" "$1"
  exit 2
}

if [ -z "${CONTRACT_BASE_URL:-}" ]; then
  # inputs' `required` is not enforced: an unset variable would check the bundled mock instead
  no_verdict "base-url is empty: this action checks a live platform"
fi
if [ -n "${CONTRACT_PASSWORD:-}" ]; then
  echo "::add-mask::$CONTRACT_PASSWORD"
fi
REPORTS="${REPORTS:-contract-reports}"
mkdir -p "$REPORTS" || no_verdict "cannot create the reports directory $REPORTS"
arguments=(--advisory "${ADVISORY:-warn}" --junitxml "$REPORTS/contract.xml" --html "$REPORTS/contract.html")
if [ -n "${CA_BUNDLE:-}" ]; then
  [ -f "$CA_BUNDLE" ] || no_verdict "ca-bundle: no such file: $CA_BUNDLE"
  arguments+=(--ca-bundle "$CA_BUNDLE")
fi
read -r -a extra <<< "${EXTRA_ARGS:-}"  # split on blanks, as a shell would, without expanding anything
rm -f "$REPORTS/contract.xml" "$REPORTS/contract.html"  # a file from an earlier run is not this run's

status=0
"${AUTHCONTRACT:-authcontract}" check "${arguments[@]}" "${extra[@]}" \
  > "$REPORTS/contract.txt" 2> "$REPORTS/contract.err" || status=$?
cat "$REPORTS/contract.txt"
cat "$REPORTS/contract.err" >&2

for report in junit:contract.xml html:contract.html; do
  if [ -s "$REPORTS/${report#*:}" ]; then echo "${report%%:*}=$REPORTS/${report#*:}" >> "$GITHUB_OUTPUT"; fi
done
case "$status" in
  0) verdict=kept heading="Contract kept" ;;
  1) verdict=broken heading="Contract broken" ;;
  *) verdict=no-verdict heading="Contract check: no verdict (exit $status)" ;;
esac
echo "verdict=$verdict" >> "$GITHUB_OUTPUT"
summary "### $heading" ""
if [ "$verdict" = no-verdict ]; then
  if [ -s "$REPORTS/contract.err" ]; then
    summary "Why:"; pre "$REPORTS/contract.err"
  else
    summary "Why: \`authcontract check\` exited $status and said nothing on stderr; see the step's log."
  fi
elif [ -s "$REPORTS/contract.err" ]; then
  pre "$REPORTS/contract.err"
fi
if [ -s "$REPORTS/contract.txt" ]; then pre "$REPORTS/contract.txt"; fi
exit "$status"
