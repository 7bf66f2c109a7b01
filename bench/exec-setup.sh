#!/usr/bin/env bash
# Prepares the exec benchmark (bench/exec.ts): Go toolchain root file
# systems for amd64 and arm64 from Debian's packages (golang-1.19-go, its
# sources, libc6 for the dynamically linked go command, busybox-static for
# a shell), as plain tarballs in bench/.work/. Run as root on Debian; it
# adds the arm64 architecture to dpkg. About 1 GB of disk.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/.work"
mkdir -p "$out"
debs="$(mktemp -d)"
trap 'rm -rf "$debs"' EXIT
dpkg --add-architecture arm64
apt-get update -qq
cd "$debs"
apt-get download -qq -o APT::Sandbox::User=root golang-1.19-src \
  golang-1.19-go:amd64 libc6:amd64 busybox-static:amd64 \
  golang-1.19-go:arm64 libc6:arm64 busybox-static:arm64
for arch in amd64 arm64; do
  root="$debs/root-$arch"
  mkdir -p "$root"
  for deb in golang-1.19-src_*_all.deb golang-1.19-go_*_"$arch".deb libc6_*_"$arch".deb busybox-static_*_"$arch".deb; do
    dpkg-deb -x "$deb" "$root"
  done
  # busybox provides the shell and the few commands the steps use.
  for applet in sh mkdir cat echo; do ln -sf busybox "$root/bin/$applet"; done
  mkdir -p "$root/tmp"
  tar -C "$root" -cf "$out/go-$arch.tar" .
done
