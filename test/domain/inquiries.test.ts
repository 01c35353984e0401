import { describe, it, expect } from "vitest";
import { answerInquiry, canSendInquiry, medianResponseHours, responseSeconds, validateInquiry } from "../../src/domain/inquiries.js";

const t = (iso: string) => new Date(iso);

describe("inquiries: sending", () => {
  it("R-INQ-1: a valid inquiry is accepted, trimmed, company optional", () => {
    expect(validateInquiry({ senderName: " Sam ", senderEmail: "sam@gc.example", message: "Do you support RFIs?" })).toEqual({
      ok: true,
      value: { senderName: "Sam", senderEmail: "sam@gc.example", senderCompany: null, message: "Do you support RFIs?" },
    });
  });

  it("R-INQ-1: field problems are reported per field", () => {
    const d = validateInquiry({ senderName: "N".repeat(121), senderEmail: "sam at gc", senderCompany: "C".repeat(201), message: "  " });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-INQ-1");
      expect(d.refusal.fieldErrors).toEqual([
        { field: "senderName", message: "must be at most 120 characters (has 121)" },
        { field: "senderEmail", message: '"sam at gc" is not a valid e-mail address' },
        { field: "senderCompany", message: "must be at most 200 characters (has 201)" },
        { field: "message", message: "is required" },
      ]);
    }
    const long = validateInquiry({ senderName: "Sam", senderEmail: "sam@gc.example", message: "m".repeat(5001) });
    expect(!long.ok && long.refusal.fieldErrors).toEqual([{ field: "message", message: "must be at most 5000 characters (has 5001)" }]);
  });

  it("R-INQ-1: only a visible listing with a contact form receives inquiries", () => {
    expect(canSendInquiry({ state: "LIVE", marketplace: "COMMERCIAL", contactKind: "CONTACT_FORM" })).toEqual({ ok: true, value: true });
    expect(canSendInquiry({ state: "AT_RISK", marketplace: "COMMERCIAL", contactKind: "CONTACT_FORM" }).ok).toBe(true);
    for (const state of ["DRAFT", "IN_REVIEW", "DELISTED"] as const) {
      const d = canSendInquiry({ state, marketplace: "COMMERCIAL", contactKind: "CONTACT_FORM" });
      expect(!d.ok && d.refusal.rule).toBe("R-INQ-1");
    }
    const link = canSendInquiry({ state: "LIVE", marketplace: "COMMERCIAL", contactKind: "LEARN_MORE_LINK" });
    expect(!link.ok && link.refusal.missing).toEqual(["a listing whose contact option is CONTACT_FORM"]);
    expect(canSendInquiry({ state: "LIVE", marketplace: "FEDRAMP", contactKind: "CONTACT_FORM" }).ok).toBe(false);
    expect(canSendInquiry({ state: "LIVE", marketplace: "FEDRAMP", contactKind: "CONTACT_FORM" }, { fedrampCleared: true }).ok).toBe(true);
  });
});

describe("inquiries: answering and response time", () => {
  const created = t("2025-05-01T09:00:00Z");

  it("R-INQ-1: the partner answers once; the response time is measured from the inquiry", () => {
    const now = t("2025-05-01T11:30:00.900Z");
    expect(answerInquiry({ createdAt: created, respondedAt: null }, " Yes, we do. ", now)).toEqual({
      ok: true,
      value: { response: "Yes, we do.", respondedAt: now, responseSeconds: 9000 },
    });
    const twice = answerInquiry({ createdAt: created, respondedAt: now }, "Again", t("2025-05-02T00:00:00Z"));
    expect(twice.ok).toBe(false);
    if (!twice.ok) {
      expect(twice.refusal.rule).toBe("R-INQ-1");
      expect(twice.refusal.missing).toEqual(["an unanswered inquiry"]);
    }
    const empty = answerInquiry({ createdAt: created, respondedAt: null }, "   ", now);
    expect(!empty.ok && empty.refusal.missing).toEqual(["a response text"]);
    const long = answerInquiry({ createdAt: created, respondedAt: null }, "r".repeat(5001), now);
    expect(!long.ok && long.refusal.missing).toEqual(["a response of at most 5000 characters (has 5001)"]);
  });

  it("R-INQ-1: response seconds are whole and never negative", () => {
    expect(responseSeconds(created, t("2025-05-01T09:01:01.999Z"))).toBe(61);
    expect(responseSeconds(created, t("2025-05-01T08:00:00Z"))).toBe(0);
  });

  it("R-INQ-1: median response hours for customer centricity", () => {
    const answered = (hours: number) => ({ createdAt: created, respondedAt: new Date(created.getTime() + hours * 3_600_000) });
    expect(medianResponseHours([])).toBeNull();
    expect(medianResponseHours([answered(1), answered(5), answered(3)])).toBe(3);
    expect(medianResponseHours([answered(1), answered(2), answered(4), answered(10)])).toBe(3);
    const open = { createdAt: created, respondedAt: null };
    // Unanswered inquiries are left out without an as-of date, and count as still waiting with one.
    expect(medianResponseHours([answered(1), open])).toBe(1);
    expect(medianResponseHours([open])).toBeNull();
    expect(medianResponseHours([answered(1), answered(2), open], t("2025-05-03T09:00:00Z"))).toBe(2);
    expect(medianResponseHours([answered(1), open, open], t("2025-05-03T09:00:00Z"))).toBe(48);
  });
});
