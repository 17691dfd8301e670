"""What an opened dossier keeps locked: its registration data."""

# Registration data (登记): once the dossier is opened (not a draft any more) it
# changes only by an approved correction request, for everyone.
LOCKED_FIELDS = ("credit_code", "legal_representative", "registered_capital")
CORRECTION_DOOR = "correction"
