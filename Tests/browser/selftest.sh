#!/usr/bin/env bash
# Optional (not part of CI): proves each check of the browser gate passes on a
# good sample site and fails on a broken one. Same installation as run.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" --selftest "$@"
