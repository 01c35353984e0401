// Contact-form inquiries through a listing; the partner's response time is kept (R-INQ-1).
import type { Viewer } from "../auth/viewer.js";
import { answerInquiry as answerRule, canSendInquiry, validateInquiry } from "../domain/inquiries.js";
import { actorOf } from "../events/log.js";
import { Conflict } from "./refusals.js";
import { visibleToMarketplace } from "../domain/listings/marketplaces.js";
import { decide, found, requirePartnerOf, requireVisible } from "./guard.js";
import { canSeeInquiry } from "./visibility.js";
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
    const inquiry = await tx.inquiry.create({ data: { listingId: listing.id, partnerId: listing.partnerId, ...content } });
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
    const answer = decide(answerRule(inquiry, input.response, new Date()));
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
