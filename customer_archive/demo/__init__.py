"""The demo story's generator: demo code, run by the demo data only (through
``customer.archive._load_demo``), never by a production database's own work."""
