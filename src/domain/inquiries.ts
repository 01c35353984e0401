// Contact inquiries (R-INQ-1): customers write through a listing's contact form; how fast the
// partner answers is measured and counts toward customer centricity.
import { allow, refuse, type Decision } from "./decision.js";
import { checkEmail, checkText, refuseFields, textLength, type FieldDecision, type FieldError } from "./fields.js";
import { MARKETPLACE_NAMES, visibleToMarketplace, type ListingState, type Marketplace, type MarketplaceViewer } from "./listings/marketplaces.js";
import type { ContactKind } from "./listings/content.js";

/** Field sizes match the database columns. */
export const INQUIRY_LIMITS = {
  senderNameMax: 120,
  senderEmailMax: 254,
  senderCompanyMax: 200,
  messageMax: 5000,
  responseMax: 5000,
} as const;

export interface InquiryInput {
  readonly senderName: string;
  readonly senderEmail: string;
  readonly senderCompany?: string | null;
  readonly message: string;
}

export interface InquiryContent {
  readonly senderName: string;
  readonly senderEmail: string;
  readonly senderCompany: string | null;
  readonly message: string;
}

/** R-INQ-1: who is writing (name, valid e-mail, optional company) and a message of 1..5000 characters. */
export function validateInquiry(input: InquiryInput): FieldDecision<InquiryContent> {
  const errors: FieldError[] = [];
  const senderName = checkText(errors, "senderName", input.senderName, { min: 1, max: INQUIRY_LIMITS.senderNameMax });
  const senderEmail = checkEmail(errors, "senderEmail", input.senderEmail, true);
  const senderCompany = checkText(errors, "senderCompany", input.senderCompany, { max: INQUIRY_LIMITS.senderCompanyMax });
  const message = checkText(errors, "message", input.message, { min: 1, max: INQUIRY_LIMITS.messageMax });
  if (errors.length > 0 || senderName === null || senderEmail === null || message === null) {
    return refuseFields(
      "R-INQ-1",
      "The inquiry is not complete.",
      errors,
      `Give your name (≤ ${INQUIRY_LIMITS.senderNameMax} characters), a valid e-mail, optionally your company (≤ ${INQUIRY_LIMITS.senderCompanyMax}), and a message of 1–${INQUIRY_LIMITS.messageMax} characters.`,
    );
  }
  return { ok: true, value: { senderName, senderEmail, senderCompany, message } };
}

/** What the rule needs to know about the listing written to. */
export interface InquiryListingFacts {
  readonly state: ListingState;
  readonly marketplace: Marketplace;
  /** The contact option of the live revision; null when nothing is live. */
  readonly contactKind: ContactKind | null;
}

/**
 * R-INQ-1: an inquiry goes only to a listing the sender can see (LIVE or AT_RISK, R-LIST-6) whose
 * contact option is the contact form. The refusal for a hidden listing reads like a missing one.
 */
export function canSendInquiry(listing: InquiryListingFacts, sender: MarketplaceViewer = { fedrampCleared: false }): Decision {
  if (!visibleToMarketplace(listing.state, listing.marketplace, sender)) {
    return refuse({
      rule: "R-INQ-1",
      message: "Inquiries can only be sent to a listing shown on the marketplace.",
      missing: [`a listing that is LIVE or AT_RISK on a marketplace you may see (${MARKETPLACE_NAMES[listing.marketplace]} listing not visible)`],
      toSatisfy: "Write through the contact form of a listing shown on the marketplace.",
    });
  }
  if (listing.contactKind !== "CONTACT_FORM") {
    return refuse({
      rule: "R-INQ-1",
      message: "This listing offers a learn-more link, not a contact form.",
      missing: ["a listing whose contact option is CONTACT_FORM"],
      toSatisfy: "Use the listing's learn-more link to reach the partner.",
    });
  }
  return allow();
}

/** R-INQ-1: whole seconds from the inquiry to its answer (never negative, whatever the clocks did). */
export function responseSeconds(createdAt: Date, respondedAt: Date): number {
  return Math.max(0, Math.floor((respondedAt.getTime() - createdAt.getTime()) / 1000));
}

export interface InquiryAnswer {
  readonly response: string;
  readonly respondedAt: Date;
  readonly responseSeconds: number;
}

/** R-INQ-1: the partner answers an inquiry once, with a response of 1..5000 characters, at `now`. */
export function answerInquiry(
  inquiry: { readonly createdAt: Date; readonly respondedAt: Date | null },
  response: string,
  now: Date,
): Decision<InquiryAnswer> {
  if (inquiry.respondedAt !== null) {
    return refuse({
      rule: "R-INQ-1",
      message: `This inquiry was already answered on ${inquiry.respondedAt.toISOString()}; it is answered only once.`,
      missing: ["an unanswered inquiry"],
      toSatisfy: "Continue the conversation by e-mail with the sender.",
    });
  }
  const text = response.trim();
  if (text === "" || textLength(text) > INQUIRY_LIMITS.responseMax) {
    return refuse({
      rule: "R-INQ-1",
      message: text === "" ? "The response is empty." : `The response is limited to ${INQUIRY_LIMITS.responseMax} characters.`,
      missing: [text === "" ? "a response text" : `a response of at most ${INQUIRY_LIMITS.responseMax} characters (has ${textLength(text)})`],
      toSatisfy: `Write a response of 1–${INQUIRY_LIMITS.responseMax} characters.`,
    });
  }
  return allow({ response: text, respondedAt: now, responseSeconds: responseSeconds(inquiry.createdAt, now) });
}

/**
 * R-INQ-1 / R-TIER-7: median response time in hours. With `asOf`, unanswered inquiries count as
 * waiting until then (silence must not flatter the figure); without it they are left out.
 * Null when there is nothing to measure.
 */
export function medianResponseHours(
  inquiries: readonly { readonly createdAt: Date; readonly respondedAt: Date | null }[],
  asOf?: Date,
): number | null {
  const seconds: number[] = [];
  for (const inquiry of inquiries) {
    const end = inquiry.respondedAt ?? asOf;
    if (end !== undefined) seconds.push(responseSeconds(inquiry.createdAt, end));
  }
  if (seconds.length === 0) return null;
  seconds.sort((a, b) => a - b);
  const mid = Math.floor(seconds.length / 2);
  const median = seconds.length % 2 === 1 ? seconds[mid]! : (seconds[mid - 1]! + seconds[mid]!) / 2;
  return median / 3600;
}
