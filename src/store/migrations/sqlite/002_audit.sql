-- 002_audit.sql - explicit deletes are recorded: who, when, what, and the row as it was.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    row_key TEXT NOT NULL,
    data TEXT
);
CREATE INDEX audit_log_resource ON audit_log(workspace_id, resource, row_key);
