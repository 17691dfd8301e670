/** @odoo-module */
/**
 * A manager opens the likely duplicates, merges a customer typed in twice with Odoo's
 * own contact merge (tests/test_customer_archive_tours.py sets the pair up and checks
 * that one customer and its dossier are left).
 */
import { registry } from "@web/core/registry";

const ROW = ".o_list_view .o_data_row:has(.o_data_cell:contains(上海浦江贸易有限公司))";

registry.category("web_tour.tours").add("customer_archive_manager_merges_duplicates", {
    steps: () => [
        {
            content: "The likely duplicates are listed",
            trigger: ".o_breadcrumb:contains(Likely Duplicates)",
        },
        {
            content: "The customer typed in twice is one group",
            trigger: `${ROW} .o_data_cell[name=partner_count]:contains(2)`,
        },
        {
            content: "Merge its customers",
            trigger: `${ROW} button[name=action_merge]`,
            run: "click",
        },
        {
            content: "Odoo's merge opens on the two customers",
            trigger: ".modal .o_partner_merge_wizard .o_field_widget[name=partner_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "Merge them",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The merge closes by itself once the two are one",
            trigger: "body:not(:has(.modal .o_partner_merge_wizard))",
        },
    ],
});
