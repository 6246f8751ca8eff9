"""Terraform's built-in functions, evaluated statically as Terraform would at plan time.

Each function checks and converts its arguments the way Terraform does (a number given where a
string is wanted becomes a string, ``null`` is rejected unless the function accepts it) and
raises :class:`EvaluationError` where Terraform would reject the call. An argument that is
:class:`Unknown` makes the result unknown, except where Terraform can still tell the result
(``length`` of a list whose elements are unknown, ``coalesce`` whose first argument is known, ...).

Functions whose result depends on the machine, the clock or the file system (``timestamp``,
``file``, ...) are known by name but always return :class:`Unknown`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import posixpath
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar
from urllib.parse import quote_plus

import re2

from dynlint.values import (
    MAX_NUMBER,
    EvaluationError,
    LimitExceeded,
    SetValue,
    Unknown,
    is_unknown,
    normalize_number,
    type_name,
)

__all__ = [
    "FUNCTIONS",
    "call_function",
    "is_known_function",
    "to_bool",
    "to_number",
    "to_set",
    "to_string",
    "values_equal",
]

Impl = TypeVar("Impl", bound=Callable[..., Any])


class _Failure(Exception):
    """A call Terraform rejects; the message is the detail, the caller names the function."""


# ---------------------------------------------------------------------------------------------
# Value kinds, equality and ordering
# ---------------------------------------------------------------------------------------------

_PRIMITIVE_KINDS = frozenset({"string", "number", "bool"})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "map"
    return type_name(value)


def _first_unknown(value: Any) -> Unknown | None:
    """The first unknown in ``value``, looking inside collections."""
    if isinstance(value, Unknown):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = _first_unknown(item)
        if found is not None:
            return found
    return None


def _known_equal(a: Any, b: Any) -> bool:
    """Terraform equality of two wholly known values: types must match, 1 == 1.0."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_known_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_known_equal(a[k], b[k]) for k in a)
    return False


def _could_conform(a: Any, b: Any) -> bool:
    """False when the shapes of ``a`` and ``b`` differ so that no unknown inside could match."""
    if a is None or b is None or is_unknown(a) or is_unknown(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        if isinstance(a, SetValue) != isinstance(b, SetValue):
            # A set never equals a list or tuple in Terraform, whatever their elements.
            return False
        return len(a) == len(b) and all(_could_conform(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_could_conform(a[k], b[k]) for k in a)
    return _kind(a) == _kind(b)


def values_equal(a: Any, b: Any) -> Any:
    """Terraform's ``==``: True or False, or Unknown when an unknown decides the answer."""
    if is_unknown(a) or is_unknown(b):
        cause = a if is_unknown(a) else b
        return Unknown(f"comparison with an unknown value: {cause.reason}")
    if a is None or b is None:
        return a is None and b is None
    if not _could_conform(a, b):
        return False
    cause = _first_unknown(a) or _first_unknown(b)
    if cause is not None:
        return Unknown(f"comparison with an unknown value: {cause.reason}")
    return _known_equal(a, b)


def _distinct(items: Iterable[Any]) -> list[Any]:
    """``items`` without repeats, first occurrences kept (elements wholly known)."""
    kept: list[Any] = []
    for item in items:
        if not any(_known_equal(item, seen) for seen in kept):
            kept.append(item)
    return kept


def _set_order(items: list[Any]) -> SetValue:
    """Terraform's iteration order of a set: strings and numbers ascending, false before true.

    Sets of other element types have no defined order in Terraform; they keep first-seen order.
    """
    present = [item for item in items if item is not None]
    nulls = [item for item in items if item is None]
    kinds = {_kind(item) for item in present}
    if len(kinds) == 1 and kinds <= _PRIMITIVE_KINDS:
        present = sorted(present)
    return SetValue(present + nulls)


def _unify(items: list[Any], target: str, source: str = "tuple") -> list[Any]:
    """Convert elements to one type, as Terraform does when a tuple becomes a list or set.

    Strings mixed with numbers or bools become strings; other mixtures have no common type.
    """
    kinds = {_kind(item) for item in items} - {"null", "unknown"}
    if len(kinds) <= 1:
        return list(items)
    if kinds <= _PRIMITIVE_KINDS and "string" in kinds:
        return [_text_or_passthrough(item) for item in items]
    raise _Failure(f"cannot convert {source} to {target} of any single type")


def _text_or_passthrough(value: Any) -> Any:
    return value if value is None or is_unknown(value) else _primitive_text(value)


# ---------------------------------------------------------------------------------------------
# Numbers as Terraform writes them
# ---------------------------------------------------------------------------------------------

# Terraform holds numbers as binary floating point numbers with this many mantissa bits.
_MANTISSA_BITS = 512
_DECIMAL_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _decimal(number: int | float) -> Decimal:
    return Decimal(number) if isinstance(number, int) else Decimal(repr(number))


def _from_decimal(value: Decimal) -> int | float:
    if abs(value) > _MAX_DECIMAL:
        raise EvaluationError("Number out of range: larger than 1.8e308")
    if value == value.to_integral_value():
        return normalize_number(int(value))
    return normalize_number(float(value))


_MAX_DECIMAL = Decimal(MAX_NUMBER)
MAX_COLLECTION = 1_000_000
_MAX_NUMBER_TEXT = 400


def _parse_number(text: str) -> int | float | None:
    """The number a string spells in decimal, or None."""
    if not _DECIMAL_NUMBER.fullmatch(text):
        return None
    if len(text) > _MAX_NUMBER_TEXT:
        raise EvaluationError(f"Number out of range: a number of {len(text)} characters")
    return _from_decimal(Decimal(text))


def _digits(number: int | float) -> tuple[bool, str, int]:
    """Sign, significant digits and exponent of ``number``: value = 0.DIGITS x 10**exponent."""
    sign, digit_tuple, exponent = _decimal(number).as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digit_tuple)).lstrip("0")
    if not text:
        return bool(sign), "", 0
    return bool(sign), text.rstrip("0"), exponent + len(text)


def _binary_error(digits: str, exponent: int) -> int:
    """Whether Terraform's 512-bit binary form of 0.DIGITS x 10**exponent is above (1),
    below (-1) or exactly (0) the decimal value: it decides how a halfway case rounds."""
    value = Fraction(int(digits)) * Fraction(10) ** (exponent - len(digits))
    power = value.numerator.bit_length() - value.denominator.bit_length()
    if Fraction(2) ** power > value:
        power -= 1
    scale = Fraction(2) ** (_MANTISSA_BITS - 1 - power)
    scaled = value * scale
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder > scaled.denominator or (2 * remainder == scaled.denominator and whole % 2):
        whole += 1
    return (Fraction(whole) > scaled) - (Fraction(whole) < scaled)


def _round_digits(digits: str, exponent: int, keep: int) -> tuple[str, int]:
    """Round to ``keep`` significant digits as Go's big.Float does for a Terraform number."""
    if keep < 0 or keep >= len(digits):
        return digits, exponent
    halfway = digits[keep] == "5" and keep + 1 == len(digits)
    if not halfway:
        round_up = digits[keep] >= "5"
    else:
        error = _binary_error(digits, exponent)
        round_up = error > 0 or (error == 0 and keep > 0 and int(digits[keep - 1]) % 2 == 1)
    if not round_up:
        kept = digits[:keep].rstrip("0")
        return kept, exponent if kept else 0
    kept = digits[:keep].rstrip("9")
    if not kept:
        return "1", exponent + 1
    return kept[:-1] + str(int(kept[-1]) + 1), exponent


def _fixed(digits: str, exponent: int, precision: int) -> str:
    whole = digits[:exponent].ljust(exponent, "0") if exponent > 0 else "0"
    if precision <= 0:
        return whole
    fraction = "".join(
        digits[i] if 0 <= i < len(digits) else "0" for i in range(exponent, exponent + precision)
    )
    return f"{whole}.{fraction}"


def _scientific(digits: str, exponent: int, precision: int, letter: str = "e") -> str:
    mantissa = digits[:1] or "0"
    if precision > 0:
        mantissa += "." + digits[1 : 1 + precision].ljust(precision, "0")
    power = exponent - 1 if digits else 0
    return f"{mantissa}{letter}{'-' if power < 0 else '+'}{abs(power):02d}"


def _general(digits: str, exponent: int, precision: int | None, letter: str = "e") -> str:
    """Go's %g: shortest form when ``precision`` is None, else that many significant digits."""
    if precision is None:
        wanted, exponent_limit = len(digits), 6
    else:
        wanted = max(precision, 1)
        digits, exponent = _round_digits(digits, exponent, wanted)
        exponent_limit = wanted
        if exponent_limit > len(digits) >= exponent:
            exponent_limit = len(digits)
    power = exponent - 1
    if power < -4 or power >= exponent_limit:
        return _scientific(digits, exponent, min(wanted, len(digits)) - 1, letter)
    if wanted > exponent:
        wanted = len(digits)
    return _fixed(digits, exponent, max(wanted - exponent, 0))


def _number_text(number: int | float) -> str:
    """A number as Terraform converts it to a string: all digits, no exponent."""
    if isinstance(number, int):
        return str(number)
    if number == 0:
        # Terraform's numbers keep the sign of zero: tostring(-0) is "-0".
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    negative, digits, exponent = _digits(number)
    text = _fixed(digits, exponent, max(len(digits) - exponent, 0))
    return f"-{text}" if negative and digits else text


def _shortest_general(number: int | float) -> str:
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    negative, digits, exponent = _digits(number)
    text = _general(digits, exponent, None)
    return f"-{text}" if negative and digits else text


def _whole(number: int | float, what: str) -> int:
    if isinstance(number, float) and not number.is_integer():
        raise _Failure(f"invalid {what}: value must be a whole number")
    return int(number)


# ---------------------------------------------------------------------------------------------
# Terraform's automatic conversions
# ---------------------------------------------------------------------------------------------


def _primitive_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(value)
    return None


def _primitive_number(value: Any) -> int | float | None:
    if _is_number(value):
        return normalize_number(value)
    if isinstance(value, str):
        return _parse_number(value)
    return None


def _primitive_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def to_string(value: Any) -> Any:
    """Terraform's automatic conversion to string; null and unknown stay as they are."""
    if value is None or is_unknown(value):
        return value
    text = _primitive_text(value)
    if text is None:
        raise EvaluationError(f"Unsuitable value type: string required, got {type_name(value)}")
    return text


def to_number(value: Any) -> Any:
    """Terraform's automatic conversion to number; null and unknown stay as they are."""
    if value is None or is_unknown(value):
        return value
    number = _primitive_number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        raise EvaluationError(
            f"Unsuitable value: cannot convert {json.dumps(value)} to number; "
            "given string must be a decimal representation of a number"
        )
    raise EvaluationError(f"Unsuitable value type: number required, got {type_name(value)}")


def to_bool(value: Any) -> Any:
    """Terraform's automatic conversion to bool; null and unknown stay as they are."""
    if value is None or is_unknown(value):
        return value
    flag = _primitive_bool(value)
    if flag is not None:
        return flag
    if isinstance(value, str):
        raise EvaluationError(
            f"Unsuitable value: cannot convert {json.dumps(value)} to bool; "
            'only the strings "true" or "false" are allowed'
        )
    raise EvaluationError(f"Unsuitable value type: bool required, got {type_name(value)}")


def to_set(value: Any) -> Any:
    """As ``toset(value)``."""
    return call_function("toset", [value])


# ---------------------------------------------------------------------------------------------
# Parameters and the call machinery
# ---------------------------------------------------------------------------------------------

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class _Param:
    name: str
    convert: Converter | None = None
    allow_null: bool = False
    allow_unknown: bool = False


@dataclass(frozen=True)
class _Spec:
    impl: Callable[..., Any]
    params: tuple[_Param, ...]
    variadic: _Param | None


_SPECS: dict[str, _Spec] = {}


def _function(name: str, *params: _Param, variadic: _Param | None = None) -> Callable[[Impl], Impl]:
    def register(impl: Impl) -> Impl:
        _SPECS[name] = _Spec(impl, params, variadic)
        return impl

    return register


def _string(value: Any) -> str:
    text = _primitive_text(value)
    if text is None:
        raise _Failure("string required")
    return text


def _number(value: Any) -> int | float:
    number = _primitive_number(value)
    if number is None:
        raise _Failure("a number is required")
    return number


def _boolean(value: Any) -> bool:
    flag = _primitive_bool(value)
    if flag is None:
        raise _Failure("bool required")
    return flag


def _sequence(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Failure(f"list, tuple or set required, got {type_name(value)}")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Failure(f"map or object required, got {type_name(value)}")
    return value


def _list_of(convert: Converter) -> Converter:
    """A converter for a list whose known, non-null elements go through ``convert``."""

    def convert_list(value: Any) -> list[Any]:
        return [_convert_element(convert, item, i) for i, item in enumerate(_sequence(value))]

    return convert_list


def _convert_element(convert: Converter, item: Any, index: int) -> Any:
    if item is None or is_unknown(item):
        return item
    try:
        return convert(item)
    except _Failure as failure:
        raise _Failure(f"element {index}: {failure}") from None


def _unified(target: str) -> Converter:
    def convert_list(value: Any) -> list[Any]:
        return _unify(_sequence(value), target)

    return convert_list


def _unknown_result(name: str, cause: Unknown) -> Unknown:
    if cause.reason.startswith(f"{name}("):
        return cause
    return Unknown(f"{name}(): {cause.reason}" if cause.reason else f"{name}() of an unknown value")


def _arity_error(name: str, spec: _Spec, given: int) -> EvaluationError | None:
    required = len(spec.params)
    if given < required:
        missing = spec.params[given].name
        least = "at least " if spec.variadic else ""
        return EvaluationError(
            f'Not enough function arguments: Function "{name}" expects {least}{required} '
            f'argument(s). Missing value for "{missing}".'
        )
    if given > required and spec.variadic is None:
        return EvaluationError(
            f'Too many function arguments: Function "{name}" expects only {required} argument(s).'
        )
    return None


def _prepare(name: str, param: _Param, value: Any) -> Any:
    if value is None:
        if param.allow_null:
            return None
        raise _param_error(name, param, "argument must not be null")
    if is_unknown(value) or param.convert is None:
        return value
    try:
        return param.convert(value)
    except _Failure as failure:
        raise _param_error(name, param, str(failure)) from None


def _param_error(name: str, param: _Param, detail: str) -> EvaluationError:
    return EvaluationError(
        f'Invalid function argument: {name}: invalid value for "{param.name}" parameter: {detail}'
    )


def _invoke(name: str, args: list[Any]) -> Any:
    spec = _SPECS[name]
    error = _arity_error(name, spec, len(args))
    if error is not None:
        raise error
    prepared: list[Any] = []
    for index, value in enumerate(args):
        param = spec.params[index] if index < len(spec.params) else spec.variadic
        assert param is not None
        if is_unknown(value) and not param.allow_unknown:
            return _unknown_result(name, value)
        prepared.append(_prepare(name, param, value))
    try:
        result = spec.impl(*prepared)
    except _Failure as failure:
        raise EvaluationError(f"Invalid function argument: {name}: {failure}") from None
    except (OverflowError, ArithmeticError, ValueError) as error:  # a number beyond what dynlint computes
        raise EvaluationError(f"Invalid function argument: {name}: {error}") from None
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        return normalize_number(result)
    return _unknown_result(name, result) if is_unknown(result) else result


def _expand_last(name: str, args: list[Any]) -> list[Any] | Unknown:
    """HCL's ``f(a, list...)``: the last argument spread into positional arguments."""
    if not args:
        raise EvaluationError("Invalid expanding argument: there is no argument to expand")
    last = args[-1]
    if last is None:
        raise EvaluationError(
            "Invalid expanding argument value: The expanding argument (indicated by ...) "
            "must not be null."
        )
    if is_unknown(last):
        return _unknown_result(name, last)
    if not isinstance(last, list):
        raise EvaluationError(
            "Invalid expanding argument value: The expanding argument (indicated by ...) "
            "must be of a tuple, list, or set type."
        )
    return [*args[:-1], *last]


def _builtin_name(name: str) -> str:
    """Terraform also accepts built-in functions with the ``core::`` namespace prefix."""
    return name.removeprefix("core::")


def _is_provider_function(name: str) -> bool:
    return name.startswith("provider::")


def call_function(name: str, args: list[Any], expand_last: bool = False) -> Any:
    """Call Terraform function ``name``; ``expand_last`` when written ``f(a, b...)``."""
    if _is_provider_function(name):
        return Unknown(f"{name}() is a provider-defined function, which dynlint does not evaluate")
    name = _builtin_name(name)
    if name not in _SPECS:
        raise EvaluationError(f'Call to unknown function: there is no function named "{name}"')
    if expand_last:
        expanded = _expand_last(name, list(args))
        if is_unknown(expanded):
            return expanded
        args = expanded
    return _invoke(name, list(args))


def is_known_function(name: str) -> bool:
    return _is_provider_function(name) or _builtin_name(name) in _SPECS


# ---------------------------------------------------------------------------------------------
# Unicode text as Terraform sees it
# ---------------------------------------------------------------------------------------------

_ZERO_WIDTH_JOINER = "\u200d"
_GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_GO_SPACES += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _extends_cluster(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZERO_WIDTH_JOINER
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _is_pictographic(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def _joins_cluster(cluster: str, char: str) -> bool:
    last = cluster[-1]
    if last == "\r":
        return char == "\n"
    if unicodedata.category(last) == "Cc" or unicodedata.category(char) == "Cc":
        return False
    if _extends_cluster(char):
        return True
    if last == _ZERO_WIDTH_JOINER:
        return _is_pictographic(char)
    return len(cluster) == 1 and _is_regional_indicator(last) and _is_regional_indicator(char)


def _graphemes(text: str) -> list[str]:
    """User-perceived characters (grapheme clusters), which Terraform counts as characters.

    This covers combining marks, emoji sequences and flags; it does not know the rarer
    Unicode segmentation rules (Hangul jamo sequences, prepended marks).
    """
    clusters: list[str] = []
    for char in text:
        if clusters and _joins_cluster(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _simple_case(char: str, mapped: str) -> str:
    """Go maps case one character to one character; a longer mapping leaves it unchanged."""
    return mapped if len(mapped) == 1 else char


def _is_word_separator(char: str) -> bool:
    if char.isascii():
        return not (char.isalnum() or char == "_")
    if unicodedata.category(char)[0] in ("L", "N"):
        return False
    return char in _GO_SPACES


# ---------------------------------------------------------------------------------------------
# JSON as Terraform writes it
# ---------------------------------------------------------------------------------------------

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_HTML_ESCAPES |= {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    return "".join(_HTML_ESCAPES.get(char, char) for char in encoded)


def _json_text(value: Any) -> str:
    """Compact JSON with sorted keys; the caller has made sure nothing is unknown."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if _is_number(value):
        return _number_text(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(_json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        members = (f"{_json_string(key)}:{_json_text(value[key])}" for key in sorted(value))
        return "{" + ",".join(members) + "}"
    raise _Failure(f"cannot encode a {type_name(value)} value as JSON")


def _json_number(text: str) -> int | float:
    return _from_decimal(Decimal(text))


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Failure(f"duplicate {json.dumps(key)} property in JSON object")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise _Failure(f"invalid JSON value {name}")


# ---------------------------------------------------------------------------------------------
# Regular expressions: RE2, as Terraform's Go regexp (linear time: no pattern can backtrack)
# ---------------------------------------------------------------------------------------------

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
# RE2 rejects a pattern whose compiled form needs more memory than this (Go has a like limit).
_RE2_OPTIONS.max_mem = 8 << 20
_MAX_PATTERN = 10_000


def _compile(pattern: str) -> Any:
    """Compile an RE2 pattern; raises _Failure for an invalid one, as Terraform does."""
    if len(pattern) > _MAX_PATTERN:
        raise _Failure(f"invalid regexp pattern: longer than {_MAX_PATTERN:,} characters")
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise _Failure(f"invalid regexp pattern: {_go_wording(str(detail))}") from None


# RE2's words for a bad pattern, and Go's (which Terraform prints) where they differ.
_GO_ERRORS = {
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "missing )": "missing closing )",
    "missing ]": "missing closing ]",
    "bad repetition operator": "invalid nested repetition operator",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "trailing \\": "trailing backslash at end of expression",
    "invalid named capture group": "invalid named capture",
}


def _go_wording(detail: str) -> str:
    code, sep, where = detail.partition(": ")
    return f"{_GO_ERRORS.get(code, code)}{sep}{where}"


def _group_name(template: str, start: int) -> tuple[str, int] | None:
    """The group named after a ``$`` in a replacement, and where the reference ends."""
    if template.startswith("{", start):
        end = template.find("}", start)
        name = template[start + 1 : end] if end >= 0 else ""
        valid = name and all(c.isascii() and (c.isalnum() or c == "_") for c in name)
        return (name, end + 1) if valid else None
    end = start
    while end < len(template) and template[end].isascii() and (
        template[end].isalnum() or template[end] == "_"
    ):
        end += 1
    return (template[start:end], end) if end > start else None


def _group_text(match: Any, name: str) -> str:
    if name.isdigit() and not (name.startswith("0") and len(name) > 1):
        number = int(name)
        in_range = number <= (match.re.groups)
        return (match.group(number) or "") if in_range else ""
    if name in match.re.groupindex:
        return match.group(name) or ""
    return ""


def _expand(template: str, match: Any) -> str:
    """Go's replacement expansion: $1, ${1}, $name, ${name}; $$ is a dollar sign."""
    out: list[str] = []
    pos = 0
    while (dollar := template.find("$", pos)) >= 0:
        out.append(template[pos:dollar])
        if template.startswith("$", dollar + 1):
            out.append("$")
            pos = dollar + 2
            continue
        reference = _group_name(template, dollar + 1)
        if reference is None:
            out.append("$")
            pos = dollar + 1
            continue
        out.append(_group_text(match, reference[0]))
        pos = reference[1]
    out.append(template[pos:])
    return "".join(out)


def _replace_all(regex: Any, text: str, template: str) -> str:
    """Replace every match as Go does: an empty match right after a match is skipped."""
    out: list[str] = []
    last_end = 0
    search_from = 0
    while search_from <= len(text):
        match = regex.search(text, search_from)
        if match is None:
            break
        start, end = match.span()
        out.append(text[last_end:start])
        if end > last_end or start == 0:
            out.append(_expand(template, match))
        last_end = end
        search_from = max(end, search_from + 1)
    out.append(text[last_end:])
    return "".join(out)


def _find_all(regex: Any, text: str) -> list[Any]:
    """Every match as Go finds them: an empty match right after a match is skipped."""
    found: list[Any] = []
    pos = 0
    previous_end = -1
    while pos <= len(text):
        match = regex.search(text, pos)
        if match is None:
            break
        start, end = match.span()
        accept = not (end == pos and start == previous_end)
        pos = pos + 1 if end == pos else end
        previous_end = end
        if accept:
            found.append(match)
    return found


def _capture_result(match: Any) -> Any:
    regex = match.re
    if regex.groups == 0:
        return match.group(0)
    if regex.groupindex:
        return {name: match.group(name) for name in regex.groupindex}
    return list(match.groups())


def _check_capture_names(regex: Any) -> None:
    if regex.groupindex and len(regex.groupindex) != regex.groups:
        raise _Failure("invalid regexp pattern: cannot mix both named and unnamed capture groups")


# ---------------------------------------------------------------------------------------------
# format and formatlist
# ---------------------------------------------------------------------------------------------

_VERB = re.compile(
    r"%(?P<flags>[-+# 0]*)(?P<width>[1-9][0-9]*)?(?P<precision>\.[0-9]*)?"
    r"(?:\[(?P<index>[1-9][0-9]*)\])?(?P<mode>[A-Za-z])?"
)
_SHARP_PREFIXES = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}
_BASES = {"b": "b", "d": "d", "o": "o", "x": "x", "X": "X"}


@dataclass(frozen=True)
class _Verb:
    raw: str
    offset: int
    argument: int
    mode: str
    flags: str
    width: int | None
    precision: int | None

    def problem(self, detail: str) -> _Failure:
        return _Failure(f'unsupported value for "{self.raw}" at {self.offset}: {detail}')

    @property
    def sign_flag(self) -> str:
        return "+" if "+" in self.flags else " " if " " in self.flags else ""


def _go_rune(char: str) -> str:
    return "'\\''" if char == "'" else f"'{char}'"


def _parse_verb(template: str, offset: int, next_argument: int) -> _Verb:
    match = _VERB.match(template, offset)
    assert match is not None
    if match.group("mode") is None:
        end = match.end()
        if end >= len(template):
            raise _Failure(f"invalid format string starting at offset {len(template)}")
        raise _Failure(f"unrecognized format character {_go_rune(template[end])} at offset {end}")
    width, precision, index = match.group("width", "precision", "index")
    return _Verb(
        raw=match.group(0),
        offset=offset,
        argument=int(index) if index else next_argument,
        mode=match.group("mode"),
        flags=match.group("flags"),
        width=int(width) if width else None,
        precision=int(precision[1:] or "0") if precision else None,
    )


def _pad(verb: _Verb, text: str) -> str:
    """Pad to the verb's width, counted in characters; the 0 flag pads with zeros."""
    missing = (verb.width or 0) - len(_graphemes(text))
    if missing <= 0:
        return text
    padding = ("0" if "0" in verb.flags else " ") * missing
    return text + padding if "-" in verb.flags else padding + text


def _format_as_is(verb: _Verb, value: Any) -> str:
    if "#" not in verb.flags and isinstance(value, str):
        return _pad(verb, value)
    if "#" not in verb.flags and _is_number(value):
        return _pad(verb, _shortest_general(value))
    return _pad(verb, _json_text(value))


def _format_bool(verb: _Verb, value: Any) -> str:
    flag = _primitive_bool(value)
    if flag is None:
        raise verb.problem("bool required")
    return "true" if flag else "false"


def _format_string(verb: _Verb, value: Any) -> str:
    text = _primitive_text(value)
    if text is None:
        raise verb.problem("string required")
    if verb.precision:
        text = "".join(_graphemes(text)[: verb.precision])
    return _pad(verb, _json_string(text) if verb.mode == "q" else text)


def _number_padding(verb: _Verb, sign: str, body: str) -> str:
    missing = max((verb.width or 0) - len(sign) - len(body), 0)
    if "-" in verb.flags:
        return sign + body + " " * missing
    if "0" in verb.flags:
        return sign + "0" * missing + body
    return " " * missing + sign + body


def _format_integer(verb: _Verb, number: int | float) -> str:
    if isinstance(number, float) and not number.is_integer():
        raise verb.problem("an integer is required")
    whole = int(number)
    digits = format(abs(whole), _BASES[verb.mode])
    sign = "-" if whole < 0 else verb.sign_flag
    prefix = _SHARP_PREFIXES.get(verb.mode, "") if "#" in verb.flags else ""
    zeros = 0
    if verb.precision is not None:
        if digits == "0" and verb.precision == 0:
            return ""
        zeros = max(verb.precision - len(digits), 0)
    gap = max((verb.width or 0) - len(sign) - len(prefix) - zeros - len(digits), 0)
    if "-" in verb.flags:
        return sign + prefix + "0" * zeros + digits + " " * gap
    if "0" in verb.flags and verb.precision is None:
        return sign + prefix + "0" * (zeros + gap) + digits
    return " " * gap + sign + prefix + "0" * zeros + digits


def _format_float(verb: _Verb, number: int | float) -> str:
    if isinstance(number, float) and not math.isfinite(number):
        raise verb.problem("an infinite number cannot be formatted")
    negative, digits, exponent = _digits(number)
    mode = verb.mode.lower()
    letter = "E" if verb.mode.isupper() else "e"
    if mode == "e":
        precision = 6 if verb.precision is None else verb.precision
        digits, exponent = _round_digits(digits, exponent, precision + 1)
        body = _scientific(digits, exponent, precision, letter)
    elif mode == "f":
        precision = 6 if verb.precision is None else verb.precision
        digits, exponent = _round_digits(digits, exponent, exponent + precision)
        body = _fixed(digits, exponent, precision)
    else:
        body = _general(digits, exponent, verb.precision, letter)
    sign = "-" if negative else verb.sign_flag
    return _number_padding(verb, sign, body)


def _format_number(verb: _Verb, value: Any) -> str:
    number = _primitive_number(value)
    if number is None:
        raise verb.problem("a number is required")
    if verb.mode in _BASES:
        return _format_integer(verb, number)
    return _format_float(verb, number)


_VERB_HANDLERS: dict[str, Callable[[_Verb, Any], str]] = {
    "v": _format_as_is,
    "t": _format_bool,
    "s": _format_string,
    "q": _format_string,
    **{mode: _format_number for mode in "bdoxXeEfgG"},
}


def _format_one(verb: _Verb, args: list[Any]) -> str:
    if verb.argument > len(args):
        raise _Failure(
            f'not enough arguments for "{verb.raw}" at {verb.offset}: '
            f"need index {verb.argument} but have {len(args)} total"
        )
    value = args[verb.argument - 1]
    if verb.mode != "v" and value is None:
        raise verb.problem("null value cannot be formatted")
    handler = _VERB_HANDLERS.get(verb.mode)
    if handler is None:
        raise _Failure(
            f'unsupported format verb {_go_rune(verb.mode)} in "{verb.raw}" at offset {verb.offset}'
        )
    return handler(verb, value)


def _format(template: str, args: list[Any]) -> str:
    out: list[str] = []
    pos, next_argument, highest = 0, 1, 0
    while pos < len(template):
        if template[pos] != "%":
            out.append(template[pos])
            pos += 1
        elif template.startswith("%%", pos):
            out.append("%")
            pos += 2
        else:
            verb = _parse_verb(template, pos, next_argument)
            out.append(_format_one(verb, args))
            highest = max(highest, verb.argument)
            next_argument = verb.argument + 1
            pos += len(verb.raw)
    if highest < len(args):
        if highest == 0:
            raise _Failure("too many arguments; no verbs in format string")
        raise _Failure(f"too many arguments; only {highest} used by format string")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# String functions
# ---------------------------------------------------------------------------------------------

_STR = _Param("str", _string)


@_function("upper", _STR)
def _upper(text: str) -> str:
    return "".join(_simple_case(char, char.upper()) for char in text)


@_function("lower", _STR)
def _lower(text: str) -> str:
    return "".join("i" if char == "\u0130" else _simple_case(char, char.lower()) for char in text)


@_function("title", _STR)
def _title(text: str) -> str:
    out: list[str] = []
    previous = " "
    for char in text:
        out.append(_simple_case(char, char.title()) if _is_word_separator(previous) else char)
        previous = char
    return "".join(out)


@_function("trimspace", _STR)
def _trimspace(text: str) -> str:
    return text.strip(_GO_SPACES)


@_function("trim", _STR, _Param("cutset", _string))
def _trim(text: str, cutset: str) -> str:
    return text.strip(cutset)


@_function("trimprefix", _STR, _Param("prefix", _string))
def _trimprefix(text: str, prefix: str) -> str:
    return text.removeprefix(prefix)


@_function("trimsuffix", _STR, _Param("suffix", _string))
def _trimsuffix(text: str, suffix: str) -> str:
    return text.removesuffix(suffix)


@_function("chomp", _STR)
def _chomp(text: str) -> str:
    return text.rstrip("\r\n")


@_function("indent", _Param("spaces", _number), _STR)
def _indent(spaces: int | float, text: str) -> str:
    return text.replace("\n", "\n" + " " * _whole(spaces, "spaces"))


@_function("startswith", _STR, _Param("prefix", _string))
def _startswith(text: str, prefix: str) -> bool:
    return text.startswith(prefix)


@_function("endswith", _STR, _Param("suffix", _string))
def _endswith(text: str, suffix: str) -> bool:
    return text.endswith(suffix)


@_function("strcontains", _STR, _Param("substr", _string))
def _strcontains(text: str, substring: str) -> bool:
    return substring in text


@_function("strrev", _STR)
def _strrev(text: str) -> str:
    return "".join(reversed(_graphemes(text)))


@_function("substr", _STR, _Param("offset", _number), _Param("length", _number))
def _substr(text: str, offset: int | float, length: int | float) -> str:
    start = _whole(offset, "offset")
    count = _whole(length, "length")
    characters = _graphemes(text)
    if start < 0:
        start = max(start + len(characters), 0)
    if count < 0:
        return "".join(characters[start:])
    return "".join(characters[start : start + count])


@_function("split", _Param("separator", _string), _STR)
def _split(separator: str, text: str) -> list[str]:
    if separator == "":
        return list(text)
    return text.split(separator)


@_function("join", _Param("separator", _string), variadic=_Param("lists", _list_of(_string)))
def _join(separator: str, *lists: list[Any]) -> Any:
    if not lists:
        raise _Failure("at least one list is required")
    cause = _first_unknown(list(lists))
    if cause is not None:
        return cause
    for list_index, values in enumerate(lists):
        if None in values:
            where = f" of list {list_index}" if len(lists) > 1 else ""
            raise _Failure(
                f"element {values.index(None)}{where} is null; cannot concatenate null values"
            )
    return separator.join(item for values in lists for item in values)


@_function("replace", _STR, _Param("substr", _string), _Param("replace", _string))
def _replace(text: str, substring: str, replacement: str) -> Any:
    if len(substring) > 1 and substring.startswith("/") and substring.endswith("/"):
        return _replace_all(_compile(substring[1:-1]), text, replacement)
    return text.replace(substring, replacement)


def _pattern_or_unknown(name: str, pattern: str) -> Any:
    regex = _compile(pattern)
    _check_capture_names(regex)
    return regex


@_function("regex", _Param("pattern", _string), _Param("string", _string, allow_unknown=True))
def _regex(pattern: str, text: Any) -> Any:
    regex = _pattern_or_unknown("regex", pattern)
    if is_unknown(regex):
        return regex
    if is_unknown(text):
        return text
    match = regex.search(text)
    if match is None:
        raise _Failure("pattern did not match any part of the given string")
    return _capture_result(match)


@_function("regexall", _Param("pattern", _string), _Param("string", _string, allow_unknown=True))
def _regexall(pattern: str, text: Any) -> Any:
    regex = _pattern_or_unknown("regexall", pattern)
    if is_unknown(regex):
        return regex
    if is_unknown(text):
        return text
    return [_capture_result(match) for match in _find_all(regex, text)]


@_function("format", _Param("format", _string), variadic=_Param("args", allow_null=True))
def _format_function(template: str, *args: Any) -> Any:
    cause = _first_unknown(list(args))
    return cause if cause is not None else _format(template, list(args))


def _iteration_length(args: list[Any]) -> int | None:
    length: int | None = None
    first = 0
    for index, arg in enumerate(args):
        if not isinstance(arg, list):
            continue
        if length is None:
            length, first = len(arg), index
        elif len(arg) != length:
            raise _Failure(
                f"argument {index + 1} has length {len(arg)}, which is inconsistent with "
                f"argument {first + 1} of length {length}"
            )
    return length


def _formatlist_row(template: str, args: list[Any], row: int) -> Any:
    values = [arg[row] if isinstance(arg, list) else arg for arg in args]
    cause = _first_unknown(values)
    if cause is not None:
        return cause
    try:
        return _format(template, values)
    except _Failure as failure:
        raise _Failure(f"error on format iteration {row}: {failure}") from None


@_function(
    "formatlist",
    _Param("format", _string),
    variadic=_Param("args", allow_null=True, allow_unknown=True),
)
def _formatlist(template: str, *args: Any) -> Any:
    # An unknown argument may turn out to be a list, which would decide the result's length.
    cause = next((arg for arg in args if is_unknown(arg)), None)
    if cause is not None:
        return cause
    length = _iteration_length(list(args))
    rows = 1 if length is None else length
    return [_formatlist_row(template, list(args), row) for row in range(rows)]


# ---------------------------------------------------------------------------------------------
# Collection functions
# ---------------------------------------------------------------------------------------------


@_function("length", _Param("value"))
def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(_graphemes(value))
    if isinstance(value, (list, dict)):
        return len(value)
    raise _Failure("argument must be a string, a collection type, or a structural type")


@_function("keys", _Param("inputMap"))
def _keys(mapping: Any) -> list[str]:
    if not isinstance(mapping, dict):
        raise _Failure("must have map or object type")
    return sorted(mapping)


@_function("values", _Param("mapping"))
def _values(mapping: Any) -> list[Any]:
    if not isinstance(mapping, dict):
        raise _Failure("values() requires a map as the first argument")
    return [mapping[key] for key in sorted(mapping)]


@_function(
    "lookup",
    _Param("inputMap", allow_unknown=True),
    _Param("key", _string, allow_unknown=True),
    variadic=_Param("default", allow_null=True, allow_unknown=True),
)
def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if len(default) > 1:
        raise _Failure(f"lookup() takes two or three arguments, got {2 + len(default)}")
    if not is_unknown(mapping) and not isinstance(mapping, dict):
        raise _Failure("lookup() requires a map as the first argument")
    if is_unknown(mapping):
        return mapping
    if is_unknown(key):
        return key
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise _Failure(f'the given key "{key}" does not exist')


@_function("element", _Param("list"), _Param("index", _number))
def _element(items: Any, index: int | float) -> Any:
    position = _whole(index, "index")
    if position < 0:
        raise _Failure("cannot use element function with a negative index")
    if not isinstance(items, list):
        raise _Failure(f"cannot read elements from {type_name(items)}")
    if not items:
        raise _Failure("cannot use element function with an empty list")
    return items[position % len(items)]


@_function("index", _Param("list"), _Param("value"))
def _index(items: Any, value: Any) -> Any:
    if not isinstance(items, list):
        raise _Failure("argument must be a list or tuple")
    if not items:
        raise _Failure("cannot search an empty list")
    for position, item in enumerate(items):
        equal = values_equal(item, value)
        if is_unknown(equal):
            return equal
        if equal:
            return position
    raise _Failure("item not found")


@_function("contains", _Param("list"), _Param("value"))
def _contains(items: Any, value: Any) -> Any:
    if not isinstance(items, list):
        raise _Failure("argument must be list, tuple, or set")
    undecided: Unknown | None = None
    for item in items:
        equal = values_equal(value, item)
        if is_unknown(equal):
            undecided = undecided or equal
        elif equal:
            return True
    return undecided if undecided is not None else False


def _unify_arguments(values: list[Any]) -> list[Any]:
    try:
        return _unify(values, "value")
    except _Failure:
        raise _Failure("all arguments must have the same type") from None


@_function("coalesce", variadic=_Param("vals", allow_null=True, allow_unknown=True))
def _coalesce(*candidates: Any) -> Any:
    if not candidates:
        raise _Failure("at least one argument is required")
    values = _unify_arguments(list(candidates))
    skip_empty = any(isinstance(value, str) for value in values)
    for value in values:
        if is_unknown(value):
            return value
        if value is None or (skip_empty and value == ""):
            continue
        return value
    raise _Failure("no non-null, non-empty-string arguments")


@_function("coalescelist", variadic=_Param("vals", allow_null=True, allow_unknown=True))
def _coalescelist(*candidates: Any) -> Any:
    if not candidates:
        raise _Failure("at least one argument is required")
    for candidate in candidates:
        if is_unknown(candidate):
            break
        if candidate is not None and (not isinstance(candidate, list) or isinstance(candidate, SetValue)):
            raise _Failure("coalescelist arguments must be lists or tuples")
    for candidate in candidates:
        if is_unknown(candidate) or (candidate is not None and len(candidate) > 0):
            return candidate
    raise _Failure("no non-null arguments")


def _merge_argument(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Failure(f'arguments must be maps or objects, got "{type_name(value)}"')
    return value


@_function("merge", variadic=_Param("maps", _merge_argument, allow_null=True))
def _merge(*mappings: dict[str, Any] | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for mapping in mappings:
        merged.update(mapping or {})
    return merged


def _concat_argument(value: Any) -> list[Any]:
    if not isinstance(value, list) or isinstance(value, SetValue):
        raise _Failure(f"all arguments must be lists or tuples; got {type_name(value)}")
    return value


@_function("concat", variadic=_Param("seqs", _concat_argument))
def _concat(*sequences: list[Any]) -> list[Any]:
    if not sequences:
        raise _Failure("at least one argument is required")
    return [item for sequence in sequences for item in sequence]


def _flattened(items: list[Any]) -> list[Any] | Unknown:
    out: list[Any] = []
    for item in items:
        if is_unknown(item):
            # It may turn out to be a list, which would change the shape of the result.
            return item
        if isinstance(item, list):
            inner = _flattened(item)
            if is_unknown(inner):
                return inner
            out.extend(inner)
        else:
            out.append(item)
    return out


@_function("flatten", _Param("list"))
def _flatten(items: Any) -> Any:
    if not isinstance(items, list):
        raise _Failure("can only flatten lists, sets and tuples")
    return _flattened(items)


@_function("distinct", _Param("list", _unified("list")))
def _distinct_function(items: list[Any]) -> Any:
    cause = _first_unknown(items)
    return cause if cause is not None else _distinct(items)


@_function("compact", _Param("list", _list_of(_string)))
def _compact(items: list[Any]) -> Any:
    cause = _first_unknown(items)
    if cause is not None:
        return cause
    return [item for item in items if item not in (None, "")]


@_function("alltrue", _Param("list", _list_of(_boolean)))
def _alltrue(items: list[Any]) -> Any:
    # Terraform stops at the first element that is unknown, null or false, in list order.
    for item in items:
        if is_unknown(item):
            return item
        if not item:
            return False
    return True


@_function("anytrue", _Param("list", _list_of(_boolean)))
def _anytrue(items: list[Any]) -> Any:
    if any(item is True for item in items):
        return True
    cause = next((item for item in items if is_unknown(item)), None)
    return cause if cause is not None else False


@_function("reverse", _Param("list"))
def _reverse(items: Any) -> list[Any]:
    if not isinstance(items, list):
        raise _Failure(f"can only reverse list or tuple values, not {type_name(items)}")
    return items[::-1]


def _slice_bound(number: int | float, what: str, length: int) -> int:
    bound = _whole(number, f"{what} index")
    if bound < 0:
        raise _Failure(f"{what} index must not be less than zero")
    if bound > length:
        raise _Failure(f"{what} index must not be greater than the length of the list")
    return bound


@_function("slice", _Param("list"), _Param("start_index", _number), _Param("end_index", _number))
def _slice(items: Any, start: int | float, end: int | float) -> list[Any]:
    if not isinstance(items, list):
        raise _Failure("must be a list or tuple value")
    first = _slice_bound(start, "start", len(items))
    last = _slice_bound(end, "end", len(items))
    if first > last:
        raise _Failure("start index must not be greater than end index")
    return items[first:last]


@_function("sort", _Param("list", _list_of(_string)))
def _sort(items: list[Any]) -> Any:
    cause = _first_unknown(items)
    if cause is not None:
        return cause
    for index, item in enumerate(items):
        if item is None:
            raise _Failure(f"given list element {index} is null; a null string cannot be sorted")
    return sorted(items)


@_function("chunklist", _Param("list", _unified("list")), _Param("size", _number))
def _chunklist(items: list[Any], size: int | float) -> list[list[Any]]:
    step = _whole(size, "size")
    if step < 0:
        raise _Failure("the size argument must be positive")
    if not items:
        return []
    if step == 0:
        return [items]
    return [items[start : start + step] for start in range(0, len(items), step)]


@_function("one", _Param("list"))
def _one(items: Any) -> Any:
    if not isinstance(items, list) or len(items) > 1:
        raise _Failure("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


@_function("zipmap", _Param("keys", _list_of(_string)), _Param("values"))
def _zipmap(keys: list[Any], values: Any) -> Any:
    if not isinstance(values, list):
        raise _Failure("values argument must be a list or tuple value")
    cause = _first_unknown(keys)
    if cause is not None:
        return cause
    if len(keys) != len(values):
        raise _Failure(
            f"number of keys ({len(keys)}) does not match number of values ({len(values)})"
        )
    for index, key in enumerate(keys):
        if key is None:
            raise _Failure(f"keys list has null value at index {index}")
    return dict(zip(keys, values, strict=True))


@_function("range", variadic=_Param("params", _number))
def _range(*bounds: int | float) -> list[int | float]:
    if not 1 <= len(bounds) <= 3:
        raise _Failure("must have one, two, or three arguments")
    start, end, step = _range_parameters([_decimal(bound) for bound in bounds])
    if step == 0:
        raise _Failure("step must not be zero")
    if step < 0 and end > start:
        raise _Failure("end must be less than start when step is negative")
    if step > 0 and end < start:
        raise _Failure("end must be greater than start when step is positive")
    out: list[int | float] = []
    current = start
    while (current < end) if step > 0 else (current > end):
        if len(out) >= 1024:
            raise _Failure(
                "more than 1024 values were generated; either decrease the difference "
                "between start and end or use a smaller step"
            )
        out.append(_from_decimal(current))
        current += step
    return out


def _range_parameters(bounds: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    if len(bounds) == 3:
        return bounds[0], bounds[1], bounds[2]
    start, end = (Decimal(0), bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
    return start, end, Decimal(-1 if end < start else 1)


def _transpose_entry(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _Failure("input must be a map of lists of strings")
    texts = [_primitive_text(item) for item in value]
    if any(text is None for text in texts):
        raise _Failure("input must be a map of lists of strings")
    return [text for text in texts if text is not None]


@_function("transpose", _Param("values", _mapping))
def _transpose(mapping: dict[str, Any]) -> Any:
    cause = _first_unknown(mapping)
    if cause is not None:
        return cause
    swapped: dict[str, list[str]] = {}
    for key, value in mapping.items():
        for item in _transpose_entry(value):
            swapped.setdefault(item, []).append(key)
    return {key: sorted(owners) for key, owners in swapped.items()}


@_function(
    "matchkeys",
    _Param("values", _sequence),
    _Param("keys", _sequence),
    _Param("searchset", _sequence),
)
def _matchkeys(values: list[Any], keys: list[Any], searchset: list[Any]) -> Any:
    if len(values) != len(keys):
        raise _Failure("length of keys and values should be equal")
    try:
        unified = _unify([*keys, *searchset], "list")
    except _Failure:
        raise _Failure("keys and searchset must be of the same type") from None
    keys, searchset = unified[: len(keys)], unified[len(keys) :]
    if not searchset:
        return []
    # Terraform returns an empty list when a searchset element is unknown; the result is
    # really not known yet, so it is reported as unknown here.
    cause = _first_unknown([values, keys, searchset])
    if cause is not None:
        return cause
    return [
        value
        for value, key in zip(values, keys, strict=True)
        if any(_known_equal(key, wanted) for wanted in searchset)
    ]


def _set_argument(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Failure(f"set of any single type required, got {type_name(value)}")
    return value


def _set_operands(sets: tuple[list[Any], ...]) -> list[list[Any]] | Unknown:
    everything = [item for items in sets for item in items]
    try:
        unified = _unify(everything, "set")
    except _Failure:
        raise _Failure("given sets must all have compatible element types") from None
    cause = _first_unknown(unified)
    if cause is not None:
        # Until the unknown elements are known, it cannot be told which elements coincide.
        return cause
    out: list[list[Any]] = []
    start = 0
    for items in sets:
        out.append(_distinct(unified[start : start + len(items)]))
        start += len(items)
    return out


def _keep_where(items: list[Any], others: list[list[Any]], wanted: bool) -> list[Any]:
    def found_in(item: Any, other: list[Any]) -> bool:
        return any(_known_equal(item, candidate) for candidate in other)

    return [item for item in items if all(found_in(item, other) == wanted for other in others)]


_SET = _Param("sets", _set_argument)


@_function("setunion", _Param("first_set", _set_argument), variadic=_SET)
def _setunion(*sets: list[Any]) -> Any:
    operands = _set_operands(sets)
    if is_unknown(operands):
        return operands
    return _set_order(_distinct(item for items in operands for item in items))


@_function("setintersection", _Param("first_set", _set_argument), variadic=_SET)
def _setintersection(*sets: list[Any]) -> Any:
    operands = _set_operands(sets)
    if is_unknown(operands):
        return operands
    return _set_order(_keep_where(operands[0], operands[1:], wanted=True))


@_function("setsubtract", _Param("a", _set_argument), _Param("b", _set_argument))
def _setsubtract(first: list[Any], second: list[Any]) -> Any:
    operands = _set_operands((first, second))
    if is_unknown(operands):
        return operands
    return _set_order(_keep_where(operands[0], operands[1:], wanted=False))


@_function("setproduct", variadic=_Param("sets", _set_argument))
def _setproduct(*sets: list[Any]) -> list[list[Any]]:
    if len(sets) < 2:
        raise _Failure("at least two arguments are required")
    size = math.prod(len(items) for items in sets)
    if size > MAX_COLLECTION:
        raise LimitExceeded(
            f"setproduct() would make {size:,} elements; dynlint evaluates at most {MAX_COLLECTION:,}"
        )
    product: list[list[Any]] = [[]]
    for items in sets:
        product = [[*prefix, item] for prefix in product for item in items]
    # A set when every argument is a set, else a list (as Terraform types it).
    return SetValue(product) if all(isinstance(items, SetValue) for items in sets) else product


# ---------------------------------------------------------------------------------------------
# Numeric functions
# ---------------------------------------------------------------------------------------------

_NUM = _Param("num", _number)


@_function("abs", _NUM)
def _abs(number: int | float) -> int | float:
    return normalize_number(abs(number))


@_function("ceil", _NUM)
def _ceil(number: int | float) -> int:
    return math.ceil(number)


@_function("floor", _NUM)
def _floor(number: int | float) -> int:
    return math.floor(number)


@_function("signum", _NUM)
def _signum(number: int | float) -> int:
    if isinstance(number, float) and not number.is_integer():
        # Terraform's signum converts its argument to a whole number first.
        raise _Failure(
            "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
        )
    return (number > 0) - (number < 0)


@_function("log", _NUM, _Param("base", _number))
def _log(number: int | float, base: int | float) -> int | float:
    try:
        return normalize_number(math.log(number) / math.log(base))
    except (ValueError, ZeroDivisionError):
        raise _Failure("the logarithm is not defined for these arguments") from None


@_function("pow", _NUM, _Param("power", _number))
def _pow(number: int | float, power: int | float) -> int | float:
    try:
        return normalize_number(math.pow(number, power))
    except (ValueError, OverflowError):
        raise _Failure("the power is not defined for these arguments") from None


def _extreme(numbers: tuple[int | float, ...], pick: Callable[..., Any]) -> int | float:
    if not numbers:
        raise _Failure("must pass at least one number")
    return normalize_number(pick(numbers))


@_function("min", variadic=_Param("numbers", _number))
def _min(*numbers: int | float) -> int | float:
    return _extreme(numbers, min)


@_function("max", variadic=_Param("numbers", _number))
def _max(*numbers: int | float) -> int | float:
    return _extreme(numbers, max)


@_function("sum", _Param("list"))
def _sum(items: Any) -> Any:
    if not isinstance(items, list):
        raise _Failure(f"argument must be list, set, or tuple. Received {type_name(items)}")
    if not items:
        raise _Failure("cannot sum an empty list")
    cause = _first_unknown(items)
    if cause is not None:
        return cause
    numbers = [_primitive_number(item) for item in items]
    if any(number is None for number in numbers):
        raise _Failure("argument must be list, set, or tuple of number values")
    return _from_decimal(sum((_decimal(n) for n in numbers if n is not None), Decimal(0)))


_DIGIT_VALUES = {c: i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}
_DIGIT_VALUES_WIDE = {
    c: i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
}


def _digit_value(char: str, base: int) -> int | None:
    value = _DIGIT_VALUES.get(char.lower()) if base <= 36 else _DIGIT_VALUES_WIDE.get(char)
    return value if value is not None and value < base else None


@_function("parseint", _Param("number", _string), _Param("base", _number))
def _parseint(text: str, base: int | float) -> int:
    radix = _whole(base, "base")
    if not 2 <= radix <= 62:
        raise _Failure("base must be a whole number between 2 and 62 inclusive")
    body = text[1:] if text.startswith(("+", "-")) else text
    values = [_digit_value(char, radix) for char in body]
    if not body or any(value is None for value in values):
        raise _Failure(f"cannot parse {json.dumps(text)} as a base {radix} integer")
    number = 0
    for value in values:
        number = number * radix + (value or 0)
    return -number if text.startswith("-") else number


# ---------------------------------------------------------------------------------------------
# Type conversion functions
# ---------------------------------------------------------------------------------------------

_V = _Param("v", allow_null=True)


def _cannot_convert(value: Any, target: str) -> _Failure:
    return _Failure(f"cannot convert {type_name(value)} to {target}")


@_function("tostring", _V)
def _tostring(value: Any) -> str | None:
    if value is None:
        return None
    text = _primitive_text(value)
    if text is None:
        raise _cannot_convert(value, "string")
    return text


@_function("tonumber", _V)
def _tonumber(value: Any) -> int | float | None:
    if value is None:
        return None
    number = _primitive_number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        raise _Failure(
            f"cannot convert {json.dumps(value)} to number; "
            "given string must be a decimal representation of a number"
        )
    raise _cannot_convert(value, "number")


@_function("tobool", _V)
def _tobool(value: Any) -> bool | None:
    if value is None:
        return None
    flag = _primitive_bool(value)
    if flag is not None:
        return flag
    if isinstance(value, str):
        raise _Failure(
            f'cannot convert {json.dumps(value)} to bool; only the strings "true" or "false" '
            "are allowed"
        )
    raise _cannot_convert(value, "bool")


@_function("tolist", _V)
def _tolist(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _cannot_convert(value, "list of any single type")
    return _unify(value, "list")


@_function("toset", _V)
def _toset(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _cannot_convert(value, "set of any single type")
    items = _unify(value, "set")
    cause = _first_unknown(items)
    if cause is not None:
        # Which elements are duplicates cannot be told until the unknown ones are known.
        return cause
    return _set_order(_distinct(items))


@_function("tomap", _V)
def _tomap(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _cannot_convert(value, "map of any single type")
    return dict(zip(value, _unify(list(value.values()), "map", source="object"), strict=True))


def _identity(value: Any) -> Any:
    return value


for _name in ("sensitive", "nonsensitive", "ephemeralasnull"):
    _function(_name, _Param("value", allow_null=True, allow_unknown=True))(_identity)


# ---------------------------------------------------------------------------------------------
# Encoding and hashing functions
# ---------------------------------------------------------------------------------------------


@_function("jsonencode", _Param("val", allow_null=True))
def _jsonencode(value: Any) -> Any:
    cause = _first_unknown(value)
    return cause if cause is not None else _json_text(value)


@_function("jsondecode", _STR)
def _jsondecode(text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=_json_number,
            parse_constant=_reject_constant,
            object_pairs_hook=_json_object,
        )
    except ValueError as error:
        raise _Failure(f"invalid JSON: {error}") from None


@_function("basename", _STR)
def _basename(path: str) -> str:
    """Go's filepath.Base: the last element, trailing slashes dropped; "" is "."."""
    if not path:
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


@_function("dirname", _STR)
def _dirname(path: str) -> str:
    """Go's filepath.Dir: all but the last element, cleaned; "" is "."."""
    directory = posixpath.normpath(posixpath.dirname(path)) if posixpath.dirname(path) else "."
    return "/" + directory.lstrip("/") if directory.startswith("//") else directory


@_function("yamldecode", _STR)
def _yamldecode(text: str) -> Any:
    from dynlint.yamlvalues import yaml_value  # pyyaml is imported only where YAML is decoded

    try:
        return yaml_value(text)
    except EvaluationError as error:
        raise _Failure(str(error)) from None


@_function("base64encode", _STR)
def _base64encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


@_function("base64decode", _STR)
def _base64decode(text: str) -> str:
    try:
        # Like Go's decoder, ignore line breaks but nothing else that is not base64.
        decoded = base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        raise _Failure(f"failed to decode base64 data {json.dumps(text)}") from None
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise _Failure(
            "the result of decoding the provided string is not valid UTF-8"
        ) from None


@_function("urlencode", _STR)
def _urlencode(text: str) -> str:
    return quote_plus(text, safe="")


def _hex_digest(algorithm: str) -> Callable[[str], str]:
    def digest(text: str) -> str:
        return hashlib.new(algorithm, text.encode()).hexdigest()

    return digest


def _base64_digest(algorithm: str) -> Callable[[str], str]:
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.new(algorithm, text.encode()).digest()).decode("ascii")

    return digest


for _algorithm in ("md5", "sha1", "sha256", "sha512"):
    _function(_algorithm, _STR)(_hex_digest(_algorithm))
for _algorithm in ("sha256", "sha512"):
    _function(f"base64{_algorithm}", _STR)(_base64_digest(_algorithm))

_UUID_NAMESPACES = {
    "dns": uuid.NAMESPACE_DNS,
    "url": uuid.NAMESPACE_URL,
    "oid": uuid.NAMESPACE_OID,
    "x500": uuid.NAMESPACE_X500,
}


@_function("uuidv5", _Param("namespace", _string), _Param("name", _string))
def _uuidv5(namespace: str, name: str) -> str:
    space = _UUID_NAMESPACES.get(namespace)
    if space is None:
        try:
            space = uuid.UUID(namespace)
        except ValueError:
            raise _Failure(f"uuidv5() doesn't support namespace {namespace}") from None
    return str(uuid.uuid5(space, name))


# ---------------------------------------------------------------------------------------------
# Functions whose result cannot be known statically
# ---------------------------------------------------------------------------------------------

_NOT_UNTIL_APPLY = ("timestamp", "uuid", "bcrypt", "plantimestamp", "rsadecrypt")
_READS_FILES = (
    "file", "fileexists", "fileset", "filebase64", "filebase64sha256", "filebase64sha512",
    "filemd5", "filesha1", "filesha256", "filesha512", "templatefile", "pathexpand", "abspath",
)  # fmt: skip
_NOT_EVALUATED = (
    "yamlencode", "csvdecode", "base64gzip",
    "textencodebase64", "textdecodebase64", "formatdate", "timeadd", "timecmp", "cidrhost",
    "cidrnetmask", "cidrsubnet", "cidrsubnets", "templatestring", "issensitive", "type",
)  # fmt: skip


def _always_unknown(reason: str) -> Callable[..., Unknown]:
    def impl(*_args: Any) -> Unknown:
        return Unknown(reason)

    return impl


def _register_unknowable(names: Iterable[str], why: str) -> None:
    anything = _Param("args", allow_null=True, allow_unknown=True)
    for name in names:
        _function(name, variadic=anything)(_always_unknown(f"{name}() {why}"))


_register_unknowable(_NOT_UNTIL_APPLY, "is not known until apply")
_register_unknowable(_READS_FILES, "depends on files that dynlint does not read")
_register_unknowable(_NOT_EVALUATED, "is not evaluated by dynlint")


def _removed(replacement: str, name: str) -> Callable[..., Any]:
    def impl(*_args: Any) -> Any:
        raise _Failure(
            f'the "{name}" function was deprecated in Terraform v0.12 and is no longer '
            f"available; use {replacement} syntax to write a literal {name}"
        )

    return impl


for _name, _replacement in (("list", "tolist([ ... ])"), ("map", "tomap({ ... })")):
    _function(_name, variadic=_Param("vals", allow_null=True, allow_unknown=True))(
        _removed(_replacement, _name)
    )


def _bound(name: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        return _invoke(name, list(args))

    call.__name__ = name
    return call


FUNCTIONS: dict[str, Callable[..., Any]] = {name: _bound(name) for name in sorted(_SPECS)}
