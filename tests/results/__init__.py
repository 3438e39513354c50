"""Results, item analysis and the admin review of scores."""
