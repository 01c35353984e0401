// npm run codegen: typed documents for the operations the frontends use (schema/operations/*.graphql),
// checked against the printed schema. npm run codegen:check fails when the generated files are stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["schema/operations/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "schema/operations/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        importExtension: ".js",
        // How the scalars arrive in JSON: BigInt is a number while it is a safe integer, else a string.
        scalars: {
          DateTime: "string",
          Date: "string",
          BigInt: "number | string",
          JSON: "unknown",
        },
        strictScalars: true,
      },
    },
  },
};

export default config;
