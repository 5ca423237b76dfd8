"""Side-by-side benchmarks of our Flask OAuth client, Authlib's, and hand-written floors (issue 5)."""
