#!/bin/sh
# cmake --install into a fresh prefix, then docs/example/embed.c built against the installed
# headers, static and shared libraries and pkg-config file, as a user of libsigmac would, and run.
#   tests/install_example.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/sigmac"
test -f "$prefix/include/sigmac/sigmac.h"
man -l "$prefix/share/man/man1/sigmac.1" >/dev/null 2>&1 || test -s "$prefix/share/man/man1/sigmac.1"
pc=$(find "$prefix" -name sigmac.pc)
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir sigmac)
test -f "$libdir/libsigmac.a"
ls "$libdir"/libsigmac.so* >/dev/null
# a sanitizer build's library needs the sanitizers' runtime in the program too
sanitize=""
grep -q '^SIGMAC_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && sanitize="-fsanitize=address,undefined"
cc -std=c11 -D_POSIX_C_SOURCE=200809L $sanitize "$source/docs/example/embed.c" \
  $(pkg-config --cflags --libs sigmac) -o "$prefix/embed"
out=$(LD_LIBRARY_PATH="$libdir" "$prefix/embed")
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -qF 'process.executable : "*\\whoami.exe"'
printf '%s\n' "$out" | grep -q '1 of 1 events'
# the installed completion: bash offers the installed binary's targets after -t; zsh's parses
completion="$prefix/share/bash-completion/completions/sigmac"
offered=$(bash -c ". '$completion'; COMP_WORDS=(sigmac -t ''); COMP_CWORD=2; _sigmac; echo \"\${COMPREPLY[*]}\"")
targets=$("$prefix/bin/sigmac" list targets | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')
test "$offered" = "$targets" || { echo "completion offers '$offered', targets are '$targets'"; exit 1; }
test -f "$prefix/share/zsh/site-functions/_sigmac"
if command -v zsh >/dev/null; then zsh -n "$prefix/share/zsh/site-functions/_sigmac"; fi
echo "completion: $offered"
# the installed binary over a rules tree: an output tree and the summary line
"$prefix/bin/sigmac" convert -t spl --output-dir "$prefix/out" "$source/golden/cli/tree" 2>"$prefix/summary"
test "$(cd "$prefix/out" && find . -type f | sort | tr '\n' ' ')" = "./a/one.spl ./b.spl "
grep -q '^sigmac: 2 files, 2 rules converted, 0 refused, 0 errors, 0 warnings, 2 files written to' "$prefix/summary"
"$prefix/bin/sigmac" --version
