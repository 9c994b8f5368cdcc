#!/usr/bin/env bash
# The demo behind `make run`: an embedded broker (hosted by node1's daemon),
# three daemons with different facts and classes from configs/demo, then
# mco ping and mco find with filters. Everything started is stopped on exit.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
run=${1:-$top/.run}
demo=$top/configs/demo
bin=$top/bin
mkdir -p "$run"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

for n in 1 2 3; do
  "$bin/mcollectived" -c "$demo/node$n.cfg" --no-daemonize >"$run/node$n.log" 2>&1 &
  pids+=($!)
  [ "$n" = 1 ] && sleep 0.3   # node1 hosts the broker; the others retry anyway
done

mco() { echo "\$ mco $*"; "$bin/mco" "$@" -c "$demo/client.cfg" </dev/null || true; echo; }

for _ in $(seq 50); do
  [ "$("$bin/mco" ping -c "$demo/client.cfg" -t 0.5 </dev/null 2>/dev/null | grep -c 'time=')" -ge 3 ] && break
  sleep 0.2
done

mco ping -t 2
mco find
mco find -F role=web
mco find -C /roles::db/
mco find -F os.release.major=12 -C profile::base
mco ping -t 2 -I /node[13]/ -W "rank>=2 haproxy"
mco find -S "(role=web and not country=us) or /roles::db/"
mco rpc rpcutil get_fact fact=country --np
mco facts role
mco rpc process check pattern=mcollectived --np
echo "daemon logs: $run/node*.log"
