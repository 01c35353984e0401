// Reads the facts the program rules decide on, inside the use case's transaction.
import { type AgreementStanding, type PublishedAgreement, type AgreementSignatureFact, agreementStanding } from "../domain/partners.js";
import type { AppFact, TestCustomerFact, ValidationFact } from "../domain/apps.js";
import type { Tx } from "../events/log.js";

export async function publishedAgreements(tx: Tx): Promise<PublishedAgreement[]> {
  const docs = await tx.agreementDocument.findMany({ select: { kind: true, version: true, bodySha256: true, title: true } });
  return docs;
}

export async function signatureFacts(tx: Tx, partnerId: string): Promise<AgreementSignatureFact[]> {
  const rows = await tx.agreementSignature.findMany({
    where: { partnerId },
    select: { signedAt: true, signedById: true, document: { select: { kind: true, version: true } } },
  });
  return rows.map((r) => ({ kind: r.document.kind, version: r.document.version, signedAt: r.signedAt, signedBy: r.signedById }));
}

export async function standingOf(tx: Tx, partnerId: string): Promise<AgreementStanding> {
  const [published, signatures] = await Promise.all([publishedAgreements(tx), signatureFacts(tx, partnerId)]);
  return agreementStanding(published, signatures);
}

export async function partnerApps(tx: Tx, partnerId: string): Promise<AppFact[]> {
  return tx.app.findMany({ where: { partnerId }, select: { id: true, name: true, status: true } });
}

export async function partnerValidations(tx: Tx, partnerId: string): Promise<ValidationFact[]> {
  return tx.appValidation.findMany({
    where: { app: { partnerId } },
    select: { id: true, appId: true, marketplace: true, attempt: true, purpose: true, status: true, integrationManagerId: true },
  });
}

export async function testCustomerFacts(tx: Tx, appId: string): Promise<TestCustomerFact[]> {
  return tx.testCustomer.findMany({
    where: { appId },
    select: { id: true, appId: true, customerName: true, installedAt: true, firstUsedAt: true, lastUsedAt: true, usageCount: true },
  });
}
