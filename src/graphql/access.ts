// Who may make a change, declared on each mutation whose use case decides it (the others declare
// scope-auth `authScopes`). The use cases enforce it (program/guard.ts, program/visibility.ts); the
// declaration says it where the field is, and the authorization matrix derives what every kind of
// viewer must get from it, so the two cannot drift apart.
//
// `by`: who acts. `on`: what kind of object the change acts on, which decides what someone who may
// not act gets: a viewer who may see the object gets Forbidden; one who may not gets NotFound,
// exactly like an unknown id (and a partner's object is never found by another partner's members).

export type Actor =
  | "anyone"
  | "partnerMember" // a member (or admin, or API token) of the object's partner
  | "partnerAdmin" // an admin of the object's partner, signed in as a person
  | "partnerMemberOrProgramStaff"
  | "programStaff"
  | "integrationManager"
  | "anyStaff";

export type ActedOn =
  | "nothing" // a new thing of nobody's (signing up, publishing an agreement)
  | "partnerWork" // a partner, app, test customer or validation: the partner's work with the program
  | "partnerPrivate" // a lead, inquiry, member or API token: the partner's and program staff's only
  | "listing"; // a listing: the partner's work while in progress, everyone's while on the storefront

export interface MutationAccess {
  readonly by: Actor;
  readonly on: ActedOn;
}

/** Field options declaring who may make the change (spread into a mutation field's options). */
export const access = (by: Actor, on: ActedOn) => ({ extensions: { access: { by, on } satisfies MutationAccess } });

/**
 * A mutation only program staff may make, checked by scope-auth before it runs. Anyone else gets a
 * typed Forbidden saying who may make it and why (builder.ts, unauthorizedError), not a bare error.
 */
export const programStaffOnly = (why: string) => ({ authScopes: { programStaff: true }, extensions: { whoMay: `Only program staff can do this: ${why}` } });

/** The sentence a refused viewer reads (a field's `whoMay`, else one from its scope). */
export function whoMay(extensions: Readonly<Record<string, unknown>> | null | undefined, scope: string | undefined): string {
  if (typeof extensions?.whoMay === "string") return extensions.whoMay;
  switch (scope) {
    case "programStaff": return "Only program staff can do this.";
    case "anyStaff": return "Only program staff and integration managers can do this.";
    case "authenticated": return "Sign in first: send a token as `Authorization: Bearer <token>`.";
    default: return "Not allowed for this viewer.";
  }
}
