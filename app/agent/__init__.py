"""The Strands agent: model selection, the tool guard, the prompt and one investigation's run."""
