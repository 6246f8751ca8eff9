"""Terraform's built-in functions: documented examples, edge cases, errors and unknowns."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynlint.functions import (
    FUNCTIONS,
    call_function,
    is_known_function,
    to_bool,
    to_number,
    to_set,
    to_string,
    values_equal,
)
from dynlint.values import EvaluationError, SetValue, Unknown, is_unknown

UNKNOWN = Unknown("aws_kms_key.k.arn")
UNKNOWN_FLAG = Unknown("var.enabled has no value")

# (function, arguments, expected result)
RESULTS: list[tuple[str, list[Any], Any]] = [
    # strings
    ("upper", ["hello"], "HELLO"),
    ("upper", [5], "5"),
    ("upper", ["straße"], "STRAßE"),
    ("lower", ["HELLO"], "hello"),
    ("lower", [True], "true"),
    ("title", ["hello world"], "Hello World"),
    ("title", ["hello wORLD-foo_bar"], "Hello WORLD-Foo_bar"),
    ("trimspace", ["  hello\n\n"], "hello"),
    ("trimspace", ["\u00a0x\u3000"], "x"),
    ("trim", ["?!hello?!", "!?"], "hello"),
    ("trimprefix", ["helloworld", "hello"], "world"),
    ("trimprefix", ["helloworld", "cat"], "helloworld"),
    ("trimsuffix", ["helloworld", "world"], "hello"),
    ("chomp", ["hello\n"], "hello"),
    ("chomp", ["hello\r\n\n"], "hello"),
    ("indent", [2, "[\n  foo,\n  bar,\n]\n"], "[\n    foo,\n    bar,\n  ]\n  "),
    ("startswith", ["hello world", "hello"], True),
    ("startswith", ["hello world", "world"], False),
    ("endswith", ["hello world", "world"], True),
    ("strcontains", ["hello world", "wor"], True),
    ("strcontains", ["hello world", "wod"], False),
    ("strrev", ["hello"], "olleh"),
    ("strrev", ["a ☃"], "☃ a"),
    ("strrev", ["cafe\u0301"], "e\u0301fac"),
    ("substr", ["hello world", 1, 4], "ello"),
    ("substr", ["🤔🤷", 0, 1], "🤔"),
    ("substr", ["hello world", -5, -1], "world"),
    ("substr", ["hello world", 6, 10], "world"),
    ("substr", ["hello", 10, 2], ""),
    ("substr", ["hello", -10, 2], "he"),
    ("substr", ["hello", "1", "2"], "el"),
    ("split", [",", "foo,bar,baz"], ["foo", "bar", "baz"]),
    ("split", [",", "foo"], ["foo"]),
    ("split", [",", ""], [""]),
    ("split", ["", "abc"], ["a", "b", "c"]),
    ("join", [", ", ["foo", "bar", "baz"]], "foo, bar, baz"),
    ("join", [",", ["a"], ["b", "c"]], "a,b,c"),
    ("join", ["-", [1, True]], "1-true"),
    ("join", [",", []], ""),
    ("replace", ["1 + 2 + 3", "+", "-"], "1 - 2 - 3"),
    ("replace", ["hello world", "/w.*d/", "everybody"], "hello everybody"),
    ("replace", ["hello world", "/(o)/", "<$1>"], "hell<o> w<o>rld"),
    ("replace", ["a-b", "/(?P<x>-)/", "[${x}]"], "a[-]b"),
    ("replace", ["ab", "/(a)/", "$1x"], "b"),
    ("replace", ["ab", "/(a)/", "${1}x"], "axb"),
    ("replace", ["ab", "/a/", "$$"], "$b"),
    ("replace", ["abxd", "/x*/", "-"], "-a-b-d-"),
    ("replace", ["abc", "/", "x"], "abc"),
    ("replace", ["abc", "", "-"], "-a-b-c-"),
    ("replace", ["line\n", "/e$/", "E"], "line\n"),
    ("replace", ["one\ntwo", "/(?m)^/", "> "], "> one\n> two"),
    ("replace", ["AbC", "/(?i)b/", "x"], "AxC"),
    ("replace", ["x1y22", "/[[:digit:]]+/", "#"], "x#y#"),
    ("replace", ["a.b", "/\\Q.\\E/", "!"], "a!b"),
    ("replace", ["aé", "/\\x{e9}/", "e"], "ae"),
    ("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"], "aaabbbccc"),
    ("regex", ["(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"], ["2019", "02", "01"]),
    (
        "regex",
        ["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/"],
        {"scheme": "https", "authority": "terraform.io"},
    ),
    ("regex", ["(a)|(b)", "b"], [None, "b"]),
    ("regex", ["(?<word>[a-z]+)", "12ab"], {"word": "ab"}),
    ("regex", ["a{2}", "caab"], "aa"),
    ("regex", ["a{,2}", "xa{,2}"], "a{,2}"),
    ("regexall", ["[a-z]+", "1234abcd5678efgh9"], ["abcd", "efgh"]),
    ("regexall", ["x*", "abxd"], ["", "", "x", ""]),
    ("regexall", ["(\\d)(\\w)", "1a 2b"], [["1", "a"], ["2", "b"]]),
    ("regexall", ["z", "abc"], []),
    ("regexall", ["\\s", "a b\tc\vd"], [" ", "\t"]),
    ("regex", ["[\\s,]+", "a, b"], ", "),
    ("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
    ("format", ["There are %d lights", 4], "There are 4 lights"),
    ("format", ["%d", "12"], "12"),
    ("format", ["%.2f", 3.14159], "3.14"),
    ("format", ["%.2f|%.2f|%.1f", 2.675, 1.125, 0.45], "2.67|1.12|0.4"),
    ("format", ["%.0f|%.0f|%.0f", 0.5, 1.5, 2.5], "0|2|2"),
    ("format", ["%f", 1], "1.000000"),
    ("format", ["%5d|%-5d|%05d", 42, 42, 42], "   42|42   |00042"),
    ("format", ["%-5s|%5s|%.2s", "ab", "ab", "abc"], "ab   |   ab|ab"),
    ("format", ["%+d % d %x %X %o %b %#x", 5, 5, 255, 255, 8, 5, 255], "+5  5 ff FF 10 101 0xff"),
    ("format", ["%.3d|%.0d", 7, 0], "007|"),
    ("format", ["%e|%.2E", 123456, 0.000123], "1.234560e+05|1.23E-04"),
    ("format", ["%g|%g|%g|%.3g", 100000, 1000000, 0.00001, 1234.5678], "100000|1e+06|1e-05|1.23e+03"),
    ("format", ["%08.2f|%+.1f", -3.14159, 2], "-0003.14|+2.0"),
    ("format", ["%q", "a<b\n"], '"a\\u003cb\\n"'),
    ("format", ["%t|%t", True, "false"], "true|false"),
    ("format", ["%v|%v|%v|%v", "s", 2.5, True, None], "s|2.5|true|null"),
    ("format", ["%v", 1234567], "1.234567e+06"),
    ("format", ["%v", {"b": [1, None], "a": "x"}], '{"a":"x","b":[1,null]}'),
    ("format", ["%#v", "s"], '"s"'),
    ("format", ["%s and %[1]s, %s", "a", "b"], "a and a, b"),
    ("format", ["100%%"], "100%"),
    ("format", ["%3s|", "é"], "  é|"),
    ("formatlist", ["Hello, %s!", ["Valentina", "Ander"]], ["Hello, Valentina!", "Hello, Ander!"]),
    ("formatlist", ["%s, %s!", "Salutations", ["Valentina", "Ander"]],
     ["Salutations, Valentina!", "Salutations, Ander!"]),
    ("formatlist", ["%s=%d", ["a", "b"], [1, 2]], ["a=1", "b=2"]),
    ("formatlist", ["x%s", []], []),
    ("formatlist", ["plain"], ["plain"]),
    ("formatlist", ["%s", "one"], ["one"]),
    # collections
    ("length", [[]], 0),
    ("length", [["a", "b"]], 2),
    ("length", [{"a": "b"}], 1),
    ("length", ["hello"], 5),
    ("length", ["👾🕹️"], 2),
    ("length", ["e\u0301🇺🇸👍🏽"], 3),
    ("keys", [{"a": 1, "c": 2, "d": 3}], ["a", "c", "d"]),
    ("keys", [{"b": 1, "a": 2}], ["a", "b"]),
    ("keys", [{}], []),
    ("values", [{"a": 3, "c": 2, "d": 1}], [3, 2, 1]),
    ("values", [{"d": 1, "a": 3}], [3, 1]),
    ("lookup", [{"a": "ay", "b": "bee"}, "a", "what?"], "ay"),
    ("lookup", [{"a": "ay", "b": "bee"}, "c", "what?"], "what?"),
    ("lookup", [{"a": "ay"}, "a"], "ay"),
    ("lookup", [{"1": "one"}, 1], "one"),
    ("lookup", [{"a": "ay"}, "c", None], None),
    ("element", [["a", "b", "c"], 1], "b"),
    ("element", [["a", "b", "c"], 3], "a"),
    ("element", [["a", "b", "c"], "4"], "b"),
    ("index", [["a", "b", "c"], "b"], 1),
    ("index", [[1, 2], 2.0], 1),
    ("contains", [["a", "b", "c"], "a"], True),
    ("contains", [["a", "b", "c"], "d"], False),
    ("contains", [["1"], 1], False),
    ("contains", [[], "a"], False),
    ("contains", [[{"a": [1]}], {"a": [1]}], True),
    ("coalesce", ["a", "b"], "a"),
    ("coalesce", ["", "b"], "b"),
    ("coalesce", [1, 2], 1),
    ("coalesce", [None, "", "x"], "x"),
    ("coalesce", ["", 5], "5"),
    ("coalesce", [None, 0], 0),
    ("coalescelist", [["a", "b"], ["c", "d"]], ["a", "b"]),
    ("coalescelist", [[], ["c", "d"]], ["c", "d"]),
    ("coalescelist", [None, [], ["e"]], ["e"]),
    ("merge", [{"a": "b", "c": "d"}, {"e": "f", "c": "z"}], {"a": "b", "c": "z", "e": "f"}),
    ("merge", [{"a": 1}, None, {"b": 2}], {"a": 1, "b": 2}),
    ("merge", [], {}),
    ("concat", [["a", ""], ["b", "c"]], ["a", "", "b", "c"]),
    ("concat", [[1], ["x", None]], [1, "x", None]),
    ("flatten", [[["a", "b"], [], ["c"]]], ["a", "b", "c"]),
    ("flatten", [[[["a", "b"], []], ["c"]]], ["a", "b", "c"]),
    ("flatten", [[["a"], None, {"k": [1]}]], ["a", None, {"k": [1]}]),
    ("distinct", [["a", "b", "a", "c", "d", "b"]], ["a", "b", "c", "d"]),
    ("distinct", [[1, 1.0, "1"]], ["1"]),
    ("distinct", [[{"a": 1}, {"a": 1}]], [{"a": 1}]),
    ("compact", [["a", "", "b", None, "c"]], ["a", "b", "c"]),
    ("compact", [[1, ""]], ["1"]),
    ("alltrue", [["true", True]], True),
    ("alltrue", [[True, False]], False),
    ("alltrue", [[]], True),
    ("alltrue", [[True, None]], False),
    ("anytrue", [["true"]], True),
    ("anytrue", [[]], False),
    ("anytrue", [[None, False]], False),
    ("reverse", [[1, 2, 3]], [3, 2, 1]),
    ("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
    ("slice", [["a", "b"], 2, 2], []),
    ("sort", [["e", "d", "a", "x"]], ["a", "d", "e", "x"]),
    ("sort", [[10, 9, 1]], ["1", "10", "9"]),
    ("chunklist", [["a", "b", "c", "d", "e"], 2], [["a", "b"], ["c", "d"], ["e"]]),
    ("chunklist", [["a", "b", "c"], 1], [["a"], ["b"], ["c"]]),
    ("chunklist", [["a", "b"], 0], [["a", "b"]]),
    ("chunklist", [[], 3], []),
    ("one", [[]], None),
    ("one", [["hello"]], "hello"),
    ("zipmap", [["a", "b"], [1, 2]], {"a": 1, "b": 2}),
    ("zipmap", [[1, 2], ["x", "y"]], {"1": "x", "2": "y"}),
    ("zipmap", [["a", "a"], [1, 2]], {"a": 2}),
    ("range", [3], [0, 1, 2]),
    ("range", [1, 4], [1, 2, 3]),
    ("range", [1, 8, 2], [1, 3, 5, 7]),
    ("range", [1, 4, 0.5], [1, 1.5, 2, 2.5, 3, 3.5]),
    ("range", [4, 1], [4, 3, 2]),
    ("range", [10, 5, -2], [10, 8, 6]),
    ("range", [-3], [0, -1, -2]),
    ("range", [0], []),
    ("range", [0, 0.3, 0.1], [0, 0.1, 0.2]),
    ("setunion", [["a", "b"], ["b", "c"], ["d"]], ["a", "b", "c", "d"]),
    ("setunion", [["b"], ["a", 1]], ["1", "a", "b"]),
    ("setintersection", [["a", "b"], ["b", "c"], ["b", "d"]], ["b"]),
    ("setintersection", [[3, 1, 2], [2, 3]], [2, 3]),
    ("setsubtract", [["a", "b", "c"], ["a", "c"]], ["b"]),
    ("setsubtract", [[], ["a"]], []),
    (
        "setproduct",
        [["development", "staging"], ["app1", "app2"]],
        [["development", "app1"], ["development", "app2"], ["staging", "app1"], ["staging", "app2"]],
    ),
    ("setproduct", [["a"], []], []),
    ("transpose", [{"a": ["1", "2"], "b": ["2", "3"]}], {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    ("transpose", [{"b": [1], "a": [1]}], {"1": ["a", "b"]}),
    (
        "matchkeys",
        [["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]],
        ["i-abc", "i-def"],
    ),
    ("matchkeys", [["a", "b"], [1, 2], []], []),
    ("matchkeys", [["a", "b"], [1, 2], ["2"]], ["b"]),
    # numbers
    ("min", [12, 54, 3], 3),
    ("max", [12, 54, 3], 54),
    ("max", ["5", 2], 5),
    ("abs", [23], 23),
    ("abs", [-12.4], 12.4),
    ("abs", [-0.0], 0),
    ("ceil", [5], 5),
    ("ceil", [5.1], 6),
    ("floor", [4.9], 4),
    ("floor", [-4.1], -5),
    ("signum", [-13], -1),
    ("signum", [0], 0),
    ("signum", [344], 1),
    ("log", [16, 2], 4),
    ("pow", [3, 2], 9),
    ("pow", [4, 0], 1),
    ("pow", [2, -1], 0.5),
    ("sum", [[10, 13, 6, 4.5]], 33.5),
    ("sum", [[0.1, 0.2]], 0.3),
    ("sum", [["1", 2]], 3),
    ("parseint", ["100", 10], 100),
    ("parseint", ["FF", 16], 255),
    ("parseint", ["-10", 16], -16),
    ("parseint", ["1011111011101111", 2], 48879),
    ("parseint", ["aA", 62], 656),
    ("parseint", ["+7", 8], 7),
    # conversions
    ("tostring", ["hello"], "hello"),
    ("tostring", [1], "1"),
    ("tostring", [2.5], "2.5"),
    ("tostring", [1e21], "1000000000000000000000"),
    ("tostring", [0.0000001], "0.0000001"),
    ("tostring", [True], "true"),
    ("tostring", [None], None),
    ("tonumber", [1], 1),
    ("tonumber", ["1"], 1),
    ("tonumber", ["2.50"], 2.5),
    ("tonumber", ["-1e3"], -1000),
    ("tonumber", [".5"], 0.5),
    ("tonumber", [None], None),
    ("tobool", [True], True),
    ("tobool", ["false"], False),
    ("tobool", [None], None),
    ("toset", [["a", "b", "c"]], ["a", "b", "c"]),
    ("toset", [["c", "b", "b"]], ["b", "c"]),
    ("toset", [["a", "b", 3]], ["3", "a", "b"]),
    ("toset", [[3, 1, 2, 1.0]], [1, 2, 3]),
    ("toset", [[True, False, True]], [False, True]),
    ("toset", [[{"b": 1}, {"a": 1}, {"b": 1}]], [{"b": 1}, {"a": 1}]),
    ("toset", [None], None),
    ("tolist", [["a", "b", 3]], ["a", "b", "3"]),
    ("tolist", [[1, None]], [1, None]),
    ("tomap", [{"a": "foo", "b": True}], {"a": "foo", "b": "true"}),
    ("sensitive", ["secret"], "secret"),
    ("nonsensitive", [5], 5),
    # encodings and hashes
    ("jsonencode", [{"hello": "world"}], '{"hello":"world"}'),
    ("jsonencode", [{"b": [True, None], "a": 1}], '{"a":1,"b":[true,null]}'),
    ("jsonencode", ["<a & b>"], '"\\u003ca \\u0026 b\\u003e"'),
    ("jsonencode", [[1.5, 1e21, "é"]], '[1.5,1000000000000000000000,"é"]'),
    ("jsonencode", [None], "null"),
    ("jsondecode", ['{"hello": "world"}'], {"hello": "world"}),
    ("jsondecode", ["true"], True),
    ("jsondecode", ["[1, 2.5, 3.0, null]"], [1, 2.5, 3, None]),
    ("base64encode", ["Hello World"], "SGVsbG8gV29ybGQ="),
    ("base64decode", ["SGVsbG8gV29ybGQ="], "Hello World"),
    ("base64decode", ["SGVs\nbG8="], "Hello"),
    ("urlencode", ["Hello World!"], "Hello+World%21"),
    ("urlencode", ["☃"], "%E2%98%83"),
    ("md5", ["hello world"], "5eb63bbbe01eeed093cb22bb8f5acdc3"),
    ("sha1", ["hello world"], "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"),
    ("sha256", ["hello world"], "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
    ("base64sha256", ["hello world"], "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="),
    ("uuidv5", ["dns", "www.terraform.io"], "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
    (
        "uuidv5",
        ["6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io"],
        "a5008fae-b28c-5ba5-96cd-82b4c53552d6",
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    RESULTS,
    ids=[f"{name}-{index}" for index, (name, _, _) in enumerate(RESULTS)],
)
def test_result(name: str, args: list[Any], expected: Any) -> None:
    result = call_function(name, args)
    assert result == expected
    # A set is a list that iterates by value; the test tables write it as a list.
    assert type(result) is type(expected) or (isinstance(result, SetValue) and type(expected) is list)


# (function, arguments, a part of the error message)
ERRORS: list[tuple[str, list[Any], str]] = [
    ("lookup", [{"a": 1}, "x"], 'lookup: the given key "x" does not exist'),
    ("lookup", [["a"], "x"], "requires a map"),
    ("lookup", [{"a": 1}, "a", 1, 2], "two or three arguments"),
    ("lookup", [{"a": 1}], 'Missing value for "key"'),
    ("lookup", [{"a": 1}, None], "must not be null"),
    ("upper", [], "Not enough function arguments"),
    ("upper", ["a", "b"], "Too many function arguments"),
    ("upper", [None], 'invalid value for "str" parameter: argument must not be null'),
    ("upper", [["a"]], "string required"),
    ("length", [None], "must not be null"),
    ("length", [5], "argument must be a string, a collection type"),
    ("keys", [["a"]], "must have map or object type"),
    ("values", ["a"], "requires a map"),
    ("element", [[], 0], "empty list"),
    ("element", [["a"], -1], "negative index"),
    ("element", [["a"], 1.5], "whole number"),
    ("element", [{"a": 1}, 0], "cannot read elements from object"),
    ("index", [["a"], "b"], "item not found"),
    ("index", [[], "b"], "cannot search an empty list"),
    ("contains", ["abc", "a"], "must be list, tuple, or set"),
    ("contains", [None, "a"], "must not be null"),
    ("coalesce", [None, ""], "no non-null, non-empty-string arguments"),
    ("coalesce", ["a", ["b"]], "same type"),
    ("coalesce", [1, True], "same type"),
    ("coalescelist", [[], []], "no non-null arguments"),
    ("coalescelist", [["a"], "b"], "must be lists or tuples"),
    ("merge", [{"a": 1}, "b"], 'arguments must be maps or objects, got "string"'),
    ("concat", [], "at least one argument"),
    ("concat", [["a"], "b"], "all arguments must be lists or tuples"),
    ("concat", [["a"], None], "must not be null"),
    ("join", [",", ["a", None]], "element 1 is null"),
    ("join", [",", ["a"], [None]], "element 0 of list 1 is null"),
    ("join", [","], "at least one list is required"),
    ("join", [",", [["a"]]], "string required"),
    ("split", [",", None], "must not be null"),
    ("flatten", ["a"], "can only flatten"),
    ("distinct", [[1, True]], "any single type"),
    ("compact", [[["a"]]], "string required"),
    ("alltrue", [["yes"]], "bool required"),
    ("reverse", ["abc"], "can only reverse list or tuple values"),
    ("slice", [["a"], 0, 2], "end index must not be greater than the length"),
    ("slice", [["a", "b"], 2, 1], "start index must not be greater than end index"),
    ("slice", [["a"], -1, 1], "start index must not be less than zero"),
    ("sort", [["a", None]], "a null string cannot be sorted"),
    ("chunklist", [["a"], -1], "the size argument must be positive"),
    ("one", [["a", "b"]], "either zero or one elements"),
    ("one", [{"a": 1}], "either zero or one elements"),
    ("zipmap", [["a"], [1, 2]], "number of keys (1) does not match number of values (2)"),
    ("zipmap", [["a"], "b"], "must be a list or tuple"),
    ("zipmap", [[None], [1]], "null value at index 0"),
    ("range", [], "one, two, or three arguments"),
    ("range", [1, 5, 0], "step must not be zero"),
    ("range", [5, 1, 1], "end must be greater than start"),
    ("range", [1, 5, -1], "end must be less than start"),
    ("range", [2000], "more than 1024 values"),
    ("setproduct", [["a"]], "at least two arguments"),
    ("setunion", [["a"], [["b"]]], "compatible element types"),
    ("setunion", [["a"], "b"], "set of any single type required"),
    ("transpose", [{"a": "b"}], "map of lists of strings"),
    ("matchkeys", [["a"], [1, 2], [1]], "length of keys and values should be equal"),
    ("min", [], "at least one number"),
    ("max", [1, "x"], "a number is required"),
    ("abs", [True], "a number is required"),
    ("sum", [[]], "cannot sum an empty list"),
    ("sum", [[1, None]], "number values"),
    ("sum", ["a"], "argument must be list, set, or tuple"),
    ("parseint", ["12", 2], 'cannot parse "12" as a base 2 integer'),
    ("parseint", ["1", 63], "between 2 and 62"),
    ("log", [-1, 10], "not defined"),
    ("tostring", [["a"]], "cannot convert list to string"),
    ("tonumber", ["abc"], 'cannot convert "abc" to number'),
    ("tonumber", [True], "cannot convert bool to number"),
    ("tobool", ["yes"], 'cannot convert "yes" to bool; only the strings "true" or "false"'),
    ("tobool", [1], "cannot convert number to bool"),
    ("tolist", [{"a": 1}], "cannot convert object to list"),
    ("tolist", [[1, True]], "any single type"),
    ("toset", ["a"], "cannot convert string to set"),
    ("tomap", [["a"]], "cannot convert list to map"),
    ("tomap", [{"a": "x", "b": ["y"]}], "cannot convert object to map"),
    ("format", ["%d", 2.5], 'unsupported value for "%d" at 0: an integer is required'),
    ("format", ["%d", "x"], "a number is required"),
    ("format", ["%s", ["a"]], "string required"),
    ("format", ["%s", None], "null value cannot be formatted"),
    ("format", ["%s %s", "a"], "not enough arguments"),
    ("format", ["%s", "a", "b"], "too many arguments; only 1 used by format string"),
    ("format", ["hi", "a"], "too many arguments; no verbs in format string"),
    ("format", ["%z", 1], "unsupported format verb 'z'"),
    ("format", ["50%"], "invalid format string"),
    ("format", ["%!", 1], "unrecognized format character '!'"),
    ("format", ["%t", "yes"], "bool required"),
    ("formatlist", ["%s%s", ["a"], ["b", "c"]], "inconsistent with argument 1"),
    ("formatlist", ["%d", ["a"]], "error on format iteration 0"),
    ("regex", ["[a-z]+", "123"], "pattern did not match any part of the given string"),
    ("regex", ["(?P<a>x)(y)", "xy"], "cannot mix both named and unnamed capture groups"),
    ("regex", ["(?=a)", "a"], "invalid or unsupported Perl syntax"),
    ("regex", ["(a", "a"], "missing closing )"),
    ("regex", ["a)", "a"], "unexpected )"),
    ("regex", ["[a", "a"], "missing closing ]"),
    ("regex", ["(a)\\1", "aa"], "invalid escape sequence"),
    ("regex", ["a**", "a"], "invalid nested repetition operator"),
    ("regex", ["a*+", "a"], "invalid nested repetition operator"),
    ("regex", ["\\Z", "a"], "invalid escape sequence"),
    ("regexall", ["*", "a"], "invalid regexp pattern"),
    ("replace", ["a", "/(/", "b"], "missing closing )"),
    ("jsondecode", ["{"], "invalid JSON"),
    ("jsondecode", ['{"a": 1, "a": 2}'], 'duplicate "a" property'),
    ("jsondecode", ["NaN"], "invalid JSON value NaN"),
    ("base64decode", ["not base64!"], "failed to decode base64 data"),
    ("base64decode", ["/w=="], "not valid UTF-8"),
    ("uuidv5", ["nope", "x"], "doesn't support namespace nope"),
    ("list", ["a"], 'the "list" function was deprecated'),
    ("map", ["a", "b"], 'the "map" function was deprecated'),
]


@pytest.mark.parametrize(
    ("name", "args", "message"),
    ERRORS,
    ids=[f"{name}-{index}" for index, (name, _, _) in enumerate(ERRORS)],
)
def test_error(name: str, args: list[Any], message: str) -> None:
    with pytest.raises(EvaluationError) as raised:
        call_function(name, args)
    assert message in str(raised.value)


def test_argument_errors_read_like_terraform() -> None:
    with pytest.raises(EvaluationError, match=r"^Invalid function argument: tonumber: "):
        call_function("tonumber", ["abc"])


def test_unknown_function_name_is_an_error() -> None:
    with pytest.raises(EvaluationError, match='there is no function named "foo"'):
        call_function("foo", [])
    assert not is_known_function("foo")


@pytest.mark.parametrize("name", ["can", "try"])
def test_can_and_try_are_left_to_the_evaluator(name: str) -> None:
    assert not is_known_function(name)
    assert name not in FUNCTIONS


def test_core_namespace_prefix_names_a_builtin_function() -> None:
    assert is_known_function("core::upper")
    assert call_function("core::upper", ["a"]) == "A"


def test_provider_defined_functions_are_unknown_not_errors() -> None:
    assert is_known_function("provider::aws::arn_parse")
    result = call_function("provider::aws::arn_parse", ["arn:aws:dynamodb:us-east-1:1:table/t"])
    assert is_unknown(result)
    assert "provider::aws::arn_parse" in result.reason


def test_every_function_is_exported_and_callable() -> None:
    assert is_known_function("lookup")
    assert FUNCTIONS["upper"]("a") == "A"
    assert FUNCTIONS["lookup"]({"a": 1}, "a") == 1


# --- argument expansion: f(a, list...) ------------------------------------------------------


def test_expanded_last_argument_is_spread() -> None:
    assert call_function("max", [[12, 54, 3]], expand_last=True) == 54
    assert call_function("join", [",", [["a"], ["b"]]], expand_last=True) == "a,b"


def test_expanding_an_unknown_gives_unknown() -> None:
    assert is_unknown(call_function("max", [UNKNOWN], expand_last=True))


@pytest.mark.parametrize("last", [None, "abc", {"a": 1}])
def test_expanding_a_non_list_is_an_error(last: Any) -> None:
    with pytest.raises(EvaluationError, match="Invalid expanding argument value"):
        call_function("max", [last], expand_last=True)


# --- unknown values ---------------------------------------------------------------------------

UNKNOWN_RESULTS: list[tuple[str, list[Any]]] = [
    ("upper", [UNKNOWN]),
    ("join", [",", UNKNOWN]),
    ("join", [UNKNOWN, ["a"]]),
    ("join", [",", ["a", UNKNOWN]]),
    ("length", [UNKNOWN]),
    ("keys", [UNKNOWN]),
    ("values", [UNKNOWN]),
    ("lookup", [UNKNOWN, "a", "x"]),
    ("lookup", [{"a": 1}, UNKNOWN, "x"]),
    ("lookup", [{"a": 1}, "b", UNKNOWN]),
    ("element", [UNKNOWN, 0]),
    ("element", [["a"], UNKNOWN]),
    ("index", [["a", UNKNOWN], "b"]),
    ("index", [["a"], UNKNOWN]),
    ("contains", [UNKNOWN, "a"]),
    ("contains", [["a"], UNKNOWN]),
    ("concat", [["a"], UNKNOWN]),
    ("format", ["%s", UNKNOWN]),
    ("format", ["%s", ["a", UNKNOWN]]),
    ("format", [UNKNOWN, "a"]),
    ("formatlist", ["%s", UNKNOWN]),
    ("jsonencode", [{"a": [UNKNOWN]}]),
    ("sort", [["b", UNKNOWN]]),
    ("sum", [[1, UNKNOWN]]),
    ("zipmap", [["a", UNKNOWN], [1, 2]]),
    ("zipmap", [["a"], UNKNOWN]),
    ("transpose", [{"a": [UNKNOWN]}]),
    ("matchkeys", [["a"], ["k"], [UNKNOWN]]),
    ("setunion", [["a"], [UNKNOWN]]),
    ("setintersection", [["a", UNKNOWN], ["a"]]),
    ("setsubtract", [["a"], [UNKNOWN]]),
    ("coalescelist", [UNKNOWN, ["a"]]),
    ("regex", ["[a-z]+", UNKNOWN]),
    ("regex", [UNKNOWN, "abc"]),
    ("regex", ["\\p{Greek}", "abc"]),
    ("replace", ["abc", "/(?U)a+/", "x"]),
    ("tostring", [UNKNOWN]),
    ("tomap", [UNKNOWN]),
    ("timestamp", []),
    ("uuid", []),
    ("bcrypt", ["secret"]),
    ("file", ["${path.module}/policy.json"]),
    ("fileexists", ["x"]),
    ("templatefile", ["t.tpl", {}]),
    ("filebase64", ["x"]),
    ("pathexpand", ["~/x"]),
    ("abspath", ["x"]),
    ("yamlencode", [{"a": 1}]),
]


@pytest.mark.parametrize(
    ("name", "args"),
    UNKNOWN_RESULTS,
    ids=[f"{name}-{index}" for index, (name, _) in enumerate(UNKNOWN_RESULTS)],
)
def test_unknown_result(name: str, args: list[Any]) -> None:
    result = call_function(name, args)
    assert is_unknown(result)
    assert name in result.reason


def test_unknown_reason_names_function_and_cause() -> None:
    result = call_function("upper", [UNKNOWN])
    assert result.reason == "upper(): aws_kms_key.k.arn"


def test_length_of_known_list_with_unknown_elements_is_known() -> None:
    assert call_function("length", [[UNKNOWN, "a"]]) == 2


def test_keys_of_known_map_with_unknown_values_are_known() -> None:
    assert call_function("keys", [{"b": UNKNOWN, "a": 1}]) == ["a", "b"]


def test_merge_keeps_unknown_values_and_known_keys() -> None:
    merged = call_function("merge", [{"a": 1, "b": UNKNOWN}, {"c": 2}])
    assert merged["a"] == 1
    assert merged["c"] == 2
    assert is_unknown(merged["b"])


def test_merge_with_an_unknown_argument_is_unknown() -> None:
    assert is_unknown(call_function("merge", [{"a": 1}, UNKNOWN]))


def test_concat_keeps_unknown_elements_in_place() -> None:
    result = call_function("concat", [["a", UNKNOWN], ["b"]])
    assert result[0] == "a"
    assert is_unknown(result[1])
    assert result[2] == "b"


def test_lookup_in_known_map_gives_the_element() -> None:
    mapping = {"a": "x", "b": UNKNOWN}
    assert call_function("lookup", [mapping, "a", "default"]) == "x"
    assert is_unknown(call_function("lookup", [mapping, "b", "default"]))
    assert call_function("lookup", [mapping, "c", "default"]) == "default"


def test_coalesce_known_first_argument_wins_over_unknown() -> None:
    assert call_function("coalesce", ["a", UNKNOWN]) == "a"


def test_coalesce_unknown_first_argument_is_unknown() -> None:
    assert is_unknown(call_function("coalesce", [UNKNOWN, "a"]))
    assert is_unknown(call_function("coalesce", [None, "", UNKNOWN, "a"]))


def test_contains_finds_a_known_element_despite_unknowns() -> None:
    assert call_function("contains", [[UNKNOWN, "a"], "a"]) is True


def test_contains_is_unknown_when_not_found_and_an_element_is_unknown() -> None:
    assert is_unknown(call_function("contains", [[UNKNOWN, "a"], "b"]))


def test_contains_is_false_when_not_found_among_known_elements() -> None:
    assert call_function("contains", [["a", "c"], "b"]) is False


def test_contains_is_false_when_an_unknown_cannot_have_the_same_shape() -> None:
    assert call_function("contains", [[[UNKNOWN]], "b"]) is False


def test_compact_with_an_unknown_element_is_unknown() -> None:
    assert is_unknown(call_function("compact", [["a", "", UNKNOWN]]))


def test_toset_with_an_unknown_element_is_unknown() -> None:
    assert is_unknown(call_function("toset", [["a", UNKNOWN]]))
    assert is_unknown(to_set(["a", UNKNOWN]))


def test_distinct_with_an_unknown_element_is_unknown() -> None:
    assert is_unknown(call_function("distinct", [["a", "a", UNKNOWN]]))
    assert is_unknown(call_function("distinct", [[{"k": UNKNOWN}]]))


def test_flatten_with_an_unknown_element_is_unknown() -> None:
    assert is_unknown(call_function("flatten", [["a", UNKNOWN]]))
    assert is_unknown(call_function("flatten", [[["a"], [UNKNOWN]]]))


def test_alltrue_with_true_and_unknown_is_unknown() -> None:
    assert is_unknown(call_function("alltrue", [[True, UNKNOWN_FLAG]]))


def test_alltrue_with_false_before_unknown_is_false() -> None:
    assert call_function("alltrue", [[False, UNKNOWN_FLAG]]) is False


def test_alltrue_stops_at_an_unknown_before_false_as_terraform_does() -> None:
    assert is_unknown(call_function("alltrue", [[UNKNOWN_FLAG, False]]))


def test_anytrue_with_true_and_unknown_is_true() -> None:
    assert call_function("anytrue", [[True, UNKNOWN_FLAG]]) is True
    assert call_function("anytrue", [[UNKNOWN_FLAG, True]]) is True


def test_anytrue_with_false_and_unknown_is_unknown() -> None:
    assert is_unknown(call_function("anytrue", [[False, UNKNOWN_FLAG]]))


def test_element_of_known_list_may_be_unknown() -> None:
    assert is_unknown(call_function("element", [["a", UNKNOWN], 1]))
    assert call_function("element", [["a", UNKNOWN], 0]) == "a"


def test_list_functions_keep_unknown_elements() -> None:
    assert is_unknown(call_function("reverse", [["a", UNKNOWN]])[0])
    assert is_unknown(call_function("slice", [["a", UNKNOWN], 1, 2])[0])
    assert is_unknown(call_function("tolist", [["a", UNKNOWN]])[1])
    assert is_unknown(call_function("values", [{"a": UNKNOWN}])[0])
    assert is_unknown(call_function("zipmap", [["a"], [UNKNOWN]])["a"])


def test_formatlist_leaves_only_the_affected_rows_unknown() -> None:
    rows = call_function("formatlist", ["%s", ["a", UNKNOWN]])
    assert rows[0] == "a"
    assert is_unknown(rows[1])


def test_a_check_on_a_known_argument_comes_first() -> None:
    with pytest.raises(EvaluationError):
        call_function("merge", ["a", UNKNOWN])


def test_regex_rejects_a_bad_pattern_even_when_the_string_is_unknown() -> None:
    with pytest.raises(EvaluationError, match="missing closing"):
        call_function("regex", ["(a", UNKNOWN])


# --- null arguments ---------------------------------------------------------------------------


def test_coalesce_skips_null_and_empty_string() -> None:
    assert call_function("coalesce", [None, "", "b"]) == "b"


def test_merge_skips_null_arguments() -> None:
    assert call_function("merge", [None, {"a": 1}, None]) == {"a": 1}


def test_length_of_null_is_an_error() -> None:
    with pytest.raises(EvaluationError, match="must not be null"):
        call_function("length", [None])


def test_join_of_a_null_element_is_an_error() -> None:
    with pytest.raises(EvaluationError, match="null"):
        call_function("join", [",", [None]])


# --- automatic conversions and equality -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, "5"), (2.5, "2.5"), (True, "true"), ("x", "x"), (None, None), (1e20, "100000000000000000000")],
)
def test_to_string(value: Any, expected: Any) -> None:
    assert to_string(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("5", 5), ("2.5", 2.5), (7, 7), (3.0, 3), (None, None)])
def test_to_number(value: Any, expected: Any) -> None:
    result = to_number(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("false", False), (True, True), (None, None)]
)
def test_to_bool(value: Any, expected: Any) -> None:
    assert to_bool(value) is expected


def test_conversions_keep_unknown() -> None:
    for convert in (to_string, to_number, to_bool, to_set):
        assert convert(UNKNOWN) is UNKNOWN or is_unknown(convert(UNKNOWN))


@pytest.mark.parametrize(
    ("convert", "value"),
    [
        (to_string, ["a"]),
        (to_string, {"a": 1}),
        (to_number, "abc"),
        (to_number, True),
        (to_number, "1 "),
        (to_bool, "yes"),
        (to_bool, 1),
        (to_set, "a"),
    ],
)
def test_conversion_errors(convert: Any, value: Any) -> None:
    with pytest.raises(EvaluationError):
        convert(value)


def test_to_set_sorts_strings_and_removes_duplicates() -> None:
    assert to_set(["b", "a", "b"]) == ["a", "b"]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1, 1.0, True),
        ("1", 1, False),
        (True, 1, False),
        (None, None, True),
        (None, "a", False),
        ([1, "a"], [1, "a"], True),
        ([1], [1, 2], False),
        ({"a": [1]}, {"a": [1.0]}, True),
        ({"a": 1}, {"b": 1}, False),
        ([1, UNKNOWN], ["a", UNKNOWN], False),
        ({"a": UNKNOWN}, {"b": 1}, False),
    ],
)
def test_values_equal(a: Any, b: Any, expected: bool) -> None:
    assert values_equal(a, b) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [(UNKNOWN, 1), (1, UNKNOWN), (None, UNKNOWN), ([1, UNKNOWN], [1, 2]), ({"a": UNKNOWN}, {"a": 1})],
)
def test_values_equal_is_unknown_when_an_unknown_decides(a: Any, b: Any) -> None:
    assert is_unknown(values_equal(a, b))


# --- properties -------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=5),
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False, width=32).filter(lambda x: not x.is_integer()),
        st.text(max_size=5),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)


@given(st.lists(st.one_of(st.integers(-5, 5), st.sampled_from(["a", "b"])), max_size=8))
def test_distinct_is_idempotent(items: list[Any]) -> None:
    once = call_function("distinct", [items])
    assert call_function("distinct", [once]) == once


@given(st.dictionaries(st.text(max_size=4), scalars, max_size=6))
def test_keys_are_sorted_and_values_follow_them(mapping: dict[str, Any]) -> None:
    keys = call_function("keys", [mapping])
    assert keys == sorted(mapping)
    assert call_function("values", [mapping]) == [mapping[key] for key in keys]


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_format_d_round_trips(number: int) -> None:
    assert int(call_function("format", ["%d", number])) == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_tostring_and_tonumber_round_trip(number: float) -> None:
    text = call_function("tostring", [number])
    assert "e" not in text
    assert float(call_function("tonumber", [text])) == number


@given(json_values)
def test_jsondecode_inverts_jsonencode(value: Any) -> None:
    encoded = call_function("jsonencode", [value])
    assert json.loads(encoded) == value
    assert call_function("jsondecode", [encoded]) == value


@given(st.lists(st.text(alphabet="abc,", max_size=4), min_size=1, max_size=5))
def test_split_inverts_join_without_separators_inside(items: list[str]) -> None:
    items = [item.replace(",", "") for item in items]
    assert call_function("split", [",", call_function("join", [",", items])]) == items


@given(st.lists(scalars, max_size=6))
def test_reverse_twice_is_identity(items: list[Any]) -> None:
    assert call_function("reverse", [call_function("reverse", [items])]) == items


@given(st.lists(st.text(max_size=3), max_size=6))
def test_toset_is_sorted_and_without_duplicates(items: list[str]) -> None:
    result = call_function("toset", [items])
    assert result == sorted(set(items))


@given(st.lists(st.sampled_from(["a", " ", "é", "e\u0301", "🇺🇸", "👍🏽", "☃"]), max_size=6).map("".join))
def test_strrev_twice_is_identity(text: str) -> None:
    assert call_function("strrev", [call_function("strrev", [text])]) == text
