"""The archive's three groups, by their xml ids: named once for every model and rule."""

READER = "customer_archive.group_reader"
OFFICER = "customer_archive.group_officer"
MANAGER = "customer_archive.group_manager"
