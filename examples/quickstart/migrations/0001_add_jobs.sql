-- stillroom migration
-- revision: 0001_add_jobs
-- parent: none
-- message: add jobs
-- requires: SQLite 3.37.0

-- migrate:up
-- create table `jobs`
CREATE TABLE "jobs" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "created_at" TEXT NOT NULL
) STRICT;
CREATE INDEX "ix_jobs_created_at" ON "jobs" ("created_at");

-- migrate:down
-- drop table `jobs`
DROP TABLE "jobs";
