/** @odoo-module */
import { Component, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * The progress of a record's background job (customer.archive.job), moved by the bus:
 * the job reports each batch to the browser of the one who started it; at its end the
 * record is read again (its state, counts and results).
 */
export class JobProgressField extends Component {
    static template = "customer_archive.JobProgressField";
    static props = { ...standardFieldProps };

    setup() {
        this.bus = useService("bus_service");
        this.live = useState({ progress: null, state: null });
        this.onJob = (payload) => {
            const record = this.props.record;
            if (payload.res_model !== record.resModel || payload.res_id !== record.resId) {
                return;
            }
            this.live.progress = payload.progress;
            this.live.state = payload.state;
            if (payload.state === "done" || payload.state === "failed") {
                this.live.progress = null;
                this.live.state = null;
                record.load();
            }
        };
        this.bus.subscribe("customer_archive_job", this.onJob);
        if (!this.bus.isActive) {
            this.bus.start();
        }
        onWillUnmount(() => this.bus.unsubscribe("customer_archive_job", this.onJob));
    }

    get progress() {
        const value = this.live.progress ?? this.props.record.data[this.props.name] ?? 0;
        return Math.max(0, Math.min(100, Math.round(value)));
    }

    get state() {
        return this.live.state || this.props.record.data.job_state || "queued";
    }

    get label() {
        return {
            queued: _t("Queued"),
            running: _t("Running"),
            done: _t("Done"),
            failed: _t("Failed"),
        }[this.state];
    }
}

export const jobProgressField = {
    component: JobProgressField,
    supportedTypes: ["float"],
    fieldDependencies: [{ name: "job_state", type: "selection" }],
};

registry.category("fields").add("customer_archive_job_progress", jobProgressField);
