import { describe, it, expect } from "vitest";
import {
  agreementStanding,
  agreementsPermitListing,
  canSignAgreement,
  DEFAULT_FEE_POLICY,
  DEFAULT_TIER_LADDER,
  entryTierKey,
  FEE_POLICY,
  feePolicyText,
  inProgram,
  needsResign,
  type AgreementSignatureFact,
  type PublishedAgreement,
} from "../../src/domain/partners.js";

const HASH_FA1 = "a".repeat(64);
const HASH_FA2 = "b".repeat(64);
const HASH_TA1 = "c".repeat(64);

const fa1: PublishedAgreement = { kind: "FRAMEWORK_AGREEMENT", version: 1, bodySha256: HASH_FA1 };
const fa2: PublishedAgreement = { kind: "FRAMEWORK_AGREEMENT", version: 2, bodySha256: HASH_FA2 };
const ta1: PublishedAgreement = { kind: "TECHNOLOGY_ADDENDUM", version: 1, bodySha256: HASH_TA1 };

const signed = (kind: AgreementSignatureFact["kind"], version: number): AgreementSignatureFact => ({
  kind,
  version,
  signedAt: new Date("2025-02-01T10:00:00Z"),
  signedBy: "admin-1",
});

describe("partners: entry tier", () => {
  it("R-PART-1: a new partner starts at Foundation on the default ladder", () => {
    expect(entryTierKey()).toBe("FOUNDATION");
    expect(entryTierKey(DEFAULT_TIER_LADDER)).toBe("FOUNDATION");
  });

  it("R-PART-1: the entry tier is the lowest rank of the policy's ladder, in any order", () => {
    const ladder = [
      { key: "GOLD", rank: 3 },
      { key: "STARTER", rank: 0 },
      { key: "SILVER", rank: 2 },
    ];
    expect(entryTierKey(ladder)).toBe("STARTER");
  });

  it("R-PART-1: an empty ladder is a broken policy", () => {
    expect(() => entryTierKey([])).toThrow(/empty tier ladder/);
  });
});

describe("partners: in the program", () => {
  it("R-PART-2: in the program once both current agreements are signed", () => {
    const d = inProgram([fa1, ta1], [signed("FRAMEWORK_AGREEMENT", 1), signed("TECHNOLOGY_ADDENDUM", 1)]);
    expect(d.ok).toBe(true);
    if (d.ok) {
      expect(d.value.inProgram).toBe(true);
      expect(d.value.documents.map((x) => x.status)).toEqual(["CURRENT", "CURRENT"]);
      expect(d.value.documents[0]?.signedBy).toBe("admin-1");
    }
  });

  it("R-PART-2: not in the program without the Technology Partner Addendum; the refusal names it", () => {
    const d = inProgram([fa1, ta1], [signed("FRAMEWORK_AGREEMENT", 1)]);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-PART-2");
      expect(d.refusal.missing).toEqual(["Technology Partner Addendum version 1 is not signed"]);
      expect(d.refusal.toSatisfy).toContain("Technology Partner Addendum version 1");
    }
  });

  it("R-PART-2: nothing signed lists both documents; an unpublished one says so", () => {
    const d = inProgram([fa1], []);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.missing).toEqual([
        "Partner Framework Agreement version 1 is not signed",
        "Technology Partner Addendum: no version has been published by the program yet",
      ]);
    }
    const standing = agreementStanding([fa1], []);
    expect(standing.missing).toEqual(["FRAMEWORK_AGREEMENT", "TECHNOLOGY_ADDENDUM"]);
    expect(standing.documents[1]?.status).toBe("NOT_PUBLISHED");
  });

  it("R-PART-2: no listing can go live without both agreements", () => {
    const standing = agreementStanding([fa1, ta1], [signed("TECHNOLOGY_ADDENDUM", 1)]);
    const d = agreementsPermitListing(standing, { everLive: true });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-PART-2");
      expect(d.refusal.missing).toEqual(["Partner Framework Agreement version 1 is not signed"]);
    }
  });
});

describe("partners: signing", () => {
  const admin = { memberId: "admin-1", role: "ADMIN" as const };

  it("R-PART-3: an admin signs the current version exactly as published", () => {
    const d = canSignAgreement({ kind: "FRAMEWORK_AGREEMENT", version: 2, bodySha256: HASH_FA2.toUpperCase(), signer: admin }, [fa1, fa2, ta1]);
    expect(d).toEqual({ ok: true, value: { document: fa2, alreadySigned: false } });
  });

  it("R-PART-3: redlines are refused with a clear error, even on the right text", () => {
    const d = canSignAgreement(
      { kind: "FRAMEWORK_AGREEMENT", version: 2, bodySha256: HASH_FA2, proposedChanges: "Strike clause 7.2", signer: admin },
      [fa1, fa2],
    );
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-PART-3");
      expect(d.refusal.message).toMatch(/redlines/i);
      expect(d.refusal.missing).toEqual(["the agreement without proposed changes (redlines are not accepted)"]);
    }
  });

  it("R-PART-3: a changed text (different hash) is refused as changed terms", () => {
    const d = canSignAgreement({ kind: "FRAMEWORK_AGREEMENT", version: 2, bodySha256: "f".repeat(64), signer: admin }, [fa2]);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-PART-3");
      expect(d.refusal.message).toMatch(/differs from the published Partner Framework Agreement version 2/);
      expect(d.refusal.missing[0]).toContain(HASH_FA2);
    }
  });

  it("R-PART-3: an older version cannot be signed once a newer one is published", () => {
    const d = canSignAgreement({ kind: "FRAMEWORK_AGREEMENT", version: 1, bodySha256: HASH_FA1, signer: admin }, [fa1, fa2]);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.missing).toEqual(["the current version 2 of the Partner Framework Agreement (version 1 was submitted)"]);
      expect(d.refusal.toSatisfy).toContain("version 2");
    }
  });

  it("R-PART-3: only a partner admin may sign; all problems are listed at once", () => {
    const d = canSignAgreement(
      { kind: "TECHNOLOGY_ADDENDUM", version: 1, bodySha256: HASH_TA1, proposedChanges: "add SLA", signer: { memberId: "m-2", role: "MEMBER" } },
      [ta1],
    );
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.missing).toEqual([
        "the agreement without proposed changes (redlines are not accepted)",
        "a signer with the partner ADMIN role",
      ]);
    }
  });

  it("R-PART-3: nothing published means nothing to sign", () => {
    const d = canSignAgreement({ kind: "TECHNOLOGY_ADDENDUM", version: 1, bodySha256: HASH_TA1, signer: admin }, [fa1]);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.refusal.missing).toEqual(["a published version of the Technology Partner Addendum"]);
  });

  it("R-PART-3: signing a version already signed is reported, not duplicated", () => {
    const d = canSignAgreement({ kind: "TECHNOLOGY_ADDENDUM", version: 1, bodySha256: HASH_TA1, signer: admin }, [ta1], [signed("TECHNOLOGY_ADDENDUM", 1)]);
    expect(d.ok && d.value.alreadySigned).toBe(true);
  });
});

describe("partners: fee policy", () => {
  it("R-PART-4: joining is free by default and the fee policy is a program setting", () => {
    expect(feePolicyText()).toBe("No fee to join the program.");
    expect(feePolicyText({ feePolicy: null })).toBe(DEFAULT_FEE_POLICY);
    expect(feePolicyText({ feePolicy: "   " })).toBe(DEFAULT_FEE_POLICY);
    expect(feePolicyText({ feePolicy: " Free in 2025. " })).toBe("Free in 2025.");
    expect(FEE_POLICY.rule).toBe("R-PART-4");
    expect(FEE_POLICY.description).toMatch(/No fee field exists/);
  });
});

describe("partners: re-signing", () => {
  const oldSignatures = [signed("FRAMEWORK_AGREEMENT", 1), signed("TECHNOLOGY_ADDENDUM", 1)];

  it("R-PART-5: a partner that signed an older version needs to re-sign", () => {
    expect(needsResign([fa1, ta1], oldSignatures)).toBe(false);
    expect(needsResign([fa1, fa2, ta1], oldSignatures)).toBe(true);
    const standing = agreementStanding([fa1, fa2, ta1], oldSignatures);
    expect(standing.inProgram).toBe(false);
    expect(standing.outdated).toEqual(["FRAMEWORK_AGREEMENT"]);
    expect(standing.documents[0]).toMatchObject({ status: "OUTDATED", signedVersion: 1, currentVersion: 2 });
  });

  it("R-PART-5: a partner that never signed does not 'need to re-sign'", () => {
    expect(needsResign([fa1, ta1], [])).toBe(false);
  });

  it("R-PART-5: live listings stay live but new listings are blocked until re-signing", () => {
    const standing = agreementStanding([fa1, fa2, ta1], oldSignatures);
    expect(agreementsPermitListing(standing, { everLive: true }).ok).toBe(true);
    const d = agreementsPermitListing(standing, { everLive: false });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-PART-5");
      expect(d.refusal.missing).toEqual(["Partner Framework Agreement: signed version 1, current version is 2 (re-sign needed)"]);
      expect(d.refusal.toSatisfy).toContain("Partner Framework Agreement version 2");
    }
  });

  it("R-PART-5: re-signing the new version puts the partner back in the program", () => {
    const d = inProgram([fa1, fa2, ta1], [...oldSignatures, signed("FRAMEWORK_AGREEMENT", 2)]);
    expect(d.ok).toBe(true);
  });
});
