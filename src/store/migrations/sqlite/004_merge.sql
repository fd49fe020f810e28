-- 004_merge.sql - contacts merged into others (Segment's alias, PostHog's $identify of an
-- anonymous id): the merged row stays, hidden, and names the contact it became; reads map it
-- there (src/store/merge.c).
ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts(id);
CREATE INDEX contacts_merged ON contacts(merged_into) WHERE merged_into IS NOT NULL;
