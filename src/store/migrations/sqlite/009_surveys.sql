-- 009_surveys.sql - surveys that landfall sends itself (docs/surveys.md): a survey's questions,
-- audience, trigger and channel; the invitations it sent (sends), the people it did not
-- survey and why (skips), the closed loop's follow-ups, and each workspace's survey settings
-- (the key that signs survey links, the fatigue budget, the SMTP relay). The survey key scope
-- of API keys (the in-app snippet's public key) joins the others.

ALTER TABLE surveys ADD COLUMN question TEXT;
ALTER TABLE surveys ADD COLUMN comment_question TEXT;
ALTER TABLE surveys ADD COLUMN choice_question TEXT;
ALTER TABLE surveys ADD COLUMN choices TEXT;
ALTER TABLE surveys ADD COLUMN audience_segment TEXT;
ALTER TABLE surveys ADD COLUMN audience_plan TEXT;
ALTER TABLE surveys ADD COLUMN audience_role TEXT;
ALTER TABLE surveys ADD COLUMN audience_stage TEXT;
ALTER TABLE surveys ADD COLUMN trigger_kind TEXT NOT NULL DEFAULT 'manual'
    CHECK (trigger_kind IN ('manual', 'periodic', 'touchpoint', 'milestone'));
ALTER TABLE surveys ADD COLUMN every_days INTEGER;
ALTER TABLE surveys ADD COLUMN touchpoint_kind TEXT;
ALTER TABLE surveys ADD COLUMN milestone_event TEXT;
ALTER TABLE surveys ADD COLUMN channel TEXT NOT NULL DEFAULT 'link'
    CHECK (channel IN ('link', 'email', 'in-app'));
ALTER TABLE surveys ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused'));

ALTER TABLE responses ADD COLUMN choice TEXT;

-- SQLite cannot change a CHECK constraint: the table is made again with 'survey' allowed.
CREATE TABLE api_keys_new (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name TEXT,
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('write', 'read', 'admin', 'survey')),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
INSERT INTO api_keys_new SELECT id, workspace_id, name, prefix, hash, scope, created_at, revoked_at
    FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;

-- One row per workspace, made with a fresh random key the first time surveys are used. The
-- positions say how far the trigger engine and the closed loop have read the change log and
-- the events.
CREATE TABLE survey_settings (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id),
    token_key TEXT NOT NULL,              -- hex of the crypto_auth key that signs links
    contact_days INTEGER NOT NULL DEFAULT 30,
    account_max INTEGER NOT NULL DEFAULT 3,
    account_days INTEGER NOT NULL DEFAULT 30,
    quiet_days INTEGER NOT NULL DEFAULT 14,
    link_days INTEGER NOT NULL DEFAULT 30,
    sla_days INTEGER NOT NULL DEFAULT 2,
    smtp_url TEXT,
    mail_from TEXT,
    base_url TEXT,
    trigger_seq INTEGER NOT NULL DEFAULT -1, -- -1: not started (starts where the log ends)
    trigger_event INTEGER NOT NULL DEFAULT -1,
    loop_seq INTEGER NOT NULL DEFAULT 0
);

-- An invitation: a survey offered to a contact once, through one channel. A person's data goes
-- with the person: deleting a contact deletes its invitations and skips.
CREATE TABLE survey_sends (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    account_id INTEGER,                   -- the contact's account when sent (weak: history)
    touchpoint_id INTEGER,                -- what triggered it (weak)
    channel TEXT NOT NULL CHECK (channel IN ('link', 'email', 'in-app')),
    reason TEXT NOT NULL,                 -- manual, periodic, touchpoint, milestone
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'answered')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    sent_at INTEGER,                      -- the relay accepted it, the link was issued, shown
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    response_id INTEGER,                  -- weak: a response may be deleted
    answered_at INTEGER
);
CREATE INDEX survey_sends_contact ON survey_sends(contact_id, created_at);
CREATE INDEX survey_sends_account ON survey_sends(account_id, created_at);
CREATE INDEX survey_sends_due ON survey_sends(workspace_id, status, next_attempt_at);

CREATE TABLE survey_skips (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    account_id INTEGER,
    touchpoint_id INTEGER,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX survey_skips_contact ON survey_skips(contact_id, at);

-- The closed loop: one follow-up per response at most (the unique key), the task it opened.
CREATE TABLE followups (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    response_id INTEGER NOT NULL,         -- weak: the follow-up outlives a deleted response
    task_id INTEGER,                      -- weak: likewise a deleted task
    rule TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    due_date INTEGER,
    closed_at INTEGER,
    outcome TEXT,                         -- the task's status when it was closed
    UNIQUE (workspace_id, response_id)
);
CREATE INDEX followups_task ON followups(task_id);
