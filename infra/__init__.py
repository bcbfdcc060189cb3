"""The AWS CDK app: one stack composed of constructs, configured by a typed file, synthesised offline."""
