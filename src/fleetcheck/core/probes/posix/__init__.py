"""The POSIX probe (Linux, macOS): `probe` orchestrates, the rest builds check families.

- `probe.py`: the `Probe` (command, script `posix.sh`, parse entry point); dispatches by `uname -s`;
- `sections.py`: splits the output into `<<<name>>>` sections, honest UNKNOWNs for missing ones;
- `family.py`: the context and guard every family builder shares;
- `linux.py`: runs the Linux families in order; `linux_state.py` (state of the system) and
  `linux_events.py` (crash events) build them; `macos.py` does the same for macOS.
"""
