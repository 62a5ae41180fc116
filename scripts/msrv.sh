#!/usr/bin/env bash
# Checks that every target (library, binary, tests, benches, examples) builds with the
# minimum Rust version declared in Cargo.toml (`rust-version`), installing that toolchain
# with rustup when it is missing. Exit 0: it builds; 1: it does not; 3: the toolchain
# cannot be had here (no rustup, or no network to fetch it).
set -euo pipefail
cd "$(dirname "$0")/.."
msrv="$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)"
[ -n "$msrv" ] || { echo "msrv.sh: no rust-version in Cargo.toml" >&2; exit 1; }
if ! cargo "+$msrv" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null 2>&1 || { echo "msrv.sh: no rustup to install Rust $msrv" >&2; exit 3; }
    rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 || {
        echo "msrv.sh: cannot install Rust $msrv here" >&2
        exit 3
    }
fi
echo "checking every target with Rust $msrv"
cargo "+$msrv" check --all-targets --locked --target-dir target/msrv
