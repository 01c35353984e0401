// Contact-form inquiries through a listing; the partner's response time is kept (R-INQ-1).
import type { Viewer } from "../auth/viewer.js";
import { answerInquiry as answerRule, canSendInquiry, validateInquiry } from "../domain/inquiries.js";
import { actorOf } from "../events/log.js";
import { Conflict, rejectFieldErrors } from "./refusals.js";
import { recordedDateProblems } from "../domain/recorded-facts.js";
import { visibleToMarketplace } from "../domain/listings/marketplaces.js";
import { decide, found, requirePartnerOf, requireStaff, requireVisible } from "./guard.js";
import { canSeeInquiry, canSeeListing } from "./visibility.js";
import type { Program } from "./program.js";

export async function sendInquiry(
  program: Program,
  viewer: Viewer,
  input: { listingId: string; senderName: string; senderEmail: string; senderCompany?: string | null; message: string },
) {
  const content = decide(validateInquiry(input));
  return program.change(async (tx, record) => {
    const listing = found(
      await tx.listing.findUnique({ where: { id: input.listingId }, include: { liveRevision: { select: { contactKind: true } } } }),
      "listing",
    );
    // A listing the sender cannot see reads as missing (R-LIST-6), not as "refused".
    if (!visibleToMarketplace(listing.state, listing.marketplace, viewer)) found(null, "listing");
    decide(canSendInquiry(
      { state: listing.state, marketplace: listing.marketplace, contactKind: listing.liveRevision?.contactKind ?? null },
      { fedrampCleared: viewer.fedrampCleared },
    ));
    const inquiry = await tx.inquiry.create({ data: { listingId: listing.id, partnerId: listing.partnerId, ...content, createdAt: program.now() } });
    await record({
      type: "inquiry.received", actor: actorOf(viewer), subjectId: inquiry.id, partnerId: listing.partnerId,
      listingId: listing.id, marketplace: listing.marketplace, after: { from: content.senderEmail },
    });
    return inquiry;
  });
}

export async function answerInquiry(program: Program, viewer: Viewer, input: { inquiryId: string; response: string }) {
  return program.change(async (tx, record) => {
    const inquiry = found(await tx.inquiry.findUnique({ where: { id: input.inquiryId }, include: { listing: { select: { marketplace: true } } } }), "inquiry");
    // One sent through a FedRAMP listing is missing to the uncleared (R-LIST-6), as are all to integration managers.
    requireVisible(canSeeInquiry(viewer, inquiry), "inquiry");
    const member = requirePartnerOf(viewer, inquiry.partnerId, "inquiry");
    const answer = decide(answerRule(inquiry, input.response, program.now()));
    const { count } = await tx.inquiry.updateMany({
      where: { id: inquiry.id, respondedAt: null },
      data: { response: answer.response, respondedAt: answer.respondedAt, responseSeconds: answer.responseSeconds, respondedById: member.memberId },
    });
    if (count !== 1) throw new Conflict("the inquiry was answered by someone else at the same time");
    await record({
      type: "inquiry.answered", actor: actorOf(viewer), subjectId: inquiry.id, partnerId: inquiry.partnerId,
      listingId: inquiry.listingId, marketplace: inquiry.listing.marketplace, after: { responseSeconds: answer.responseSeconds },
    });
    return tx.inquiry.findUniqueOrThrow({ where: { id: inquiry.id } });
  });
}

/**
 * R-INQ-1 / R-TIME-1: program staff record an inquiry that reached the partner outside the API (through
 * its listing's contact option), with its real date and, when it was answered, the answer's date: its
 * response time counts in the year it fell in.
 */
export async function recordInquiry(
  program: Program,
  viewer: Viewer,
  input: { listingId: string; senderName: string; senderEmail: string; senderCompany?: string | null; message: string; receivedAt: Date; respondedAt?: Date | null; response?: string | null },
) {
  const staff = requireStaff(viewer);
  const content = decide(validateInquiry(input));
  return program.change(async (tx, record) => {
    const listing = found(await tx.listing.findUnique({ where: { id: input.listingId }, include: { partner: { select: { createdAt: true } } } }), "listing");
    // A FedRAMP listing is missing to staff without clearance, like any hidden object (R-LIST-6).
    requireVisible(canSeeListing(viewer, listing), "listing");
    const respondedAt = input.respondedAt ?? null;
    rejectFieldErrors(recordedDateProblems(
      { receivedAt: input.receivedAt, closedAt: respondedAt ? { field: "respondedAt", at: respondedAt } : null },
      { now: program.now(), partnerJoinedAt: listing.partner.createdAt },
    ), "R-TIME-1");
    const answer = respondedAt ? decide(answerRule({ createdAt: input.receivedAt, respondedAt: null }, input.response?.trim() || "(answered outside the API)", respondedAt)) : null;
    const inquiry = await tx.inquiry.create({
      data: {
        listingId: listing.id, partnerId: listing.partnerId, ...content, createdAt: input.receivedAt, recordedById: staff.system ? null : staff.staffId,
        ...(answer ? { respondedAt: answer.respondedAt, response: answer.response, responseSeconds: answer.responseSeconds } : {}),
      },
    });
    await record({
      type: "inquiry.recorded", actor: actorOf(viewer), subjectId: inquiry.id, partnerId: listing.partnerId,
      listingId: listing.id, marketplace: listing.marketplace, after: { from: content.senderEmail, receivedAt: input.receivedAt, respondedAt },
      reason: "reached the partner outside the API; recorded by program staff with its real dates",
    });
    return inquiry;
  });
}
