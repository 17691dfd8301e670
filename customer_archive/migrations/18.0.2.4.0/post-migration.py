"""The classification moves from company-dependent columns of ``res_partner`` (JSONB
keyed by company) to its own table, ``customer_classification``: a row per customer and
company with the same values, then the old columns dropped
(and the dossiers' copies, which the dossier now reads from the row). The chatter's
history stays: its tracking values name the partner's fields, which keep their names."""

# The stored JSON values, typed as the table's columns.
TYPES = {
    "customer_grade": "varchar",
    "customer_grade_computed": "varchar",
    "customer_tier": "varchar",
    "customer_loyalty": "varchar",
    "customer_value_class": "varchar",
    "customer_rfm_recency": "int4",
    "customer_rfm_frequency": "int4",
    "customer_rfm_monetary": "int4",
    "customer_top": "bool",
    "customer_yearly_amount": "numeric",
    "customer_overdue_amount": "numeric",
    "customer_average_amount": "numeric",
    "customer_invoice_count": "int4",
    "customer_last_invoice_date": "date",
    "customer_purchase_interval": "int4",
    "customer_next_purchase_date": "date",
    "customer_cycle_reminded_date": "date",
    "customer_classified_date": "date",
    "customer_classification_hash": "varchar",
    "customer_grade_override": "varchar",
    "customer_tier_override": "varchar",
    "customer_override_reason": "varchar",
    "customer_key_account": "bool",
    "customer_special_class": "bool",
}
DOSSIER_COPIES = ("customer_grade", "customer_tier", "customer_loyalty", "customer_value_class")


def jsonb_columns(cr, table, names):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND column_name = ANY(%s) AND data_type = 'jsonb'""",
        [table, list(names)],
    )
    return [name for (name,) in cr.fetchall()]


def migrate(cr, version):
    old = jsonb_columns(cr, "res_partner", TYPES)
    if old:
        keys = set()
        for column in old:
            cr.execute(
                f"SELECT DISTINCT jsonb_object_keys({column}) FROM res_partner"
                f" WHERE {column} IS NOT NULL"
            )
            keys |= {key for (key,) in cr.fetchall()}
        cr.execute("SELECT id FROM res_company WHERE id::varchar = ANY(%s)", [sorted(keys)])
        for (company_id,) in cr.fetchall():
            values = {column: f"({column} ->> '{company_id}')::{TYPES[column]}" for column in old}
            if "customer_top" in values:
                values["customer_revenue_share"] = (
                    f"CASE WHEN {values['customer_top']} THEN 'top' ELSE 'rest' END"
                )
            any_value = " OR ".join(f"{column} ? '{company_id}'" for column in old)
            cr.execute(
                f"""INSERT INTO customer_classification
                        (partner_id, company_id, create_uid, create_date, write_uid, write_date,
                         {", ".join(values)})
                    SELECT id, %s, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC',
                           {", ".join(values.values())}
                      FROM res_partner
                     WHERE {any_value}
                    ON CONFLICT (partner_id, company_id) DO NOTHING""",
                [company_id],
            )
        for column in old:
            cr.execute(f"ALTER TABLE res_partner DROP COLUMN {column}")
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'customer_archive' AND column_name = ANY(%s)""",
        [list(DOSSIER_COPIES)],
    )
    for (column,) in cr.fetchall():
        cr.execute(f"ALTER TABLE customer_archive DROP COLUMN {column}")
