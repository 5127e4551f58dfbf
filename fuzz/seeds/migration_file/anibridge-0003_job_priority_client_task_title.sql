-- stillroom migration
-- revision: 0003_job_priority_client_task_title
-- parent: 0002_add_site_to_the_availability_key
-- message: job priority, client task title
-- requires: SQLite 3.35.0

-- migrate:up
-- rename column `clienttask.name` to `title`
ALTER TABLE "clienttask" RENAME COLUMN "name" TO "title";

-- add column `job.priority`
ALTER TABLE "job" ADD COLUMN "priority" INTEGER NOT NULL DEFAULT 0;

-- create index `ix_job_priority`
CREATE INDEX "ix_job_priority" ON "job" ("priority");

-- migrate:down
-- drop index `ix_job_priority`
DROP INDEX "ix_job_priority";

-- rename column `clienttask.title` to `name`
ALTER TABLE "clienttask" RENAME COLUMN "title" TO "name";

-- drop column `job.priority`
ALTER TABLE "job" DROP COLUMN "priority";
