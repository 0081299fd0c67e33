#!/bin/sh
# Writes $1/BuildCommit.swift for the GPLRBuildInfo target (run by Plugins/BuildInfoPlugin before every build):
# the git commit of the package at $2, 12 hex digits, "-dirty" when tracked files differ from it; without git or a
# repository, the content of $2/.gplr-commit (a Docker build writes it from --build-arg GPLR_COMMIT); else
# "unknown". Never fails the build. Rewrites the file only when its content changes.
out="$1"; repo="$2"
mkdir -p "$out" || exit 0
commit="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null)"
if [ -n "$commit" ]; then
    if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        commit="$commit-dirty"
    fi
elif [ -f "$repo/.gplr-commit" ]; then
    commit="$(head -c 64 "$repo/.gplr-commit" | tr -cd '0-9a-z-')"
fi
[ -n "$commit" ] || commit=unknown
printf '// Generated at build time by Plugins/BuildInfoPlugin: do not edit.\nlet generatedCommit = "%s"\n' \
    "$commit" > "$out/BuildCommit.swift.new"
if cmp -s "$out/BuildCommit.swift.new" "$out/BuildCommit.swift"; then
    rm -f "$out/BuildCommit.swift.new"
else
    mv "$out/BuildCommit.swift.new" "$out/BuildCommit.swift"
fi
exit 0
