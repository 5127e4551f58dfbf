-- stillroom migration
-- revision: 0003_author_email
-- parent: 0002_books
-- message: author email  
-- requires: SQLite 3.35.0

-- migrate:up
-- add column `emb_authors.email`
ALTER TABLE "emb_authors" ADD COLUMN "email" TEXT;	 

-- migrate:down
-- drop column `emb_authors.email`
ALTER TABLE "emb_authors" DROP COLUMN "email";

  

