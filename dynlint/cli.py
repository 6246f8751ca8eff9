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
RulesDirOption = Annotated[
    list[Path] | None, typer.Option("--rules-dir", help="A directory of extra policy files (repeatable).")
]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="The configuration file to use.")]
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


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class FailLevel(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"


def _split(values: list[str] | None) -> list[str]:
    return [item.strip() for value in values or [] for item in value.split(",") if item.strip()]


@app.command()
def check(
    paths: PathsArgument = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    var_file: VarFileOption = None,
    var: VarOption = None,
    env: EnvOption = None,
    config: ConfigOption = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Only these rules (IDs or prefixes, comma-separated)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules (IDs or prefixes, comma-separated)."),
    ] = None,
    fail_on: Annotated[
        FailLevel | None,
        typer.Option("--fail-on", help="Exit 1 on findings at or above this level [warning]."),
    ] = None,
    rules_dir: RulesDirOption = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the parse cache.")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", help="Write the report to FILE.")] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Report only findings not in this baseline file.")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option("--write-baseline", help="Record today's findings in this baseline file.")
    ] = None,
    changed_files: Annotated[
        bool,
        typer.Option("--changed-files", help="PATHS are changed files (pre-commit): lint what they affect."),
    ] = False,
) -> None:
    """Lint the DynamoDB tables that Terraform code defines."""
    from dynlint import observe, replay
    from dynlint.check import CheckOptions
    from dynlint.delivery import Delivery, check_report
    from dynlint.scan import ScanOptions, UsageError

    memo = replay.pending()
    keeping = memo is not None and output is None and write_baseline is None and not no_cache
    try:
        options = CheckOptions(
            paths=paths or [Path(".")],
            scan=ScanOptions.from_cli(
                var_files=var_file or [], variables=var or [], env=env, cache=not no_cache
            ),
            config_file=config,
            select=_split(select),
            ignore=_split(ignore),
            rules_dirs=list(rules_dir or []),
            fail_on=fail_on.value if fail_on else None,
            no_cache=no_cache,
        )
        delivery = Delivery(output_format.value, output, baseline, write_baseline, changed_files)
        with observe.recording() as recorder:
            report = check_report(options, delivery)
    except UsageError as error:
        typer.echo(f"dynlint: {error}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    stdout = "" if output is not None else _printable(report.text, report.colour)
    stderr = "".join(_printable(note) for note in report.notes)
    if keeping and memo is not None:
        replay.keep(memo, recorder, stdout, stderr, report.exit_code)
    sys.stdout.write(stdout)
    sys.stdout.flush()
    sys.stderr.write(stderr)
    raise typer.Exit(report.exit_code)


def _printable(text: str, colour: bool = False) -> str:
    """A line of output; colour codes (dynlint's, or any in the scanned code) only where wanted."""
    from dynlint.reports.colour import strip_colour

    return f"{text if colour else strip_colour(text)}\n"


@app.command("rules")
def list_rules(
    rules_dir: RulesDirOption = None,
    config: ConfigOption = None,
) -> None:
    """List every rule: ID, name, default severity and summary."""
    from dynlint.reports.explain import rules_table

    policies = _policies(rules_dir, config)
    typer.echo(rules_table(policies))


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="A rule ID (DL003) or name (pitr-production).")],
    rules_dir: RulesDirOption = None,
    config: ConfigOption = None,
) -> None:
    """Print one rule's documentation: what it does, why, examples and the fix."""
    from dynlint.reports.explain import explain_markdown

    policies = _policies(rules_dir, config)
    wanted = rule.strip()
    found = [p for p in policies if p.id == wanted.upper() or p.name == wanted.lower()]
    if not found:
        typer.echo(f"dynlint: unknown rule {rule!r} (see `dynlint rules`)", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR)
    typer.echo(explain_markdown(found[0]))


def _policies(rules_dir: list[Path] | None, config: Path | None) -> list:
    from dynlint.check import CheckOptions, load_rules, resolve_config
    from dynlint.scan import UsageError

    cwd = Path.cwd()
    try:
        settings = resolve_config(CheckOptions(paths=[cwd], config_file=config), cwd)
    except UsageError as error:
        typer.echo(f"dynlint: {error}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    extra = [settings.base_dir / d for d in settings.rules_dirs if settings.base_dir]
    policies, errors = load_rules([*extra, *(rules_dir or [])], cwd)
    for error in errors:
        typer.echo(f"dynlint: {error}", err=True)
    if errors:
        raise typer.Exit(EXIT_INPUT_ERROR)
    return policies


app.command("cost")(cost)


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_OK)
