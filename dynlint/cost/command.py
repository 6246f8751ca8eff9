"""The ``dynlint cost`` command: options in, report out. Heavy imports wait for the call."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

EXIT_INPUT_ERROR = 2


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class ConsistencyOption(str, Enum):
    eventual = "eventual"
    strong = "strong"
    transactional = "transactional"


class TableClassOption(str, Enum):
    standard = "standard"
    standard_ia = "standard-ia"


class ShapeOption(str, Enum):
    steady = "steady"
    business_hours = "business-hours"
    daily_spike = "daily-spike"


TRAFFIC = "Traffic"
REQUESTS = "Requests"
TABLE = "Table (without PATH)"
BILLING = "Billing"
OUTPUT = "Output"
TERRAFORM = "Terraform (with PATH)"


def cost(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Terraform directory, .tf file or plan JSON: price the tables it defines, "
            "each with the same traffic."
        ),
    ] = None,
    rps: Annotated[
        float | None,
        typer.Option("--rps", min=0, help="Total requests per second.", rich_help_panel=TRAFFIC),
    ] = None,
    read_ratio: Annotated[
        float | None,
        typer.Option(
            "--read-ratio",
            min=0,
            max=1,
            help="Share of --rps that are reads.",
            show_default="0.8",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    read_rps: Annotated[
        float | None,
        typer.Option("--read-rps", min=0, help="Reads per second.", rich_help_panel=TRAFFIC),
    ] = None,
    write_rps: Annotated[
        float | None,
        typer.Option("--write-rps", min=0, help="Writes per second.", rich_help_panel=TRAFFIC),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="CSV of rates over time: a minute, hour or timestamp column, then rps or "
            "read_rps,write_rps.",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    shape: Annotated[
        ShapeOption | None,
        typer.Option(
            "--shape",
            help="Named traffic shape around the given rate.",
            show_default="steady",
            rich_help_panel=TRAFFIC,
        ),
    ] = None,
    item_kb: Annotated[
        float | None,
        typer.Option(
            "--item-kb",
            min=0,
            max=400,
            help="Item size read and written, in KB.",
            show_default="1",
            rich_help_panel=REQUESTS,
        ),
    ] = None,
    read_item_kb: Annotated[
        float | None,
        typer.Option(
            "--read-item-kb",
            min=0,
            max=400,
            help="Size of the items read, in KB.",
            show_default="--item-kb",
            rich_help_panel=REQUESTS,
        ),
    ] = None,
    write_item_kb: Annotated[
        float | None,
        typer.Option(
            "--write-item-kb",
            min=0,
            max=400,
            help="Size of the items written, in KB.",
            show_default="--item-kb",
            rich_help_panel=REQUESTS,
        ),
    ] = None,
    consistency: Annotated[
        ConsistencyOption,
        typer.Option("--consistency", help="Read consistency.", rich_help_panel=REQUESTS),
    ] = ConsistencyOption.eventual,
    transactional_writes: Annotated[
        float,
        typer.Option(
            "--transactional-writes",
            min=0,
            max=1,
            help="Share of writes made in transactions (they cost 2x).",
            rich_help_panel=REQUESTS,
        ),
    ] = 0.0,
    index_key_changes: Annotated[
        float,
        typer.Option(
            "--index-key-changes",
            min=0,
            max=1,
            help="Share of writes that change an index key (two index writes each).",
            rich_help_panel=REQUESTS,
        ),
    ] = 0.0,
    gsi: Annotated[
        int | None,
        typer.Option(
            "--gsi",
            min=0,
            max=20,
            help="Global secondary indexes that receive every write.",
            show_default="0",
            rich_help_panel=TABLE,
        ),
    ] = None,
    lsi: Annotated[
        int | None,
        typer.Option(
            "--lsi",
            min=0,
            max=5,
            help="Local secondary indexes (they use the table's capacity).",
            show_default="0",
            rich_help_panel=TABLE,
        ),
    ] = None,
    index_item_kb: Annotated[
        float | None,
        typer.Option(
            "--index-item-kb",
            min=0,
            max=400,
            help="Size of an index entry, in KB.",
            show_default="the whole item",
            rich_help_panel=TABLE,
        ),
    ] = None,
    table_class: Annotated[
        TableClassOption | None,
        typer.Option("--table-class", help="Table class.", show_default="standard", rich_help_panel=TABLE),
    ] = None,
    pitr: Annotated[
        bool | None,
        typer.Option(
            "--pitr/--no-pitr",
            help="Point-in-time recovery, in every region.",
            show_default="no-pitr",
            rich_help_panel=TABLE,
        ),
    ] = None,
    replicas: Annotated[
        int | None,
        typer.Option(
            "--replicas",
            min=0,
            help="Global table replicas in other regions, priced like --region.",
            rich_help_panel=TABLE,
        ),
    ] = None,
    replica_region: Annotated[
        list[str] | None,
        typer.Option(
            "--replica-region",
            help="A global table replica region, priced with its own prices (repeatable).",
            rich_help_panel=TABLE,
        ),
    ] = None,
    storage_gb: Annotated[
        float,
        typer.Option(
            "--storage-gb",
            min=0,
            help="Table size with its indexes, per table and region.",
            rich_help_panel=BILLING,
        ),
    ] = 0.0,
    region: Annotated[
        str, typer.Option("--region", help="AWS region of the table.", rich_help_panel=BILLING)
    ] = "us-east-1",
    target_utilization: Annotated[
        float,
        typer.Option(
            "--target-utilization",
            min=0.2,
            max=0.9,
            help="Provisioned utilization target (sizing and autoscaling).",
            rich_help_panel=BILLING,
        ),
    ] = 0.7,
    autoscale_min: Annotated[
        int,
        typer.Option("--autoscale-min", min=1, help="Autoscaling minimum capacity.", rich_help_panel=BILLING),
    ] = 1,
    autoscale_max: Annotated[
        int,
        typer.Option("--autoscale-max", min=1, help="Autoscaling maximum capacity.", rich_help_panel=BILLING),
    ] = 40_000,
    free_tier: Annotated[
        bool,
        typer.Option(
            "--free-tier",
            help="Deduct the always-free 25 WCU, 25 RCU and 25 GB.",
            rich_help_panel=BILLING,
        ),
    ] = False,
    reserved: Annotated[
        bool,
        typer.Option(
            "--reserved",
            help="Buy 1-year reserved capacity in blocks of 100 where it pays.",
            rich_help_panel=BILLING,
        ),
    ] = False,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices", help="Prices JSON file to use instead of the packaged one.", rich_help_panel=BILLING
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.", rich_help_panel=OUTPUT)
    ] = OutputFormat.text,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write a PNG or SVG chart of monthly cost against request rate (needs dynlint[plot]).",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    var_file: Annotated[
        list[Path] | None,
        typer.Option("--var-file", help="A .tfvars file (repeatable).", rich_help_panel=TERRAFORM),
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="NAME=VALUE (repeatable).", rich_help_panel=TERRAFORM),
    ] = None,
    env: Annotated[
        str | None,
        typer.Option("--env", help="The environment of every table.", rich_help_panel=TERRAFORM),
    ] = None,
) -> None:
    """Estimate monthly cost: on-demand versus provisioned versus autoscaled.

    Give the traffic, then describe a table with options, or give PATH to price its tables.
    """
    from dynlint.cost.errors import CostInputError
    from dynlint.cost.run import CostRequest, run

    request = CostRequest(
        path=path,
        rps=rps,
        read_ratio=read_ratio,
        read_rps=read_rps,
        write_rps=write_rps,
        profile=profile,
        shape=None if shape is None else shape.value,
        item_kb=item_kb,
        read_item_kb=read_item_kb,
        write_item_kb=write_item_kb,
        consistency=consistency.value,
        transactional_writes=transactional_writes,
        index_key_changes=index_key_changes,
        gsi=gsi,
        lsi=lsi,
        index_item_kb=index_item_kb,
        table_class=None if table_class is None else table_class.value,
        pitr=pitr,
        replicas=replicas,
        replica_regions=replica_region or [],
        storage_gb=storage_gb,
        region=region,
        target_utilization=target_utilization,
        autoscale_min=autoscale_min,
        autoscale_max=autoscale_max,
        free_tier=free_tier,
        reserved=reserved,
        prices=prices,
        output_format=output_format.value,
        plot=plot,
        var_files=var_file or [],
        variables=var or [],
        env=env,
    )
    try:
        output = run(request)
    except CostInputError as error:
        typer.echo(f"dynlint cost: {error}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    typer.echo(output.stdout)
    for line in output.stderr:
        typer.echo(line, err=True)
    raise typer.Exit(output.exit_code)
