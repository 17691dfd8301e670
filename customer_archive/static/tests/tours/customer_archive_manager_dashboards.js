/** @odoo-module */
/**
 * A manager opens the analysis and prints an archive card.
 *
 * TO FINISH AFTER MERGING (lead): the analysis menu 「分析」 and the archive card
 * (客户档案卡) are built on other branches. Once merged, open each dashboard of the
 * menu here and print the archive card from a dossier. Until then this tour opens the
 * classification analysis that exists today (pivot and graph).
 */
import { registry } from "@web/core/registry";

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
        // TODO(lead, after merging the dashboards and reports): open each view of 「分析」,
        // then a dossier, and print its archive card (客户档案卡).
    ],
});
