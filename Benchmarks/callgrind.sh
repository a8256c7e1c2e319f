#!/bin/sh
# Instructions per event of the decode and decode+match paths under callgrind (repeatable on a
# shared machine). Each pair of runs differs only in N, so setup and warm-up cancel out:
# Ir/event = (Ir(N=11000) - Ir(N=1000)) / 10000. Run from Benchmarks/ after a release build
# (`make bench-callgrind` does both).
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# valgrind 3.19 gives up on the Swift toolchain's debug info ("Possibly corrupted debuginfo
# file"): count on a copy without it.
bin="$out/DecodeMatchCount"
strip -g -o "$bin" .build/release/DecodeMatchCount
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" "$@" >/dev/null 2>"$out/log"
    sed -n 's/^summary: *//p' "$out/cg"
}
printf '%-8s %-14s %12s %18s\n' mode stream Ir/event 'Ir/event nointern'
for mode in decode match; do
    for stream in repeated distinct exec distinct-exec; do
        a=$(ir "$mode" "$stream" 1000); b=$(ir "$mode" "$stream" 11000)
        c=$(ir "$mode" "$stream" 1000 nointern); d=$(ir "$mode" "$stream" 11000 nointern)
        printf '%-8s %-14s %12s %18s\n' "$mode" "$stream" $(( (b - a) / 10000 )) $(( (d - c) / 10000 ))
    done
done
