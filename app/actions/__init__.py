"""Human-approved remediation: proposals from the verdict, approval in Slack, one execution, verification."""
