"""No result text without a message code: read every module of src/fleetcheck with `ast`.

A German report can only say what has a code (core/i18n). The check helpers
(`judged`, `unknown`, `coded`, `not_applicable`, the printers' `result`) refuse a
bare string at run time, and `Unreachable` refuses one in its constructor; what
they cannot see is a `CheckResult` built by hand, the English-only
`CheckResult.unknown`, or a `dataclasses.replace` that swaps a text but not its
code. This test finds those in the source, so a new one fails the suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "fleetcheck"
MODEL = SRC / "core" / "results.py"  # the model itself: from_dict reads old, uncoded results back
TEXTS = {"summary": "code", "reason": "reason_code", "fix": "fix_code"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_name(func.value)}.{func.attr}"
    return ""


def _is_text(node: ast.expr | None) -> bool:
    """A string written in the source: a literal, an f-string, or one joined with +."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right))


def _arg(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def problems(source: str, where: str, model: bool = False) -> list[str]:
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        line = f"{where}:{node.lineno}"
        keywords = {kw.arg for kw in node.keywords}
        spread = None in keywords  # **codes: the helper's own dict of codes
        if name.endswith("CheckResult.unknown"):
            bad.append(f"{line}: CheckResult.unknown has no message codes; use checks.unknown(msg(...))")
        elif name.split(".")[-1] == "CheckResult" and not model and "code" not in keywords and not spread:
            bad.append(f"{line}: CheckResult(...) without code=: use checks.judged/unknown(msg(...))")
        elif name.split(".")[-1] == "Unreachable" and (_is_text(_arg(node, 1, "reason"))
                                                      or _is_text(_arg(node, 2, "fix"))):
            bad.append(f"{line}: Unreachable with a bare string; give msg(code, **params)")
        elif name in ("replace", "dataclasses.replace"):
            missing = [t for t, code in TEXTS.items() if t in keywords and code not in keywords]
            if missing:
                bad.append(f"{line}: replace() changes {', '.join(missing)} but not its code")
    return bad


def test_every_result_text_in_the_source_has_a_code() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found += problems(path.read_text(encoding="utf-8"), str(path.relative_to(SRC.parent)), path == MODEL)
    assert found == []


@pytest.mark.parametrize("source", [
    'CheckResult("x.y", State.OK, "fine", evidence=ev)\n',
    'results.CheckResult("x.y", State.UNKNOWN, "n", reason="r")\n',
    'CheckResult.unknown("x.y", "not checked", "because")\n',
    'raise Unreachable(Reachability.TIMEOUT, "timed out", None, "ev")\n',
    'raise Unreachable(Reachability.TIMEOUT, msg("engine.timeout", budget=1), f"raise {x}")\n',
    'raise Unreachable(Reachability.TIMEOUT, reason="no route " + where)\n',
    'dataclasses.replace(check, fix="raise --scan-timeout")\n',
    'replace(check, summary=text, code=None, reason="cut")\n',
])
def test_a_text_without_a_code_is_caught(source: str) -> None:
    """The checker itself: each of these lines builds a text with no code and must be reported."""
    assert len(problems(source, "fake.py")) == 1, source


@pytest.mark.parametrize("source", [
    'CheckResult(check_id, state, s, details, (), ev, r, f, **codes)\n',
    'CheckResult("x.y", State.SKIPPED, why.en, code=why.code, reason_code=why.code)\n',
    'raise Unreachable(Reachability.TIMEOUT, msg("engine.timeout", budget=1), msg("engine.timeout.fix"))\n',
    'raise Unreachable(exc.reachability, _via_jump(label, exc.message), exc.fix_message, exc.evidence)\n',
    'dataclasses.replace(check, fix=FIX.en, fix_code=FIX.code)\n',
    'dataclasses.replace(host, checks=())\n',
])
def test_coded_texts_pass(source: str) -> None:
    assert problems(source, "fake.py") == []
