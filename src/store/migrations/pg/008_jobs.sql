-- 008_jobs.sql (PostgreSQL) - the twin of sqlite/008_jobs.sql: runs of scheduled jobs, one row
-- per job, workspace and slot, claimed by the node that runs it while it holds the job's
-- advisory lock (src/store/jobs.c); finished_at marks it done for every node.
CREATE TABLE job_runs (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    job TEXT COLLATE "C" NOT NULL,
    slot BIGINT NOT NULL,
    node TEXT COLLATE "C" NOT NULL,
    started_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,
    finished_at BIGINT,
    PRIMARY KEY (workspace_id, job, slot)
);
