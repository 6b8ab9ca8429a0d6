#!/usr/bin/env bash
# Debian packages the tests need. As root, install what is missing; otherwise name it and fail.
set -euo pipefail

declare -A PACKAGE_FOR=(
  [ffmpeg]=ffmpeg [ffprobe]=ffmpeg [nginx]=nginx [chromium]=chromium
  [redis-server]=redis-server [aria2c]=aria2 [psql]=postgresql-client
  [pg_dump]=postgresql-client [pg_restore]=postgresql-client
  [docker-compose]=docker-compose
  [node]=nodejs [npm]=npm
  [7zz]=7zip [qpdf]=qpdf
)
# Libraries loaded at run time (libarchive-c binds libarchive13 through ctypes).
LIBRARIES=(libarchive13)
missing=()
for command in "${!PACKAGE_FOR[@]}"; do
  command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || missing+=("${PACKAGE_FOR[$command]}")
done
for library in "${LIBRARIES[@]}"; do
  dpkg-query -W -f='${Status}' "$library" 2>/dev/null | grep -q 'install ok installed' || missing+=("$library")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
