/** @odoo-module */
/**
 * A manager opens every dashboard of the 「分析」 (Analysis) menu; each shows its view.
 * The archive card he then prints is checked by the Python test (a PDF download).
 */
import { registry } from "@web/core/registry";

const DASHBOARDS = [
    ["Grades by Industry", "Customers by Grade and Industry"],
    ["Grades by Nature of Company", "Customers by Grade and Nature"],
    ["Grades by Tier", "Customers by Grade and Tier"],
    ["Revenue Share of the Top 20 %", "Revenue Share of the Top 20 %"],
    ["Loyalty Stages over Time", "Loyalty Stages over Time"],
    ["Loans Out and Overdue", "Loans Out and Overdue"],
    ["Reviews Due and Stale Archives", "Reviews Due and Stale Archives"],
    ["Documents Expiring", "Documents Expiring"],
    ["Destruction Due", "Destruction Due"],
];

function openDashboard([menu, title]) {
    return [
        {
            content: "Open the Customer Archive menu (its Analysis group holds the dashboards)",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Customer Archive)",
            run: "click",
        },
        {
            content: `Choose ${menu}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains(${menu})`,
            run: "click",
        },
        {
            content: `${title} is shown`,
            trigger: `.o_breadcrumb:contains(${title})`,
        },
        {
            content: `${title} draws its view`,
            trigger: ".o_action_manager .o_content .o_pivot, .o_action_manager .o_content .o_graph_renderer, .o_action_manager .o_content .o_list_renderer",
        },
    ];
}

registry.category("web_tour.tours").add("customer_archive_manager_dashboards", {
    steps: () => [
        {
            content: "The classification opens as a pivot of regions by grade",
            trigger: ".o_pivot .o_pivot_header_cell_closed, .o_pivot th",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        ...DASHBOARDS.flatMap(openDashboard),
    ],
});
