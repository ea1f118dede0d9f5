#!/bin/bash
# tclcap demo: an HTTP server on port 80, IPv4 and IPv6, run as nobody,
# in a private network namespace. Run as root on Debian 12:
#   bash examples/demo.sh                  # built-in page set
#   bash examples/demo.sh /path/to/tclhttpd  # the real tclhttpd 3.5 tree
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tree=${1:-}
if [ "$(id -u)" != 0 ]; then echo "run as root (it installs packages and makes a network namespace)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends cmake g++ make pkg-config tcl8.6 tcl8.6-dev \
    libcap-dev libcap2-bin util-linux iproute2 curl tcllib >/dev/null
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# nobody must be able to read the tree.
chmod -R a+rX build library examples tests/standin

if [ -n "$tree" ]; then
    server=("$tree/bin/httpd.tcl" -port 80 -docRoot "$tree/htdocs" -config "$tree/bin/tclhttpd.rc")
else
    server=("$root/tests/standin/httpd.tcl" -port 80 -docRoot "$root/examples/htdocs")
fi

unshare -n bash -s -- "$root" "${server[@]}" <<'INNER'
set -euo pipefail
root=$1; shift
ip link set lo up
echo "== starting as nobody with ambient cap_net_bind_service (what systemd AmbientCapabilities= gives)"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps +net_bind_service \
    --ambient-caps +net_bind_service env TCLLIBPATH="$root/build" \
    tclsh8.6 "$root/examples/demo-start.tcl" "$@" &
srv=$!
for i in $(seq 100); do ss -Hltn | grep -q ':80 ' && break; sleep 0.1; done
sleep 0.5
echo "== listening (kernel's view):"
ss -Hltnp | grep ':80 ' | sed 's/^/   /'
echo "== after the drop, every thread of pid $srv (/proc/$srv/task/*/status):"
for t in /proc/$srv/task/*; do
    echo "   tid ${t##*/}: $(grep -E '^(Uid|CapPrm|CapEff|CapAmb|NoNewPrivs)' "$t/status" | tr -s '\t\n' '  ')"
done
echo "   getpcaps: $(getpcaps $srv 2>&1)"
echo "== GET http://127.0.0.1/"
curl -s -m 5 http://127.0.0.1/ | head -5 | sed 's/^/   /'; echo
echo "== GET http://[::1]/"
curl -s -m 5 -g 'http://[::1]/' | head -5 | sed 's/^/   /'; echo
kill $srv 2>/dev/null || true
wait $srv 2>/dev/null || true
echo "== done"
INNER
