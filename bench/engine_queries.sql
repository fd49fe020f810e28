-- engine_queries.sql - bench/engine.sh's queries in SQL, as the engine answers them (days are UTC
-- calendar days, ts // 86400000; the trend's blocks are the 7-day blocks ending at :N).
-- One query a block, blocks separated by a line "-- Qn"; :N is now (ms), :F30 / :F7 / :S the
-- starts of the last 30 days, 7 days and 8 weeks, :CAT the number of event names, :MON a Monday.
-- Q5 is Q4 with :N 400 days later (a window without events). Written for DuckDB;
-- bench/engine_bench.mjs turns "//" (integer division) into "/" for SQLite.
-- Q1 dau per account over the last 30 days (with wau and mau, as the engine's pass gives)
SELECT account_id,
       COUNT(DISTINCT contact_id * 100000 + ts // 86400000) / 30.0 AS dau,
       COUNT(DISTINCT CASE WHEN ts >= :F7 THEN contact_id END) AS wau,
       COUNT(DISTINCT contact_id) AS mau
FROM events WHERE ts >= :F30 AND ts < :N GROUP BY account_id;
-- Q2 weekly cohort retention of users, cohort = the week of their first event
WITH ua AS (SELECT DISTINCT contact_id AS u, (ts - :MON) // 604800000 AS w FROM events
            WHERE contact_id IS NOT NULL AND account_id IS NOT NULL AND ts < :N),
     c AS (SELECT u, min(w) AS cw FROM ua GROUP BY u),
     sz AS (SELECT cw, COUNT(*) AS n FROM c GROUP BY cw)
SELECT c.cw, ua.w - c.cw AS k, sz.n, COUNT(*) AS retained
FROM ua JOIN c ON c.u = ua.u JOIN sz ON sz.cw = c.cw GROUP BY c.cw, ua.w, sz.n;
-- Q3 adoption breadth and depth per account over the last 30 days
SELECT account_id, COUNT(DISTINCT name_id) * 1.0 / :CAT AS breadth, COUNT(*) AS events,
       COUNT(*) * 1.0 / NULLIF(COUNT(DISTINCT contact_id), 0) AS depth
FROM events WHERE ts >= :F30 AND ts < :N GROUP BY account_id;
-- Q4 the portfolio: Q1 + Q3 + last seen + trend of weekly users over 8 weeks
WITH w AS (SELECT * FROM events WHERE ts >= :S AND ts < :N),
     a AS (SELECT account_id,
             COUNT(DISTINCT CASE WHEN ts >= :F30 THEN contact_id * 100000 + ts // 86400000 END) / 30.0 AS dau,
             COUNT(DISTINCT CASE WHEN ts >= :F7 THEN contact_id END) AS wau,
             COUNT(DISTINCT CASE WHEN ts >= :F30 THEN contact_id END) AS mau,
             COUNT(DISTINCT CASE WHEN ts >= :F30 THEN name_id END) * 1.0 / :CAT AS breadth,
             COUNT(CASE WHEN ts >= :F30 THEN 1 END) AS events
           FROM w GROUP BY account_id),
     y AS (SELECT account_id, (ts - :S) // 604800000 AS wk, COUNT(DISTINCT contact_id) AS users
           FROM w GROUP BY account_id, (ts - :S) // 604800000),
     t AS (SELECT account_id, SUM((wk - 3.5) * users) AS sxy, SUM(users) AS sy FROM y
           GROUP BY account_id),
     l AS (SELECT account_id, max(ts) AS last FROM events WHERE ts < :N GROUP BY account_id)
SELECT l.account_id, a.dau, a.wau, a.mau, a.dau / NULLIF(a.mau, 0) AS stickiness,
       a.breadth, a.events, a.events * 1.0 / NULLIF(a.mau, 0) AS depth, l.last,
       :N // 86400000 - l.last // 86400000 AS days_since,
       CASE WHEN t.sy > 0 THEN 100 * (t.sxy / 42.0) / (t.sy / 8.0) END AS trend
FROM l LEFT JOIN a ON a.account_id = l.account_id LEFT JOIN t ON t.account_id = l.account_id;
