"""Running the app as a service: health probes and the metrics scrape."""
