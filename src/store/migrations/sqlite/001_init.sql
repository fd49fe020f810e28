-- 001_init.sql - every entity of the domain model, scoped by workspace (DESIGN.md).
-- Times are int64 ms since the epoch (UTC); money is int64 minor units.

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    ext_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    email TEXT,
    name TEXT,
    role TEXT NOT NULL DEFAULT 'csm' CHECK (role IN ('admin', 'manager', 'csm', 'viewer')),
    password_hash TEXT,
    UNIQUE (workspace_id, ext_id)
);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT,
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('write', 'read', 'admin')),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    name TEXT,
    plan TEXT,
    segment TEXT,
    mrr INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    seats INTEGER,
    stage TEXT,
    owner TEXT,
    customer_since INTEGER,
    renewal_date INTEGER,
    attrs TEXT,
    stub INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, ext_id)
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    email TEXT,
    name TEXT,
    role TEXT,
    created_at INTEGER,
    attrs TEXT,
    UNIQUE (workspace_id, ext_id)
);
CREATE INDEX contacts_account ON contacts(account_id);

CREATE TABLE mrr_changes (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    date INTEGER NOT NULL,
    mrr INTEGER NOT NULL CHECK (mrr >= 0),
    reason TEXT,
    UNIQUE (account_id, date)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    contact_id INTEGER REFERENCES contacts(id),
    ts INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    UNIQUE (workspace_id, ext_id)
);
CREATE INDEX orders_account ON orders(account_id);

CREATE TABLE event_names (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

-- High volume: kept narrow; the name is dictionary-encoded, account and contact are ids.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    account_id INTEGER,
    contact_id INTEGER,
    name_id INTEGER NOT NULL,
    value REAL,
    props TEXT
);
CREATE UNIQUE INDEX events_message ON events(workspace_id, message_id);

CREATE TABLE touchpoints (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    contact_id INTEGER REFERENCES contacts(id),
    channel TEXT,
    stage TEXT,
    team TEXT,
    kind TEXT,
    duration_minutes REAL,
    status TEXT CHECK (status IN ('open', 'resolved')),
    text TEXT,
    attrs TEXT,
    UNIQUE (workspace_id, ext_id)
);
CREATE INDEX touchpoints_account ON touchpoints(account_id, ts);

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('nps', 'csat', 'ces', 'custom')),
    name TEXT,
    scale_min INTEGER NOT NULL,
    scale_max INTEGER NOT NULL,
    higher_is_better INTEGER NOT NULL DEFAULT 1,
    CHECK (scale_min < scale_max),
    UNIQUE (workspace_id, ext_id)
);

CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    contact_id INTEGER REFERENCES contacts(id),
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    score INTEGER NOT NULL,
    comment TEXT,
    touchpoint_id INTEGER REFERENCES touchpoints(id),
    UNIQUE (workspace_id, ext_id)
);
CREATE INDEX responses_account ON responses(account_id, ts);

CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    statement TEXT NOT NULL,
    metric TEXT,
    baseline REAL,
    target REAL,
    due_date INTEGER,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'on_track', 'at_risk', 'met', 'missed')),
    evidence TEXT,
    expectations TEXT
);

CREATE TABLE scorecards (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    segment TEXT,
    definition TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE health_scores (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    day INTEGER NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    band TEXT NOT NULL CHECK (band IN ('red', 'yellow', 'green')),
    components TEXT,
    PRIMARY KEY (account_id, day)
);

CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    condition TEXT NOT NULL,
    task_kind TEXT NOT NULL CHECK (task_kind IN ('risk', 'opportunity', 'lifecycle', 'follow-up')),
    task_title TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, name)
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    rule_id INTEGER REFERENCES rules(id),
    kind TEXT NOT NULL CHECK (kind IN ('risk', 'opportunity', 'lifecycle', 'follow-up')),
    title TEXT NOT NULL,
    owner TEXT,
    due_date INTEGER,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'in_progress', 'done', 'dismissed')),
    note TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX tasks_account ON tasks(account_id);
