"""Records for the engines' internal data: ``@record`` and ``@record(frozen=True)``.

They behave like the dataclasses they replace (fields from the class annotations in order,
defaults, ``field(default_factory=...)``, keyword or positional construction, ``repr``, ``==``,
``replace``; frozen ones are immutable and hashable, mutable ones unhashable unless
``eq=False``), but creating the class costs almost nothing.  A dataclass compiles its generated
methods from source text when the class is created: 1–1.5 ms per class on CPython 3.13, ~30 ms
for the internal records one CLI check imports, in a process whose whole run is ~0.2 s and mostly
start-up.  Here every record class shares the same few functions, which read the field list
kept on the class.  The price is paid per instance instead: 1.3 µs to create a five-field record
by position against a dataclass's 0.3 µs — microseconds for the few hundred a certificate needs.

The public result types (:mod:`checker.result`, ``Options``, ``QrInput``, ``Limits``) stay
dataclasses: callers may use :mod:`dataclasses` on them.
"""
from __future__ import annotations

_MISSING = object()


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Field:
    __slots__ = ("default", "factory", "repr")

    def __init__(self, default, factory, repr: bool) -> None:
        self.default, self.factory, self.repr = default, factory, repr


def field(*, default=_MISSING, default_factory=_MISSING, repr: bool = True):
    """A field's default (``default=`` or ``default_factory=``) and whether ``repr`` shows it."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Field(default, default_factory, repr)


def _is_classvar(annotation) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


def record(cls=None, /, *, frozen: bool = False, eq: bool = True):
    """Class decorator: make ``cls`` a record (see the module's docstring)."""

    def wrap(cls):
        names: list[str] = []
        defaults: dict = {}
        factories: dict = {}
        hidden: set = set()
        for base in reversed(cls.__mro__[1:]):  # inherited records' fields come first
            spec = base.__dict__.get("__record_spec__")
            if spec:
                for name in spec[0]:
                    if name not in names:
                        names.append(name)
                defaults.update(spec[1])
                factories.update(spec[2])
                hidden.update(n for n in spec[0] if n not in spec[3])
        for name, annotation in cls.__annotations__.items():
            if _is_classvar(annotation):
                continue
            if name not in names:
                names.append(name)
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, _Field):
                if value.factory is not _MISSING:
                    factories[name] = value.factory
                    delattr(cls, name)
                elif value.default is not _MISSING:
                    defaults[name] = value.default
                    setattr(cls, name, value.default)
                else:
                    delattr(cls, name)
                if not value.repr:
                    hidden.add(name)
            elif value is not _MISSING:
                defaults[name] = value
        shown = tuple(n for n in names if n not in hidden)
        cls.__record_spec__ = (tuple(names), defaults, factories, shown, frozenset(names))
        cls.__init__ = _init
        cls.__repr__ = _repr
        if eq:
            cls.__eq__ = _eq
            cls.__hash__ = _hash if frozen else None
        if frozen:
            cls.__setattr__ = _frozen_setattr
            cls.__delattr__ = _frozen_delattr
        return cls

    return wrap if cls is None else wrap(cls)


def _init(self, *args, **kwargs) -> None:
    names, defaults, factories, _, known = type(self).__record_spec__
    if not kwargs and len(args) == len(names):  # the common, hot case: every field by position
        self.__dict__.update(zip(names, args))  # (1.3 µs for 5 fields; a dataclass's 0.3 µs)
        return
    if len(args) > len(names):
        raise TypeError(f"{type(self).__name__}() takes {len(names)} positional arguments but {len(args)} were given")
    values = dict(zip(names, args))
    for name, value in kwargs.items():
        if name not in known:
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {name!r}")
        if name in values:
            raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
        values[name] = value
    if len(values) < len(names):
        for name in names:
            if name in values:
                continue
            if name in defaults:
                values[name] = defaults[name]
            elif name in factories:
                values[name] = factories[name]()
            else:
                raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
    d = self.__dict__
    for name in names:  # in field order, whatever order the arguments came in
        d[name] = values[name]


def _repr(self) -> str:
    shown = type(self).__record_spec__[3]
    return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"


def _values(self) -> tuple:
    return tuple(getattr(self, n) for n in type(self).__record_spec__[0])


def _eq(self, other):
    if type(other) is not type(self):
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self) -> int:
    return hash(_values(self))


def _frozen_setattr(self, name, value) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of frozen {type(self).__name__}")


def _frozen_delattr(self, name) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of frozen {type(self).__name__}")


def replace(obj, /, **changes):
    """A copy of record ``obj`` with ``changes`` (like :func:`dataclasses.replace`)."""
    names = type(obj).__record_spec__[0]
    return type(obj)(**{**{n: getattr(obj, n) for n in names}, **changes})
