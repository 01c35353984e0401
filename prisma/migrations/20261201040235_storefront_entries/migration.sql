-- CreateTable
CREATE TABLE "StorefrontEntry" (
    "listingId" UUID NOT NULL,
    "revisionId" UUID NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "state" "ListingState" NOT NULL,
    "appId" UUID NOT NULL,
    "firstLiveAt" TIMESTAMPTZ(3),
    "tierKey" VARCHAR(40) NOT NULL,
    "dataFlow" "DataFlow" NOT NULL,
    "kind" "AppKind" NOT NULL,
    "categoryIds" UUID[],
    "name" VARCHAR(30) NOT NULL,
    "searchDocument" tsvector,

    CONSTRAINT "StorefrontEntry_pkey" PRIMARY KEY ("listingId")
);

-- CreateIndex
CREATE INDEX "StorefrontEntry_searchDocument_idx" ON "StorefrontEntry" USING GIN ("searchDocument");

-- AddForeignKey
ALTER TABLE "StorefrontEntry" ADD CONSTRAINT "StorefrontEntry_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written. Searches read this index on every request and entries change rarely: without
-- GIN's pending list an entry is searchable through the index the moment it commits (with it, new
-- entries wait for a vacuum in a list every search scans, and the planner turns to a full scan).
ALTER INDEX "StorefrontEntry_searchDocument_idx" SET (fastupdate = off);

-- What keeps StorefrontEntry current, in the transaction of every change that alters
-- what a search reads (R-LIST-6, R-EVT-1: the change, its event and the entry commit together).
-- Statement-level triggers with transition tables: one set-based refresh per statement, however
-- many rows it changed (a bulk import, a sweep, an assessment).

-- The entries of these listings, recomputed from the normalized tables: a listing with a live
-- revision has one, any other has none. The listings are locked first (FOR NO KEY UPDATE, which
-- leaves foreign-key checks alone), so two transactions refreshing one listing take turns and the
-- later one reads what the earlier committed: an entry is never computed from a stale snapshot.
CREATE FUNCTION "storefront_entries_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM "Listing" WHERE "id" = ANY(ids) ORDER BY "id" FOR NO KEY UPDATE;
  DELETE FROM "StorefrontEntry" WHERE "listingId" = ANY(ids);
  INSERT INTO "StorefrontEntry" ("listingId", "revisionId", "marketplace", "state", "appId", "firstLiveAt",
                                 "tierKey", "dataFlow", "kind", "categoryIds", "name", "searchDocument")
  SELECT l."id", r."id", l."marketplace", l."state", l."appId", l."firstLiveAt",
         p."tierKey", a."dataFlow", a."kind",
         ARRAY(SELECT lc."categoryId" FROM "ListingRevisionCategory" lc WHERE lc."revisionId" = r."id" ORDER BY 1),
         r."name", r."searchDocument"
  FROM "Listing" l
  JOIN "ListingRevision" r ON r."id" = l."liveRevisionId"
  JOIN "App" a ON a."id" = l."appId"
  JOIN "Partner" p ON p."id" = l."partnerId"
  WHERE l."id" = ANY(ids);
END $$;

-- A listing inserted or updated (state, marketplace, live revision, first live date...).
CREATE FUNCTION "storefront_entries_of_listings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "storefront_entries_refresh"(ARRAY(SELECT DISTINCT "id" FROM new_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER "Listing_storefront_entries_insert" AFTER INSERT ON "Listing"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_listings"();
CREATE TRIGGER "Listing_storefront_entries_update" AFTER UPDATE ON "Listing"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_listings"();

-- A revision's text changed while it is live (its name and search document are in the entry).
CREATE FUNCTION "storefront_entries_of_revisions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "storefront_entries_refresh"(ARRAY(SELECT l."id" FROM "Listing" l WHERE l."liveRevisionId" IN (SELECT "id" FROM new_rows)));
  RETURN NULL;
END $$;
CREATE TRIGGER "ListingRevision_storefront_entries_update" AFTER UPDATE ON "ListingRevision"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_revisions"();

-- A live revision's categories changed.
CREATE FUNCTION "storefront_entries_of_category_links"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM "storefront_entries_refresh"(ARRAY(SELECT l."id" FROM "Listing" l WHERE l."liveRevisionId" IN (SELECT "revisionId" FROM old_rows)));
  ELSE
    PERFORM "storefront_entries_refresh"(ARRAY(SELECT l."id" FROM "Listing" l WHERE l."liveRevisionId" IN (SELECT "revisionId" FROM new_rows)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "ListingRevisionCategory_storefront_entries_insert" AFTER INSERT ON "ListingRevisionCategory"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_category_links"();
CREATE TRIGGER "ListingRevisionCategory_storefront_entries_delete" AFTER DELETE ON "ListingRevisionCategory"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_category_links"();

-- An app's data flow or kind, a partner's tier.
CREATE FUNCTION "storefront_entries_of_apps"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "storefront_entries_refresh"(ARRAY(
    SELECT l."id" FROM "Listing" l JOIN new_rows n ON n."id" = l."appId" JOIN old_rows o ON o."id" = n."id"
    WHERE (n."dataFlow", n."kind") IS DISTINCT FROM (o."dataFlow", o."kind")));
  RETURN NULL;
END $$;
CREATE TRIGGER "App_storefront_entries_update" AFTER UPDATE ON "App"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_apps"();

CREATE FUNCTION "storefront_entries_of_partners"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "storefront_entries_refresh"(ARRAY(
    SELECT l."id" FROM "Listing" l JOIN new_rows n ON n."id" = l."partnerId" JOIN old_rows o ON o."id" = n."id"
    WHERE n."tierKey" IS DISTINCT FROM o."tierKey"));
  RETURN NULL;
END $$;
CREATE TRIGGER "Partner_storefront_entries_update" AFTER UPDATE ON "Partner"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "storefront_entries_of_partners"();

-- The entries of the listings already there.
SELECT "storefront_entries_refresh"(ARRAY(SELECT "id" FROM "Listing" WHERE "liveRevisionId" IS NOT NULL));
