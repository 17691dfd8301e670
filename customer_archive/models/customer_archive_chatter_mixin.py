"""The dossier's chatter: who receives it — a follower who may no longer read the
dossier stops following it, an outside address only with the customer's current
consent to sharing (对外提供客户信息时,应征得客户同意) — the event notes a reader logs
(visit, contact, complaint, major change), and the one helper every record of the
archive notes its steps on the dossier with, in the language of its readers.
Declared once, for ``customer.archive``.
"""

from odoo import models
from odoo.exceptions import UserError

from ..tools.customer_archive_lang import by_chatter_lang


class CustomerArchiveChatterMixin(models.AbstractModel):
    _name = "customer.archive.chatter.mixin"
    _description = "Customer Archive Chatter"

    def _post_in_readers_lang(self, body, **kwargs):
        """Post on each dossier ``body(env)``, its text written with ``env._`` in the
        language of the dossier's readers (its chatter language): the one helper of
        every record that notes a step on the dossier. A note unless ``kwargs``
        (``message_post``'s) say otherwise."""
        kwargs.setdefault("subtype_xmlid", "mail.mt_note")
        for in_lang in by_chatter_lang(self):
            for archive in in_lang:
                archive.message_post(body=body(archive.env), **kwargs)

    # ------------------------------------------------- outside addresses
    def message_post(self, **kwargs):
        """A message of the dossier sent to an outside address (a report by email, say)
        gives dossier data to a third party: refused without the customer's consent."""
        if kwargs.get("partner_ids"):
            self._check_outside_recipients(self.env["res.partner"].browse(kwargs["partner_ids"]))
        return super().message_post(**kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """An outside follower would receive every later message of the dossier."""
        if partner_ids:
            self._check_outside_recipients(self.env["res.partner"].browse(partner_ids))
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _check_outside_recipients(self, partners):
        """Refuse recipients outside the company — neither staff nor the customer's own
        people — unless the customer's consent to giving his data to third parties is
        current (对外提供客户信息时,应征得客户同意)."""
        # sudo: whether a recipient is staff, and whether the customer consented, are
        # looked at whoever sends; nothing of them is shown but the recipients' names,
        # which the sender chose himself.
        partners = partners.sudo()
        for archive in self.sudo():
            customer = archive.partner_id.commercial_partner_id
            outside = partners.filtered(
                lambda partner, customer=customer: (
                    partner.commercial_partner_id != customer
                    and not any(not user.share for user in partner.user_ids)
                )
            )
            if outside and not archive._has_consent("share"):
                raise UserError(
                    self.env._(
                        "Dossier data goes to an outside address (%(names)s) only with the "
                        "customer's current consent to giving his data to third parties: "
                        "record the consent on the dossier first.",
                        names=", ".join(outside.mapped("display_name")),
                    )
                )

    def _prune_followers(self):
        """Who may no longer read a dossier stops following it: a replaced keeper, a
        salesperson whose customer became secret or changed hands, no longer receives
        its messages (complaints included)."""
        # sudo: the followers of every dossier are looked at, whoever changed it
        for archive in self.sudo():
            gone = archive.message_partner_ids.filtered(
                lambda partner, archive=archive: (
                    not any(
                        archive.with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                        .has_access("read")
                        for user in partner.user_ids
                        if not user.share
                    )
                )
            )
            if gone:
                archive.message_unsubscribe(gone.ids)

    # ------------------------------------------------------------ event notes
    def _action_log_event(self, subtype_xmlid):
        """Open the chatter composer for an event note of its own subtype."""
        self.ensure_one()
        subtype = self.env.ref(subtype_xmlid)
        return {
            "type": "ir.actions.act_window",
            "name": subtype.name,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_subtype_id": subtype.id,
                "default_message_type": "comment",
                "default_composition_mode": "comment",
            },
        }

    def action_log_visit(self):
        return self._action_log_event("customer_archive.mt_visit_report")

    def action_log_contact(self):
        return self._action_log_event("customer_archive.mt_contact_report")

    def action_log_complaint(self):
        return self._action_log_event("customer_archive.mt_complaint")

    def action_log_major_change(self):
        return self._action_log_event("customer_archive.mt_major_change")
