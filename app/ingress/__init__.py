"""The ingress Lambda: Slack in, jobs out, within three seconds."""
