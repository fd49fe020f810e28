-- 011_events_bulk.sql (PostgreSQL) - the events' message-id rule, set-based for the bulk path:
-- a COPY's rows (store_pg.c, copy_skipping) are checked against event_messages in one
-- statement, which sets landfall.events_checked for it, and the row trigger, which cost an
-- insert per row (about 2.4 s per 10,000 events), stands aside for them. Every other insert
-- is checked by the trigger as before.
DROP TRIGGER events_once ON events;
CREATE TRIGGER events_once BEFORE INSERT ON events FOR EACH ROW
    WHEN (current_setting('landfall.events_checked', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION events_once();
