#!/usr/bin/env bash
# The benchmark: runner vs Hurl 8.0.1 vs Newman vs curl vs the raw keep-alive floor (wrk -c1),
# side by side against one local server, in one run. Prints a table with the ratios of the
# performance targets and writes it to target/bench/results.md.
#
#   bench/run.sh                 # N = 1 100 1000 10000, 5 runs each (medians)
#   RUNS=3 NS="1 100 1000" bench/run.sh
#
# Installs what is missing: Debian's hyperfine, wrk and time; Hurl 8.0.1 with cargo (needs
# libcurl4-openssl-dev, libxml2-dev, libclang-dev, pkg-config; newer Hurl needs a newer rustc);
# Newman 6.2.2 from npm when npm exists (skipped otherwise). Times are whole processes.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
NS=${NS:-"1 100 1000 10000"}
out=target/bench
mkdir -p "$out"

need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
command -v wrk >/dev/null || need_apt+=(wrk)
[ -x /usr/bin/time ] || need_apt+=(time)
if ! command -v hurl >/dev/null || ! hurl --version | grep -q "^hurl 8.0.1"; then
  need_apt+=(libcurl4-openssl-dev libxml2-dev libclang-dev pkg-config)
  install_hurl=1
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ "${install_hurl:-0}" = 1 ]; then
  echo "installing hurl 8.0.1 (cargo install, several minutes)…" >&2
  cargo install hurl --version 8.0.1 --locked >/dev/null 2>&1
fi
newman=""
if command -v npm >/dev/null; then
  [ -x "$out/npm/node_modules/.bin/newman" ] || npm install --silent --prefix "$out/npm" newman@6.2.2 >/dev/null 2>&1 || true
  [ -x "$out/npm/node_modules/.bin/newman" ] && newman="$out/npm/node_modules/.bin/newman"
fi

cargo build --release --locked --bin runner --example bench_server 2>&1 | tail -1 >&2
runner=target/release/runner
target/release/examples/bench_server > "$out/port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$out/port" ] && break; sleep 0.1; done
port=$(cat "$out/port")
base="http://127.0.0.1:$port"

for n in $NS; do
  python3 bench/gen.py "$base" "$n" "$out"
  "$runner" export postman "$out/flow-$n.yaml" -o "$out/flow-$n.postman.json" 2>/dev/null
  # curl: the same GETs as one process on one connection (no assertions): a client floor.
  python3 -c "import sys; n=int(sys.argv[1]); print('\n'.join(f'url = \"$base/items/{i}\"\noutput = /dev/null' for i in range(1, n+1)))" "$n" > "$out/curl-$n.cfg"
done

# wall(tool, n): median seconds over RUNS (hyperfine); rss(tool, n): median peak RSS in KB.
measure() { # name n command...
  local name=$1 n=$2; shift 2
  local runs=$RUNS
  if [ "$name" = newman ] && [ "$n" -ge 1000 ]; then runs=1; fi
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$out/$name-$n.json" "$*" >/dev/null 2>&1
  local rss=()
  for _ in 1 2 3; do
    /usr/bin/time -f "%M" -o "$out/rss.tmp" "$@" >/dev/null 2>&1 || true
    rss+=("$(cat "$out/rss.tmp")")
  done
  printf '%s\n' "${rss[@]}" | sort -n | sed -n 2p > "$out/$name-$n.rss"
}

for n in $NS; do
  echo "N=$n…" >&2
  measure runner "$n" "$runner" run "$out/flow-$n.yaml"
  measure hurl "$n" hurl --test "$out/flow-$n.hurl"
  measure curl "$n" curl -s -H "Authorization: Bearer bench-token-0123456789abcdef" -K "$out/curl-$n.cfg"
  if [ -n "$newman" ] && [ "$n" -le 1000 ]; then
    measure newman "$n" "$newman" run "$out/flow-$n.postman.json" --reporters cli --bail
  fi
done

# The raw floor: one keep-alive connection, no client logic.
wrk -t1 -c1 -d5s -H "Authorization: Bearer bench-token-0123456789abcdef" "$base/items/5" > "$out/wrk.txt"

# Large bodies: a 10 MiB JSON response with five JSONPath assertions, vs serde_json alone.
cat > "$out/big.yaml" <<YAML
name: big body
items:
  - name: big
    url: $base/big
    expect:
      status: 200
      json:
        \$.count: { gt: 0 }
        \$.last: { gte: 0 }
        \$.items[0].id: 0
        \$.items[1].name: item number 1
        \$.items[2].tags: [a, b]
YAML
curl -s "$base/big" -o "$out/big.json"
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/big-runner.json" "$runner run $out/big.yaml" >/dev/null 2>&1
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/big-fetch.json" "curl -s -o /dev/null $base/big" >/dev/null 2>&1
cargo run --release --locked --example parse_json -- "$out/big.json" > "$out/big-serde.txt" 2>/dev/null

python3 bench/report.py "$out" "$NS" | tee "$out/results.md"
