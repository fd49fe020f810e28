-- 005_text.sql (PostgreSQL) - the twin of sqlite/005_text.sql: what each stored text says, one
-- row per survey comment (source 1) and per touchpoint text (source 2), written by
-- src/core/textstore.c as it follows the change log; text_cursor is how far each workspace's
-- change log has been read for it.
CREATE TABLE text_results (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
    source BIGINT NOT NULL CHECK (source IN (1, 2)),
    row_id BIGINT NOT NULL,
    language TEXT NOT NULL,
    scored BIGINT NOT NULL,
    compound DOUBLE PRECISION,
    pos DOUBLE PRECISION,
    neu DOUBLE PRECISION,
    neg DOUBLE PRECISION,
    emotions TEXT,
    topics TEXT,
    notes TEXT,
    analyzed_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, source, row_id)
);

CREATE TABLE text_cursor (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
    seq BIGINT NOT NULL
);
