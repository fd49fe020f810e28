-- 005_text.sql - what each stored text says (src/text, docs/text.md): one row per survey comment
-- (source 1, responses.comment) and per touchpoint text (source 2, touchpoints.text), written by
-- src/core/textstore.c as it follows the change log in the transaction that stored the text;
-- replaced when the text changes, deleted with its row. text_cursor is how far each
-- workspace's change log has been read for it.
CREATE TABLE text_results (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    source INTEGER NOT NULL CHECK (source IN (1, 2)),
    row_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    scored INTEGER NOT NULL,     -- 1: English (or no letters), so the figures below are set
    compound REAL,
    pos REAL,
    neu REAL,
    neg REAL,
    emotions TEXT,               -- the emotions reported, comma-separated, strongest first
    topics TEXT,                 -- the topics, comma-separated, first mentioned first
    notes TEXT,                  -- empty, html, truncated
    analyzed_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, source, row_id)
);

CREATE TABLE text_cursor (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id),
    seq INTEGER NOT NULL
);
