#!/usr/bin/env bash
# Builds the Debian package, unpacks it into a temporary root, and uses it as an installed Sluice would be
# used: the binaries run, a small sync works, the desktop entry and AppStream metadata validate.
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

cd "$build"
cpack -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/pkg/sluice_*_*.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || fail "no sluice_*.deb produced"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6core6 libqt6widgets6 libsqlite3-0; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done

root="$tmp/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/sluice usr/bin/sluicectl usr/share/applications/sluice.desktop \
         usr/share/metainfo/io.github.sluice.Sluice.metainfo.xml usr/share/icons/hicolor/scalable/apps/sluice.svg \
         usr/share/icons/hicolor/48x48/apps/sluice.png usr/share/man/man1/sluicectl.1.gz \
         usr/share/doc/sluice/copyright usr/share/bash-completion/completions/sluicectl; do
  [[ -e $root/$f ]] || fail "the package lacks /$f"
done

version=$("$root/usr/bin/sluicectl" --version)
[[ $version == "sluicectl "* ]] || fail "unexpected --version output: $version"
zcat "$root/usr/share/man/man1/sluicectl.1.gz" | grep -q "connection create" || fail "man page lacks the commands"

# A small sync with the unpacked binary.
work="$tmp/work"
mkdir -p "$work"
printf 'id,name\n1,a\n2,b\n' >"$work/items.csv"
cat >"$work/items.json" <<JSON
{"name": "items", "source": {"type": "file", "config": {"path": "items.csv"}},
 "destination": {"type": "sqlite", "config": {"path": "out.sqlite"}},
 "streams": [{"name": "items", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}
JSON
"$root/usr/bin/sluicectl" --home "$work/home" connection create "$work/items.json" >/dev/null
"$root/usr/bin/sluicectl" --home "$work/home" sync items >/dev/null
rows=$(sqlite3 "$work/out.sqlite" "SELECT group_concat(name, ',') FROM (SELECT name FROM items ORDER BY id)")
[[ $rows == "a,b" ]] || fail "the packaged sluicectl synced '$rows' instead of 'a,b'"

desktop-file-validate "$root/usr/share/applications/sluice.desktop" || fail "desktop entry invalid"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.sluice.Sluice.metainfo.xml" >/dev/null \
  || fail "metainfo invalid"
echo "package $(basename "$deb") ok"
