-- A report larger than one piece (1 MB as received) is kept in pieces,
-- each gzip-compressed: it is written as it is read, and read back piece
-- by piece, never held whole. A report of one piece keeps it in
-- reports.raw, as before.
CREATE TABLE report_chunks (
	report INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	n      INTEGER NOT NULL,
	data   BLOB NOT NULL,
	PRIMARY KEY (report, n)
);
