"""The customers no longer point to their classification rows: the partner finds the
current company's row by itself (``res.partner.customer_classification_id`` is computed),
so the recompute never writes ``res_partner``. The company-dependent column the 18.0.2.4.0
version kept the pointers in goes."""


def migrate(cr, version):
    cr.execute("ALTER TABLE res_partner DROP COLUMN IF EXISTS customer_classification_id")
