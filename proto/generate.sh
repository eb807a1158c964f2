#!/usr/bin/env bash
# Regenerates the static codec and its TypeScript types from cohort.proto.
# Usage: proto/generate.sh [OUT_DIR]   (default: proto/generated)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/generated}
mkdir -p "$out"
bin=$here/../node_modules/.bin
"$bin/pbjs" -t static-module -w es6 --no-verify --no-convert --no-delimited --no-service \
  -o "$out/cohort.js" "$here/cohort.proto"
"$bin/pbts" --no-comments -o "$out/cohort.d.ts" "$out/cohort.js"
