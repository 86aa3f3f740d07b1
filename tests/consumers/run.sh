#!/usr/bin/env bash
# Real consumers of runner's reports: junitparser (what CI test tabs use) plus validation against
# Jenkins' junit-10.xsd (shipped in pytest's source distribution on PyPI), and the HTML report
# rendered by headless Chromium into a screenshot. Run from the repo root after `cargo build`.
# Installs what it needs (a Python venv under target/; Debian's chromium when absent).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/consumers
rm -rf "$out" && mkdir -p "$out"
runner=target/debug/runner
[ -x "$runner" ] || cargo build --locked

python3 -m venv "$out/venv"
"$out/venv/bin/pip" install -q junitparser lxml
"$out/venv/bin/pip" download -q --no-binary :all: --no-deps -d "$out" pytest==8.3.3
tar -xzf "$out"/pytest-8.3.3.tar.gz -C "$out" pytest-8.3.3/testing/example_scripts/junit-10.xsd
xsd="$out/pytest-8.3.3/testing/example_scripts/junit-10.xsd"

# A passing run of every collection, and a run with failures, a skip and a network error.
"$runner" run collections/ --mock -r junit="$out/pass.xml" -r html="$out/pass.html" -r json="$out/pass.json"
set +e
"$runner" run tests/consumers/failing.yaml --mock -r junit="$out/fail.xml" -r html="$out/fail.html"
code=$?
set -e
[ "$code" = 3 ] || { echo "expected exit code 3 from the failing run, got $code"; exit 1; }

"$out/venv/bin/python" tests/consumers/check_junit.py "$out/pass.xml" "$xsd" 37 0 0 5
"$out/venv/bin/python" tests/consumers/check_junit.py "$out/fail.xml" "$xsd" 5 1 1 1

if ! command -v chromium >/dev/null; then  # normally installed by .ci/run
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
for name in pass fail; do
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --window-size=1280,1400 \
    --screenshot="$PWD/$out/$name.png" "file://$PWD/$out/$name.html" 2>/dev/null
  size=$(stat -c %s "$out/$name.png")
  [ "$size" -gt 20000 ] || { echo "$out/$name.png is suspiciously small ($size bytes)"; exit 1; }
  echo "ok: $out/$name.png ($size bytes)"
done

# The Postman export, run by Postman's own CLI (Newman, from npm) against the simulator.
mkdir -p "$out/npm"
npm install --silent --prefix "$out/npm" newman@6.2.2 >/dev/null 2>&1
"$runner" export postman tests/consumers/newman.yaml -o "$out/newman.postman_collection.json"
"$runner" mock --port 0 2> "$out/mock.log" &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "http://" "$out/mock.log" && break; sleep 0.1; done
base_url=$(grep -o 'http://[0-9.:]*' "$out/mock.log" | head -1)
"$out/npm/node_modules/.bin/newman" run "$out/newman.postman_collection.json" \
  --env-var "base_url=$base_url" --env-var "app_token=00000000-0000-4000-8000-000000000001" \
  --reporters cli --color off > "$out/newman.log" || { cat "$out/newman.log"; echo "newman failed on the exported collection"; exit 1; }
echo "ok: newman ran the exported collection: $(grep -E '│ +assertions' "$out/newman.log" | tr -s ' ')"

# The live progress line on a real terminal (tmux): shown while a request is in flight, gone after.
tmux kill-session -t runner-progress 2>/dev/null || true
tmux new-session -d -s runner-progress -x 120 -y 20 "$runner run tests/consumers/slow.yaml --mock; sleep 30"
sleep 1
during=$(tmux capture-pane -p -t runner-progress)
sleep 3.5
after=$(tmux capture-pane -p -t runner-progress)
tmux kill-session -t runner-progress
echo "$during" | grep -q '^\[1/2\] first, after a pause' || { echo "no progress line while running:"; echo "$during"; exit 1; }
echo "$after" | grep -q '2 passed' || { echo "the run did not finish:"; echo "$after"; exit 1; }
if echo "$after" | grep -q '^\['; then echo "the progress line was left behind:"; echo "$after"; exit 1; fi
echo "ok: the progress line shows on a terminal and disappears"
