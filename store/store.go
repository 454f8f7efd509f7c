package store

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/feedback"
)

// Errors of the store.
var (
	// ErrSchemaNewer: the store was written by a newer program, whose
	// schema this one does not know; it is left untouched.
	ErrSchemaNewer = errors.New("store: the store's schema is newer than this program")
	// ErrDSN: the data source name is neither a file path nor a
	// postgres:// URL.
	ErrDSN = errors.New("store: bad data source name")
	// ErrNotFound: no such report.
	ErrNotFound = errors.New("store: not found")
)

// Store keeps DMARC aggregate reports and the checks of domains over time.
// [Open] returns one on SQLite or on PostgreSQL; both behave alike, and
// every method may be called from several goroutines and, on one
// database, from several processes.
type Store interface {
	// AddReport stores one received report in one transaction: the raw
	// bytes, its rows and the daily sums, or nothing. A report already
	// held (same reporting organization and report ID, or the same
	// bytes) is not stored again: the outcome is [Present].
	AddReport(ctx context.Context, r *Received) (Outcome, error)
	// Begin starts a [Batch]: several reports stored in one transaction
	// (group commit), as the [Ingester] does.
	Begin(ctx context.Context) (Batch, error)
	// Report returns a stored report's raw bytes as received, and what
	// the store knows of it: the whole report in memory (OpenReport
	// reads it a piece at a time).
	Report(ctx context.Context, id int64) (*StoredReport, error)
	// OpenReport opens a stored report's raw bytes as received, to be
	// read a piece at a time, with what the store knows of it; the
	// caller closes it.
	OpenReport(ctx context.Context, id int64) (*RawReport, error)
	// Unreadable lists the reports kept without rows (no parser could
	// read them), most recent first, at most limit.
	Unreadable(ctx context.Context, limit int) ([]StoredReport, error)
	// Days returns the daily sums of domain's sources for the days
	// [from, to] (UTC days), ordered by day and address.
	Days(ctx context.Context, domain string, from, to time.Time) ([]DaySource, error)
	// Totals returns the sums of domain's sources over the days [from,
	// to], one per address (Day is zero), ordered by address: Days added
	// up in the database.
	Totals(ctx context.Context, domain string, from, to time.Time) ([]DaySource, error)
	// Receivers returns, per UTC day of [from, to], the organizations
	// whose reports for domain cover it.
	Receivers(ctx context.Context, domain string, from, to time.Time) ([]DayReceiver, error)
	// AddCheck stores the result of one check of a domain.
	AddCheck(ctx context.Context, c Check) error
	// Checks returns the checks of domain since the time given, oldest
	// first.
	Checks(ctx context.Context, domain string, since time.Time) ([]Check, error)
	// LastCheck returns the latest check of domain, nil when none.
	LastCheck(ctx context.Context, domain string) (*Check, error)
	// SetDomains replaces the list of the vendor's customer domains.
	// With a list, reports for other domains are counted and skipped by
	// the ingester; with none, every report is kept.
	SetDomains(ctx context.Context, domains []string) error
	// Domains returns the list of customer domains, sorted.
	Domains(ctx context.Context) ([]string, error)
	// Schedule adds domains to the monitor's schedule, due at now;
	// domains already scheduled keep their time.
	Schedule(ctx context.Context, domains []string, now time.Time) error
	// Claim takes up to n domains due at now and not leased to a live
	// process, and leases them to owner until now+lease: several
	// monitors on one store share the domains without checking one
	// twice, and the domains of a monitor that dies go to the others
	// when its lease ends. PostgreSQL claims rows with FOR UPDATE SKIP
	// LOCKED, so claimers never wait for each other; SQLite's immediate
	// transactions take turns.
	Claim(ctx context.Context, owner string, n int, now time.Time, lease time.Duration) ([]string, error)
	// Done records that owner checked domain: the lease ends and the
	// domain is due again at next. A lease that ended and went to
	// another process is left alone, and Done reports false.
	Done(ctx context.Context, owner, domain string, next time.Time) (bool, error)
	// ClaimNames finds the source addresses of the reports stored since
	// it last looked, and leases to the caller up to o.Max whose reverse
	// name is due as of o.Now (never looked up, newest first; failed
	// temporarily o.RetryAfter ago; looked up more than o.MaxAge ago and
	// seen since): several processes on one store never look one source
	// up at once, and the sources of one that dies are due again when
	// its lease ends. [ResolveNames] calls it.
	ClaimNames(ctx context.Context, o NameOptions) ([]netip.Addr, error)
	// SetNames records the outcome of looking up reverse names, and ends
	// their leases.
	SetNames(ctx context.Context, names []SourceName) error
	// Names returns what the store knows of the reverse names of ips,
	// ordered by address; an address ClaimNames has not yet found in
	// the reports is left out.
	Names(ctx context.Context, ips []netip.Addr) ([]SourceName, error)
	// Prune deletes what is older than the retention allows, as of now.
	Prune(ctx context.Context, now time.Time, r Retention) (Pruned, error)
	// Version returns the store's schema version.
	Version(ctx context.Context) (int, error)
	// Close closes the database.
	Close() error
}

// Outcome is what happened to one report given to [Store.AddReport].
type Outcome string

// Outcomes of AddReport, of ingestion and of reading again.
const (
	// Stored: the report is new to the store and now held.
	Stored Outcome = "stored"
	// Present: the store already held the report.
	Present Outcome = "present"
	// Skipped: the report is for a domain the store does not keep.
	Skipped Outcome = "skipped"
	// Gone: the report to read again ([Batch.Reread]) is no longer held
	// as unreadable: deleted, or read again meanwhile by another
	// process. Nothing changed.
	Gone Outcome = "gone"
)

// Status says how a stored report was read.
type Status string

// Statuses of a stored report.
const (
	// StatusOK: the report read as the format says.
	StatusOK Status = "ok"
	// StatusRecovered: the report read only leniently (a wrapper element,
	// invalid UTF-8, an address in angle brackets); Reason says what was
	// mended.
	StatusRecovered Status = "recovered"
	// StatusUnreadable: no reader could make a report of it; it is kept
	// raw, with the reason, and has no rows.
	StatusUnreadable Status = "unreadable"
)

// Received is one report as it arrived, with what reading it gave.
type Received struct {
	// Raw is the report's bytes as received (XML, gzip or zip).
	Raw []byte
	// Report is the parsed report; nil when unreadable.
	Report *feedback.AggregateReport
	// Status and Reason say how it was read ("" is StatusOK, or
	// StatusUnreadable when Report is nil).
	Status Status
	Reason string
	// Source names where it came from: a file, a message.
	Source string
	// At is when it was received; the zero value is now.
	At time.Time
	// Sources classify the rows' addresses (their kind and reverse
	// name); nil classifies by the report alone (see [KindOf]).
	Sources func(domain string, row feedback.ReportRow) (kind feedback.SourceKind, host string)
}

// StoredReport is a report the store holds.
type StoredReport struct {
	ID       int64
	Org      string
	ReportID string
	Domain   string
	Begin    time.Time
	End      time.Time
	Received time.Time
	Source   string
	Status   Status
	Reason   string
	Size     int    // the raw bytes' size as received
	Raw      []byte // as received (Report only)
}

// DaySource is the sum of one source address's messages for one domain
// and UTC day, over every report that covers it.
type DaySource struct {
	Domain      string
	Day         time.Time
	IP          netip.Addr
	Messages    int
	Passed      int // passed DMARC: SPF or DKIM aligned
	SPFAligned  int
	DKIMAligned int
	SPFPass     int // SPF passed, aligned or not
	DKIMPass    int // some DKIM signature passed, aligned or not
	// Dispositions: what the receivers did.
	None, Quarantine, Reject int
	// Overrides counts the failing messages the receivers treated
	// otherwise than the policy says, per reason.
	Overrides Overrides
	Kind      feedback.SourceKind
	// Host is the source's name: its forward-confirmed reverse name
	// when the store has looked it up ([ResolveNames]), else the name
	// given at ingest ([Received.Sources]).
	Host string
}

// Overrides counts messages by the receivers' override reason
// (policy_evaluated/reason/type; ARC counts a comment "arc=pass").
type Overrides struct {
	Forwarded, LocalPolicy, MailingList, SampledOut, TrustedForwarder, Other, ARC int
}

// Total is the messages with any override.
func (o Overrides) Total() int {
	return o.Forwarded + o.LocalPolicy + o.MailingList + o.SampledOut + o.TrustedForwarder + o.Other
}

// DayReceiver is one organization reporting on a domain for a day.
type DayReceiver struct {
	Day     time.Time
	Org     string
	Reports int
}

// Check is one check of a domain, as stored.
type Check struct {
	Domain string
	At     time.Time
	// Status is the verdict ("ready", "changes-needed", ...).
	Status string
	// Policy is the DMARC policy in force ("none", "quarantine",
	// "reject", "" when none is published); a partial quarantine is
	// "quarantine" with Partial set.
	Policy  dmarc.Policy
	Partial bool
	// Records are the records read, as text; Plan is the plan as JSON.
	Records []string
	Plan    []byte
}

// Retention says how long each kind of data is kept; zero keeps it for
// ever. Reports are kept raw as long as their rows.
type Retention struct {
	Reports time.Duration // reports, raw and rows, by when received
	Days    time.Duration // daily sums and receivers, by day; the reverse names of sources not seen since, with them
	Checks  time.Duration // checks, by when made
}

// Pruned counts what [Store.Prune] deleted.
type Pruned struct {
	Reports, Days, Checks int
}

// Open opens, or creates, the store named by dsn: a PostgreSQL URL
// (postgres:// or postgresql://) or else a SQLite file path. It applies
// the schema's migrations that the store lacks, and refuses with
// [ErrSchemaNewer] a store written by a newer program.
func Open(ctx context.Context, dsn string) (Store, error) {
	switch {
	case dsn == "":
		return nil, errors.Join(ErrDSN, errors.New("store: empty data source name"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case strings.Contains(dsn, "://"):
		return nil, errors.Join(ErrDSN, errors.New("store: "+dsn[:strings.Index(dsn, "://")]+":// is not supported (a SQLite file path or postgres://)"))
	}
	return openSQLite(ctx, dsn)
}

// day returns t's UTC day as days since 1970-01-01.
func day(t time.Time) int64 {
	return t.UTC().Unix() / 86400
}

// dayTime is the start of a day number.
func dayTime(d int64) time.Time { return time.Unix(d*86400, 0).UTC() }
