-- AlterTable
ALTER TABLE "ListingRevision" ADD COLUMN     "searchDocument" tsvector;

-- CreateIndex
CREATE INDEX "Listing_marketplace_firstLiveAt_id_idx" ON "Listing"("marketplace", "firstLiveAt", "id");

-- CreateIndex
CREATE INDEX "ListingRevision_searchDocument_idx" ON "ListingRevision" USING GIN ("searchDocument");

-- Storefront full-text search (hand-written; Prisma leaves functions, triggers and expression
-- indexes alone). The document weights the name highest, then the tagline, then summary and
-- features; a trigger keeps it in step with the revision's text.
CREATE FUNCTION "listing_search_document"(name text, tagline text, summary text, features text[]) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english', coalesce(name, '')), 'A')
      || setweight(to_tsvector('english', coalesce(tagline, '')), 'B')
      || setweight(to_tsvector('english', coalesce(summary, '')), 'C')
      || setweight(to_tsvector('english', coalesce(array_to_string(features, ' '), '')), 'C')
$$;

CREATE FUNCTION "listing_revision_search_document"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchDocument" := "listing_search_document"(NEW."name", NEW."tagline", NEW."summary", NEW."features");
  RETURN NEW;
END $$;

CREATE TRIGGER "ListingRevision_search_document" BEFORE INSERT OR UPDATE OF "name", "tagline", "summary", "features"
  ON "ListingRevision" FOR EACH ROW EXECUTE FUNCTION "listing_revision_search_document"();

UPDATE "ListingRevision" SET "searchDocument" = "listing_search_document"("name", "tagline", "summary", "features");

-- The storefront's "name" order (case-insensitive), walked in order for the first page.
CREATE INDEX "ListingRevision_sort_name_idx" ON "ListingRevision" (lower("name"), "listingId");
