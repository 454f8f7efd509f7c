-- The reverse names of the source addresses: one row per address seen in
-- a report, with the outcome of its last look-up (an RFC 8601 iprev
-- result: pass with the forward-confirmed name, fail, permerror, or
-- temperror to retry; '' when not looked up yet), when it was looked up,
-- and until when a process holds it to look it up. seen_day is the last
-- day a report showed the address; source_names_scan is how far the
-- reports were read for new addresses.
CREATE TABLE source_names (
	ip          TEXT PRIMARY KEY,
	seen_day    BIGINT NOT NULL DEFAULT 0,
	result      TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	looked_unix BIGINT NOT NULL DEFAULT 0,
	lease_unix  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX source_names_due ON source_names (result, looked_unix);
CREATE INDEX source_names_seen ON source_names (seen_day);

CREATE TABLE source_names_scan (
	id     INTEGER PRIMARY KEY,
	report BIGINT NOT NULL
);
INSERT INTO source_names_scan (id, report) SELECT 1, COALESCE(MAX(id), 0) FROM reports;
INSERT INTO source_names (ip, seen_day) SELECT source_ip, MAX(day) FROM daily GROUP BY source_ip;
