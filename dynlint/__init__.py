"""dynlint: a policy-as-code linter and cost estimator for Terraform DynamoDB tables."""

__version__ = "0.1.0"
