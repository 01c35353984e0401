// Partners and agreements (R-PART-1..5): where a partner starts, when it is in the program,
// what signing takes, and what an outdated signature blocks. Facts in, Decision out.
import { allow, refuse, type Decision } from "./decision.js";

export type PartnerRole = "ADMIN" | "MEMBER";
export type AgreementKind = "FRAMEWORK_AGREEMENT" | "TECHNOLOGY_ADDENDUM";

/** Both documents are required to be in the program (R-PART-2). */
export const AGREEMENT_KINDS: readonly AgreementKind[] = ["FRAMEWORK_AGREEMENT", "TECHNOLOGY_ADDENDUM"];

export const AGREEMENT_TITLES: Readonly<Record<AgreementKind, string>> = {
  FRAMEWORK_AGREEMENT: "Partner Framework Agreement",
  TECHNOLOGY_ADDENDUM: "Technology Partner Addendum",
};

// ---------------------------------------------------------------------------------------------
// R-PART-1: the entry tier
// ---------------------------------------------------------------------------------------------

/** One rung of the policy's tier ladder; a lower rank is a lower tier. */
export interface TierRung {
  readonly key: string;
  readonly rank: number;
  readonly name?: string;
}

/** The default ladder (R-TIER-1): Foundation < Select < Elite < Premier. */
export const DEFAULT_TIER_LADDER: readonly TierRung[] = [
  { key: "FOUNDATION", name: "Foundation", rank: 1 },
  { key: "SELECT", name: "Select", rank: 2 },
  { key: "ELITE", name: "Elite", rank: 3 },
  { key: "PREMIER", name: "Premier", rank: 4 },
];

/** R-PART-1: every new partner starts at the lowest rung, whatever else it has. */
export function entryTierKey(ladder: readonly TierRung[] = DEFAULT_TIER_LADDER): string {
  let entry: TierRung | undefined;
  for (const rung of ladder) if (entry === undefined || rung.rank < entry.rank) entry = rung;
  // An empty ladder is a broken policy, not a partner problem, so it is not a Refusal.
  if (entry === undefined) throw new RangeError("The program policy has an empty tier ladder; it needs at least one tier (R-TIER-1).");
  return entry.key;
}

// ---------------------------------------------------------------------------------------------
// R-PART-4: no fee
// ---------------------------------------------------------------------------------------------

export const DEFAULT_FEE_POLICY = "No fee to join the program.";

/** R-PART-4: joining costs nothing; there is deliberately no fee field on partners, apps or listings. */
export const FEE_POLICY = {
  rule: "R-PART-4",
  description:
    "Joining the program costs nothing. No fee field exists on partners, apps or listings; the fee policy is a program setting (ProgramPolicy.feePolicy) shown in the API.",
  defaultText: DEFAULT_FEE_POLICY,
} as const;

/** R-PART-4: the fee policy text to show, from the program policy (default: no fee). */
export function feePolicyText(policy?: { readonly feePolicy?: string | null } | null): string {
  const text = policy?.feePolicy?.trim();
  return text ? text : DEFAULT_FEE_POLICY;
}

// ---------------------------------------------------------------------------------------------
// R-PART-2 / R-PART-5: standing under the agreements
// ---------------------------------------------------------------------------------------------

/** A published agreement document (only kind, version and body hash matter to the rules). */
export interface PublishedAgreement {
  readonly kind: AgreementKind;
  readonly version: number;
  readonly bodySha256: string;
  readonly title?: string;
}

/** A recorded signature: which document version, when, and by which partner member (R-PART-5). */
export interface AgreementSignatureFact {
  readonly kind: AgreementKind;
  readonly version: number;
  readonly signedAt: Date;
  /** PartnerMember id of the admin who signed. */
  readonly signedBy: string;
}

/** CURRENT: signed the current version; OUTDATED: only an older one; MISSING: never signed; NOT_PUBLISHED: nothing to sign yet. */
export type AgreementDocumentStatus = "CURRENT" | "OUTDATED" | "MISSING" | "NOT_PUBLISHED";

export interface AgreementDocumentStanding {
  readonly kind: AgreementKind;
  readonly title: string;
  readonly currentVersion: number | null;
  /** The newest version the partner signed, if any. */
  readonly signedVersion: number | null;
  readonly signedAt: Date | null;
  readonly signedBy: string | null;
  readonly status: AgreementDocumentStatus;
}

export interface AgreementStanding {
  /** R-PART-2: the current version of every agreement kind is signed. */
  readonly inProgram: boolean;
  /** R-PART-5: some agreement was signed only in an older version. */
  readonly needsResign: boolean;
  /** Every kind was signed in some version (a partner that only needs to re-sign keeps its live listings). */
  readonly signedEveryKind: boolean;
  readonly documents: readonly AgreementDocumentStanding[];
  /** Kinds never signed (including kinds not yet published). */
  readonly missing: readonly AgreementKind[];
  /** Kinds signed only in an older version than the current one. */
  readonly outdated: readonly AgreementKind[];
}

/** The current (highest) published version of each agreement kind. */
export function currentAgreements(published: readonly PublishedAgreement[]): Partial<Record<AgreementKind, PublishedAgreement>> {
  const current: Partial<Record<AgreementKind, PublishedAgreement>> = {};
  for (const doc of published) {
    const seen = current[doc.kind];
    if (seen === undefined || doc.version > seen.version) current[doc.kind] = doc;
  }
  return current;
}

/** R-PART-2 / R-PART-5: where the partner stands under each agreement kind. */
export function agreementStanding(
  published: readonly PublishedAgreement[],
  signatures: readonly AgreementSignatureFact[],
): AgreementStanding {
  const current = currentAgreements(published);
  const documents = AGREEMENT_KINDS.map((kind): AgreementDocumentStanding => {
    const doc = current[kind];
    let newest: AgreementSignatureFact | undefined;
    for (const s of signatures) if (s.kind === kind && (newest === undefined || s.version > newest.version)) newest = s;
    const status: AgreementDocumentStatus =
      doc === undefined ? "NOT_PUBLISHED"
      : newest === undefined ? "MISSING"
      : newest.version >= doc.version ? "CURRENT"
      : "OUTDATED";
    return {
      kind,
      title: AGREEMENT_TITLES[kind],
      currentVersion: doc?.version ?? null,
      signedVersion: newest?.version ?? null,
      signedAt: newest?.signedAt ?? null,
      signedBy: newest?.signedBy ?? null,
      status,
    };
  });
  const missing = documents.filter((d) => d.status === "MISSING" || d.status === "NOT_PUBLISHED").map((d) => d.kind);
  const outdated = documents.filter((d) => d.status === "OUTDATED").map((d) => d.kind);
  return {
    inProgram: documents.every((d) => d.status === "CURRENT"),
    needsResign: outdated.length > 0,
    signedEveryKind: documents.every((d) => d.signedVersion !== null),
    documents,
    missing,
    outdated,
  };
}

/** One readable line per agreement that keeps the partner out of the program. */
export function describeAgreementGaps(standing: AgreementStanding): string[] {
  const gaps: string[] = [];
  for (const d of standing.documents) {
    if (d.status === "NOT_PUBLISHED") gaps.push(`${d.title}: no version has been published by the program yet`);
    else if (d.status === "MISSING") gaps.push(`${d.title} version ${d.currentVersion} is not signed`);
    else if (d.status === "OUTDATED") gaps.push(`${d.title}: signed version ${d.signedVersion}, current version is ${d.currentVersion} (re-sign needed)`);
  }
  return gaps;
}

function signAllText(standing: AgreementStanding): string {
  const docs = standing.documents
    .filter((d) => d.status !== "CURRENT")
    .map((d) => (d.currentVersion === null ? d.title : `${d.title} version ${d.currentVersion}`));
  return `A partner admin signs ${docs.join(" and ")} as published.`;
}

/** R-PART-2: the partner is in the program only with both current agreements signed. */
export function inProgram(
  published: readonly PublishedAgreement[],
  signatures: readonly AgreementSignatureFact[],
): Decision<AgreementStanding> {
  const standing = agreementStanding(published, signatures);
  if (standing.inProgram) return allow(standing);
  return refuse({
    rule: "R-PART-2",
    message: "The partner is not in the program until a partner admin has signed the current Partner Framework Agreement and Technology Partner Addendum.",
    missing: describeAgreementGaps(standing),
    toSatisfy: signAllText(standing),
  });
}

/** R-PART-5: the partner signed an older version of an agreement and must re-sign. */
export function needsResign(
  published: readonly PublishedAgreement[],
  signatures: readonly AgreementSignatureFact[],
): boolean {
  return agreementStanding(published, signatures).needsResign;
}

/**
 * R-PART-2 / R-PART-5: do the agreements let this listing go live? A listing that was live before
 * is kept under the version the partner signed; a new one needs the current versions.
 */
export function agreementsPermitListing(standing: AgreementStanding, listing: { readonly everLive: boolean }): Decision {
  if (standing.inProgram) return allow();
  if (!standing.signedEveryKind || standing.missing.length > 0) {
    return refuse({
      rule: "R-PART-2",
      message: "No listing can go live until a partner admin has signed both the Partner Framework Agreement and the Technology Partner Addendum.",
      missing: describeAgreementGaps(standing),
      toSatisfy: signAllText(standing),
    });
  }
  if (listing.everLive) return allow();
  return refuse({
    rule: "R-PART-5",
    message: "A new agreement version has been published: existing live listings stay live, but new listings are blocked until a partner admin re-signs.",
    missing: describeAgreementGaps(standing),
    toSatisfy: signAllText(standing),
  });
}

// ---------------------------------------------------------------------------------------------
// R-PART-3: signing takes the published text, unchanged, by an admin
// ---------------------------------------------------------------------------------------------

export interface SigningAttempt {
  readonly kind: AgreementKind;
  /** The version the partner is signing. */
  readonly version: number;
  /** sha-256 (hex) of the text the partner is signing. */
  readonly bodySha256: string;
  /** Any proposed change of terms ("redlines"); there is no negotiation, so any text here is refused. */
  readonly proposedChanges?: string | null;
  readonly signer: { readonly memberId: string; readonly role: PartnerRole };
}

export interface SigningOutcome {
  readonly document: PublishedAgreement;
  /** The partner already signed this exact version: the use case records nothing new. */
  readonly alreadySigned: boolean;
}

const sameHash = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** R-PART-3: a partner admin signs the current version exactly as published; redlines are refused. */
export function canSignAgreement(
  attempt: SigningAttempt,
  published: readonly PublishedAgreement[],
  signatures: readonly AgreementSignatureFact[] = [],
): Decision<SigningOutcome> {
  const title = AGREEMENT_TITLES[attempt.kind];
  const doc = currentAgreements(published)[attempt.kind];
  if (doc === undefined) {
    return refuse({
      rule: "R-PART-3",
      message: `There is no published ${title} to sign yet.`,
      missing: [`a published version of the ${title}`],
      toSatisfy: `Wait until program staff publish the ${title}, then sign it as published.`,
    });
  }
  const problems: { message: string; missing: string }[] = [];
  if (attempt.proposedChanges !== undefined && attempt.proposedChanges !== null && attempt.proposedChanges.trim() !== "") {
    problems.push({
      message: `Agreements are standard: redlines and changes to the ${title} are not accepted, and there is no negotiation.`,
      missing: "the agreement without proposed changes (redlines are not accepted)",
    });
  }
  if (attempt.signer.role !== "ADMIN") {
    problems.push({
      message: `Only a partner admin can sign the ${title}.`,
      missing: "a signer with the partner ADMIN role",
    });
  }
  if (attempt.version !== doc.version) {
    problems.push({
      message: `Version ${attempt.version} of the ${title} is not the current one; version ${doc.version} is.`,
      missing: `the current version ${doc.version} of the ${title} (version ${attempt.version} was submitted)`,
    });
  } else if (!sameHash(attempt.bodySha256, doc.bodySha256)) {
    problems.push({
      message: `The text signed differs from the published ${title} version ${doc.version}; changed terms are not accepted.`,
      missing: `the published text of ${title} version ${doc.version} (sha-256 ${doc.bodySha256})`,
    });
  }
  const first = problems[0];
  if (first !== undefined) {
    return refuse({
      rule: "R-PART-3",
      message: first.message,
      missing: problems.map((p) => p.missing),
      toSatisfy: `Have a partner admin sign ${title} version ${doc.version} exactly as published (sha-256 ${doc.bodySha256}), without changes.`,
    });
  }
  const alreadySigned = signatures.some((s) => s.kind === attempt.kind && s.version === doc.version);
  return allow({ document: doc, alreadySigned });
}

/** A partner's slug from its name: lowercase letters, digits and single dashes. */
export function slugify(name: string): string {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "partner";
}
