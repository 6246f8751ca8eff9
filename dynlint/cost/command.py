"""The ``dynlint cost`` command (being built)."""

import typer


def cost() -> None:
    """Estimate monthly cost, on-demand versus provisioned."""
    typer.echo("dynlint cost is not built yet", err=True)
    raise typer.Exit(2)
