-- stillroom migration
-- revision: 0001_initial
-- parent: none
-- message: initial
-- requires: SQLite 3.37.0

-- migrate:up
-- create table `jobs`
CREATE TABLE "jobs" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" REAL NOT NULL,
    "created_at" TEXT NOT NULL,
    "message" TEXT
) STRICT;
CREATE INDEX "ix_jobs_created_at" ON "jobs" ("created_at");

-- create table `job_events`
CREATE TABLE "job_events" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job_id" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    FOREIGN KEY ("job_id") REFERENCES "jobs" ("id") ON DELETE CASCADE
) STRICT;
CREATE INDEX "ix_job_events_job_id" ON "job_events" ("job_id");

-- migrate:down
-- drop table `job_events`
DROP TABLE "job_events";

-- drop table `jobs`
DROP TABLE "jobs";
