"""SSH transport on paramiko: known_hosts index, keys, ssh_config, connect, exec."""
