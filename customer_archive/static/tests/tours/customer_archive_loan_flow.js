/** @odoo-module */
/**
 * The loan flow as people click it (tests/test_customer_archive_tours.py sets up the
 * records and the users, and checks the database between the tours):
 * a reader opens a customer she does not sell to, sees the badges and the summary of his
 * classification (the archive itself she may not read yet) and asks to consult it; a manager approves the loan from his activities; the
 * keeper hands it out from hers; the reader then opens the dossier.
 * Selectors use field and button names, not labels: the reader's and the keeper's
 * screens are in Chinese.
 */
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

const tours = registry.category("web_tour.tours");

/** Open the first record of the activity group of archive loans in the systray. */
function openLoanFromActivities() {
    return [
        {
            content: "Open the activities of the systray",
            trigger: ".o-mail-ActivityMenu-counter",
            run: "click",
        },
        {
            content: "Open the archive loans waiting for me",
            trigger: ".o-mail-ActivityGroup:has([name=activityTitle]:contains(借阅)), .o-mail-ActivityGroup:has([name=activityTitle]:contains(Loan))",
            run: "click",
        },
        {
            content: "The loans with an activity of mine are listed",
            trigger: ".o_breadcrumb:contains(借阅), .o_breadcrumb:contains(Loan)",
        },
        {
            content: "Open the loan",
            trigger: ".o_list_view .o_data_row .o_data_cell, .o_kanban_view .o_kanban_record:not(.o_kanban_ghost)",
            run: "click",
        },
    ];
}

tours.add("customer_archive_reader_requests_loan", {
    steps: () => [
        {
            content: "The grade badge shows on the partner form",
            trigger: ".o_form_view div[name=customer_classification_badges] div[name=customer_grade] .badge:contains(B)",
        },
        {
            content: "So does the loyalty stage",
            trigger: ".o_form_view div[name=customer_classification_badges] div[name=customer_loyalty] .badge",
        },
        {
            content: "Open the classification page",
            trigger: ".o_notebook_headers a[name=customer_classification]",
            run: "click",
        },
        {
            content: "It says why the customer has this grade",
            trigger: "div[name=customer_classification_why] .o_field_widget:contains(B)",
        },
        {
            content: "Ask to borrow the archive",
            trigger: "button[name=action_request_customer_archive_loan]",
            run: "click",
        },
        {
            content: "The loan names the archive",
            trigger: ".o_form_view div[name=archive_id] input",
        },
        {
            content: "Ask for the full archive",
            trigger: ".o_form_view div[name=scope] select",
            run: 'select "full"',
        },
        {
            content: "Until when",
            trigger: ".o_form_view div[name=date_due] input",
            run: "edit " + luxon.DateTime.now().setZone(user.tz || "local").plus({ days: 7 }).toFormat("yyyy-MM-dd"),
        },
        {
            content: "Say why",
            trigger: ".o_form_view div[name=purpose] textarea",
            run: "edit 核对合作历史,准备联合投标",
        },
        {
            content: "Save the request",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Submit it",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The loan waits for approval",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=submitted]",
        },
    ],
});

tours.add("customer_archive_manager_approves_loan", {
    url: "/odoo",
    steps: () => [
        ...openLoanFromActivities(),
        {
            content: "Approve it",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "The loan is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=approved]",
        },
    ],
});

tours.add("customer_archive_officer_hands_out_loan", {
    url: "/odoo",
    steps: () => [
        ...openLoanFromActivities(),
        {
            content: "Hand the archive out",
            trigger: ".o_form_view button[name=action_hand_out]",
            run: "click",
        },
        {
            content: "The archive is out",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=out]",
        },
    ],
});

tours.add("customer_archive_reader_opens_dossier", {
    steps: () => [
        {
            content: "Open the archive from the partner form",
            trigger: ".o_form_view button[name=action_open_customer_archive]",
            run: "click",
        },
        {
            content: "The dossier shows its registration data",
            trigger: ".o_form_view div[name=legal_representative]:contains(黄志强)",
        },
    ],
});
