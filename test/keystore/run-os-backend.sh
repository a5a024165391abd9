#!/bin/sh
# Runs the os keystore backend tests against a real Secret Service: a private D-Bus
# session with a throwaway gnome-keyring, unlocked. Debian/Ubuntu packages needed:
#   dbus gnome-keyring libsecret-1-0 dbus-x11
set -eu
cd "$(dirname "$0")/../.."
keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT
# The keyring lives in a temp dir, so a developer's own login keyring is never touched.
XDG_DATA_HOME="$keyrings" dbus-run-session -- sh -c '
  printf %s sentinel-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  npx bun test test/keystore/os.test.ts
'
