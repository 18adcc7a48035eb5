"""checker._record: the engines' records behave like the dataclasses they replaced."""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import ClassVar

import pytest

import checker
from checker._record import FrozenRecordError, field, record, replace


def _pair(frozen: bool):
    """The same class as a dataclass and as a record."""

    def body():
        class C:
            "doc"
            a: int
            b: str = "x"
            c: tuple = (dataclasses.field if dc else field)(default_factory=tuple)
            d: tuple = (dataclasses.field if dc else field)(default=(), repr=False)
            k: ClassVar[int] = 7

        return C

    dc = True
    D = dataclasses.dataclass(frozen=frozen)(body())
    dc = False
    R = record(frozen=frozen)(body())
    return D, R


CALLS = [((1,), {}), ((1, "y"), {}), ((), {"a": 2, "d": (1,)}), ((3,), {"c": (4,)}), ((1, "z", (5,), (6,)), {}),
         ((), {"b": "q", "a": 0})]
BAD_CALLS = [((), {}), ((1, "y", (), (), 5), {}), ((1,), {"a": 2}), ((1,), {"zz": 1}), ((), {"b": "q"}),
             ((), {"k": 1, "a": 1})]


@pytest.mark.parametrize("frozen", [False, True])
def test_same_behaviour_as_dataclass(frozen):
    D, R = _pair(frozen)
    for args, kwargs in CALLS:
        d, r = D(*args, **kwargs), R(*args, **kwargs)
        assert vars(d) == vars(r)
        assert list(vars(r)) == ["a", "b", "c", "d"]  # field order, whatever the argument order
        assert repr(d).split(".")[-1] == repr(r).split(".")[-1]  # d is hidden from both
        assert (r == R(*args, **kwargs)) is True and (r == d) is False
        assert r != R(-1)
        assert vars(replace(r, b="new")) == vars(dataclasses.replace(d, b="new"))
        if frozen:
            assert hash(r) == hash(d) == hash(R(*args, **kwargs))
            with pytest.raises(FrozenRecordError):
                r.a = 5
            with pytest.raises(AttributeError):  # what callers of a frozen dataclass catch
                del r.b
        else:
            with pytest.raises(TypeError):
                hash(r)
            r.a = 9
            assert r.a == 9
    for args, kwargs in BAD_CALLS:
        with pytest.raises(TypeError):
            D(*args, **kwargs)
        with pytest.raises(TypeError):
            R(*args, **kwargs)
    assert R.k == 7


def test_factories_run_per_instance():
    @record
    class M:
        items: list = field(default_factory=list)

    a, b = M(), M()
    a.items.append(1)
    assert b.items == [] and "items" not in vars(M)


def test_eq_false_keeps_identity():
    @record(eq=False)
    class E:
        x: int

    a, b = E(1), E(1)
    assert a != b and a == a and len({a, b}) == 2


def test_inherited_fields_come_first():
    @record(frozen=True)
    class Base:
        x: int
        y: int = 2

    @record(frozen=True)
    class Sub(Base):
        z: int = 3

    s = Sub(1, 5, 6)
    assert (s.x, s.y, s.z) == (1, 5, 6) and repr(s).endswith("Sub(x=1, y=5, z=6)")
    assert Sub(1) == Sub(x=1, y=2, z=3)


def test_no_engine_record_is_a_dataclass_any_more_and_public_results_still_are():
    """The point of the module: the engines' classes compile nothing at import; the public API
    keeps its dataclasses (callers use dataclasses.replace/asdict on them)."""
    records = []
    for info in pkgutil.walk_packages(checker.__path__, "checker."):
        if info.name.startswith(("checker.__main__", "checker.cli")):
            continue
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if isinstance(obj, type) and obj.__module__ == mod.__name__:
                if "__record_spec__" in vars(obj):
                    records.append(obj)
                elif dataclasses.is_dataclass(obj):
                    assert obj.__module__ in ("checker.result", "checker.options", "checker.limits"), obj
    assert len(records) >= 30
    for public in (checker.Result, checker.Finding, checker.SignatureReport, checker.QrReport, checker.Options,
                   checker.QrInput, checker.Limits):
        assert dataclasses.is_dataclass(public)
