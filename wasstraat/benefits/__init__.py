"""Benefits per improvement (expected, forecast, actual) and the register across projects."""
