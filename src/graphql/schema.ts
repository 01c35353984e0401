// Imports every type, query and mutation, and builds the schema.
import { builder } from "./builder.js";
import "./enums.js";
import "./nodes/partner.js";
import "./nodes/staff.js";
import "./nodes/app.js";
import "./nodes/validation.js";
import "./nodes/listing.js";
import "./nodes/storefront.js";
import "./nodes/policy.js";
import "./nodes/agreement.js";
import "./nodes/tier.js";
import "./nodes/usage.js";
import "./nodes/lead.js";
import "./nodes/inquiry.js";
import "./nodes/event.js";
import "./nodes/viewer.js";
import "./nodes/api-token.js";
import "./error-types.js";
import "./mutations/partners.js";
import "./mutations/apps.js";
import "./mutations/validations.js";
import "./mutations/listings.js";
import "./mutations/leads.js";
import "./mutations/inquiries.js";
import "./mutations/usage.js";
import "./mutations/tiers.js";

export const schema = builder.toSchema({ sortSchema: true });
