#!/bin/sh
# Forced command for cluster-router-sync's SSH key on a BIRD router (OpenWRT: busybox ash; any
# POSIX sh): runs birdc in restricted mode (-r: BIRD itself refuses every command that changes
# something) with the arguments the client sent, and nothing else. Install as /usr/bin/birdc-only
# and name it in the key's authorized_keys line (docs/openwrt.md):
#   command="/usr/bin/birdc-only",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty ssh-ed25519 AAAA...
#
# cluster-router-sync (router.dialect bird) sends one birdc command per run, every word in single
# quotes: 'birdc' '-v' 'show' 'protocols' 'all'. Only such lines are accepted, first word 'birdc'
# (leave router.vtyshPath at its default for dialect bird), second '-v'. A line made only of
# single-quoted words has nothing the shell would expand, so `eval` below only splits it into words.
BIRDC=${BIRDC:-/usr/sbin/birdc}
line=$SSH_ORIGINAL_COMMAND
newline='
'
refuse() {
  echo "birdc-only: refused: $1" >&2
  exit 126
}
case $line in
  *"$newline"*) refuse 'more than one line' ;;
esac
printf '%s\n' "$line" | grep -Eq "^'birdc' '-v'( '[^']*'(\\\\''[^']*')*)*\$" ||
  refuse "not a birdc -v command line of single-quoted words"
eval "set -- $line"
shift 2
exec "$BIRDC" -r -v "$@"
