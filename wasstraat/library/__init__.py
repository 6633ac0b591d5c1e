"""The process library: every process described by a closed project, with its owner and
when it is due for review, readable by every employee."""
