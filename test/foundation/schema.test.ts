import { readFile } from "node:fs/promises";
import { lexicographicSortSchema, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../../src/graphql/schema.js";

describe("printed SDL", () => {
  it("schema/schema.graphql matches the schema the server builds (run npm run schema:print)", async () => {
    const checkedIn = await readFile(new URL("../../schema/schema.graphql", import.meta.url), "utf8");
    expect(checkedIn).toBe(printSchema(lexicographicSortSchema(schema)) + "\n");
  });
});
