"""Odoo's partner merge (``base.partner.merge.automatic.wizard``), kept from deleting or
moving dossiers behind the archive's back (issue 12).

Odoo merges by rewriting every column that points to the contacts merged away and, where
a unique constraint refuses that, by deleting the rows. A customer has one dossier
(``unique(partner_id)``): merging two customers that each have one would delete one of
them, its documents and loans with it, outside the destruction register. So:

- a merge of contacts of which two or more have a dossier is refused, administrators
  included: the surplus dossier goes through the destruction register first;
- the customer with the dossier is the contact kept (proposed as such by the wizard):
  moving the dossier to another contact would change its registered name without a
  correction request;
- a merge into a customer with a dossier is for the archive's keepers (officers and
  managers: the keeper merges a customer typed twice), and the dossier says in its chatter
  which contacts it absorbed;
- the classification rows of the contacts merged away fill in, per company, what the
  kept one's row lacked, and are then deleted (Odoo would move them, or delete them all
  where the kept contact has a row of the same company); the ORM's copy of the
  classification Odoo's merge writes on the contact kept is dropped
  (``customer_archive_merge`` in ``res.partner.write``), as the classification guard
  would refuse the merge of every classified customer. The next recompute classifies
  the kept customer from all the invoices it now has."""

from odoo import api, models
from odoo.exceptions import UserError

from .customer_archive import OFFICER
from .customer_classification import MANUAL_FIELDS, RESULT_FIELDS


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def default_get(self, fields):
        result = super().default_get(fields)
        partner_ids = self.env.context.get("active_ids") or []
        if "dst_partner_id" in result and self.env.context.get("active_model") == "res.partner":
            holder = self._customer_archive_archives(partner_ids).partner_id[:1]
            if holder:
                result["dst_partner_id"] = holder.id
        return result

    def action_merge(self):
        """Opened on one group of likely duplicates, the wizard closes once they are
        merged and the list shows what is left, instead of Odoo's "nothing left to
        merge" screen that needs one more click."""
        result = super().action_merge()
        if self.env.context.get("customer_archive_duplicate_merge") and self.state == "finished":
            return {"type": "ir.actions.act_window_close", "infos": {"done": True}}
        return result

    def _customer_archive_archives(self, partner_ids):
        # sudo: every dossier of these contacts counts, also those the user may not read;
        # only their number and their customer's name are told
        return (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", list(partner_ids))])
        )

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        archives = self._customer_archive_archives(partners.ids)
        if len(archives) > 1:
            raise UserError(
                self.env._(
                    "%(count)s of these contacts have a customer archive each. A customer "
                    "keeps one archive: destroy the surplus archive through the "
                    "destruction register first, then merge the contacts.",
                    count=len(archives),
                )
            )
        if archives and not self.env.user.has_group(OFFICER):
            raise UserError(
                self.env._(
                    "One of these contacts has a customer archive: only an archive officer "
                    "or manager may merge it."
                )
            )
        holder = archives.partner_id
        kept = len(partners) > 1 and (dst_partner or self._get_ordered_partner(partners.ids)[-1])
        if holder and kept and kept != holder:
            raise UserError(
                self.env._(
                    "Keep %(name)s, the customer with the archive, as the destination "
                    "contact: the archive stays with its registered customer.",
                    name=holder.display_name,
                )
            )
        if kept:
            self._customer_archive_merge_classification(partners, kept)
        merged = [(partner.id, partner.display_name) for partner in partners if partner != holder]
        # the context reaches res.partner.write through the wizard's env and dst_partner's
        merging = self.with_context(customer_archive_merge=True)
        if dst_partner:
            dst_partner = dst_partner.with_context(customer_archive_merge=True)
        result = super(BasePartnerMergeAutomaticWizard, merging)._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        if holder and merged:
            self._customer_archive_note_merge(archives, merged)
        return result

    def _customer_archive_merge_classification(self, partners, kept):
        """One classification row per company for the contact kept: its own, or else one
        of the others', filled in with what it lacks from the others'."""
        # sudo: the rows are written by the code only; the merge itself was allowed
        rows = (
            self.env["customer.classification"]
            .sudo()
            .search([("partner_id", "in", partners.ids)], order="id")
        )
        for company in rows.company_id:
            group = rows.filtered(lambda row, c=company: row.company_id == c)
            row = group.filtered(lambda row: row.partner_id == kept)[:1]
            others = group - row
            if not row:
                row, others = others[:1], others[1:]
                row.partner_id = kept
            lacked = {}
            for fname in (*RESULT_FIELDS, *MANUAL_FIELDS):
                if not row[fname]:
                    value = next((other[fname] for other in others if other[fname]), None)
                    if value:
                        lacked[fname] = value
            others.unlink()
            row.write(lacked)

    def _customer_archive_note_merge(self, archive, merged):
        archive._post_in_readers_lang(
            lambda env: env._(
                "Contacts merged into this customer by %(user)s: %(contacts)s.",
                user=self.env.user.name,
                contacts=", ".join(f"{name} (#{pid})" for pid, name in merged),
            )
        )
