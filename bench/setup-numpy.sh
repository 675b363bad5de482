#!/usr/bin/env bash
# Installs Debian's numpy with OpenBLAS for the EASE comparison in bench/models/speed.ts
# (benchmarks only; the test suite does not need it).
set -euo pipefail
if /usr/bin/python3 -c 'import numpy' 2>/dev/null && [ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then exit 0; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq python3-numpy libopenblas0-pthread
