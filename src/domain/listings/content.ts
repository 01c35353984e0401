// R-LIST-3: what listing content must look like, checked field by field.
import { checkEmail, checkHttpUrl, checkText, refuseFields, URL_MAX, type FieldDecision, type FieldError } from "../fields.js";

export type ContactKind = "CONTACT_FORM" | "LEARN_MORE_LINK";
export const CONTACT_KINDS: readonly ContactKind[] = ["CONTACT_FORM", "LEARN_MORE_LINK"];

/** Defaults from public marketplace guidelines; a program policy may override any of them. */
export interface ListingContentLimits {
  readonly nameMax: number;
  readonly taglineMax: number;
  readonly summaryMin: number;
  readonly summaryMax: number;
  readonly howItWorksMax: number;
  readonly featureMax: number;
  readonly featuresMaxCount: number;
  readonly minCategories: number;
  readonly urlMax: number;
}

export const LISTING_CONTENT_LIMITS: ListingContentLimits = {
  nameMax: 30,
  taglineMax: 40,
  summaryMin: 200,
  summaryMax: 2000,
  howItWorksMax: 500,
  featureMax: 200,
  featuresMaxCount: 20,
  minCategories: 1,
  urlMax: URL_MAX,
};

/** Listing content as submitted; optional fields may be empty or missing. */
export interface ListingContentInput {
  readonly name: string;
  readonly tagline: string;
  readonly summary: string;
  readonly howItWorks?: string | null;
  readonly features?: readonly string[] | null;
  readonly categoryIds: readonly string[];
  readonly contactKind: string;
  readonly contactEmail?: string | null;
  readonly learnMoreUrl?: string | null;
  readonly websiteUrl?: string | null;
  readonly screenshots?: readonly string[] | null;
  readonly videoUrl?: string | null;
}

/** Checked content: trimmed, empty optionals as null/"" and duplicate categories removed. */
export interface ListingContent {
  readonly name: string;
  readonly tagline: string;
  readonly summary: string;
  readonly howItWorks: string;
  readonly features: readonly string[];
  readonly categoryIds: readonly string[];
  readonly contactKind: ContactKind;
  readonly contactEmail: string | null;
  readonly learnMoreUrl: string | null;
  readonly websiteUrl: string | null;
  readonly screenshots: readonly string[];
  readonly videoUrl: string | null;
}

/**
 * R-LIST-3: check listing content against the limits and the program's category list.
 * Every problem is reported at once, one error per field.
 */
export function validateListingContent(
  content: ListingContentInput,
  programCategoryIds: readonly string[],
  overrides: Partial<ListingContentLimits> = {},
): FieldDecision<ListingContent> {
  const limits: ListingContentLimits = { ...LISTING_CONTENT_LIMITS, ...overrides };
  const errors: FieldError[] = [];

  const name = checkText(errors, "name", content.name, { min: 1, max: limits.nameMax }) ?? "";
  const tagline = checkText(errors, "tagline", content.tagline, { min: 1, max: limits.taglineMax }) ?? "";
  const summary = checkText(errors, "summary", content.summary, { min: Math.max(1, limits.summaryMin), max: limits.summaryMax }) ?? "";
  const howItWorks = checkText(errors, "howItWorks", content.howItWorks, { max: limits.howItWorksMax }) ?? "";

  const rawFeatures = content.features ?? [];
  if (rawFeatures.length > limits.featuresMaxCount) {
    errors.push({ field: "features", message: `at most ${limits.featuresMaxCount} features (has ${rawFeatures.length})` });
  }
  const features: string[] = [];
  rawFeatures.forEach((f, i) => {
    const text = checkText(errors, `features[${i}]`, f, { min: 1, max: limits.featureMax });
    if (text !== null) features.push(text);
  });

  const categoryIds = [...new Set(content.categoryIds.map((c) => c.trim()).filter((c) => c !== ""))];
  if (categoryIds.length < limits.minCategories) {
    errors.push({ field: "categoryIds", message: `at least ${limits.minCategories} categor${limits.minCategories === 1 ? "y" : "ies"} from the program's category list is required` });
  }
  const known = new Set(programCategoryIds);
  content.categoryIds.forEach((c, i) => {
    if (c.trim() !== "" && !known.has(c.trim())) errors.push({ field: `categoryIds[${i}]`, message: `"${c}" is not in the program's category list` });
  });

  const learnMoreUrl = checkHttpUrl(errors, "learnMoreUrl", content.learnMoreUrl, limits.urlMax);
  const websiteUrl = checkHttpUrl(errors, "websiteUrl", content.websiteUrl, limits.urlMax);
  const videoUrl = checkHttpUrl(errors, "videoUrl", content.videoUrl, limits.urlMax);
  const screenshots: string[] = [];
  (content.screenshots ?? []).forEach((s, i) => {
    const url = checkHttpUrl(errors, `screenshots[${i}]`, s, limits.urlMax);
    if (url === null) errors.push({ field: `screenshots[${i}]`, message: "is empty; give an http(s) URL or remove it" });
    else screenshots.push(url);
  });

  const contactKind = (CONTACT_KINDS as readonly string[]).includes(content.contactKind) ? (content.contactKind as ContactKind) : null;
  if (contactKind === null) {
    errors.push({ field: "contactKind", message: `must be CONTACT_FORM (a monitored sales inbox) or LEARN_MORE_LINK (got "${content.contactKind}")` });
  }
  // The contact form delivers to a sales inbox, so it needs one; a learn-more option needs its link.
  const contactEmail = checkEmail(errors, "contactEmail", content.contactEmail, contactKind === "CONTACT_FORM");
  if (contactKind === "LEARN_MORE_LINK" && learnMoreUrl === null) {
    errors.push({ field: "learnMoreUrl", message: "is required when the contact option is LEARN_MORE_LINK" });
  }

  if (errors.length > 0 || contactKind === null) {
    return refuseFields(
      "R-LIST-3",
      `The listing content has ${errors.length} problem${errors.length === 1 ? "" : "s"}.`,
      errors,
      `Keep the name ≤ ${limits.nameMax}, tagline ≤ ${limits.taglineMax}, summary ${limits.summaryMin}–${limits.summaryMax}, "how it works" ≤ ${limits.howItWorksMax} and each of at most ${limits.featuresMaxCount} features ≤ ${limits.featureMax} characters; pick categories from the program's list; use http(s) URLs; and offer a contact form with a sales e-mail or a learn-more link.`,
    );
  }
  return {
    ok: true,
    value: { name, tagline, summary, howItWorks, features, categoryIds, contactKind, contactEmail, learnMoreUrl, websiteUrl, screenshots, videoUrl },
  };
}
