"""The record's retention by the Selectielijst: each closed project's class and archive date,
and the destruction lists the archivist approves."""
