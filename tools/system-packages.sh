#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the write-up needs, when they are missing; elsewhere name what to install.
# Usage: tools/system-packages.sh PACKAGE...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    missing_tools=""
    for tool in xelatex pandoc; do command -v "$tool" >/dev/null || missing_tools="$missing_tools $tool"; done
    if [ -n "$missing_tools" ]; then
        echo "error: not a Debian/Ubuntu system and${missing_tools} not found: install TeX Live (with XeLaTeX)," \
             "pandoc and the DejaVu fonts with your system's package manager, then run make again" >&2
        exit 1
    fi
    exit 0  # FashionMNIST is then downloaded by torchvision
fi

missing=()
for pkg in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""
elif command -v sudo >/dev/null; then sudo="sudo"
else
    echo "error: missing Debian packages ${missing[*]}; as root run: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
