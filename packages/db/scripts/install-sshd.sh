#!/bin/sh
# Installs Debian's openssh-server for the test of an sftp:// replica on loopback (the test starts
# its own sshd on 127.0.0.1 with its own keys; the system service is not started). Does nothing
# when sshd is already there, so it is safe to rerun.
set -eu

sshd="${AGENTSTATE_SSHD:-/usr/sbin/sshd}"
if [ -x "$sshd" ]; then
  echo "sshd: $sshd"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $sshd is missing and apt-get is not available; install openssh-server or set AGENTSTATE_SSHD" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
# policy-rc.d keeps the package's post-install from starting the system sshd.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends openssh-server
echo "sshd: $sshd"
