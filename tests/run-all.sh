#!/bin/bash
# The README's test command: installs the Debian packages the build and the
# suite need, builds, and runs the whole tcltest suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        cmake g++ make pkg-config tcl8.6 tcl8.6-dev tcl-thread tcllib \
        libcap-dev libcap2-bin util-linux iproute2 systemd wrk curl tclx8.4 >/dev/null
fi
build=${CAP_BUILD:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure
