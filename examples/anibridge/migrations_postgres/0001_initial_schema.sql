-- stillroom migration
-- revision: 0001_initial_schema
-- parent: none
-- message: initial schema
-- dialect: postgres
-- down-data-loss: drops table `clienttask` and all its rows
-- down-data-loss: drops table `episodeavailability` and all its rows
-- down-data-loss: drops table `job` and all its rows

-- migrate:up
-- create table `episodeavailability`
CREATE TABLE "episodeavailability" (
    "slug" TEXT NOT NULL,
    "season" BIGINT NOT NULL,
    "episode" BIGINT NOT NULL,
    "language" TEXT NOT NULL,
    "site" TEXT NOT NULL DEFAULT 'aniworld.to',
    "available" BOOLEAN NOT NULL,
    "height" BIGINT,
    "codec" TEXT,
    "provider" TEXT,
    "checked_at" TEXT NOT NULL,
    "extra" JSONB,
    CONSTRAINT "episodeavailability_pkey" PRIMARY KEY ("slug", "season", "episode", "language", "site")
);
CREATE INDEX "ix_episodeavailability_checked_at" ON "episodeavailability" ("checked_at");

-- create table `job`
CREATE TABLE "job" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "downloaded_bytes" BIGINT NOT NULL DEFAULT 0,
    "priority" BIGINT NOT NULL DEFAULT 0,
    "total_bytes" BIGINT,
    "message" TEXT,
    "result_path" TEXT,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "job_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ix_job_created_at" ON "job" ("created_at");
CREATE INDEX "ix_job_priority" ON "job" ("priority");
CREATE INDEX "ix_job_status" ON "job" ("status");
CREATE INDEX "ix_job_updated_at" ON "job" ("updated_at");

-- create table `clienttask`
CREATE TABLE "clienttask" (
    "hash" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "season" BIGINT NOT NULL,
    "episode" BIGINT NOT NULL,
    "language" TEXT NOT NULL,
    "job_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "clienttask_pkey" PRIMARY KEY ("hash"),
    CONSTRAINT "clienttask_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "job" ("id") ON DELETE SET NULL
);
CREATE INDEX "ix_clienttask_job_id" ON "clienttask" ("job_id");

-- migrate:down
-- drop table `clienttask`
DROP TABLE "clienttask";

-- drop table `job`
DROP TABLE "job";

-- drop table `episodeavailability`
DROP TABLE "episodeavailability";
