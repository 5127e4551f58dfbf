-- stillroom migration
-- revision: 0001_initial_schema
-- parent: none
-- message: initial schema
-- requires: SQLite 3.37.0

-- migrate:up
-- create table `episodeavailability`
CREATE TABLE "episodeavailability" (
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
CREATE INDEX "ix_episodeavailability_checked_at" ON "episodeavailability" ("checked_at");

-- create table `job`
CREATE TABLE "job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" REAL NOT NULL DEFAULT 0,
    "downloaded_bytes" INTEGER NOT NULL DEFAULT 0,
    "total_bytes" INTEGER,
    "message" TEXT,
    "result_path" TEXT,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
) STRICT;
CREATE INDEX "ix_job_created_at" ON "job" ("created_at");
CREATE INDEX "ix_job_status" ON "job" ("status");
CREATE INDEX "ix_job_updated_at" ON "job" ("updated_at");

-- create table `clienttask`
CREATE TABLE "clienttask" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "season" INTEGER NOT NULL,
    "episode" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "job_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    FOREIGN KEY ("job_id") REFERENCES "job" ("id") ON DELETE SET NULL
) STRICT;
CREATE INDEX "ix_clienttask_job_id" ON "clienttask" ("job_id");

-- migrate:down
-- drop table `clienttask`
DROP TABLE "clienttask";

-- drop table `job`
DROP TABLE "job";

-- drop table `episodeavailability`
DROP TABLE "episodeavailability";
