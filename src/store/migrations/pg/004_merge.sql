-- 004_merge.sql (PostgreSQL) - the twin of sqlite/004_merge.sql: contacts merged into others
-- (Segment's alias, PostHog's $identify of an anonymous id): the merged row stays, hidden, and
-- names the contact it became; reads map it there (src/store/merge.c).
ALTER TABLE contacts ADD COLUMN merged_into BIGINT;
ALTER TABLE contacts ADD FOREIGN KEY (workspace_id, merged_into) REFERENCES contacts(workspace_id, id)
    DEFERRABLE; -- checked at the commit when a whole store is copied in id order (copy.c)
CREATE INDEX contacts_merged ON contacts(merged_into) WHERE merged_into IS NOT NULL;
