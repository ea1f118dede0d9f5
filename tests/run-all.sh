#!/bin/bash
# The README's test command: installs the Debian packages the build and the
# suite need, builds, and runs the whole suite three ways:
#   1. the plain suite (every test; as root none skips),
#   2. the same suite against an AddressSanitizer+UBSan build,
#   3. the command, socket and user tests with every child under valgrind,
# then a short run of the benchmark script.
#   bash tests/run-all.sh           # everything (what CI runs)
#   bash tests/run-all.sh --quick   # the plain suite only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = --quick ] && quick=1
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        cmake g++ make pkg-config tcl8.6 tcl8.6-dev tcl-thread tcllib tclx8.4 \
        libcap-dev libcap2-bin util-linux iproute2 systemd wrk curl valgrind tcl-tls openssl >/dev/null
fi
# Children run as nobody: the tree must be readable by everyone.
chmod -R a+rX . 2>/dev/null || true
jobs=$(nproc)
t0=$(date +%s)
phase() { echo; echo "=== $* ($(( $(date +%s) - t0 )) s)"; }

phase "plain build and suite"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build -V -LE valgrind

if [ $quick = 0 ]; then
    phase "sanitizer build (ASan+UBSan) and suite"
    cmake -S . -B build-asan -DCAP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build build-asan -j"$jobs"
    ctest --test-dir build-asan -V -LE valgrind

    phase "valgrind: command, socket, user, leak, lifecycle and fuzz tests"
    ctest --test-dir build -V -L valgrind

    phase "benchmark (short)"
    TCLLIBPATH=$PWD/build tclsh8.6 bench/accept-bench.tcl -rounds 2 -seconds 2 -connections 200
fi
phase "done"
