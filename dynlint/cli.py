"""The ``dynlint`` command line: parses options, runs one pipeline step after the other, exits."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dynlint import __version__
from dynlint.cost.command import cost

app = typer.Typer(
    name="dynlint",
    help="Lint and price the DynamoDB tables that Terraform code defines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2


class TablesFormat(str, Enum):
    text = "text"
    json = "json"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"dynlint {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Lint and price the DynamoDB tables that Terraform code defines."""


PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Terraform directories, .tf files or a plan JSON file (default: .)."),
]
VarFileOption = Annotated[
    list[Path] | None,
    typer.Option("--var-file", help="A .tfvars file for every root module (repeatable)."),
]
VarOption = Annotated[
    list[str] | None,
    typer.Option("--var", help="NAME=VALUE for every root module (repeatable)."),
]
EnvOption = Annotated[str | None, typer.Option("--env", help="The environment of every table (e.g. prod).")]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Parse every file again; do not read or write the cache.")
]


@app.command()
def tables(
    paths: PathsArgument = None,
    output_format: Annotated[
        TablesFormat, typer.Option("--format", help="Output format.")
    ] = TablesFormat.text,
    var_file: VarFileOption = None,
    var: VarOption = None,
    env: EnvOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Print the DynamoDB tables as dynlint evaluated them."""
    from dynlint.reports.tables import render_tables
    from dynlint.scan import ScanOptions, UsageError, scan

    try:
        options = ScanOptions.from_cli(
            var_files=var_file or [], variables=var or [], env=env, cache=not no_cache
        )
        inventory = scan(paths or [Path(".")], options)
    except UsageError as error:
        typer.echo(f"dynlint: {error}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    typer.echo(render_tables(inventory, output_format.value))
    for diagnostic in inventory.errors:
        typer.echo(f"dynlint: {_describe(diagnostic)}", err=True)
    raise typer.Exit(EXIT_INPUT_ERROR if inventory.errors else EXIT_OK)


def _describe(diagnostic: object) -> str:
    from dynlint.reports.tables import describe_diagnostic

    return describe_diagnostic(diagnostic)  # type: ignore[arg-type]


app.command("cost")(cost)


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_OK)
