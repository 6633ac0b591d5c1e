"""The borging: re-measuring the KPIs after the project, until the benefit is measured."""
