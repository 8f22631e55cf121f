"""`fleetcheck exporter`: a Prometheus probe endpoint (command.py wires it)."""
