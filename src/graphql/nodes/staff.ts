import { builder } from "../builder.js";
import { uuidOrNil } from "../ids.js";
import { StaffRoleEnum } from "../enums.js";

export const StaffUserNode = builder.prismaNode("StaffUser", {
  id: { field: "id" },
  nullable: true,
  // Not a public field (RULES, Actors): to the public a staff id reads like an unknown one.
  findUnique: (id, ctx) => ({ id: ctx.viewer.kind === "public" ? uuidOrNil("") : uuidOrNil(id) }),
  description: "Program staff. Partners see the name of the integration manager leading their validation.",
  fields: (t) => ({
    name: t.exposeString("name"),
    email: t.exposeString("email", { authScopes: { anyStaff: true } }),
    role: t.expose("role", { type: StaffRoleEnum }),
    fedrampCleared: t.exposeBoolean("fedrampCleared", { authScopes: { anyStaff: true } }),
  }),
});

builder.queryFields((t) => ({
  staffUsers: t.prismaField({
    type: ["StaffUser"],
    authScopes: { anyStaff: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.staffUser.findMany({ ...query, orderBy: { email: "asc" } }),
  }),
}));
