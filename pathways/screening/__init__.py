"""Manifest screening: ingest, the mark matcher, risk rules, the targeting queue and exam outcomes."""
