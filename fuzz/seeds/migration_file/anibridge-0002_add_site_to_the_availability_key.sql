-- stillroom migration
-- revision: 0002_add_site_to_the_availability_key
-- parent: 0001_initial_schema
-- message: add site to the availability key
-- requires: SQLite 3.37.0
-- foreign-keys: off

-- migrate:up
-- rebuild table `episodeavailability` (add column `site` (part of the primary key); primary key (slug, season, episode, language) -> (slug, season, episode, language, site))
CREATE TABLE "_stillroom_new_episodeavailability" (
    "slug" TEXT NOT NULL,
    "season" INTEGER NOT NULL,
    "episode" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "site" TEXT NOT NULL DEFAULT 'aniworld.to',
    "available" INTEGER NOT NULL CHECK ("available" IN (0, 1)),
    "height" INTEGER,
    "codec" TEXT,
    "provider" TEXT,
    "checked_at" TEXT NOT NULL,
    "extra" TEXT,
    PRIMARY KEY ("slug", "season", "episode", "language", "site")
) STRICT;
INSERT INTO "_stillroom_new_episodeavailability" ("slug", "season", "episode", "language", "available", "height", "codec", "provider", "checked_at", "extra") SELECT "slug", "season", "episode", "language", "available", "height", "codec", "provider", "checked_at", "extra" FROM "episodeavailability";
DROP TABLE "episodeavailability";
ALTER TABLE "_stillroom_new_episodeavailability" RENAME TO "episodeavailability";
CREATE INDEX "ix_episodeavailability_checked_at" ON "episodeavailability" ("checked_at");

-- migrate:down
-- rebuild table `episodeavailability` (drop column `site`; primary key (slug, season, episode, language, site) -> (slug, season, episode, language))
CREATE TABLE "_stillroom_new_episodeavailability" (
    "slug" TEXT NOT NULL,
    "season" INTEGER NOT NULL,
    "episode" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "available" INTEGER NOT NULL CHECK ("available" IN (0, 1)),
    "height" INTEGER,
    "codec" TEXT,
    "provider" TEXT,
    "checked_at" TEXT NOT NULL,
    "extra" TEXT,
    PRIMARY KEY ("slug", "season", "episode", "language")
) STRICT;
INSERT INTO "_stillroom_new_episodeavailability" ("slug", "season", "episode", "language", "available", "height", "codec", "provider", "checked_at", "extra") SELECT "slug", "season", "episode", "language", "available", "height", "codec", "provider", "checked_at", "extra" FROM "episodeavailability";
DROP TABLE "episodeavailability";
ALTER TABLE "_stillroom_new_episodeavailability" RENAME TO "episodeavailability";
CREATE INDEX "ix_episodeavailability_checked_at" ON "episodeavailability" ("checked_at");
