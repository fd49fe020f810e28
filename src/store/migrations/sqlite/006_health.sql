-- 006_health.sql - health scorecards as versioned definitions, and the daily score history
-- (src/store/health.c, docs/metrics.md "Health"). 001 made both tables, but nothing wrote them:
-- they are made again with what the scores need. A scorecard keeps every version it had (a
-- score of the history names the version that made it); its latest version is the one in force,
-- unless that version is retired. A day's scores are the state at the day's local start, one
-- row per scored account; an account without data has no row (no score), never a made-up one.
-- Scores are derived data: they go with their account.
DROP TABLE health_scores;
DROP TABLE scorecards;

CREATE TABLE scorecards (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    segment TEXT,
    plan TEXT,
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    UNIQUE (workspace_id, name, version)
);

CREATE TABLE health_scores (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    band TEXT NOT NULL CHECK (band IN ('red', 'yellow', 'green')),
    scorecard TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 0),
    measures_used INTEGER NOT NULL,
    measures_total INTEGER NOT NULL,
    components TEXT,
    PRIMARY KEY (workspace_id, account_id, day)
);
CREATE INDEX health_scores_day ON health_scores(workspace_id, day);
