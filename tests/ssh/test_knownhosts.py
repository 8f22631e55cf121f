"""The known_hosts index: plain, bracketed, hashed (as written by ssh-keygen -H), patterns,
@revoked honoured, @cert-authority and broken lines skipped without losing the rest."""

from __future__ import annotations

import base64
import shutil
import subprocess

import paramiko.hostkeys
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from fleetcheck.core.ssh.knownhosts import KnownHosts, KnownHostsCache, Verdict, append_entry, fingerprint


def _key() -> tuple[str, bytes]:
    pub = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return pub, base64.b64decode(pub.split()[1])


A, A_BLOB = _key()
B, B_BLOB = _key()
C, C_BLOB = _key()


def test_plain_and_bracketed_entries():
    kh = KnownHosts.parse(f"web1,192.0.2.10 {A}\n[gw.example]:2222 {B}\n")
    assert kh.check("web1", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    assert kh.check("192.0.2.10", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    assert kh.check("WEB1", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    assert kh.check("gw.example", 2222, "ssh-ed25519", B_BLOB).verdict is Verdict.MATCH
    assert kh.check("gw.example", 22, "ssh-ed25519", B_BLOB).verdict is Verdict.UNKNOWN
    changed = kh.check("web1", 22, "ssh-ed25519", B_BLOB)
    assert changed.verdict is Verdict.CHANGED
    assert changed.known[0].where == "known_hosts:1" and changed.known[0].fingerprint == fingerprint(A_BLOB)


@pytest.mark.skipif(not shutil.which("ssh-keygen"), reason="needs ssh-keygen (openssh-client)")
def test_hashed_entries_written_by_openssh(tmp_path):
    path = tmp_path / "known_hosts"
    path.write_text(f"web1 {A}\n[gw.example]:2222 {B}\n")
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(path)], check=True, capture_output=True)
    text = path.read_text()
    assert "web1" not in text and text.count("|1|") == 2
    kh = KnownHosts.load(path)
    assert kh.check("web1", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    assert kh.check("gw.example", 2222, "ssh-ed25519", B_BLOB).verdict is Verdict.MATCH
    assert kh.check("gw.example", 2222, "ssh-ed25519", A_BLOB).verdict is Verdict.CHANGED
    assert kh.check("web2", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.UNKNOWN
    assert kh.lookup("web1") is kh.lookup("web1")  # cached per name: HMACs computed once


def test_markers_and_junk_do_not_break_the_file(tmp_path):
    text = (f"@cert-authority *.example.com {C}\n"
            "# a comment\n\n"
            "garbage-line-without-key\n"
            "host ssh-ed25519 !!!not-base64!!!\n"
            "@future-marker host ssh-ed25519 AAAA\n"
            f"web1 {A}\n"
            f"@revoked * {B}\n"
            f"web2 {B}\n")
    with pytest.raises(paramiko.hostkeys.InvalidHostKey):  # what we avoid: paramiko rejects the whole file
        paramiko.hostkeys.HostKeys().load(_write(tmp_path, text))
    kh = KnownHosts.parse(text)
    assert kh.check("web1", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    # @revoked wins even though web2's line lists the same key
    revoked = kh.check("web2", 22, "ssh-ed25519", B_BLOB)
    assert revoked.verdict is Verdict.REVOKED and revoked.known[0].where == "known_hosts:8"
    # a CA line is not a host key: a server presenting the CA key is not trusted by it
    assert kh.check("x.example.com", 22, "ssh-ed25519", C_BLOB).verdict is Verdict.UNKNOWN
    assert [s.split(": ", 1)[0] for s in kh.skipped] == [f"known_hosts:{n}" for n in (1, 4, 5, 6)]


def test_wildcards_and_negation():
    kh = KnownHosts.parse(f"*.lan,!evil.lan {A}\n")
    assert kh.check("pc1.lan", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    assert kh.check("evil.lan", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.UNKNOWN


def test_cache_parses_once_and_sees_appends(tmp_path):
    path = tmp_path / "sub" / "known_hosts"
    cache = KnownHostsCache()
    assert cache.get(path).check("web1", 22, "ssh-ed25519", A_BLOB).verdict is Verdict.UNKNOWN
    cache.get(path)
    assert cache.loads == 1
    line = append_entry(path, "web1", 2200, "ssh-ed25519", A_BLOB)
    assert line == f"[web1]:2200 {A.split()[0]} {A.split()[1]}"
    assert (path.stat().st_mode & 0o777) == 0o600
    assert cache.get(path).check("web1", 2200, "ssh-ed25519", A_BLOB).verdict is Verdict.MATCH
    assert cache.loads == 2


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "known_hosts"
    path.write_text(text)
    return str(path)
