// Staff record usage (R-USE-1) and run the low-usage sweep (R-USE-2, R-USE-3).
import { recordUsage, MAX_USAGE_BATCH, type UsageWriteResult } from "../../program/usage.js";
import { runLowUsageSweep, type SweepReport } from "../../program/low-usage.js";
import { programStaffOnly } from "../access.js";
import { builder } from "../builder.js";
import { idOf } from "../ids.js";

/** An app's global id ("App:<uuid>" in base64) or its plain UUID, as usage exports carry it. */
function appUuid(id: string | number): string {
  const raw = String(id).trim();
  const decoded = Buffer.from(raw, "base64").toString("utf8");
  const m = /^App:([0-9a-f-]{36})$/i.exec(decoded);
  return m ? m[1]! : raw;
}

const UsageRowInput = builder.inputType("UsageRowInput", {
  description: "One app's usage for one calendar month (R-USE-1). Recording the same app-month again replaces it.",
  fields: (t) => ({
    appId: t.id({ required: true, ...idOf("App"), description: "The app's global id or its UUID." }),
    month: t.string({ required: true, description: "YYYY-MM (or the first day of the month, YYYY-MM-01); not after the current month." }),
    activeCustomers: t.int({ required: true, description: "Monthly active customers." }),
    installs: t.int({ required: true }),
    uninstalls: t.int({ required: true }),
    pushCalls: t.field({ type: "BigInt", required: true, description: "API calls pushing data into the platform." }),
    pullCalls: t.field({ type: "BigInt", required: true, description: "API calls pulling data from the platform." }),
  }),
});

const UsageRecordedType = builder.objectRef<UsageWriteResult>("UsageRecorded").implement({
  fields: (t) => ({
    rows: t.exposeInt("rows", { description: "App-months written (a repeated app-month in one batch counts once: the last row wins)." }),
    created: t.exposeInt("created"),
    replaced: t.exposeInt("replaced", { description: "App-months that were recorded before and are now replaced." }),
    apps: t.exposeInt("apps"),
  }),
});

const SweepReportType = builder.objectRef<SweepReport>("LowUsageSweepReport").implement({
  description: "What the low-usage sweep did (R-USE-2). Running it again for the same date changes nothing.",
  fields: (t) => ({
    asOf: t.field({ type: "Date", resolve: (r) => r.asOf }),
    policyYear: t.exposeInt("policyYear", { nullable: true }),
    policyVersion: t.exposeInt("policyVersion", { nullable: true }),
    minimum: t.exposeInt("minimum"),
    windowMonths: t.exposeInt("windowMonths"),
    noticeDays: t.exposeInt("noticeDays"),
    examined: t.exposeInt("examined"),
    putAtRisk: t.exposeInt("putAtRisk"),
    delisted: t.exposeInt("delisted"),
    recovered: t.exposeInt("recovered"),
    unchanged: t.exposeInt("unchanged"),
    conflicts: t.exposeInt("conflicts", { description: "Changed by someone else meanwhile: left alone, judged again by the next sweep." }),
  }),
});

builder.mutationFields((t) => ({
  recordUsage: t.field({
    type: UsageRecordedType,
    ...programStaffOnly("usage comes from the platform's records, imported by the program (R-USE-1)."),
    errors: {},
    description: `Program staff record usage rows, at most ${MAX_USAGE_BATCH} per call (R-USE-1). All or nothing: a bad row is reported by its index and nothing is written.`,
    args: { rows: t.arg({ type: [UsageRowInput], required: true }) },
    resolve: (_root, { rows }, ctx) => recordUsage(ctx.program, ctx.viewer, rows.map((r) => ({ ...r, appId: appUuid(r.appId) }))),
  }),
  runLowUsageSweep: t.field({
    type: SweepReportType,
    ...programStaffOnly("the low-usage sweep is the program's (R-USE-2)."),
    errors: {},
    description: "R-USE-2: live listings under the minimum go AT_RISK with a notice and a deadline; at-risk ones are delisted after the deadline, or return to LIVE when usage recovered.",
    args: { asOf: t.arg({ type: "Date", required: false, description: "Default: the program's today; never after it." }) },
    resolve: (_root, { asOf }, ctx) => runLowUsageSweep(ctx.program, ctx.viewer, { asOf }),
  }),
}));
