"""``dynlint cost PATH``: evaluate the Terraform code, then price each table it defines."""

from __future__ import annotations

from dynlint.cost import report
from dynlint.cost.capacity import RequestShape
from dynlint.cost.errors import CostInputError
from dynlint.cost.modes import Settings
from dynlint.cost.prices import PriceBook
from dynlint.cost.run import (
    EXIT_INPUT_ERROR,
    EXIT_OK,
    CostOutput,
    CostRequest,
    common_assumptions,
    prices_line,
    traffic_line,
)
from dynlint.cost.tables import PathOptions, price_inventory
from dynlint.cost.traffic import Profile
from dynlint.model import Diagnostic, Inventory


def scan_path(request: CostRequest) -> Inventory:
    """The evaluated inventory of ``request.path``; a usage problem is a :class:`CostInputError`."""
    from dynlint.scan import ScanOptions, UsageError, scan

    assert request.path is not None
    try:
        options = ScanOptions.from_cli(
            var_files=request.var_files, variables=request.variables, env=request.env
        )
        return scan([request.path], options)
    except UsageError as error:
        raise CostInputError(str(error)) from None


def _describe(diagnostic: Diagnostic) -> str:
    where = diagnostic.file or ""
    if diagnostic.file and diagnostic.line:
        where = f"{diagnostic.file}:{diagnostic.line}"
    return f"{where}: {diagnostic.message}" if where else diagnostic.message


def _as_of(book: PriceBook, region: str) -> str:
    dates = sorted({e.as_of.isoformat() for e in book.data.entries if e.region == region})
    if not dates:
        book.entry(region, "standard")
    return ", ".join(dates)


def run_path(
    request: CostRequest,
    book: PriceBook,
    shape: RequestShape,
    profile: Profile,
    settings: Settings,
) -> CostOutput:
    as_of = _as_of(book, request.region)
    inventory = scan_path(request)
    options = PathOptions(
        shape=shape,
        profile=profile,
        book=book,
        settings=settings,
        region=request.region,
        storage_gb=request.storage_gb,
    )
    results = price_inventory(inventory, options)
    stderr = [f"dynlint: {_describe(d)}" for d in inventory.diagnostics if d.severity == "error"]
    if not results:
        stderr.append(f"dynlint cost: no aws_dynamodb_table found in {request.path}")
    exit_code = EXIT_INPUT_ERROR if inventory.errors else EXIT_OK
    if request.output_format == "json":
        data = common_assumptions(request, profile, as_of)
        return CostOutput(report.path_json(results, data), stderr, exit_code)
    headline = [
        f"Tables in {request.path}, each priced for the same traffic.",
        traffic_line(profile, shape),
        prices_line(request, book, as_of),
    ]
    return CostOutput(report.path_text(results, headline), stderr, exit_code)
