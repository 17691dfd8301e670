"""Visits of secret dossiers now go to their keeper, and a visitor reads only dossiers he
may read: hand the open visits that salespeople hold of secret dossiers to the keepers.
Consents ticked on data forms still waiting for a decision stay on the form until the
keeper decides (those already recorded stay recorded)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    visits = env["customer.archive.visit"].search(
        [("archive_id.confidentiality", "=", "secret"), ("state", "in", ("planned", "appointed"))]
    )
    visits._hand_to_who_may_read()
