#!/bin/sh
# Forced command for cluster-router-sync's SSH key on the router (OpenWRT: busybox ash; any
# POSIX sh): runs vtysh with the arguments the client sent, and nothing else. Install as
# /usr/bin/vtysh-only and name it in the key's authorized_keys line (docs/openwrt.md):
#   command="/usr/bin/vtysh-only",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty ssh-ed25519 AAAA...
#
# cluster-router-sync sends one command line per vtysh run, every word in single quotes:
#   'vtysh' '-E' '-c' 'show bgp summary'
# (a quote inside a word is written '\''). Only such lines are accepted, first word 'vtysh'
# (leave router.vtyshPath at its default). A line made only of single-quoted words has nothing
# the shell would expand, so `eval` below only splits it into words.
VTYSH=${VTYSH:-/usr/bin/vtysh}
line=$SSH_ORIGINAL_COMMAND
newline='
'
refuse() {
  echo "vtysh-only: refused: $1" >&2
  exit 126
}
case $line in
  *"$newline"*) refuse 'more than one line' ;;
esac
printf '%s\n' "$line" | grep -Eq "^'vtysh'( '[^']*'(\\\\''[^']*')*)*\$" ||
  refuse 'not a vtysh command line of single-quoted words'
eval "set -- $line"
shift
exec "$VTYSH" "$@"
