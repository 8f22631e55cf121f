"""Collector registry: lazy imports per kind, honest reasons when a collector is missing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fleetcheck.core.collectors import registry
from fleetcheck.core.collectors.local import LocalCollector
from fleetcheck.core.collectors.registry import CollectorOptions, build_collectors
from fleetcheck.core.ssh.options import SshOptions


def test_local_only_imports_nothing_else() -> None:
    code = textwrap.dedent("""
        import sys
        from fleetcheck.core.collectors.registry import build_collectors
        cols = build_collectors(kinds=["local"])
        assert list(cols) == ["local"], cols
        heavy = [m for m in ("paramiko", "textual", "fleetcheck.core.collectors.ssh",
                             "fleetcheck.core.collectors.printer") if m in sys.modules]
        assert not heavy, heavy
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_local_kind_gets_the_local_collector() -> None:
    assert isinstance(build_collectors(kinds=["local"])["local"], LocalCollector)
    assert build_collectors(kinds=["no-such-kind"]) == {}


def _module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))


def test_one_instance_serves_all_its_kinds_built_from_options(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _module(tmp_path, monkeypatch, "fc_test_sshlike", """
        class C:
            kinds = frozenset({"linux", "windows"})
            def __init__(self, options):
                self.options = options
            @classmethod
            def from_options(cls, options):
                return cls(options)
    """)
    monkeypatch.setitem(registry.COLLECTORS, "linux", ("fc_test_sshlike", "C"))
    monkeypatch.setitem(registry.COLLECTORS, "windows", ("fc_test_sshlike", "C"))
    opts = CollectorOptions(SshOptions(ssh_config="/nonexistent/ssh_config"))
    cols = build_collectors(opts, kinds=["linux", "windows", "linux"])
    assert set(cols) == {"linux", "windows"}
    assert cols["linux"] is cols["windows"]
    assert cols["linux"].options is opts  # type: ignore[attr-defined]


def test_missing_module_leaves_kind_out_without_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.COLLECTORS, "printer", ("fleetcheck.core.collectors.no_such_module", "X"))
    unavailable: dict[str, str] = {}
    assert build_collectors(kinds=["printer"], unavailable=unavailable) == {}
    assert unavailable == {}  # the engine's "no collector for kind" reason is the true one


def test_broken_dependency_is_reported_for_all_its_kinds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _module(tmp_path, monkeypatch, "fc_test_broken", "import fc_no_such_library\n")
    monkeypatch.setitem(registry.COLLECTORS, "linux", ("fc_test_broken", "C"))
    monkeypatch.setitem(registry.COLLECTORS, "windows", ("fc_test_broken", "C"))
    unavailable: dict[str, str] = {}
    assert build_collectors(kinds=["linux"], unavailable=unavailable) == {}
    assert set(unavailable) == {"linux", "windows"}
    assert "No module named 'fc_no_such_library'" in unavailable["linux"].en
