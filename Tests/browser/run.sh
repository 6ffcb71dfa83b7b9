#!/usr/bin/env bash
# Real-browser quality gate for a built Funnelmark site.
#
#   Tests/browser/run.sh SITE_DIR [EXTRA_HTML_FILES...] [options]
#   Tests/browser/run.sh --selftest        # proves every check passes and fails
#
# Installs what it needs on a fresh Debian machine (chromium, chromium-driver,
# a Java runtime, python3-venv via apt-get; Python packages pinned in
# requirements.txt into a virtual environment, .build/browser-venv by default),
# and is a no-op for all of that when it is already in place.
# Options are those of check.py (run with --help).
#
# Environment: BROWSER_VENV (venv folder), PYTHON (interpreter to build it with).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${BROWSER_VENV:-$ROOT/.build/browser-venv}"
REQS="$HERE/requirements.txt"

log() { printf 'browser check: %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
APT_UPDATED=""
apt_install() {
  log "installing $* with apt-get"
  if [ -z "$APT_UPDATED" ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. System packages: the browser, its driver, a Java runtime for vnu.jar.
missing=()
if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium fonts-dejavu-core); fi
if [ ! -x /usr/bin/chromedriver ] && ! command -v chromedriver >/dev/null 2>&1; then missing+=(chromium-driver); fi
if ! command -v java >/dev/null 2>&1; then missing+=(default-jre-headless); fi
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi

# 2. The virtual environment, rebuilt only when missing, broken or out of date.
stamp_of() {
  { cat "$REQS"; "$1" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}
venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1 \
    && [ -f "$VENV/.funnelmark-browser-stamp" ] \
    && [ "$(cat "$VENV/.funnelmark-browser-stamp")" = "$(stamp_of "$VENV/bin/python")" ]
}
if ! venv_ok; then
  PY="${PYTHON:-}"
  if [ -z "$PY" ]; then
    for candidate in python3 /usr/bin/python3; do
      if command -v "$candidate" >/dev/null 2>&1 \
         && "$candidate" -c 'import sys, venv, ensurepip; assert sys.version_info >= (3, 10)' >/dev/null 2>&1; then
        PY="$candidate"; break
      fi
    done
  fi
  if [ -z "$PY" ]; then
    apt_install python3 python3-venv
    PY=/usr/bin/python3
  fi
  log "creating virtual environment $VENV with $("$PY" --version 2>&1)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$REQS"
  stamp_of "$VENV/bin/python" > "$VENV/.funnelmark-browser-stamp"
fi

PYTHONDONTWRITEBYTECODE=1 exec "$VENV/bin/python" "$HERE/check.py" --project-root "$ROOT" "$@"
