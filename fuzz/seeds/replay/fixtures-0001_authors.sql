-- stillroom migration
-- revision: 0001_authors
-- parent: none
-- message: authors
-- requires: SQLite 3.37.0

-- migrate:up
-- create table `emb_authors`
CREATE TABLE "emb_authors" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX "uq_emb_authors_name" ON "emb_authors" ("name");

-- migrate:down
-- drop table `emb_authors`
DROP TABLE "emb_authors";
