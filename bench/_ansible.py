"""The Ansible side: a private venv with ansible-core from PyPI, an inventory, the ad hoc command.

Ansible runs with its defaults (ssh connection plugin, `-C -o ControlMaster=auto
-o ControlPersist=60s`, OpenSSH's default key exchange) except what keeps it
honest and self-contained: strict host-key checking against the fleet's
known_hosts, the fleet's key only, its control sockets, temp files and config in
the run directory. Its default output is read back to verify every host's result.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-ansible"


def ansible_bin() -> Path:
    """bench/.venv-ansible/bin/ansible, creating the venv on first use (pip install ansible-core)."""
    exe = VENV / "bin" / "ansible"
    if exe.exists():
        return exe
    print(f"creating {VENV} with ansible-core from PyPI (first run only) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "ansible-core"], check=True)
    return exe


def version() -> str:
    r = subprocess.run([str(ansible_bin()), "--version"], capture_output=True, text=True, check=False)
    return r.stdout.splitlines()[0] if r.stdout else "unknown"


def probe_command(command: str, script: bytes) -> str:
    """The probe as one remote command line: `env LC_ALL=C sh -c '<script>'` (raw has no stdin)."""
    assert command == "env LC_ALL=C sh -s", command  # the POSIX probe's command; the script follows
    return "env LC_ALL=C sh -c " + shlex.quote(script.decode())


def write_inventory(path: Path, hosts: list[tuple[str, str, int]], user: str, key: Path,
                    known_hosts: Path) -> Path:
    extra = f"-o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
    lines = ["[all:vars]", f"ansible_user={user}", f"ansible_ssh_private_key_file={key}",
             f"ansible_ssh_common_args='{extra}'", "", "[all]"]
    lines += [f"{name} ansible_host={address} ansible_port={port}" for name, address, port in hosts]
    path.write_text("\n".join(lines) + "\n")
    return path


def command(inventory: Path, probe: str, forks: int) -> list[str]:
    return [str(ansible_bin()), "all", "-i", str(inventory), "-m", "raw", "-a", probe, "-f", str(forks)]


def environment(run_dir: Path) -> dict[str, str]:
    cfg = run_dir / "ansible.cfg"
    cfg.write_text("[defaults]\n")  # no user or system ansible.cfg leaks in
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CONFIG": str(cfg), "ANSIBLE_HOME": str(run_dir / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(run_dir / "ansible-tmp"),
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(run_dir / "cp"),
        "ANSIBLE_HOST_KEY_CHECKING": "True", "ANSIBLE_NOCOLOR": "1", "LC_ALL": "C.UTF-8",
    })
    return env


def verify(output: Path, n: int) -> dict[str, object]:
    """Hosts whose probe ran to its end (`HOST | CHANGED | rc=0 >>`, then `<<<end>>>`) in Ansible's output."""
    try:
        lines = output.read_text(errors="replace").splitlines()
    except OSError as exc:
        return {"ok": 0, "errors": [f"no output: {exc}"]}
    ok, errors, current = 0, [], None
    for line in lines:
        if " | " in line and not line.startswith(" "):
            current = line if line.endswith("| CHANGED | rc=0 >>") else None
            if current is None and len(errors) < 5:
                errors.append(line[:200])
        elif line == "<<<end>>>" and current is not None:
            ok += 1
            current = None
    return {"ok": ok, "hosts": n, "errors": errors}
