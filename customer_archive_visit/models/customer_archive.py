from odoo import models


class CustomerArchive(models.Model):
    _inherit = "customer.archive"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("confidentiality") == "secret":
            # sudo: the visits of others are handed over by whoever makes the dossier secret
            self.env["customer.archive.visit"].sudo().search(
                [("archive_id", "in", self.ids)]
            )._hand_to_who_may_read()
        return result
