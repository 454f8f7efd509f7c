-- The monitor's schedule: each domain's next check, and the lease of the
-- process checking it.
CREATE TABLE monitor (
	domain      TEXT PRIMARY KEY,
	due_unix    INTEGER NOT NULL,
	owner       TEXT NOT NULL DEFAULT '',
	lease_unix  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX monitor_due ON monitor (due_unix);
