"""Colour in the text report: a terminal only, NO_COLOR and FORCE_COLOR respected."""

from __future__ import annotations

import io

import pytest

from dynlint.reports.colour import colour_enabled, colour_findings_text, strip_colour


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


def test_the_severity_is_coloured_and_nothing_else_changes() -> None:
    text = "\n".join(
        [
            "main.tf",
            "main.tf:3:1: DL003 error [pitr-production] an error about a note",
            "  3 | resource {",
            "    = table aws_dynamodb_table.t, root .",
            "Found 1 finding (1 error) in 1 table instance, 1 files.",
        ]
    )
    coloured = colour_findings_text(text)
    lines = coloured.split("\n")
    assert lines[0] == "main.tf"
    assert lines[1].startswith("\x1b[1mmain.tf:3:1\x1b[0m: \x1b[1mDL003\x1b[0m \x1b[1;31merror\x1b[0m [pitr")
    assert lines[1].endswith("an error about a note")
    assert lines[2].startswith("\x1b[2m  3 | \x1b[0m")
    assert lines[4] == "Found 1 finding (1 error) in 1 table instance, 1 files."
    assert strip_colour(coloured) == text
