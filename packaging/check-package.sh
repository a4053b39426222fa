#!/usr/bin/env bash
# CI's package job (./run package-check, as root on Debian 12): validate the metadata, lint the .deb, install it
# with apt, use both programs from /usr/bin, then purge it and check that it left nothing behind under /usr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb="$(ls "$here"/build/release/package/aestudio_*.deb | head -n1)"
id=io.github.aestudio.AutoencoderStudio
step() { echo "== $*"; }

step "appstreamcli validate --no-net"
appstreamcli validate --no-net "$here/packaging/$id.metainfo.xml"
step "desktop-file-validate"
desktop-file-validate "$here/packaging/$id.desktop"
step "lintian $(basename "$deb") (errors fail; warnings listed)"
lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1 | grep -v "root privileges" || true
lintian --fail-on error "$deb" >/dev/null 2>&1 || { echo "lintian reports errors" >&2; exit 1; }

if dpkg-query -W -f='${Status}' aestudio 2>/dev/null | grep -q "install ok installed"; then
  apt-get purge -y aestudio >/dev/null
fi
before="$(mktemp)" after="$(mktemp)" work="$(mktemp -d)"
trap 'rm -rf "$before" "$after" "$work"' EXIT
find /usr -xdev | sort > "$before"
step "apt-get install ./$(basename "$deb")"
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >/dev/null
for f in /usr/bin/aestudio /usr/bin/aestudio-cli "/usr/share/applications/$id.desktop" \
         "/usr/share/icons/hicolor/scalable/apps/$id.svg" "/usr/share/icons/hicolor/48x48/apps/$id.png" \
         "/usr/share/metainfo/$id.metainfo.xml" /usr/share/bash-completion/completions/aestudio-cli \
         /usr/share/aestudio/recipes/seed-denoising-fashion.json; do
  [ -e "$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done

cd "$work"   # nothing from the source tree: the installed files alone
step "aestudio-cli info"
/usr/bin/aestudio-cli info | grep -E "^aestudio |^recipes|seed-denoising-fashion"
step "aestudio-cli train --limit 1000 --epochs 1"
AESTUDIO_RUNS_DIR="$work/runs" /usr/bin/aestudio-cli train --limit 1000 --epochs 1 --out "$work/run" | tail -n 2
step "aestudio-cli train --recipe (the installed seed denoiser, 1 epoch of 1000 images)"
/usr/bin/aestudio-cli train --recipe /usr/share/aestudio/recipes/seed-denoising-fashion.json --limit 1000 \
  --epochs 1 --out "$work/recipe-run" | tail -n 1
grep -q '"noise": 0.5' "$work/recipe-run/config.json"
step "aestudio --quit-after-show (offscreen)"
QT_QPA_PLATFORM=offscreen HOME="$work" /usr/bin/aestudio --quit-after-show 2>/dev/null | grep RESULT
step "man aestudio-cli, man aestudio"
man -w aestudio-cli && man -w aestudio
MANWIDTH=80 man aestudio-cli 2>/dev/null | grep -- "--recipe" >/dev/null
step "bash completion"
completion="$(bash -c 'source /usr/share/bash-completion/bash_completion
  source /usr/share/bash-completion/completions/aestudio-cli
  COMP_WORDS=(aestudio-cli tr); COMP_CWORD=1; COMP_LINE="aestudio-cli tr"; COMP_POINT=${#COMP_LINE}
  _aestudio_cli; echo "${COMPREPLY[*]}"
  COMP_WORDS=(aestudio-cli train --rec); COMP_CWORD=2; COMP_LINE="aestudio-cli train --rec"; COMP_POINT=${#COMP_LINE}
  _aestudio_cli; echo "${COMPREPLY[*]}"')"
echo "$completion"
[ "$completion" = "$(printf 'train\n--recipe')" ] || { echo "completion gave: $completion" >&2; exit 1; }

step "apt-get purge aestudio"
installed="$(mktemp)"
dpkg -L aestudio | sort > "$installed"
DEBIAN_FRONTEND=noninteractive apt-get purge -y aestudio >/dev/null
find /usr -xdev | sort > "$after"
left=0
# Every file the package installed is gone (directories other packages share may stay) ...
while IFS= read -r path; do
  if [ -e "$path" ] && [ ! -d "$path" ]; then echo "left behind: $path" >&2; left=1; fi
done < "$installed"
# ... and nothing new is left under /usr that no package owns (trigger caches are apt's own).
while IFS= read -r path; do
  if dpkg -S "$path" >/dev/null 2>&1; then continue; fi
  case "$path" in */icon-theme.cache|*/mimeinfo.cache|*/desktop.*.cache|/usr/share/info/dir|*/gschemas.compiled|*/giomodule.cache|*/loaders.cache) continue ;; esac
  echo "new and unowned after purge: $path" >&2
  left=1
done < <(comm -13 "$before" "$after")
rm -f "$installed"
[ $left -eq 0 ] || exit 1
echo "package check passed"
