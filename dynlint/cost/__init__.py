"""Monthly cost of DynamoDB tables: on-demand, provisioned and autoscaled."""
