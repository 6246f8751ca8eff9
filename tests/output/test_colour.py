"""Colour in the text report: a terminal only, NO_COLOR and FORCE_COLOR respected."""

from __future__ import annotations

import io

import pytest

from dynlint.reports.colour import colour_enabled, colour_line, strip_colour


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "expected"),
    [
        (Terminal(), {}, True),
        (io.StringIO(), {}, False),
        (Terminal(), {"NO_COLOR": "1"}, False),
        (Terminal(), {"NO_COLOR": ""}, True),
        (io.StringIO(), {"FORCE_COLOR": "1"}, True),
        (io.StringIO(), {"FORCE_COLOR": "0"}, False),
        (Terminal(), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (None, {}, False),
    ],
)
def test_when_colour_is_on(stream: io.StringIO | None, environ: dict[str, str], expected: bool) -> None:
    assert colour_enabled(stream, environ) is expected


def test_the_severity_word_is_coloured_and_nothing_else_changes() -> None:
    line = "main.tf:3:1: error DL003 pitr-production: a note about an error"
    coloured = colour_line(line)
    assert coloured != line
    assert coloured.startswith("main.tf:3:1: \x1b[1;31merror\x1b[0m DL003")
    assert strip_colour(coloured) == line
