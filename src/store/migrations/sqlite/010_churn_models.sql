-- 010_churn_models.sql - the churn model's versions (src/store/churn_models.c): each trained
-- model with how it was trained, its features, its figures on rows it never saw, and its trees
-- (XGBoost's UBJSON in base64), so that any process of the store scores with it.
CREATE TABLE churn_models (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    version INTEGER NOT NULL CHECK (version > 0),
    created_at INTEGER NOT NULL,
    as_of INTEGER NOT NULL,
    horizon_days INTEGER NOT NULL CHECK (horizon_days > 0),
    features TEXT NOT NULL,
    metrics TEXT NOT NULL,
    model TEXT NOT NULL,
    UNIQUE (workspace_id, version)
);
