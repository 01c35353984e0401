#!/bin/sh
# Stand-in for Prisma's native schema engine: `prisma generate` only asks it for a version.
# Migrations run through @prisma/schema-engine-wasm instead (src/db/migrations.ts).
echo "schema-engine-cli 0.0.0-wasm"
