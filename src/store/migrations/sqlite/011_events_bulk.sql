-- 011_events_bulk.sql - the twin of pg/011_events_bulk.sql, whose change (the PostgreSQL
-- events' message-id trigger, set-based for its bulk path) SQLite has no use for: its unique
-- index on (workspace_id, message_id) keeps the rule. Nothing to do.
SELECT 1;
