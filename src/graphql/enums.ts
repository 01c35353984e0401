// The database enums, exposed under the same names.
import {
  AgreementKind, AppKind, AppStatus, ContactKind, DataFlow, DelistReason, InvitationStatus, LeadStatus,
  ListingState, Marketplace, PartnerRole, RevisionStatus, StaffRole, ValidationCheckKind, ValidationPurpose,
  ValidationStatus, ActorKind,
} from "../generated/prisma/enums.js";
import { builder } from "./builder.js";

export const MarketplaceEnum = builder.enumType(Marketplace, { name: "Marketplace" });
export const ListingStateEnum = builder.enumType(ListingState, { name: "ListingState" });
export const AppKindEnum = builder.enumType(AppKind, { name: "AppKind" });
export const DataFlowEnum = builder.enumType(DataFlow, { name: "DataFlow" });
export const AppStatusEnum = builder.enumType(AppStatus, { name: "AppStatus" });
export const PartnerRoleEnum = builder.enumType(PartnerRole, { name: "PartnerRole" });
export const StaffRoleEnum = builder.enumType(StaffRole, { name: "StaffRole" });
export const AgreementKindEnum = builder.enumType(AgreementKind, { name: "AgreementKind" });
export const DelistReasonEnum = builder.enumType(DelistReason, { name: "DelistReason" });
export const RevisionStatusEnum = builder.enumType(RevisionStatus, { name: "RevisionStatus" });
export const ContactKindEnum = builder.enumType(ContactKind, { name: "ContactKind" });
export const ValidationStatusEnum = builder.enumType(ValidationStatus, { name: "ValidationStatus" });
export const ValidationPurposeEnum = builder.enumType(ValidationPurpose, { name: "ValidationPurpose" });
export const ValidationCheckKindEnum = builder.enumType(ValidationCheckKind, { name: "ValidationCheckKind" });
export const LeadStatusEnum = builder.enumType(LeadStatus, { name: "LeadStatus" });
export const InvitationStatusEnum = builder.enumType(InvitationStatus, { name: "InvitationStatus" });
export const ActorKindEnum = builder.enumType(ActorKind, { name: "ActorKind" });
