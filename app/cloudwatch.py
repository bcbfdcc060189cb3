"""The bot's CloudWatch metrics namespace, shared by the ingress's and the worker's EMF metrics."""

NAMESPACE = "RunbookAiops"
