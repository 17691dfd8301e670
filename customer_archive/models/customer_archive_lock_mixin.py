"""What locks a dossier: its registration data once it is opened (登记, changed by an
approved correction only), a secret dossier (绝密, managers only) and a destroyed one
(its stub: only its keeper and archiving change). Declared once, for
``customer.archive``, whose ``write`` runs the checks.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import customer_archive_credit_code as credit_code
from ..tools.customer_archive_groups import MANAGER
from ..tools.customer_archive_locks import CORRECTION_DOOR, LOCKED_FIELDS
from .customer_archive_workflow_mixin import door_open

# a destroyed archive still changes hands and may be archived
STUB_WRITABLE_FIELDS = {"user_id", "active"}


class CustomerArchiveLockMixin(models.AbstractModel):
    _name = "customer.archive.lock.mixin"
    _description = "Customer Archive Locks"

    registration_locked = fields.Boolean(compute="_compute_registration_locked")

    @api.depends("state")
    def _compute_registration_locked(self):
        for archive in self:
            archive.registration_locked = archive.state != "draft"

    def _check_confidentiality_right(self, vals):
        """Only managers classify a dossier as secret (绝密) or touch a secret one."""
        if vals.get("confidentiality") != "secret" and all(
            archive.confidentiality != "secret" for archive in self
        ):
            return
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        raise AccessError(self.env._("Only an archive manager may handle secret archives."))

    def _check_registration_lock(self, vals):
        """Registration data of an opened dossier changes by correction request only."""
        if not (vals.keys() & set(LOCKED_FIELDS)) or door_open(self._name, CORRECTION_DOOR):
            return
        if door_open(self._name):  # a destruction empties the dossier down to its stub
            return
        for archive in self.filtered(lambda archive: archive.state != "draft"):
            changed = [
                field
                for field in LOCKED_FIELDS
                if field in vals and archive._registration_value_differs(field, vals[field])
            ]
            if changed:
                raise UserError(
                    self.env._(
                        "The registration data of archive %(archive)s is locked "
                        "(%(fields)s). Request a correction to change it.",
                        fields=", ".join(
                            self._fields[field].get_description(self.env)["string"]
                            for field in changed
                        ),
                        archive=archive.display_name,
                    )
                )

    def _registration_value_differs(self, field, value):
        current = self[field]
        if field == "registered_capital":
            value = value or 0.0
            if self.currency_id:
                return self.currency_id.compare_amounts(current, value) != 0
            return current != value
        if field == "credit_code":
            value = credit_code.normalize(value)
        return (current or "") != (value or "")

    def _check_stub_unchanged(self, vals):
        """A destroyed dossier's stub changes only its keeper and whether it is archived,
        but by its own destruction."""
        if not door_open(self._name) and vals.keys() - STUB_WRITABLE_FIELDS:
            self._check_not_destroyed()

    def _check_not_destroyed(self):
        # One query, not a read of the records: the recompute writes the copies of
        # 100 000 dossiers, and a read would load every column of them into memory.
        # sudo: the check holds for dossiers the writer may not read (a document's).
        destroyed = (
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "in", self.ids), ("state", "=", "destroyed")], limit=1)
        )
        if destroyed:
            raise UserError(
                self.env._(
                    "Archive %(archive)s was destroyed (register %(register)s); "
                    "it can no longer be changed.",
                    archive=destroyed[0].display_name,
                    register=destroyed[0].destruction_id.name or "",
                )
            )
