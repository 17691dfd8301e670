/** @odoo-module */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_archive_job_progress", {
    steps: () => [
        {
            content: "The import's job shows, with its progress bar",
            trigger: ".o_customer_archive_job_progress .progress",
        },
        {
            content: "and the state of the job, in words",
            trigger: ".o_customer_archive_job_progress .badge:contains(/Queued|排队/)",
        },
    ],
});
