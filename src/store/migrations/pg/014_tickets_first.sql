-- 014_tickets_first.sql - the workspace's tickets by time (store_tickets_first): whether tickets
-- are tracked at all is the one thing of the health measures that a read of one account's
-- touchpoints cannot tell, and without it the answer was a scan of every touchpoint.
CREATE INDEX touchpoints_tickets ON touchpoints(workspace_id, ts)
    WHERE account_id IS NOT NULL AND (status IS NOT NULL OR kind = 'ticket');
