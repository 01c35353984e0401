// The event catalogue (src/domain/events.ts): one entry per event type, and the promises each
// entry makes hold for every event the program writes.
import { describe, expect, it } from "vitest";
import { EVENT_CATALOGUE, EVENT_TYPES, eventTypesFor, isEventType } from "../../src/domain/events.js";
import { eventRow, systemActor } from "../../src/events/log.js";

describe("the event catalogue", () => {
  it("names every type in one style: <subject>.<what-happened>, lowercase words joined by dashes", () => {
    for (const type of EVENT_TYPES) expect(type).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
    expect(isEventType("listing.live")).toBe(true);
    expect(isEventType("listing.low_usage_notice")).toBe(false);
    expect(isEventType("toString")).toBe(false);
  });

  it("R-LIST-6: only listing events reach the public, and only they can be storefront changes", () => {
    for (const type of eventTypesFor("public")) expect(EVENT_CATALOGUE[type]).toMatchObject({ subject: "Listing", storefront: "listing" });
    expect(() => eventRow({ type: "app.created", actor: systemActor, subjectId: crypto.randomUUID(), partnerId: crypto.randomUUID(), publicChange: true }))
      .toThrow(/cannot be a storefront change/);
  });

  it("integration managers read App Validation's work only, never a partner's private records", () => {
    for (const type of eventTypesFor("integrationManager")) expect(["App", "AppValidation", "Listing"]).toContain(EVENT_CATALOGUE[type].subject);
    for (const type of ["lead.sent", "inquiry.received", "member.invited", "api-token.created", "tier.assessed", "agreement.signed"] as const) {
      expect(EVENT_CATALOGUE[type].audiences).not.toContain("integrationManager");
    }
  });

  it("an event its partner reads must name the partner", () => {
    expect(() => eventRow({ type: "lead.sent", actor: systemActor, subjectId: crypto.randomUUID(), after: { company: "Acme", status: "NEW" } }))
      .toThrow(/must name the partner/);
  });

  it("the subject type of every stored event comes from the catalogue", () => {
    const row = eventRow({ type: "validation.requested", actor: systemActor, subjectId: "v", partnerId: "p" });
    expect(row.subjectType).toBe("AppValidation");
  });

  it("what revokes access is what closes connections: API token revocation and member removal", () => {
    expect(EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].revokesAccess).sort()).toEqual(["api-token.revoked", "member.removed"]);
  });
});
