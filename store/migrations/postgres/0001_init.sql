-- The first schema: reports as received, their rows, the daily sums per
-- domain, day and source address, the receivers per domain and day, the
-- checks of domains, and the list of customer domains.
CREATE TABLE reports (
	id            BIGSERIAL PRIMARY KEY,
	org           TEXT,
	report_id     TEXT,
	sha256        BYTEA NOT NULL UNIQUE,
	domain        TEXT NOT NULL DEFAULT '',
	day           BIGINT NOT NULL DEFAULT 0,
	begin_unix    BIGINT NOT NULL DEFAULT 0,
	end_unix      BIGINT NOT NULL DEFAULT 0,
	policy        TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	received_unix BIGINT NOT NULL,
	source        TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	raw_size      BIGINT NOT NULL,
	raw           BYTEA NOT NULL,
	UNIQUE (org, report_id)
);
CREATE INDEX reports_domain_day ON reports (domain, day);
CREATE INDEX reports_received ON reports (received_unix);

CREATE TABLE report_rows (
	report        BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	n             BIGINT NOT NULL,
	source_ip     TEXT NOT NULL,
	messages      BIGINT NOT NULL,
	disposition   TEXT NOT NULL,
	dkim_aligned  BIGINT NOT NULL,
	spf_aligned   BIGINT NOT NULL,
	header_from   TEXT NOT NULL,
	envelope_from TEXT NOT NULL,
	auth          TEXT NOT NULL,
	PRIMARY KEY (report, n)
);

CREATE TABLE daily (
	domain          TEXT NOT NULL,
	day             BIGINT NOT NULL,
	source_ip       TEXT NOT NULL,
	messages        BIGINT NOT NULL,
	dmarc_pass      BIGINT NOT NULL,
	spf_aligned     BIGINT NOT NULL,
	dkim_aligned    BIGINT NOT NULL,
	spf_pass        BIGINT NOT NULL,
	dkim_pass       BIGINT NOT NULL,
	disp_none       BIGINT NOT NULL,
	disp_quarantine BIGINT NOT NULL,
	disp_reject     BIGINT NOT NULL,
	ovr_forwarded   BIGINT NOT NULL,
	ovr_local       BIGINT NOT NULL,
	ovr_list        BIGINT NOT NULL,
	ovr_sampled     BIGINT NOT NULL,
	ovr_trusted     BIGINT NOT NULL,
	ovr_other       BIGINT NOT NULL,
	ovr_arc         BIGINT NOT NULL,
	kind            TEXT NOT NULL DEFAULT '',
	host            TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (domain, day, source_ip)
);

CREATE TABLE daily_receivers (
	domain  TEXT NOT NULL,
	day     BIGINT NOT NULL,
	org     TEXT NOT NULL,
	reports BIGINT NOT NULL,
	PRIMARY KEY (domain, day, org)
);

CREATE TABLE checks (
	id           BIGSERIAL PRIMARY KEY,
	domain       TEXT NOT NULL,
	checked_unix BIGINT NOT NULL,
	status       TEXT NOT NULL,
	policy       TEXT NOT NULL DEFAULT '',
	records      TEXT NOT NULL DEFAULT '[]',
	plan         TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX checks_domain ON checks (domain, checked_unix);
CREATE INDEX checks_time ON checks (checked_unix);

CREATE TABLE domains (
	domain     TEXT PRIMARY KEY,
	added_unix BIGINT NOT NULL
);
