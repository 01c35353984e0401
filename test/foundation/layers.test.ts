// The layering (README, "Layout"): rules import no other layer, use cases never the GraphQL layer or the server.
import { describe, expect, it } from "vitest";
import { layerViolations } from "../../scripts/check-layers.js";

describe("the house's arrows point one way", () => {
  it("src/domain imports nothing of the project outside it; src/program imports neither src/graphql nor src/server", async () => {
    expect(await layerViolations()).toEqual([]);
  });
});
