-- The first schema: reports as received, their rows, the daily sums per
-- domain, day and source address, the receivers per domain and day, the
-- checks of domains, and the list of customer domains.
CREATE TABLE reports (
	id            INTEGER PRIMARY KEY,
	org           TEXT,
	report_id     TEXT,
	sha256        BLOB NOT NULL UNIQUE,
	domain        TEXT NOT NULL DEFAULT '',
	day           INTEGER NOT NULL DEFAULT 0,
	begin_unix    INTEGER NOT NULL DEFAULT 0,
	end_unix      INTEGER NOT NULL DEFAULT 0,
	policy        TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	received_unix INTEGER NOT NULL,
	source        TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	raw_size      INTEGER NOT NULL,
	raw           BLOB NOT NULL,
	UNIQUE (org, report_id)
);
CREATE INDEX reports_domain_day ON reports (domain, day);
CREATE INDEX reports_received ON reports (received_unix);

CREATE TABLE report_rows (
	report        INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	n             INTEGER NOT NULL,
	source_ip     TEXT NOT NULL,
	messages      INTEGER NOT NULL,
	disposition   TEXT NOT NULL,
	dkim_aligned  INTEGER NOT NULL,
	spf_aligned   INTEGER NOT NULL,
	header_from   TEXT NOT NULL,
	envelope_from TEXT NOT NULL,
	auth          TEXT NOT NULL,
	PRIMARY KEY (report, n)
);

CREATE TABLE daily (
	domain          TEXT NOT NULL,
	day             INTEGER NOT NULL,
	source_ip       TEXT NOT NULL,
	messages        INTEGER NOT NULL,
	dmarc_pass      INTEGER NOT NULL,
	spf_aligned     INTEGER NOT NULL,
	dkim_aligned    INTEGER NOT NULL,
	spf_pass        INTEGER NOT NULL,
	dkim_pass       INTEGER NOT NULL,
	disp_none       INTEGER NOT NULL,
	disp_quarantine INTEGER NOT NULL,
	disp_reject     INTEGER NOT NULL,
	ovr_forwarded   INTEGER NOT NULL,
	ovr_local       INTEGER NOT NULL,
	ovr_list        INTEGER NOT NULL,
	ovr_sampled     INTEGER NOT NULL,
	ovr_trusted     INTEGER NOT NULL,
	ovr_other       INTEGER NOT NULL,
	ovr_arc         INTEGER NOT NULL,
	kind            TEXT NOT NULL DEFAULT '',
	host            TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (domain, day, source_ip)
);

CREATE TABLE daily_receivers (
	domain  TEXT NOT NULL,
	day     INTEGER NOT NULL,
	org     TEXT NOT NULL,
	reports INTEGER NOT NULL,
	PRIMARY KEY (domain, day, org)
);

CREATE TABLE checks (
	id           INTEGER PRIMARY KEY,
	domain       TEXT NOT NULL,
	checked_unix INTEGER NOT NULL,
	status       TEXT NOT NULL,
	policy       TEXT NOT NULL DEFAULT '',
	records      TEXT NOT NULL DEFAULT '[]',
	plan         TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX checks_domain ON checks (domain, checked_unix);
CREATE INDEX checks_time ON checks (checked_unix);

CREATE TABLE domains (
	domain     TEXT PRIMARY KEY,
	added_unix INTEGER NOT NULL
);
