-- 007_users.sql - the dashboard's people (src/store/users.c): users with the roles admin, lead,
-- csm and viewer (001's manager becomes lead), their failed sign-ins, their sessions, the views
-- they save, and the workspace's settings for people (locale, currency).

-- A CHECK cannot be altered in SQLite: the table is made again with the new roles.
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    ext_id TEXT NOT NULL,             -- the user name, which accounts.owner names
    email TEXT,
    name TEXT,
    role TEXT NOT NULL DEFAULT 'csm' CHECK (role IN ('admin', 'lead', 'csm', 'viewer')),
    password_hash TEXT,               -- libsodium's crypto_pwhash_str (Argon2id)
    created_at INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0, -- consecutive failed sign-ins
    locked_until INTEGER NOT NULL DEFAULT 0,  -- no sign-in before this (ms)
    UNIQUE (workspace_id, ext_id)
);
INSERT INTO users_new (id, workspace_id, ext_id, email, name, role, password_hash)
    SELECT id, workspace_id, ext_id, email, name,
           CASE role WHEN 'manager' THEN 'lead' ELSE role END, password_hash
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- A signed-in browser: only a hash of its token is kept.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,         -- idle expiry counts from here
    expires_at INTEGER NOT NULL,      -- absolute expiry
    ended_at INTEGER                  -- signed out
);
CREATE INDEX sessions_user ON sessions(user_id);

-- A page's filters saved under a name, by and for one user.
CREATE TABLE views (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    page TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,              -- the page's query string
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, page, name)
);

CREATE TABLE settings (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (workspace_id, name)
);

-- What the portfolio reads per account without scanning every touchpoint.
CREATE INDEX touchpoints_open ON touchpoints(workspace_id, account_id) WHERE status = 'open';
