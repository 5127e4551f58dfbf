-- stillroom migration
-- revision: 0002_books
-- parent: 0001_authors
-- message: books
-- requires: SQLite 3.37.0

-- migrate:up
-- create table `emb_books`
CREATE TABLE "emb_books" (
    "isbn" TEXT NOT NULL PRIMARY KEY,
    "author_id" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "pages" INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
    FOREIGN KEY ("author_id") REFERENCES "emb_authors" ("id") ON DELETE CASCADE
) STRICT;
CREATE INDEX "ix_emb_books_author_id" ON "emb_books" ("author_id");

-- migrate:down
-- drop table `emb_books`
DROP TABLE "emb_books";
