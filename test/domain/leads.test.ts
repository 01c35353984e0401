import { describe, it, expect } from "vitest";
import { LEAD_TRANSITIONS, triageLead, validateLead, winRate, type LeadStatus } from "../../src/domain/leads.js";

const lead = { company: " Acme Builders ", contactName: "Dana Reyes", contactEmail: "dana@acme.example", details: "Needs field data sync for 40 projects." };

describe("leads: input", () => {
  it("R-LEAD-1: a lead with company, contact and details is accepted, trimmed", () => {
    expect(validateLead(lead)).toEqual({ ok: true, value: { ...lead, company: "Acme Builders" } });
  });

  it("R-LEAD-1: missing, oversized and invalid fields are reported per field", () => {
    const d = validateLead({ company: "C".repeat(201), contactName: "", contactEmail: "dana@", details: "D".repeat(4001) });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-LEAD-1");
      expect(d.refusal.fieldErrors).toEqual([
        { field: "company", message: "must be at most 200 characters (has 201)" },
        { field: "contactName", message: "is required" },
        { field: "contactEmail", message: '"dana@" is not a valid e-mail address' },
        { field: "details", message: "must be at most 4000 characters (has 4001)" },
      ]);
    }
    const long = validateLead({ ...lead, contactName: "N".repeat(121), contactEmail: `${"a".repeat(64)}@${"b".repeat(186)}.com` });
    expect(!long.ok && long.refusal.fieldErrors.map((e) => e.field)).toEqual(["contactName", "contactEmail"]);
  });
});

describe("leads: triage", () => {
  it("R-LEAD-1: NEW -> ACCEPTED -> WON or LOST, or NEW -> REJECTED", () => {
    expect(triageLead("NEW", "ACCEPTED")).toEqual({ ok: true, value: { status: "ACCEPTED", triageNote: null } });
    expect(triageLead("NEW", "REJECTED", " duplicate ")).toEqual({ ok: true, value: { status: "REJECTED", triageNote: "duplicate" } });
    expect(triageLead("ACCEPTED", "WON").ok).toBe(true);
    expect(triageLead("ACCEPTED", "LOST").ok).toBe(true);
  });

  it("R-LEAD-1: other moves are refused naming the current and allowed states", () => {
    const d = triageLead("NEW", "WON");
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal).toMatchObject({ rule: "R-LEAD-1", currentState: "NEW", allowed: ["ACCEPTED", "REJECTED"] });
      expect(d.refusal.message).toBe("A lead that is NEW cannot become WON; it can only become ACCEPTED or REJECTED.");
    }
    for (const final of ["WON", "LOST", "REJECTED"] as LeadStatus[]) {
      const r = triageLead(final, "ACCEPTED");
      expect(!r.ok && r.refusal).toMatchObject({ currentState: final, allowed: [] });
    }
    expect(LEAD_TRANSITIONS.ACCEPTED).toEqual(["WON", "LOST"]);
    const longNote = triageLead("NEW", "ACCEPTED", "n".repeat(2001));
    expect(!longNote.ok && longNote.refusal.missing).toEqual(["a triage note of at most 2000 characters (has 2001)"]);
  });

  it("R-LEAD-1: win rate is won / (won + lost), null when nothing is decided", () => {
    const s = (...statuses: LeadStatus[]) => statuses.map((status) => ({ status }));
    expect(winRate(s())).toBeNull();
    expect(winRate(s("NEW", "ACCEPTED", "REJECTED"))).toBeNull();
    expect(winRate(s("WON", "LOST", "LOST", "WON", "WON", "REJECTED", "NEW"))).toBeCloseTo(0.6);
    expect(winRate(s("LOST"))).toBe(0);
  });
});
