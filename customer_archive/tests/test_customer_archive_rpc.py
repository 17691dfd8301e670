from odoo.tests import tagged

from .common import CustomerArchiveRpcCase


@tagged("post_install", "-at_install")
class TestCustomerArchiveRpc(CustomerArchiveRpcCase):
    """The same rules hold for a logged-in user calling the external API."""

    def test_rpc_reader_search_read_returns_own_archives_only(self):
        """search_read over RPC returns the reader's own and kept archives only."""
        rows = self.rpc(
            self.reader,
            "customer.archive",
            "search_read",
            [("company_id", "=", self.company.id)],
            fields=["name"],
        )
        self.assertEqual(
            {row["id"] for row in rows}, set((self.archive_own | self.archive_kept).ids)
        )

    def test_rpc_reader_read_other_archive_refused(self):
        """Reading another customer's archive over RPC is an access error."""
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive", "read", self.archive_other.ids, ["name"])

    def test_rpc_reader_create_and_write_refused(self):
        """A reader cannot create or write archives over RPC."""
        with self.assertRpcFault():
            self.rpc(
                self.reader, "customer.archive", "create", {"partner_id": self.partner_free.id}
            )
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive",
                "write",
                self.archive_own.ids,
                {"legal_representative": "x"},
            )
        self.assertFalse(self.partner_free.sudo().customer_archive_ids)

    def test_rpc_officer_secret_and_unlink_refused(self):
        """An officer can neither read a secret archive nor delete one over RPC."""
        with self.assertRpcFault():
            self.rpc(self.officer, "customer.archive", "read", self.archive_secret.ids, ["name"])
        with self.assertRpcFault():
            self.rpc(self.officer, "customer.archive", "unlink", self.archive_other.ids)
        self.assertTrue(self.archive_other.exists())

    def test_rpc_personal_field_refused_to_reader(self):
        """Personal data is refused over RPC to a reader of the archive."""
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive", "read", self.archive_own.ids, ["birthday"])

    def test_rpc_partner_summary_empty_for_refused_reader(self):
        """The partner's archive summary over RPC is empty where the archive is refused."""
        fields = [
            "customer_archive_id",
            "customer_archive_keeper_id",
            "customer_archive_confidentiality",
            "customer_archive_location_id",
        ]
        (row,) = self.rpc(self.reader, "res.partner", "read", self.partner_other.ids, fields)
        self.assertFalse(any(row[field] for field in fields))
        (row,) = self.rpc(self.reader, "res.partner", "read", self.partner_own.ids, fields)
        self.assertEqual(row["customer_archive_id"][0], self.archive_own.id)

    def test_rpc_plain_user_cannot_read_partner_archive_fields(self):
        """An employee outside the archive groups is refused the archive fields of partners."""
        with self.assertRpcFault():
            self.rpc(
                self.user_plain,
                "res.partner",
                "read",
                self.partner_own.ids,
                ["customer_archive_id"],
            )
        (row,) = self.rpc(self.user_plain, "res.partner", "read", self.partner_own.ids, ["name"])
        self.assertEqual(row["name"], "上海浦江贸易有限公司")
