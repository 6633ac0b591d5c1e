"""The plan's risk register: what may hold the improvements up, how likely and how bad, what
is done about it and who keeps it (steps 6 to 8, beside the plan's texts)."""
