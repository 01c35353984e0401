// The stored event history speaks the catalogue's language: every stored type is a catalogue type,
// and the one-time migration that renamed the old underscore types left the log append-only.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_CATALOGUE, isEventType } from "../../src/domain/events.js";
import { seedDemoData } from "../../src/seed/demo.js";
import { freshDatabase, type TestDatabase } from "../support/harness.js";
import { createProgram } from "../../src/program/program.js";
import { createEventBus } from "../../src/events/bus.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await freshDatabase();
});
afterAll(() => tdb?.drop());

describe("the event history", () => {
  it("R-EVT-1: every event the demo data writes is a catalogue type with the catalogue's subject", async () => {
    const bus = createEventBus(undefined);
    await seedDemoData(createProgram({ prisma: tdb.db.prisma, bus }));
    await bus.close();
    const stored = await tdb.db.prisma.event.groupBy({ by: ["type", "subjectType"] });
    expect(stored.length).toBeGreaterThan(10);
    for (const { type, subjectType } of stored) {
      expect(isEventType(type), type).toBe(true);
      if (isEventType(type)) expect(subjectType, type).toBe(EVENT_CATALOGUE[type].subject);
    }
  });

  it("the event-type rename migration renames the old names, and the log is append-only again after it", async () => {
    const prisma = tdb.db.prisma;
    const subjectId = crypto.randomUUID();
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Event" ("type", "actorKind", "subjectType", "subjectId") VALUES ('listing.low_usage_notice', 'SYSTEM', 'Listing', $1::uuid), ('listing.low_usage_recovered', 'SYSTEM', 'Listing', $1::uuid)`,
      subjectId,
    );
    const sql = await readFile(new URL("../../prisma/migrations/20261130160000_event_type_names/migration.sql", import.meta.url), "utf8");
    for (const statement of sql.replace(/^\s*--.*$/gm, "").split(";").map((s) => s.trim()).filter(Boolean)) await prisma.$executeRawUnsafe(statement);
    const types = (await prisma.event.findMany({ where: { subjectId }, orderBy: { position: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["listing.low-usage-notice", "listing.low-usage-recovered"]);
    await expect(prisma.$executeRawUnsafe(`UPDATE "Event" SET "reason" = 'rewritten' WHERE "subjectId" = $1::uuid`, subjectId)).rejects.toThrow(/append-only/);
  });
});
