"""Odoo's partner merge (``base.partner.merge.automatic.wizard``), kept from deleting or
moving dossiers behind the archive's back (issue 12).

Odoo merges by rewriting every column that points to the contacts merged away and, where
a unique constraint refuses that, by deleting the rows. A customer has one dossier
(``unique(partner_id)``): merging two customers that each have one would delete one of
them, its documents and loans with it, outside the destruction register. So:

- a merge of contacts of which two or more have a dossier is refused, administrators
  included: the surplus dossier goes through the destruction register first;
- a merge that moves a dossier to another contact is for archive managers only;
- the dossier that moved says so in its chatter."""

from odoo import models
from odoo.exceptions import UserError

from . import customer_archive_lang as lang
from .customer_archive import MANAGER


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        # sudo: every dossier of these contacts counts, also those the user may not read;
        # only their number is told
        archives = (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
        )
        if len(archives) > 1:
            raise UserError(
                self.env._(
                    "%(count)s of these contacts have a customer archive each. A customer "
                    "keeps one archive: destroy the surplus archive through the "
                    "destruction register first, then merge the contacts.",
                    count=len(archives),
                )
            )
        if archives and not self.env.user.has_group(MANAGER):
            raise UserError(
                self.env._(
                    "One of these contacts has a customer archive: only an archive manager "
                    "may merge it."
                )
            )
        moved = {
            archive: (archive.partner_id.id, archive.partner_id.display_name)
            for archive in archives
        }
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        for archive, before in moved.items():
            archive.invalidate_recordset(["partner_id"])
            if archive.partner_id.id != before[0]:
                self._customer_archive_note_merge(archive, *before)
        return result

    def _customer_archive_note_merge(self, archive, old_id, old_name):
        # the note in the language of the dossier's readers (customer_archive_lang)
        note = archive.with_context(lang=lang.chatter_lang(archive))
        note.message_post(
            body=note.env._(
                "Contact %(old)s (#%(old_id)s) was merged into %(new)s by %(user)s: this "
                "archive now belongs to %(new)s.",
                old=old_name or "-",
                old_id=old_id,
                new=archive.partner_id.display_name,
                user=self.env.user.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
