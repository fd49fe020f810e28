-- 003_feed.sql - the change log behind the change feed: every row a write changed, in commit
-- order, so that the analytics engine, health scores and playbooks of any process follow it.
-- Events are not logged here: their ids grow in commit order and are followed directly.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    resource INTEGER NOT NULL,  -- resource code (src/model/resource.c); 0: the workspace was reset
    row_id INTEGER NOT NULL,
    account_id INTEGER,
    op INTEGER NOT NULL,        -- 1 inserted, 2 updated, 3 deleted
    at INTEGER NOT NULL
);
CREATE INDEX changes_workspace ON changes(workspace_id, seq);
