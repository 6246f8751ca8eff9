"""Generate the benchmark corpus: 1,000 Terraform files in 200 module directories (~1.4 MB).

Deterministic (a fixed seed): the same tree every time, so runs compare. Every directory
defines DynamoDB tables. 40 reusable modules (``modules/table-NN``) hold a table with
conditionals, dynamic blocks for GSIs and replicas, autoscaling and outputs; 160 root modules
(``live/<env>/<service>``) declare variables, build a ``for_each`` map of tables in locals, call
a module for them, define a table of their own, and carry ``terraform.tfvars`` and an
environment var file.

Usage: python bench/generate.py OUT_DIR [--seed N]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ENVIRONMENTS = ("prod", "staging", "dev", "qa")
SERVICES = (
    "orders",
    "payments",
    "users",
    "sessions",
    "catalog",
    "inventory",
    "shipping",
    "billing",
    "search",
    "reviews",
    "carts",
    "events",
    "audit",
    "ledger",
    "notifications",
    "profiles",
    "pricing",
    "fraud",
    "loyalty",
    "media",
    "chat",
    "metrics",
    "jobs",
    "leases",
    "feeds",
    "tokens",
    "quotas",
    "routing",
    "returns",
    "wishlists",
    "coupons",
    "stores",
    "drivers",
    "vehicles",
    "trips",
    "tickets",
    "alerts",
    "devices",
    "firmware",
    "reports",
)
MODULES = 40
ROOTS_PER_ENV = 40


def module_files(index: int, rng: random.Random) -> dict[str, str]:
    gsis = rng.randint(1, 3)
    attributes = "\n".join(f'    {{ name = "gsi{g}_pk", type = "S" }},' for g in range(gsis))
    return {
        "main.tf": f'''# Reusable DynamoDB table module number {index}.
resource "aws_dynamodb_table" "this" {{
  for_each = var.tables

  name             = "${{var.prefix}}-${{each.key}}"
  billing_mode     = each.value.billing_mode
  hash_key         = "pk"
  range_key        = each.value.range_key
  read_capacity    = each.value.billing_mode == "PROVISIONED" ? each.value.read_capacity : null
  write_capacity   = each.value.billing_mode == "PROVISIONED" ? each.value.write_capacity : null
  stream_enabled   = each.value.stream_enabled
  stream_view_type = each.value.stream_enabled ? "NEW_AND_OLD_IMAGES" : null
  table_class      = lookup(each.value, "table_class", "STANDARD")
  deletion_protection_enabled = var.environment == "prod"

  dynamic "attribute" {{
    for_each = concat([
      {{ name = "pk", type = "S" }},
      {{ name = "sk", type = "S" }},
{attributes}
    ], [])
    content {{
      name = attribute.value.name
      type = attribute.value.type
    }}
  }}

  dynamic "global_secondary_index" {{
    for_each = each.value.indexes
    content {{
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      projection_type = "ALL"
      read_capacity   = each.value.billing_mode == "PROVISIONED" ? 5 : null
      write_capacity  = each.value.billing_mode == "PROVISIONED" ? 5 : null
    }}
  }}

  point_in_time_recovery {{
    enabled = each.value.pitr
  }}

  server_side_encryption {{
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }}

  ttl {{
    attribute_name = "expires_at"
    enabled        = each.value.ttl
  }}

  dynamic "local_secondary_index" {{
    for_each = var.local_indexes
    content {{
      name            = local_secondary_index.value.name
      range_key       = local_secondary_index.value.range_key
      projection_type = local_secondary_index.value.projection_type
    }}
  }}

  dynamic "replica" {{
    for_each = var.environment == "prod" ? var.replica_regions : []
    content {{
      region_name            = replica.value
      point_in_time_recovery = each.value.pitr
      propagate_tags         = true
    }}
  }}

  lifecycle {{
    ignore_changes  = [read_capacity, write_capacity]
    prevent_destroy = false
  }}

  timeouts {{
    create = "10m"
    update = "60m"
    delete = "10m"
  }}

  tags = merge(var.tags, {{ Name = "${{var.prefix}}-${{each.key}}", Module = "table-{index:02d}" }})
}}

resource "aws_dynamodb_table_item" "marker" {{
  for_each   = var.seed_items ? aws_dynamodb_table.this : {{}}
  table_name = each.value.name
  hash_key   = "pk"
  range_key  = "sk"
  item = jsonencode({{
    pk = {{ S = "schema" }}
    sk = {{ S = "version" }}
    v  = {{ N = "{index}" }}
  }})
}}
''',
        "variables.tf": f"""variable "prefix" {{
  description = "Name prefix of every table of module {index}."
  type        = string
}}

variable "environment" {{
  description = "Deployment environment."
  type        = string
  default     = "dev"
}}

variable "tables" {{
  description = "Tables to create, by short name."
  type = map(object({{
    billing_mode   = optional(string, "PAY_PER_REQUEST")
    range_key      = optional(string)
    read_capacity  = optional(number, 5)
    write_capacity = optional(number, 5)
    stream_enabled = optional(bool, false)
    pitr           = optional(bool, true)
    ttl            = optional(bool, false)
    table_class    = optional(string, "STANDARD")
    indexes        = optional(map(object({{ hash_key = string }})), {{}})
  }}))
  default = {{}}
}}

variable "kms_key_arn" {{
  description = "Customer managed key, or null for the AWS owned key."
  type        = string
  default     = null
}}

variable "tags" {{
  description = "Tags for every table."
  type        = map(string)
  default     = {{}}
}}

variable "local_indexes" {{
  description = "Local secondary indexes, the same for every table of the module."
  type = list(object({{
    name            = string
    range_key       = string
    projection_type = optional(string, "KEYS_ONLY")
  }}))
  default = []
}}

variable "replica_regions" {{
  description = "Regions of global table replicas (production only)."
  type        = list(string)
  default     = []

  validation {{
    condition     = length(var.replica_regions) <= 5
    error_message = "At most five replica regions."
  }}
}}

variable "seed_items" {{
  description = "Whether to write the schema marker item into each table."
  type        = bool
  default     = false
}}

variable "alarm_threshold" {{
  description = "Consumed capacity, in percent of the provisioned capacity, that raises an alarm."
  type        = number
  default     = 80
}}
""",
        "outputs.tf": """output "table_names" {
  description = "Names of the tables, by short name."
  value       = { for key, table in aws_dynamodb_table.this : key => table.name }
}

output "table_arns" {
  description = "ARNs of the tables."
  value       = [for table in aws_dynamodb_table.this : table.arn]
}

output "stream_arns" {
  description = "Stream ARNs of the tables with streams."
  value       = compact([for table in aws_dynamodb_table.this : table.stream_arn])
}

output "table_ids" {
  description = "IDs of the tables, by short name."
  value       = { for key, table in aws_dynamodb_table.this : key => table.id }
}

output "billing_modes" {
  description = "Billing mode of each table, for the cost report."
  value       = { for key, table in aws_dynamodb_table.this : key => table.billing_mode }
}

output "autoscaled" {
  description = "Short names of the tables whose read capacity autoscales."
  value       = keys(local.scaled)
}
""",
        "versions.tf": f"""terraform {{
  required_version = ">= 1.5"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = ">= 5.{index % 60}"
    }}
  }}
}}
""",
        "autoscaling.tf": """locals {
  scaled = { for key, table in var.tables : key => table if table.billing_mode == "PROVISIONED" }
}

resource "aws_appautoscaling_target" "read" {
  for_each           = local.scaled
  max_capacity       = each.value.read_capacity * 10
  min_capacity       = each.value.read_capacity
  resource_id        = "table/${aws_dynamodb_table.this[each.key].name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  service_namespace  = "dynamodb"
}

resource "aws_appautoscaling_policy" "read" {
  for_each           = local.scaled
  name               = "read-${each.key}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.read[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.read[each.key].scalable_dimension
  service_namespace  = aws_appautoscaling_target.read[each.key].service_namespace

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "DynamoDBReadCapacityUtilization"
    }
    target_value = 70
  }
}
""",
    }


def root_files(env: str, service: str, module: int, rng: random.Random) -> dict[str, str]:
    provisioned = env == "prod" and rng.random() < 0.6
    tables = []
    for name in rng.sample(("items", "index", "history", "locks", "state", "archive"), rng.randint(2, 4)):
        index = '{ by_owner = { hash_key = "gsi0_pk" } }' if rng.random() < 0.5 else "{}"
        tables.append(
            f"""    {name} = {{
      billing_mode   = local.billing_mode
      range_key      = "sk"
      read_capacity  = {rng.choice((5, 10, 25, 50))}
      write_capacity = {rng.choice((5, 10, 25))}
      stream_enabled = {str(rng.random() < 0.3).lower()}
      pitr           = local.is_production
      indexes        = {index}
    }}"""
        )
    tables_text = "\n".join(tables)
    by_environment = 'local.is_production ? "PROVISIONED" : "PAY_PER_REQUEST"'
    billing = by_environment if provisioned else '"PAY_PER_REQUEST"'
    key = f'"arn:aws:kms:us-east-1:123456789012:key/{rng.randint(10**7, 10**8)}"'
    kms = key if env == "prod" else "null"
    return {
        "main.tf": f"""# {service} in {env}.
module "tables" {{
  source = "../../../modules/table-{module:02d}"

  prefix      = "${{var.service}}-${{var.environment}}"
  environment = var.environment
  tables      = local.tables
  kms_key_arn = var.kms_key_arn
  tags        = local.tags
}}

resource "aws_dynamodb_table" "locks" {{
  name         = "${{var.service}}-${{var.environment}}-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {{
    name = "LockID"
    type = "S"
  }}

  point_in_time_recovery {{
    enabled = local.is_production
  }}

  tags = local.tags
}}

output "tables" {{
  description = "The tables of {service} in {env}."
  value       = module.tables.table_names
}}

output "locks_table" {{
  description = "The lock table."
  value       = aws_dynamodb_table.locks.name
}}

provider "aws" {{
  region = var.region

  default_tags {{
    tags = {{
      Repository = "infrastructure"
      Service    = var.service
    }}
  }}
}}
""",
        "variables.tf": f'''variable "service" {{
  description = "Service that owns the tables."
  type        = string
  default     = "{service}"
}}

variable "environment" {{
  description = "Deployment environment."
  type        = string
}}

variable "kms_key_arn" {{
  description = "KMS key for table encryption."
  type        = string
  default     = null
}}

variable "team" {{
  description = "Owning team."
  type        = string
  default     = "platform"
}}

variable "extra_tags" {{
  description = "More tags."
  type        = map(string)
  default     = {{}}
}}

variable "region" {{
  description = "AWS region of the tables."
  type        = string
  default     = "us-east-1"
}}

variable "replica_regions" {{
  description = "Global table replica regions."
  type        = list(string)
  default     = []
}}

variable "alarm_email" {{
  description = "Where capacity alarms go."
  type        = string
  default     = "oncall@example.com"
}}
''',
        "locals.tf": f"""locals {{
  is_production = contains(["prod", "production"], var.environment)
  billing_mode  = {billing}

  tags = merge(
    {{
      Service     = var.service
      Environment = var.environment
      Team        = var.team
      ManagedBy   = "terraform"
    }},
    var.extra_tags,
  )

  tables = {{
{tables_text}
  }}
}}
""",
        "terraform.tfvars": f'''team = "{rng.choice(("platform", "payments", "growth", "core"))}"
extra_tags = {{
  CostCenter = "{rng.randint(1000, 9999)}"
}}
''',
        f"{env}.tfvars": f'''environment = "{env}"
kms_key_arn = {kms}
''',
    }


def generate(out: Path, seed: int = 8) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / ".git").mkdir(parents=True)  # the corpus is its own tree: sources stay inside it
    for index in range(MODULES):
        _write(out / "modules" / f"table-{index:02d}", module_files(index, rng))
    for env in ENVIRONMENTS:
        for service in SERVICES[:ROOTS_PER_ENV]:
            module = rng.randrange(MODULES)
            _write(out / "live" / env / service, root_files(env, service, module, rng))


HEADER = """# ------------------------------------------------------------------------------------------
# {path}
# Owned by the platform team. Changes go through review; run `terraform fmt` and the linters
# before pushing. See docs/dynamodb.md for the conventions on keys, capacity and encryption.
# Production tables need point-in-time recovery, a customer managed key and deletion
# protection; capacity changes above 1,000 units need a cost estimate attached to the review.
# Questions: #platform-infra. Incidents: page the on-call through the usual rotation.
# ------------------------------------------------------------------------------------------

"""


def _write(directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(HEADER.format(path=f"{directory.name}/{name}") + text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    generate(args.out, args.seed)
    files = [p for p in args.out.rglob("*") if p.is_file() and ".git" not in p.parts]
    size = sum(p.stat().st_size for p in files)
    dirs = {p.parent for p in files}
    print(f"{len(files)} files in {len(dirs)} directories, {size / 1e6:.2f} MB, under {args.out}")


if __name__ == "__main__":
    main()
