// What the embedded database is asked to do, as whole protocol exchanges (pglite-client.ts says why):
// a query with an unnamed statement (PGlite's `query`), a script (PGlite's `exec`), and a named
// prepared statement (the storefront's hot reads). Each runs synchronously on the PGlite it is given,
// ends with Sync, and returns the backend's reply as raw bytes for the caller to parse.
//
// Plain JavaScript: it runs on the embedded database's worker thread (pglite-thread-worker.mjs) as
// well as in the server's own thread, from src/ (tests) and dist/ (copied by the build) alike.
import { protocol } from "@electric-sql/pglite";

const { serialize, Parser } = protocol;

// Named statements plan generically: planned once, on their first Bind, and reused. PostgreSQL's own
// choice keeps re-planning the storefront's page (its generic plan looks costlier on paper than it
// runs), and planning in WebAssembly costs more than the page itself. Only for these statements: the
// rest of the session (Prisma's) plans as PostgreSQL chooses. The setting, the call and the setting
// back go in one buffer: one pass through PGlite's main loop instead of one per message (after an
// error the backend skips to Sync, then sets it back).
const FORCE_GENERIC = serialize.query("SET plan_cache_mode = force_generic_plan");
const AUTO_PLANS = serialize.query("SET plan_cache_mode = auto");
const SYNC = serialize.sync();

/** The backend's messages in `bytes` (one exchange's reply: whole messages). */
function messagesOf(bytes) {
  const out = [];
  new Parser().parse(bytes, (m) => out.push(m));
  return out;
}

const failed = (messages) => messages.some((m) => m.name === "error");
const parameterTypes = (messages) => messages.find((m) => m.name === "parameterDescription")?.dataTypeIDs ?? [];

function concat(parts) {
  const nonEmpty = parts.filter((p) => p.length > 0);
  // A fresh buffer of its own (never Node's shared pool): the worker transfers it.
  return nonEmpty.length === 1 ? nonEmpty[0] : new Uint8Array(Buffer.concat(nonEmpty));
}

/**
 * The exchanges on one PGlite session, as one function of an exchange. Messages go through
 * `execProtocolRawSync`, which returns a copy of the reply in a buffer of its own.
 * @param {import("@electric-sql/pglite").PGlite} db
 */
export function exchanges(db) {
  const raw = (message) => db.execProtocolRawSync(message);
  /** Parameter type oids of each named statement prepared in this session. */
  const prepared = new Map();

  /** Serializes parameters by their types, as PGlite's own query does. */
  const bindValues = (values, oids) =>
    values.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serializer = db.serializers[oids[i]];
      return serializer ? serializer(v) : v.toString();
    });

  /** Bind values, ending the exchange (Sync) when they cannot be serialized. */
  const bindOrSync = (values, oids) => {
    try {
      return bindValues(values, oids);
    } catch (err) {
      raw(SYNC);
      throw err;
    }
  };

  /**
   * Parse, then Describe for the parameters' types. A failure ends the exchange (Sync): `reply` is
   * then the whole answer, errors included.
   */
  const prepare = (parseMessage, describeMessage) => {
    const parsed = raw(parseMessage);
    if (failed(messagesOf(parsed))) return { reply: concat([parsed, raw(SYNC)]) };
    const described = raw(describeMessage);
    const messages = messagesOf(described);
    if (failed(messages)) return { reply: concat([parsed, described, raw(SYNC)]) };
    return { parsed, oids: parameterTypes(messages) };
  };

  const run = {
    /** PGlite's `query`: Parse, Describe (for the parameters' types), Bind, Describe, Execute, Sync. */
    query({ sql, params, paramTypes }) {
      const { reply, parsed, oids } = prepare(serialize.parse({ text: sql, types: paramTypes }), serialize.describe({ type: "S" }));
      if (reply) return reply;
      const values = bindOrSync(params ?? [], oids);
      // As PGlite's query: the statement's Describe is not part of the result.
      return concat([parsed, raw(Buffer.concat([
        serialize.bind({ values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        SYNC,
      ]))]);
    },

    /** PGlite's `exec`: a simple-protocol script of any number of statements. */
    exec({ sql }) {
      return raw(Buffer.concat([serialize.query(sql), SYNC]));
    },

    /** A named prepared statement: Parse and Describe once per session, then Bind and Execute. */
    statement({ name, text, values }) {
      let oids = prepared.get(name);
      if (!oids) {
        const first = prepare(serialize.parse({ name, text }), serialize.describe({ type: "S", name }));
        if (first.reply) return first.reply;
        oids = first.oids;
        prepared.set(name, oids);
      }
      const bound = bindOrSync(values, oids);
      return raw(Buffer.concat([
        FORCE_GENERIC,
        serialize.bind({ statement: name, values: bound }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        SYNC,
        AUTO_PLANS,
      ]));
    },
  };

  /**
   * Runs one exchange (`{ op, ...its fields }`). Outside a transaction, what was written is then
   * flushed as PGlite's own query does (a no-op for a folder on disk, which PostgreSQL writes through
   * the file system itself).
   */
  return (exchange) => {
    const bytes = run[exchange.op](exchange);
    if (!db.isInTransaction()) void db.syncToFs();
    return bytes;
  };
}
