// Prisma's WebAssembly schema engine, driven through a driver adapter: migrations without the
// native engine binary (see README "How migrations work"). Its ESM entry imports the .wasm file
// as a module, which Node 20 refuses, so it is instantiated by hand.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine as SchemaEngineType } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);
let loaded: Promise<typeof import("@prisma/schema-engine-wasm")> | undefined;

async function loadEngineModule() {
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const wasm = await WebAssembly.compile(await readFile(path.join(dir, "schema_engine_bg.wasm")));
  const instance = new WebAssembly.Instance(wasm, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  (bg as unknown as { __wbg_set_wasm(e: WebAssembly.Exports): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  return bg as unknown as typeof import("@prisma/schema-engine-wasm");
}

export type SchemaEngine = SchemaEngineType;

export async function openSchemaEngine(
  schemaPath: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  loaded ??= loadEngineModule();
  const mod = await loaded;
  const datamodel = await readFile(schemaPath, "utf8");
  return mod.SchemaEngine.new(
    { datamodels: [[schemaPath, datamodel]] },
    (message: string) => log(message),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
