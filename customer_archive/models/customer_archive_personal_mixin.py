"""The personal data of an individual customer (个人信息) on his dossier, and the
consents that let it go outside the company: read by officers only, exported to the
customer who asks for it, erased on request once the dossier's retention allows, and
sent to an outside address only with his current consent to sharing
(对外提供客户信息时,应征得客户同意).

Declared once, for ``customer.archive``.
"""

import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.customer_archive_groups import OFFICER
from ..tools.customer_archive_lang import by_chatter_lang

# the personal data of an individual customer (个人信息), erased on request
PERSONAL_FIELDS = ("birthday", "gender", "education", "hobbies", "family_info")


class CustomerArchivePersonalMixin(models.AbstractModel):
    _name = "customer.archive.personal.mixin"
    _description = "Customer Archive Personal Data"

    # Personal data of individual customers: officers only (personal information law).
    birthday = fields.Date(groups=OFFICER)
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")], groups=OFFICER
    )
    education = fields.Char(groups=OFFICER)
    hobbies = fields.Text(groups=OFFICER)
    family_info = fields.Text(string="Family", groups=OFFICER)
    consent_ids = fields.One2many("customer.archive.consent", "archive_id", string="Consents")
    share_consent = fields.Boolean(
        string="Consent to Share",
        compute="_compute_share_consent",
        help="The customer's current consent that their information may be given to third "
        "parties (对外提供客户信息时,应征得客户同意), from the consents on record.",
    )

    @api.depends("consent_ids.purpose", "consent_ids.date", "consent_ids.date_withdrawn")
    @api.depends_context("date")
    def _compute_share_consent(self):
        for archive in self:
            archive.share_consent = archive._has_consent("share")

    def _has_consent(self, purpose):
        """Whether the customer himself gave a current consent for ``purpose``."""
        self.ensure_one()
        return any(
            consent.purpose == purpose
            and consent.partner_id == self.partner_id
            and consent.is_current
            for consent in self.consent_ids
        )

    # ------------------------------------------------------- personal data
    def action_export_personal_data(self):
        """The customer's personal data as a file (个人信息副本), for an officer to hand
        to the customer who asks for it; logged as an export."""
        self.ensure_one()
        if not self.env.user.has_group(OFFICER):
            raise AccessError(
                self.env._("Only archive officers and managers may export archive data.")
            )
        customer = self.partner_id
        data = {
            "archive": self.name,
            "customer": {
                "name": customer.name,
                "phone": customer.phone or "",
                "email": customer.email or "",
                "address": customer.contact_address or "",
            },
            "personal": {
                fname: str(self._fields[fname].convert_to_export(self[fname], self) or "")
                for fname in PERSONAL_FIELDS
            },
            "contacts": [
                {
                    "name": contact.name,
                    "function": contact.function or "",
                    "phone": contact.phone or "",
                    "email": contact.email or "",
                }
                for contact in customer.child_ids
            ],
            "consents": [
                {
                    "person": consent.partner_id.name,
                    "purpose": consent.purpose,
                    "date": str(consent.date),
                    "withdrawn": str(consent.date_withdrawn or ""),
                }
                for consent in self.consent_ids
            ],
        }
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}-personal-data.json",
                "raw": json.dumps(data, ensure_ascii=False, indent=2).encode(),
                "mimetype": "application/json",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.env["customer.archive.access.log"]._log(self, "export")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_erase_personal_data(self):
        """Erase the customer's personal data on request: refused, with the reason, while
        the archive must still be kept (保存期限)."""
        if not self.env.user.has_group(OFFICER):
            raise AccessError(self.env._("Only an archive officer may erase personal data."))
        today = fields.Date.context_today(self)
        for archive in self:
            if not archive.retention_date or archive.retention_date > today:
                raise UserError(
                    self.env._(
                        "The personal data of %(archive)s cannot be erased yet: the archive "
                        "is kept until %(date)s (retention period).",
                        archive=archive.display_name,
                        date=archive.retention_date,
                    )
                    if archive.retention_date
                    else self.env._(
                        "The personal data of %(archive)s cannot be erased yet: the "
                        "relationship has not ended, or a document is kept permanently.",
                        archive=archive.display_name,
                    )
                )
        self.write(dict.fromkeys(PERSONAL_FIELDS, False))
        for archives in by_chatter_lang(self):
            body = archives.env._(
                "Personal data erased on the customer's request by %(user)s.",
                user=self.env.user.name,
            )
            for archive in archives:
                archive.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True
