// The GraphQL-over-HTTP spec audits of graphql-http, against the real HTTP server on a free port:
// every MUST and every SHOULD passes, and no MAY that passes today may start failing.
//
// The audits send requests as a non-browser client would. The server's CSRF prevention (Yoga's
// plugin) refuses "simple" requests a browser could forge (GET, or POST with a form content type)
// unless they carry the x-graphql-csrf header, so the audits' fetch adds that header, as any
// non-browser client of this API must. Nothing else is relaxed: mutations over GET stay refused.
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";

/** The header Yoga's CSRF prevention asks for (src/server/security.ts). */
const CSRF_HEADER = "x-graphql-csrf";

let t: TestService;
let url = "";

beforeAll(async () => {
  t = await startTestService({ listen: true });
  url = `http://127.0.0.1:${t.port}/graphql`;
});
afterAll(() => t?.close());

const fetchWithCsrfHeader: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set(CSRF_HEADER, "1");
  return fetch(input, { ...init, headers });
};

const audits = serverAudits({ url: () => url, fetchFn: fetchWithCsrfHeader });

describe("graphql-http server audits", () => {
  it("has MUST and SHOULD audits to run", () => {
    expect(audits.filter((a) => a.name.startsWith("MUST")).length).toBeGreaterThan(10);
    expect(audits.filter((a) => a.name.startsWith("SHOULD")).length).toBeGreaterThan(10);
  });

  // The optional (MAY) audits this server fails today, by audit id: none. A MAY that starts failing is a
  // regression and fails here; one listed here that passes again should be taken off the list.
  const MAY_FAILING_TODAY = new Set<string>([]);
  it("every MAY audit the server passed before still passes (today: all of them)", async () => {
    const mays = audits.filter((a) => a.name.startsWith("MAY"));
    expect(mays.length).toBeGreaterThan(0);
    const failing: string[] = [];
    for (const audit of mays) {
      const result = await audit.fn();
      if (result.status !== "ok" && !MAY_FAILING_TODAY.has(audit.id)) failing.push(`${audit.id} ${audit.name}: ${result.reason}`);
    }
    expect(failing).toEqual([]);
  });

  for (const audit of audits.filter((a) => a.name.startsWith("MUST") || a.name.startsWith("SHOULD"))) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      if (result.status === "ok") return;
      const body = await result.response.text().catch(() => "");
      expect.fail(`${result.reason}\nHTTP ${result.response.status} ${result.response.headers.get("content-type")}\n${body.slice(0, 500)}`);
    });
  }
});

describe("what the audits do not cover but the spec's security notes require", () => {
  it("a mutation over GET is refused with 405 and changes nothing", async () => {
    const q = encodeURIComponent(`mutation { signUpPartner(input: { name: "Over Get", adminName: "A", adminEmail: "a@get.example" }) { __typename } }`);
    const res = await fetchWithCsrfHeader(`${url}?query=${q}`, { headers: { accept: "application/graphql-response+json" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toMatch(/POST/);
    expect(await t.service.program.prisma.partner.count({ where: { name: "Over Get" } })).toBe(0);
  });
});
