#!/usr/bin/env bash
# Makes rootfs-x64.tar.xz and rootfs-arm64.tar.xz beside this script: a
# busybox-static root file system for each architecture, from Debian's
# packages (run as root on Debian; it adds the arm64 architecture to dpkg).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg --add-architecture arm64
apt-get update -qq
for arch in amd64 arm64; do
  (cd "$work" && apt-get download -qq -o APT::Sandbox::User=root "busybox-static:$arch")
  mkdir -p "$work/$arch/root/bin" "$work/$arch/root/etc"
  dpkg-deb -x "$work"/busybox-static_*_"$arch".deb "$work/$arch/pkg"
  cp "$work/$arch/pkg/bin/busybox" "$work/$arch/root/bin/busybox"
  for applet in sh uname cat echo ls; do ln -s busybox "$work/$arch/root/bin/$applet"; done
  name=$([ "$arch" = amd64 ] && echo x64 || echo arm64)
  tar -C "$work/$arch/root" -cJf "$here/rootfs-$name.tar.xz" .
done
