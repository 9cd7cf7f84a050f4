# shellcheck shell=bash
# Shared by scripts/demo, scripts/test and scripts/release-notes (sourced, not run): the venvs,
# a collections path, the emulator.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="${KIBANA_BUILD_DIR:-$REPO/build}"
export PATH="$REPO/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$BUILD/collections"
export ANSIBLE_PYTHON_INTERPRETER="$REPO/.venv/bin/python"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_DEPRECATION_WARNINGS=0
export ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0

# The supported ansible-core lines that sanity, units and integration run on (oldest and newest;
# README "Tested matrix"), each with the Python it runs on. KIBANA_CORE_LINES="2.21" runs one.
# shellcheck disable=SC2034  # used by the scripts that source this file
read -ra CORE_LINES <<<"${KIBANA_CORE_LINES:-2.16 2.21}"
declare -A LINE_PYTHON=([2.16]=3.12 [2.21]=3.13)

# The repo root is the collection; ansible and ansible-test want it at
# .../ansible_collections/stackops/kibana: a copy (ansible-test refuses symlinks), refreshed.
collection_copy() {
  local dest="$BUILD/collections/ansible_collections/stackops/kibana"
  rm -rf "$dest" && mkdir -p "$dest"
  (cd "$REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dest")
  guide_rst "$dest" || return 1
  git -C "$dest" init -q && git -C "$dest" add -A
  echo "$dest"
}

# The guide is written in Markdown (docs/getting-started.md, read where the code is); the docs
# site (antsibull-docs) takes reStructuredText, so every collection copy, and so the built
# tarball, gets docs/docsite/rst/guide.rst converted from it (pandoc, from pypandoc-binary).
guide_rst() {
  python - "$1" <<'PY'
import pathlib
import sys

import pypandoc

root = pathlib.Path(sys.argv[1])
rst = pypandoc.convert_file(str(root / "docs" / "getting-started.md"), "rst",
                            format="gfm-gfm_auto_identifiers", extra_args=["--wrap=preserve"])
(root / "docs" / "docsite" / "rst" / "guide.rst").write_text(
    ".. _ansible_collections.stackops.kibana.docsite.guide:\n\n"
    ".. Generated from docs/getting-started.md by scripts/lib.sh (guide_rst): edit that file.\n\n"
    + rst)
PY
}

# find_python X.Y -> the path of a working Python X.Y: on PATH, else under pyenv's versions
# (a pyenv shim for a version that is not `pyenv global` fails, so each candidate is run).
find_python() {
  local want=$1 candidate
  for candidate in "$(command -v "python$want" 2>/dev/null)" \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want".*/bin/"python$want" \
      /root/.pyenv/versions/"$want".*/bin/"python$want" \
      /usr/local/bin/"python$want" /usr/bin/"python$want"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" \
        2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no working Python $want: looked for python$want on PATH and under" \
    "${PYENV_ROOT:-$HOME/.pyenv}/versions/$want.*; install it (e.g. pyenv install $want)" >&2
  return 1
}

# line_venv LINE -> the venv of one ansible-core line (.venvs/core-LINE, pinned by
# scripts/requirements/core-LINE.txt), created or refreshed when its pins changed.
line_venv() {
  local line=$1 venv="$REPO/.venvs/core-$1" pins="$REPO/scripts/requirements/core-$1.txt" python
  [ -f "$pins" ] || { echo "unknown ansible-core line $line (no $pins)" >&2; return 1; }
  # One setup at a time per checkout (steps may run concurrently); callers run this in $(...),
  # so the lock is released when it returns.
  mkdir -p "$REPO/.venvs"
  exec 9>"$REPO/.venvs/core-$line.lock"
  flock 9
  if [ -x "$venv/bin/python" ] && cmp -s "$pins" "$venv/.pins"; then
    echo "$venv"
    return 0
  fi
  python=$(find_python "${LINE_PYTHON[$line]}") || return 1
  echo "== setting up $venv with $("$python" --version) and ${pins#"$REPO"/}" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$pins" >&2 &&
    cp "$pins" "$venv/.pins" || return 1
  echo "$venv"
}

# A venv for the release tools (galaxy-importer, ansible-builder) that pin their own
# ansible-core and ansible-lint: kept apart from .venv.
tools_venv() {
  local venv="$REPO/.venvs/tools" pins="$REPO/scripts/requirements/tools.txt"
  mkdir -p "$REPO/.venvs"
  exec 9>"$REPO/.venvs/tools.lock"
  flock 9
  if [ -x "$venv/bin/python" ] && cmp -s "$pins" "$venv/.pins"; then
    echo "$venv"
    return 0
  fi
  echo "== setting up $venv with ${pins#"$REPO"/}" >&2
  rm -rf "$venv"
  "$REPO/.venv/bin/python" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$pins" >&2 &&
    cp "$pins" "$venv/.pins" || return 1
  echo "$venv"
}

# ansible-test bootstraps pip in its venvs with a script it downloads; offline, a stand-in that
# uses ensurepip does the same job (shared/ansible-toolchain.md §2.4). Written under every name
# an installed ansible-test asks for (each release pins its own pip version).
get_pip_shim() {
  local venv name
  mkdir -p ~/.ansible/test/cache
  for venv in "$REPO/.venv" "$REPO"/.venvs/core-*; do
    grep -ohE "pip='[0-9.]+'" \
        "$venv"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py \
        2>/dev/null | sort -u | sed -E "s/pip='([0-9.]+)'/\1/; s/\./_/g" | while read -r name; do
      # Written aside, then renamed: other checkouts may be running ansible-test meanwhile.
      cat > ~/.ansible/test/cache/"get_pip_$name.py.$$" <<'PY'
import subprocess, sys
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
      mv -f ~/.ansible/test/cache/"get_pip_$name.py.$$" ~/.ansible/test/cache/"get_pip_$name.py"
    done
  done
}

free_port() {
  python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_emulator LIFETIME -> sets EMULATOR_URL and EMULATOR_PID; the emulator plays the Kibana
# version STACKOPS_KIBANA_VERSION names (e.g. 8.19.3), the newest when it is unset.
start_emulator() {
  local port
  port=$(free_port)
  (cd "$REPO" && exec python -m tests.emulator --host 127.0.0.1 --port "$port" --lifetime "$1" \
    ${STACKOPS_KIBANA_VERSION:+--kibana-version "$STACKOPS_KIBANA_VERSION"}) \
    >"$BUILD/emulator-$port.log" 2>&1 &
  EMULATOR_PID=$!
  EMULATOR_URL="http://127.0.0.1:$port"
  wait_for_emulator "$BUILD/emulator-$port.log"
}

wait_for_emulator() {
  for _ in $(seq 50); do
    curl -sf "$EMULATOR_URL/_emulator/config" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the emulator did not start: $(cat "$1")" >&2
  return 1
}

stop_emulator() {
  if [ -n "${EMULATOR_PID:-}" ]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
  fi
}
