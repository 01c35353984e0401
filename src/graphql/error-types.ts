// GraphQL shapes of the typed errors mutations return (@pothos/plugin-errors).
import { builder } from "./builder.js";
import { Conflict, Forbidden, InvalidInput, NotFound, RuleViolation } from "../program/refusals.js";

export const ErrorInterface = builder.interfaceRef<Error>("Error").implement({
  description: "Every refused action returns one of these; a refused action changes nothing.",
  fields: (t) => ({ message: t.exposeString("message") }),
});


builder.objectType(RuleViolation, {
  name: "RuleViolation",
  description: "A program rule refused the action (R-ERR-1): which rule, what is missing, what would satisfy it.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof RuleViolation,
  fields: (t) => ({
    rule: t.exposeString("rule", { description: "The rule id from the program rules, e.g. R-LIST-2." }),
    missing: t.exposeStringList("missing"),
    toSatisfy: t.exposeString("toSatisfy", { description: "What would satisfy the rule: only what is still missing." }),
    relatedRule: t.exposeString("relatedRule", { nullable: true, description: "A rule this one leans on, where naming it helps (e.g. R-APP-2 for a re-application under R-USE-4)." }),
    currentState: t.exposeString("currentState", { nullable: true }),
    allowed: t.exposeStringList("allowed", { nullable: true, description: "For state changes: the allowed next states." }),
  }),
});

builder.objectType(NotFound, {
  name: "NotFound",
  description: "No such object, or not one the viewer may see.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof NotFound,
  fields: (t) => ({ what: t.exposeString("what") }),
});

builder.objectType(Forbidden, {
  name: "Forbidden",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof Forbidden,
  fields: () => ({}),
});

const FieldProblemType = builder.objectRef<{ field: string; message: string }>("FieldProblem").implement({
  fields: (t) => ({ field: t.exposeString("field"), message: t.exposeString("message") }),
});

builder.objectType(InvalidInput, {
  name: "InvalidInput",
  description: "Input that cannot be accepted, with every problem by field.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof InvalidInput,
  fields: (t) => ({
    problems: t.field({ type: [FieldProblemType], resolve: (e) => [...e.problems] }),
    relatedRule: t.exposeString("rule", { nullable: true, description: "The program rule the input falls under, if any." }),
  }),
});

builder.objectType(Conflict, {
  name: "Conflict",
  description: "Someone else changed the same thing at the same time; re-read and retry.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof Conflict,
  fields: () => ({}),
});

