#!/bin/sh
# Fresh host keys per container, the test's public key from AUTHORIZED_KEY, then sshd in the foreground.
set -eu
ssh-keygen -A >/dev/null
printf '%s\n' "$AUTHORIZED_KEY" >/root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
printf '%s\n' "$AUTHORIZED_KEY" >/home/deploy/.ssh/authorized_keys
chown deploy:deploy /home/deploy/.ssh/authorized_keys
chmod 600 /home/deploy/.ssh/authorized_keys
exec /usr/sbin/sshd -D -e
