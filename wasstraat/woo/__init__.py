"""Publishing a project's plan or evaluation under the Woo, after a human review."""
