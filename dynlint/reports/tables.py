"""``dynlint tables``: the evaluated table inventory as text or JSON."""

from __future__ import annotations

from typing import Any

from dynlint import __version__
from dynlint.inputs import dumps_strict
from dynlint.model import Diagnostic, Inventory, ResourceInstance


def render_tables(inventory: Inventory, output_format: str) -> str:
    if output_format == "json":
        return tables_json(inventory)
    return tables_text(inventory)


def tables_json(inventory: Inventory) -> str:
    """The document of :func:`tables_document`, one table per line.

    Each table is built and encoded on its own (by the C encoder), so a large inventory never
    exists as one Python document: a tenth of the memory and time of indenting it all.
    """
    document = tables_document(inventory, with_tables=False)
    tables = ",\n  ".join(dumps_strict(table_entry(t)) for t in inventory.tables)
    rest = ",\n ".join(f"{dumps_strict(key)}: {dumps_strict(value)}" for key, value in document.items())
    return f'{{"tables": [\n  {tables}\n ],\n {rest}}}' if tables else f'{{"tables": [],\n {rest}}}'


def tables_document(inventory: Inventory, with_tables: bool = True) -> dict[str, Any]:
    return {
        "version": __version__,
        **({"tables": [table_entry(t) for t in inventory.tables]} if with_tables else {}),
        "errors": [diagnostic_entry(d) for d in inventory.errors],
        "diagnostics": [diagnostic_entry(d) for d in inventory.diagnostics if d not in inventory.errors],
        "summary": {"files": inventory.files, "tables": len(inventory.tables)},
    }


def table_entry(table: ResourceInstance) -> dict[str, Any]:
    return {
        "address": table.address,
        "root": table.root,
        "environment": table.environment,
        "environment_source": table.environment_source,
        "var_file": table.var_file,
        "var_files": table.var_files,
        "file": table.file,
        "line": table.line,
        "values": table.values,
        "unknown": table.unknown,
        "origins": {path: origin.model_dump() for path, origin in table.origins.items()},
    }


def diagnostic_entry(diagnostic: Diagnostic) -> dict[str, Any]:
    return diagnostic.model_dump(exclude_none=True)


def describe_diagnostic(diagnostic: Diagnostic) -> str:
    where = diagnostic.file or ""
    if diagnostic.file and diagnostic.line:
        where += f":{diagnostic.line}"
        if diagnostic.column:
            where += f":{diagnostic.column}"
    code = f" [{diagnostic.code}]" if diagnostic.code else ""
    message = diagnostic.message
    if diagnostic.variants:
        message += f" (in {', '.join(diagnostic.variants)})"
    return f"{where}: {diagnostic.severity}{code}: {message}" if where else message


def tables_text(inventory: Inventory) -> str:
    rows = [_row(t) for t in inventory.tables]
    headers = [
        "address",
        "env",
        "var file",
        "name",
        "billing",
        "capacity r/w",
        "GSIs",
        "PITR",
        "SSE key",
        "stream",
    ]
    from tabulate import tabulate  # not on the path of `check`, which uses describe_diagnostic only

    lines = [tabulate(rows, headers=headers, tablefmt="simple")] if rows else ["no DynamoDB tables found"]
    errors = inventory.errors
    lines.extend(describe_diagnostic(d) for d in inventory.diagnostics if d not in errors)
    lines.append(f"{len(inventory.tables)} table instance(s) in {inventory.files} file(s)")
    return "\n".join(lines)


def _row(table: ResourceInstance) -> list[str]:
    values = table.values
    return [
        table.address if table.root in ("", ".") else f"{table.root}: {table.address}",
        table.environment or "-",
        _var_file_name(table.var_file),
        _show(table, "name"),
        _show(table, "billing_mode"),
        f"{_show(table, 'read_capacity')}/{_show(table, 'write_capacity')}",
        _show_count(table, "global_secondary_index"),
        _flag(table, "point_in_time_recovery", "enabled"),
        _sse(table),
        _show(table, "stream_view_type")
        if values.get("stream_enabled")
        else _flag_value(table, "stream_enabled"),
    ]


def _show(table: ResourceInstance, path: str) -> str:
    if table.is_unknown(path):
        return "(unknown)"
    value = table.values.get(path)
    return "-" if value is None else str(value)


def _show_count(table: ResourceInstance, name: str) -> str:
    return "(unknown)" if table.is_unknown(name) else str(len(table.blocks(name)))


def _flag(table: ResourceInstance, block: str, attribute: str) -> str:
    if table.is_unknown(block) or table.is_unknown(f"{block}.0.{attribute}"):
        return "(unknown)"
    blocks = table.blocks(block)
    if not blocks:
        return "absent"
    return "on" if blocks[0].get(attribute) else "off"


def _flag_value(table: ResourceInstance, path: str) -> str:
    if table.is_unknown(path):
        return "(unknown)"
    return "on" if table.values.get(path) else "off"


def _sse(table: ResourceInstance) -> str:
    if table.is_unknown("server_side_encryption"):
        return "(unknown)"
    blocks = table.blocks("server_side_encryption")
    if not blocks or not blocks[0].get("enabled"):
        return "AWS owned"
    if table.is_unknown("server_side_encryption.0.kms_key_arn"):
        return "customer (set at apply)"
    return "customer" if blocks[0].get("kms_key_arn") else "AWS managed"


def _var_file_name(var_file: str | None) -> str:
    """The var file's name, or its folder's (``prod/``) for a folder variant."""
    if var_file is None:
        return "-"
    if var_file.endswith("/"):
        return var_file.rstrip("/").rsplit("/", 1)[-1] + "/"
    return var_file.rsplit("/", 1)[-1]
