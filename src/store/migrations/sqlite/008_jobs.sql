-- 008_jobs.sql - runs of scheduled jobs (health snapshots, playbooks, survey sends): one row per
-- job, workspace and slot (the period it is for, e.g. a day), claimed by the process that runs it
-- and marked finished after; another process that finds the row claims nothing (src/store/jobs.c).
-- A claim whose holder died is taken over once its lease ends (PostgreSQL: at once, the holder's
-- advisory lock having gone with its connection).
CREATE TABLE job_runs (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    job TEXT NOT NULL,
    slot INTEGER NOT NULL,
    node TEXT NOT NULL,            -- who claimed it: host and process id
    started_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    finished_at INTEGER,           -- NULL while it runs (or when its holder died)
    PRIMARY KEY (workspace_id, job, slot)
);
