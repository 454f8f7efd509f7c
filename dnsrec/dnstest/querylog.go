package dnstest

// DefaultQueryLog is how many questions a [Zone] remembers unless told
// otherwise ([Zone.KeepQueries]): the most recent 10,000. A log entry
// holds the question's type and a reference to its canonical name, so the
// log of a zone asked about names of ordinary length holds well under a
// megabyte however long the zone serves (a name is at most 255 bytes:
// under 3 MB in the worst case).
const DefaultQueryLog = 10_000

// queryLog is a ring of the most recent questions and a count of all of
// them. The zone's mutex guards it.
type queryLog struct {
	keep  int     // how many to remember; 0: none
	ring  []Query // at most keep; in order once full, starting at next
	next  int     // where the next question goes once the ring is full
	asked int     // questions since the last reset, remembered or not
}

func (l *queryLog) add(q Query) {
	l.asked++
	switch {
	case l.keep == 0:
	case len(l.ring) < l.keep:
		if len(l.ring) == cap(l.ring) { // grow by doubling, never past keep
			grown := make([]Query, len(l.ring), min(max(2*cap(l.ring), 16), l.keep))
			copy(grown, l.ring)
			l.ring = grown
		}
		l.ring = append(l.ring, q)
	default:
		l.ring[l.next] = q
		l.next = (l.next + 1) % l.keep
	}
}

// queries returns the remembered questions, oldest first.
func (l *queryLog) queries() []Query {
	out := make([]Query, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

func (l *queryLog) reset() {
	l.ring, l.next, l.asked = nil, 0, 0
}

// setKeep changes how many questions are remembered, keeping the most
// recent ones that fit.
func (l *queryLog) setKeep(n int) {
	n = max(n, 0)
	q := l.queries()
	if len(q) > n {
		q = q[len(q)-n:]
	}
	l.keep, l.next = n, 0
	l.ring = append([]Query(nil), q...)
}

// Queries returns the questions asked since the zone was made or the log
// was last reset, oldest first: all of them, or, when more were asked than
// the log keeps ([DefaultQueryLog] unless set with [Zone.KeepQueries]),
// the most recent ones. [Zone.Asked] counts them all.
func (z *Zone) Queries() []Query {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.log.queries()
}

// Asked returns the number of questions asked since the zone was made or
// the log was last reset, including those the log no longer holds or never
// held.
func (z *Zone) Asked() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.log.asked
}

// ResetQueries forgets the questions asked so far and sets [Zone.Asked]
// back to zero.
func (z *Zone) ResetQueries() {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.log.reset()
}

// KeepQueries sets how many of the most recent questions the zone
// remembers for [Zone.Queries] and [Zone.Repeated]; the default is
// [DefaultQueryLog]. 0 turns the log off (a zone behind a long-running
// server, say, where nobody reads it); [Zone.Asked] still counts. Questions
// already logged are kept as far as they fit.
func (z *Zone) KeepQueries(n int) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.log.setKeep(n)
}

// Repeated returns the questions asked more than once among those the log
// holds (see [Zone.Queries]), each once, in the order of their second
// asking. A check that promises to ask each name and type once asserts that
// this is empty.
func (z *Zone) Repeated() []Query {
	z.mu.Lock()
	defer z.mu.Unlock()
	seen := map[Query]int{}
	var out []Query
	for _, q := range z.log.queries() {
		if seen[q]++; seen[q] == 2 {
			out = append(out, q)
		}
	}
	return out
}
