"""SSH transport on paramiko: known_hosts index, keys, ssh_config, connect, exec."""

import logging

# paramiko logs every failed handshake with a traceback; with no logging configured Python's
# last-resort handler would print them on stderr. fleetcheck reports the failure itself.
logging.getLogger("paramiko").addHandler(logging.NullHandler())
