# Shared by scripts/demo and scripts/test: the venv, a collections path, the emulator.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="${KIBANA_BUILD_DIR:-$REPO/build}"
export PATH="$REPO/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$BUILD/collections"
export ANSIBLE_PYTHON_INTERPRETER="$REPO/.venv/bin/python"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_DEPRECATION_WARNINGS=0
export ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0

# The repo root is the collection; ansible and ansible-test want it at
# .../ansible_collections/stackops/kibana: a copy (ansible-test refuses symlinks), refreshed.
collection_copy() {
  local dest="$BUILD/collections/ansible_collections/stackops/kibana"
  rm -rf "$dest" && mkdir -p "$dest"
  (cd "$REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dest")
  git -C "$dest" init -q && git -C "$dest" add -A
  echo "$dest"
}

free_port() {
  python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_emulator LIFETIME -> sets EMULATOR_URL and EMULATOR_PID
start_emulator() {
  local port
  port=$(free_port)
  (cd "$REPO" && exec python -m tests.emulator --host 127.0.0.1 --port "$port" --lifetime "$1") \
    >"$BUILD/emulator-$port.log" 2>&1 &
  EMULATOR_PID=$!
  EMULATOR_URL="http://127.0.0.1:$port"
  for _ in $(seq 50); do
    curl -sf "$EMULATOR_URL/_emulator/config" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the emulator did not start: $(cat "$BUILD/emulator-$port.log")" >&2
  return 1
}

stop_emulator() {
  [ -n "${EMULATOR_PID:-}" ] && kill "$EMULATOR_PID" 2>/dev/null || true
}
