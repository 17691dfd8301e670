/** @odoo-module */
/**
 * An archive manager opens the Dashboards app, picks the archive dashboard and sees its
 * scorecards and charts.
 */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spreadsheet_dashboard_customer_archive_manager", {
    steps: () => [
        {
            content: "The Dashboards app lists the archive dashboard",
            trigger: ".o_spreadsheet_dashboard_search_panel .o_dashboard_name:contains(Customer Archive)",
            run: "click",
        },
        {
            content: "It is the dashboard shown",
            trigger: ".o_search_panel_category_value.active .o_dashboard_name:contains(Customer Archive)",
        },
        {
            content: "Its scorecards and charts are drawn",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
        },
        {
            content: "Its figures finished loading without an error",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status))",
        },
    ],
});
