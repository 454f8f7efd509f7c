package spf

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/domainauth/domainauth/dnsrec"
)

// Trace is the steps of one evaluation, in order. A check records each
// step as a small event (which record, which term, what happened, a count
// or a name it already holds) and makes the words of a step only when the
// steps are read, so that a check that keeps its trace costs little more
// than one that does not ([Checker.NoTrace]). The zero value holds no
// steps. A Trace is read-only and safe to read from several goroutines.
// In JSON it is the array of its steps, as [Trace.Steps] gives them.
type Trace struct {
	ip     netip.Addr // the sender's address, which notes mention
	events []event
	errs   []error // the errors of evFail events
	steps  []Step  // the steps of a Trace read from JSON, which has no events
}

// MarshalJSON writes the steps as a JSON array.
func (t Trace) MarshalJSON() ([]byte, error) { return json.Marshal(t.Steps()) }

// UnmarshalJSON reads the steps from a JSON array, as MarshalJSON writes
// them.
func (t *Trace) UnmarshalJSON(b []byte) error {
	var steps []Step
	if err := json.Unmarshal(b, &steps); err != nil {
		return err
	}
	*t = Trace{steps: steps}
	return nil
}

// Len is the number of steps.
func (t Trace) Len() int {
	if t.events == nil {
		return len(t.steps)
	}
	n := 0
	for i := range t.events {
		n += t.events[i].steps()
	}
	return n
}

// Steps returns the steps, their words made now.
func (t Trace) Steps() []Step {
	if t.events == nil {
		if t.steps == nil {
			return nil
		}
		return append([]Step{}, t.steps...)
	}
	n := t.Len()
	if n == 0 {
		return nil
	}
	steps := make([]Step, 0, n)
	var domains [8]string // the domain evaluated at each depth: see event
	at := domains[:0]
	for i := range t.events {
		ev := &t.events[i]
		domain := ev.arg
		if !ev.kind.holdsDomain() {
			domain = ""
			if int(ev.depth) < len(at) {
				domain = at[ev.depth]
			}
		} else if ev.kind == evRecord {
			for len(at) <= int(ev.depth) {
				at = append(at, "")
			}
			at[ev.depth] = ev.arg
		}
		for k := range ev.steps() {
			steps = append(steps, Step{})
			t.step(i, k, domain, &steps[len(steps)-1])
		}
	}
	return steps
}

// steps is the number of steps the event stands for.
func (ev *event) steps() int {
	if ev.kind == evIPMiss {
		return int(ev.n)
	}
	return 1
}

// eventKind is what a step says.
type eventKind uint8

const (
	evInvalid  eventKind = iota // the domain checked is not a domain: arg is it, as given
	evFail                      // the evaluation ended: status st, error err
	evNoRecord                  // the domain has no SPF record
	evRecord                    // the record of the domain, quoted
	evMatch                     // term matched: status st
	evRedirect                  // nothing matched: the record of arg decides
	evNeutral                   // nothing matched, no all, no redirect=
	evIPMiss                    // n ip4/ip6 terms in a row from term on, none matching
	evGave                      // include of arg gave st (fail, softfail, neutral)
	evAddrs                     // a term: arg has n addresses, none matching
	evMX                        // mx term: none of the n hosts of arg matches
	evPTR                       // ptr term: no validated name under arg
	evExists                    // exists term: arg has no A record
)

// holdsDomain reports whether an event of this kind holds in arg the
// domain whose record is evaluated.
func (k eventKind) holdsDomain() bool {
	return k == evRecord || k == evNoRecord || k == evInvalid || k == evFail
}

// event is one step as a check records it: 32 bytes, no text of its own.
// The domain whose record is evaluated is held only by the events that
// begin an evaluation (evRecord, evNoRecord, evInvalid) or end one
// (evFail), in arg: every other event is about the record of the last
// evRecord at the same depth, as the evaluation of a record records its
// events at its depth and those of the records it includes deeper.
type event struct {
	rec   *parsedRecord // the record whose term this is; nil for steps without one
	arg   string        // a name the note mentions; the domain (canonical, or as given for evInvalid) for holdsDomain
	n     int16         // a count the note mentions; evFail's index in errs
	term  int16         // the term's index in rec, or -1
	depth uint8
	kind  eventKind
	st    statusCode
}

// statusCode is a Status in one byte.
type statusCode uint8

var statuses = [...]Status{StatusNone, StatusNeutral, StatusPass, StatusFail, StatusSoftFail, StatusTempError, StatusPermError}

func codeOf(st Status) statusCode {
	for i, s := range statuses {
		if s == st {
			return statusCode(i)
		}
	}
	return 0
}

// step makes the words of step k of event i, about the record of domain.
func (t Trace) step(i, k int, domain string, s *Step) {
	ev := &t.events[i]
	s.Depth = int(ev.depth)
	s.Domain = dnsrec.TrimDot(domain)
	if ev.term >= 0 && ev.rec != nil {
		s.Term = ev.rec.termText(int(ev.term) + k)
	}
	switch ev.kind {
	case evInvalid:
		s.Note = "not a valid domain name: nothing to check"
	case evFail:
		s.Note = fmt.Sprintf("%s: %v", statuses[ev.st], t.errs[ev.n])
	case evNoRecord:
		s.Note = "no SPF record"
	case evRecord:
		s.Note = ev.rec.notes().record
	case evMatch:
		s.Note, s.Match = matchNote(statuses[ev.st]), true
	case evRedirect:
		s.Note = "nothing matched: the record of " + dnsrec.TrimDot(ev.arg) + " decides"
	case evNeutral:
		s.Note = "nothing matched: neutral"
	case evIPMiss:
		if (ev.rec.terms[int(ev.term)+k].kind == kindIP4) != t.ip.Is4() {
			s.Note = "not the sender's address family"
		} else {
			s.Note = "does not contain " + t.ip.String()
		}
	case evGave:
		s.Note = ev.rec.notes().gave(int(ev.term), ev.arg, statuses[ev.st])
	case evAddrs:
		n := int(ev.n)
		s.Note = dnsrec.TrimDot(ev.arg) + " has " + strconv.Itoa(n) + " " + plural(n, "address", "addresses") + ", none matching"
	case evMX:
		s.Note = "none of the " + strconv.Itoa(int(ev.n)) + " mail exchanges of " + dnsrec.TrimDot(ev.arg) + " has " + t.ip.String()
	case evPTR:
		s.Note = fmt.Sprintf("no validated reverse name of %s under %s", t.ip, dnsrec.TrimDot(ev.arg))
	case evExists:
		s.Note = fmt.Sprintf("%s has no A record", dnsrec.TrimDot(ev.arg))
	}
}

// record appends one event to the evaluation's trace and returns it for
// its other fields; a check that keeps no trace gets a scratch event.
func (e *evaluation) record(kind eventKind, depth int, domain string, p *parsedRecord, term int, arg string) *event {
	if e.c.NoTrace {
		return &e.discard
	}
	// Field by field into the slice: appending an event value moves it
	// with the garbage collector's bulk write barrier.
	n := len(e.trace)
	if n == cap(e.trace) {
		e.trace = growEvents(e.trace)
	}
	e.trace = e.trace[:n+1]
	ev := &e.trace[n]
	if kind.holdsDomain() {
		arg = domain
	}
	ev.rec, ev.arg = p, arg
	ev.term, ev.depth, ev.kind = int16(term), uint8(min(depth, 255)), kind
	ev.n, ev.st = 0, 0
	return ev
}

// count is a count for a note, within an event's field.
func count(n int) int16 { return int16(min(n, 32767)) }

// ipMiss records that ip4 or ip6 term i of p did not match: one event for
// a run of such terms, the bulk of a provider's record.
func (e *evaluation) ipMiss(depth int, domain string, p *parsedRecord, i int) {
	if e.c.NoTrace {
		return
	}
	if n := len(e.trace); n > 0 {
		last := &e.trace[n-1]
		if last.kind == evIPMiss && last.rec == p && int(last.term)+int(last.n) == i && int(last.depth) == depth && last.n < 32767 {
			last.n++
			return
		}
	}
	e.record(evIPMiss, depth, domain, p, i, "").n = 1
}

// growEvents makes room for at least one more event.
func growEvents(evs []event) []event {
	grown := make([]event, len(evs), cap(evs)+cap(evs)/2+8)
	copy(grown, evs)
	return grown
}
