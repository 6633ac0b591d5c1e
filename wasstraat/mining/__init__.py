"""Process mining inside the method: an event log from the case system (CSV or XES) measured
into lead times, waiting, rework, variants and the directly-follows graph, beside the team's
own picture of the process (step 3) and after the change (step 10)."""
