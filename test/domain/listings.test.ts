import { describe, it, expect } from "vitest";
import type { AppFact, ValidationFact } from "../../src/domain/apps.js";
import { allowedActions, canCreateListing, canGoLive, transition, validationsForListing, type GoLiveFacts } from "../../src/domain/listings/lifecycle.js";
import { canSubmitRevision, placeEdit, reviewRevision, type ListingRevisionFacts } from "../../src/domain/listings/revisions.js";
import { isStorefrontChange, visibleMarketplaces, visibleToMarketplace, type ListingState } from "../../src/domain/listings/marketplaces.js";
import { LISTING_CONTENT_LIMITS, validateListingContent, type ListingContentInput } from "../../src/domain/listings/content.js";
import { agreementStanding, type PublishedAgreement } from "../../src/domain/partners.js";

const at = new Date("2025-03-01T00:00:00Z");
const docsV1: PublishedAgreement[] = [
  { kind: "FRAMEWORK_AGREEMENT", version: 1, bodySha256: "a".repeat(64) },
  { kind: "TECHNOLOGY_ADDENDUM", version: 1, bodySha256: "b".repeat(64) },
];
const docsV2 = [...docsV1, { kind: "FRAMEWORK_AGREEMENT" as const, version: 2, bodySha256: "c".repeat(64) }];
const signedV1 = [
  { kind: "FRAMEWORK_AGREEMENT" as const, version: 1, signedAt: at, signedBy: "admin" },
  { kind: "TECHNOLOGY_ADDENDUM" as const, version: 1, signedAt: at, signedBy: "admin" },
];
const inTheProgram = agreementStanding(docsV1, signedV1);
const mustResign = agreementStanding(docsV2, signedV1);

const sync: AppFact = { id: "app-sync", name: "SiteSync", status: "ACTIVE" };
const plans: AppFact = { id: "app-plans", name: "PlanRoom", status: "ACTIVE" };
const legacy: AppFact = { id: "app-legacy", name: "OldBridge", status: "RETIRED" };
const passed = (appId: string, marketplace: ValidationFact["marketplace"] = "COMMERCIAL"): ValidationFact => ({
  appId,
  marketplace,
  attempt: 1,
  purpose: "INITIAL",
  status: "PASSED",
});

const goLive = (over: Partial<GoLiveFacts> = {}): GoLiveFacts => ({
  listing: { appId: "app-sync", marketplace: "COMMERCIAL", firstLiveAt: null },
  agreements: inTheProgram,
  partnerApps: [sync, plans, legacy],
  validations: [passed("app-sync"), passed("app-plans", "FEDRAMP")],
  ...over,
});

describe("listings: marketplaces", () => {
  it("R-LIST-1: a listing is one app on one marketplace; FedRAMP is a separate listing", () => {
    expect(canCreateListing(sync, "FEDRAMP", [{ appId: "app-sync", marketplace: "COMMERCIAL" }])).toEqual({
      ok: true,
      value: { appId: "app-sync", marketplace: "FEDRAMP" },
    });
    const twice = canCreateListing(sync, "COMMERCIAL", [{ appId: "app-sync", marketplace: "COMMERCIAL" }]);
    expect(twice.ok).toBe(false);
    if (!twice.ok) {
      expect(twice.refusal.rule).toBe("R-LIST-1");
      expect(twice.refusal.missing).toEqual(["SiteSync already has a Commercial listing"]);
    }
    const retired = canCreateListing(legacy, "COMMERCIAL", []);
    expect(!retired.ok && retired.refusal.missing).toEqual(["OldBridge is RETIRED; only an active app can be listed"]);
  });

  it("R-LIST-1: validation is per marketplace; a Commercial pass says nothing about FedRAMP", () => {
    const validations = [passed("app-sync"), { ...passed("app-sync", "FEDRAMP"), status: "FAILED" as const }];
    expect(validationsForListing({ appId: "app-sync", marketplace: "FEDRAMP" }, validations).map((v) => v.status)).toEqual(["FAILED"]);
    const d = canGoLive(goLive({ listing: { appId: "app-sync", marketplace: "FEDRAMP", firstLiveAt: null }, validations: [...validations, passed("app-plans")] }));
    expect(!d.ok && d.refusal.missing).toEqual(["SiteSync has not passed App Validation for the FedRAMP marketplace"]);
  });
});

describe("listings: going live", () => {
  it("R-LIST-2: goes live when in the program, validated for its marketplace, and every active app validated", () => {
    expect(canGoLive(goLive())).toEqual({ ok: true, value: true });
  });

  it("R-LIST-2: refuses going live while another active app is unvalidated, naming it", () => {
    const d = canGoLive(goLive({ validations: [passed("app-sync")] }));
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-LIST-2");
      expect(d.refusal.missing).toEqual(["active app PlanRoom has not passed App Validation"]);
      expect(d.refusal.toSatisfy).toContain("PlanRoom");
      // Retired apps are not required.
      expect(d.refusal.missing.join(" ")).not.toContain("OldBridge");
    }
  });

  it("R-LIST-2: refuses when the partner is not in the program, listing every gap", () => {
    const d = canGoLive(goLive({ agreements: agreementStanding(docsV1, []), validations: [] }));
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.missing).toEqual([
        "R-PART-2: Partner Framework Agreement version 1 is not signed",
        "R-PART-2: Technology Partner Addendum version 1 is not signed",
        "SiteSync has not passed App Validation for the Commercial marketplace",
        "active app PlanRoom has not passed App Validation",
      ]);
      expect(d.refusal.toSatisfy).toMatch(/agreements signed .*pass App Validation of SiteSync for Commercial, and pass App Validation of PlanRoom/);
    }
  });

  it("R-LIST-2: a partner that must re-sign (R-PART-5) cannot take a new listing live, but one live before may return", () => {
    const fresh = canGoLive(goLive({ agreements: mustResign }));
    expect(!fresh.ok && fresh.refusal.missing).toEqual(["R-PART-5: Partner Framework Agreement: signed version 1, current version is 2 (re-sign needed)"]);
    // R-ERR-1: what would satisfy it names only what is missing: the validations have passed.
    expect(!fresh.ok && fresh.refusal.toSatisfy).toMatch(/^Be in the program with the current agreements signed/);
    expect(!fresh.ok && fresh.refusal.toSatisfy).not.toMatch(/App Validation/);
    const before = canGoLive(goLive({ agreements: mustResign, listing: { appId: "app-sync", marketplace: "COMMERCIAL", firstLiveAt: at } }));
    expect(before.ok).toBe(true);
  });
});

describe("listings: content", () => {
  const good: ListingContentInput = {
    name: " SiteSync ",
    tagline: "Field data, in sync",
    summary: "S".repeat(200),
    howItWorks: "Connect once.",
    features: ["Two-way sync", " Photos "],
    categoryIds: ["cat-field", "cat-field"],
    contactKind: "CONTACT_FORM",
    contactEmail: "sales@sitesync.example",
    websiteUrl: "https://sitesync.example",
    screenshots: ["https://cdn.sitesync.example/1.png"],
    videoUrl: "",
  };

  it("R-LIST-3: valid content passes, trimmed, with duplicate categories removed", () => {
    const d = validateListingContent(good, ["cat-field", "cat-finance"]);
    expect(d.ok).toBe(true);
    if (d.ok) {
      expect(d.value).toMatchObject({ name: "SiteSync", features: ["Two-way sync", "Photos"], categoryIds: ["cat-field"], videoUrl: null, learnMoreUrl: null });
    }
  });

  it("R-LIST-3: every field problem is reported with its field", () => {
    const d = validateListingContent(
      {
        name: "N".repeat(31),
        tagline: "T".repeat(41),
        summary: "too short",
        howItWorks: "H".repeat(501),
        features: ["F".repeat(201), ...Array.from({ length: 20 }, (_, i) => `feature ${i}`)],
        categoryIds: ["cat-unknown"],
        contactKind: "CONTACT_FORM",
        contactEmail: "not-an-email",
        websiteUrl: "ftp://files.example",
        screenshots: ["javascript:alert(1)"],
        videoUrl: "nota url",
        learnMoreUrl: `https://x.example/${"p".repeat(2048)}`,
      },
      ["cat-field"],
    );
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-LIST-3");
      expect(d.refusal.fieldErrors).toEqual([
        { field: "name", message: "must be at most 30 characters (has 31)" },
        { field: "tagline", message: "must be at most 40 characters (has 41)" },
        { field: "summary", message: "must be at least 200 characters (has 9)" },
        { field: "howItWorks", message: "must be at most 500 characters (has 501)" },
        { field: "features", message: "at most 20 features (has 21)" },
        { field: "features[0]", message: "must be at most 200 characters (has 201)" },
        { field: "categoryIds[0]", message: '"cat-unknown" is not in the program\'s category list' },
        { field: "learnMoreUrl", message: "must be at most 2048 characters (has 2066)" },
        { field: "websiteUrl", message: "must be an http(s) URL (got ftp)" },
        { field: "videoUrl", message: '"nota url" is not a valid URL' },
        { field: "screenshots[0]", message: "must be an http(s) URL (got javascript)" },
        { field: "contactEmail", message: '"not-an-email" is not a valid e-mail address' },
      ]);
      expect(d.refusal.missing).toContain("name: must be at most 30 characters (has 31)");
      expect(d.refusal.message).toBe("The listing content has 12 problems.");
    }
  });

  it("R-LIST-3: a contact option is required: contact form needs a sales e-mail, learn-more needs its link", () => {
    const noEmail = validateListingContent({ ...good, contactEmail: null }, ["cat-field"]);
    expect(!noEmail.ok && noEmail.refusal.fieldErrors).toEqual([{ field: "contactEmail", message: "is required" }]);
    const noLink = validateListingContent({ ...good, contactKind: "LEARN_MORE_LINK", contactEmail: null }, ["cat-field"]);
    expect(!noLink.ok && noLink.refusal.fieldErrors).toEqual([{ field: "learnMoreUrl", message: "is required when the contact option is LEARN_MORE_LINK" }]);
    const link = validateListingContent({ ...good, contactKind: "LEARN_MORE_LINK", contactEmail: null, learnMoreUrl: "https://sitesync.example/more" }, ["cat-field"]);
    expect(link.ok).toBe(true);
    const unknown = validateListingContent({ ...good, contactKind: "PHONE" }, ["cat-field"]);
    expect(!unknown.ok && unknown.refusal.fieldErrors[0]?.field).toBe("contactKind");
  });

  it("R-LIST-3: at least one category is required", () => {
    const d = validateListingContent({ ...good, categoryIds: [] }, ["cat-field"]);
    expect(!d.ok && d.refusal.fieldErrors).toEqual([{ field: "categoryIds", message: "at least 1 category from the program's category list is required" }]);
  });

  it("R-LIST-3: the limits are configuration a policy can override; characters are counted, not bytes", () => {
    expect(LISTING_CONTENT_LIMITS).toMatchObject({ nameMax: 30, taglineMax: 40, summaryMin: 200, summaryMax: 2000, howItWorksMax: 500, featureMax: 200, featuresMaxCount: 20 });
    expect(validateListingContent({ ...good, name: "A name of thirty-five characters!!" }, ["cat-field"], { nameMax: 40 }).ok).toBe(true);
    expect(validateListingContent({ ...good, name: "é".repeat(30) }, ["cat-field"]).ok).toBe(true);
    expect(validateListingContent({ ...good, name: "🏗️".repeat(15) }, ["cat-field"]).ok).toBe(true);
  });
});

describe("listings: lifecycle", () => {
  it("R-LIST-4: the allowed transitions", () => {
    expect(transition("DRAFT", "submit")).toEqual({ ok: true, value: "IN_REVIEW" });
    expect(transition("IN_REVIEW", "approve")).toEqual({ ok: true, value: "LIVE" });
    expect(transition("IN_REVIEW", "reject")).toEqual({ ok: true, value: "DRAFT" });
    expect(transition("LIVE", "putAtRisk")).toEqual({ ok: true, value: "AT_RISK" });
    expect(transition("AT_RISK", "recover")).toEqual({ ok: true, value: "LIVE" });
    expect(transition("AT_RISK", "delist", { delist: { reason: "LOW_USAGE", by: "SYSTEM" } })).toEqual({ ok: true, value: "DELISTED" });
    expect(transition("LIVE", "delist", { delist: { reason: "STAFF_DECISION", by: "STAFF", note: "Security issue" } })).toEqual({ ok: true, value: "DELISTED" });
    expect(transition("LIVE", "delist", { delist: { reason: "PARTNER_REQUEST", by: "PARTNER" } })).toEqual({ ok: true, value: "DELISTED" });
    expect(transition("DELISTED", "reapply", { viaReapplication: true })).toEqual({ ok: true, value: "IN_REVIEW" });
    expect(allowedActions("LIVE")).toEqual(["putAtRisk", "delist"]);
  });

  it("R-LIST-4: any other transition is refused naming the current state and the allowed ones", () => {
    const d = transition("DRAFT", "approve");
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal).toMatchObject({ rule: "R-LIST-4", currentState: "DRAFT", allowed: ["IN_REVIEW"] });
      expect(d.refusal.message).toBe("A listing that is DRAFT cannot approve; from DRAFT it can only submit → IN_REVIEW.");
    }
    const all: [ListingState, Parameters<typeof transition>[1]][] = [
      ["LIVE", "recover"],
      ["AT_RISK", "putAtRisk"],
      ["DELISTED", "approve"],
      ["IN_REVIEW", "delist"],
    ];
    for (const [state, action] of all) {
      const r = transition(state, action);
      expect(!r.ok && r.refusal.currentState).toBe(state);
    }
  });

  it("R-LIST-4: DELISTED returns to review only through re-application", () => {
    const d = transition("DELISTED", "reapply");
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal).toMatchObject({ rule: "R-LIST-4", currentState: "DELISTED", allowed: ["IN_REVIEW"] });
      expect(d.refusal.message).toMatch(/R-USE-4/);
    }
    const submit = transition("DELISTED", "submit");
    expect(!submit.ok && submit.refusal.toSatisfy).toMatch(/re-application/);
  });

  it("R-LIST-4: delisting needs a reason that fits who delists", () => {
    const none = transition("LIVE", "delist");
    expect(!none.ok && none.refusal.missing).toEqual(["a delist reason (LOW_USAGE, STAFF_DECISION or PARTNER_REQUEST)"]);
    const lowUsage = transition("LIVE", "delist", { delist: { reason: "LOW_USAGE", by: "SYSTEM" } });
    expect(!lowUsage.ok && lowUsage.refusal.missing[0]).toMatch(/AT_RISK low-usage notice first/);
    const impostor = transition("LIVE", "delist", { delist: { reason: "PARTNER_REQUEST", by: "STAFF" } });
    expect(!impostor.ok && impostor.refusal.missing).toEqual(["a partner request made by the partner"]);
  });
});

describe("listings: revisions", () => {
  const live: ListingRevisionFacts = { state: "LIVE", liveRevisionId: "rev-1", revisions: [{ id: "rev-1", number: 1, status: "APPROVED" }] };

  it("R-LIST-5: an edit of a live listing starts a draft revision; the live one stays", () => {
    expect(placeEdit(live)).toEqual({ ok: true, value: { kind: "NEW_DRAFT", number: 2, liveRevisionStays: true } });
    const withDraft = { ...live, revisions: [...live.revisions, { id: "rev-2", number: 2, status: "DRAFT" as const }] };
    expect(placeEdit(withDraft)).toEqual({ ok: true, value: { kind: "UPDATE_DRAFT", revisionId: "rev-2", number: 2, liveRevisionStays: true } });
    const first: ListingRevisionFacts = { state: "DRAFT", liveRevisionId: null, revisions: [{ id: "rev-1", number: 1, status: "DRAFT" }] };
    expect(placeEdit(first)).toEqual({ ok: true, value: { kind: "UPDATE_DRAFT", revisionId: "rev-1", number: 1, liveRevisionStays: false } });
  });

  it("R-LIST-5: a revision under review cannot be edited", () => {
    const d = placeEdit({ ...live, revisions: [...live.revisions, { id: "rev-2", number: 2, status: "IN_REVIEW" }] });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.refusal).toMatchObject({ rule: "R-LIST-5", currentState: "IN_REVIEW", allowed: ["APPROVED", "REJECTED"] });
  });

  it("R-LIST-5: submitting a draft of a live listing keeps the listing live; a first draft submits the listing", () => {
    const draft = { ...live, revisions: [...live.revisions, { id: "rev-2", number: 2, status: "DRAFT" as const }] };
    expect(canSubmitRevision(draft, "rev-2")).toEqual({ ok: true, value: { revisionId: "rev-2", listingAction: null, nextListingState: "LIVE" } });
    const first: ListingRevisionFacts = { state: "DRAFT", liveRevisionId: null, revisions: [{ id: "rev-1", number: 1, status: "DRAFT" }] };
    expect(canSubmitRevision(first, "rev-1")).toEqual({ ok: true, value: { revisionId: "rev-1", listingAction: "submit", nextListingState: "IN_REVIEW" } });
    const approved = canSubmitRevision(live, "rev-1");
    expect(!approved.ok && approved.refusal).toMatchObject({ rule: "R-LIST-5", currentState: "APPROVED" });
    const delisted: ListingRevisionFacts = { state: "DELISTED", liveRevisionId: "rev-1", revisions: [...live.revisions, { id: "rev-2", number: 2, status: "DRAFT" }] };
    const notReapplying = canSubmitRevision(delisted, "rev-2");
    expect(!notReapplying.ok && notReapplying.refusal.rule).toBe("R-LIST-4");
    expect(canSubmitRevision(delisted, "rev-2", { viaReapplication: true })).toEqual({
      ok: true,
      value: { revisionId: "rev-2", listingAction: "reapply", nextListingState: "IN_REVIEW" },
    });
  });

  it("R-LIST-5: approving a revision of a live listing replaces the live one without taking it down", () => {
    const inReview = { ...live, revisions: [...live.revisions, { id: "rev-2", number: 2, status: "IN_REVIEW" as const }] };
    expect(reviewRevision(inReview, "rev-2", { verdict: "approve" })).toEqual({
      ok: true,
      value: {
        revisionId: "rev-2",
        revisionStatus: "APPROVED",
        listingAction: null,
        nextListingState: "LIVE",
        liveRevisionId: "rev-2",
        supersededRevisionId: "rev-1",
        publicChange: true,
      },
    });
    const rejected = reviewRevision(inReview, "rev-2", { verdict: "reject" });
    expect(rejected.ok && rejected.value).toMatchObject({ revisionStatus: "REJECTED", liveRevisionId: "rev-1", nextListingState: "LIVE", publicChange: false });
  });

  it("R-LIST-5: approving a listing's first revision takes it live only when R-LIST-2 allows", () => {
    const first: ListingRevisionFacts = { state: "IN_REVIEW", liveRevisionId: null, revisions: [{ id: "rev-1", number: 1, status: "IN_REVIEW" }] };
    const blocked = reviewRevision(first, "rev-1", { verdict: "approve", goLive: goLive({ validations: [passed("app-sync")] }) });
    expect(!blocked.ok && blocked.refusal.rule).toBe("R-LIST-2");
    const ok = reviewRevision(first, "rev-1", { verdict: "approve", goLive: goLive() });
    expect(ok.ok && ok.value).toMatchObject({ listingAction: "approve", nextListingState: "LIVE", liveRevisionId: "rev-1", supersededRevisionId: null });
    const rejected = reviewRevision(first, "rev-1", { verdict: "reject" });
    expect(rejected.ok && rejected.value).toMatchObject({ listingAction: "reject", nextListingState: "DRAFT", liveRevisionId: null });
    expect(() => reviewRevision(first, "rev-1", { verdict: "approve" })).toThrow(/goLive facts are required/);
  });
});

describe("listings: what the marketplace sees", () => {
  const publicViewer = { fedrampCleared: false };
  const cleared = { fedrampCleared: true };

  it("R-LIST-6: only LIVE and AT_RISK listings are visible", () => {
    const shown = (["DRAFT", "IN_REVIEW", "LIVE", "AT_RISK", "DELISTED"] as const).filter((s) => visibleToMarketplace(s, "COMMERCIAL", publicViewer));
    expect(shown).toEqual(["LIVE", "AT_RISK"]);
  });

  it("R-LIST-6: the FedRAMP marketplace is visible only with clearance", () => {
    expect(visibleToMarketplace("LIVE", "FEDRAMP", publicViewer)).toBe(false);
    expect(visibleToMarketplace("LIVE", "FEDRAMP", cleared)).toBe(true);
    expect(visibleMarketplaces(publicViewer)).toEqual(["COMMERCIAL"]);
    expect(visibleMarketplaces(cleared)).toEqual(["COMMERCIAL", "FEDRAMP"]);
  });

  it("R-LIST-6: a change is a storefront change when it alters what the frontend shows, the at-risk badge included", () => {
    expect(isStorefrontChange("IN_REVIEW", "LIVE")).toBe(true);
    expect(isStorefrontChange("AT_RISK", "DELISTED")).toBe(true);
    expect(isStorefrontChange("LIVE", "DELISTED")).toBe(true);
    expect(isStorefrontChange("LIVE", "AT_RISK")).toBe(true);
    expect(isStorefrontChange("AT_RISK", "LIVE")).toBe(true);
    expect(isStorefrontChange("LIVE", "LIVE")).toBe(false);
    expect(isStorefrontChange("DRAFT", "IN_REVIEW")).toBe(false);
    expect(isStorefrontChange(null, "DRAFT")).toBe(false);
    expect(isStorefrontChange("LIVE", "LIVE", { liveContentChanged: true })).toBe(true);
    expect(isStorefrontChange("DRAFT", "DRAFT", { liveContentChanged: true })).toBe(false);
  });
});
