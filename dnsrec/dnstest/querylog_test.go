package dnstest_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// ask puts n questions for distinct names to z.
func ask(t *testing.T, z *dnstest.Zone, from, n int) {
	t.Helper()
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		if _, err := z.Lookup(ctx, fmt.Sprintf("host%d.example.", i), dnsrec.TypeA); err != nil {
			t.Fatal(err)
		}
	}
}

// The log keeps the most recent questions, oldest first, and Asked counts
// every question, kept or not.
func TestQueryLogKeepsTheMostRecent(t *testing.T) {
	for _, tc := range []struct {
		name       string
		keep       int // -1: the default
		asked      int
		wantFirst  int // the index of the oldest question kept
		wantLogged int
	}{
		{"fewer than the default", -1, 100, 0, 100},
		{"more than the default", -1, dnstest.DefaultQueryLog + 5, 5, dnstest.DefaultQueryLog},
		{"a small log, not full", 10, 7, 0, 7},
		{"a small log, wrapped several times", 10, 37, 27, 10},
		{"off", 0, 50, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := dnstest.MustZone("")
			if tc.keep >= 0 {
				z.KeepQueries(tc.keep)
			}
			ask(t, z, 0, tc.asked)
			if got := z.Asked(); got != tc.asked {
				t.Errorf("Asked() = %d, want %d", got, tc.asked)
			}
			q := z.Queries()
			if len(q) != tc.wantLogged {
				t.Fatalf("Queries() holds %d questions, want %d", len(q), tc.wantLogged)
			}
			for i, got := range q {
				want := dnstest.Query{Name: fmt.Sprintf("host%d.example.", tc.wantFirst+i), Type: dnsrec.TypeA}
				if got != want {
					t.Fatalf("Queries()[%d] = %v, want %v", i, got, want)
				}
			}
			z.ResetQueries()
			if z.Asked() != 0 || len(z.Queries()) != 0 {
				t.Errorf("after ResetQueries: Asked %d, %d logged", z.Asked(), len(z.Queries()))
			}
		})
	}
}

// Shrinking the log keeps the most recent questions; Repeated looks at
// what the log holds.
func TestKeepQueriesShrinksAndRepeated(t *testing.T) {
	z := dnstest.MustZone("")
	ask(t, z, 0, 20)
	ask(t, z, 18, 1) // host18 asked twice
	z.KeepQueries(3)
	q := z.Queries()
	want := []string{"host18.example.", "host19.example.", "host18.example."}
	if len(q) != len(want) {
		t.Fatalf("Queries() = %v, want %v", q, want)
	}
	for i := range want {
		if q[i].Name != want[i] {
			t.Fatalf("Queries() = %v, want %v", q, want)
		}
	}
	if rep := z.Repeated(); len(rep) != 1 || rep[0].Name != "host18.example." {
		t.Errorf("Repeated() = %v, want host18 once", rep)
	}
	ask(t, z, 100, 3) // host18 falls out of the log
	if rep := z.Repeated(); len(rep) != 0 {
		t.Errorf("Repeated() = %v after the repeats left the log", rep)
	}
	if z.Asked() != 24 {
		t.Errorf("Asked() = %d, want 24", z.Asked())
	}
}

// heapAfterGC is the live heap, measured after a collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A zone that serves 100,000 questions for distinct names (a demo server
// running for days) holds a bounded log: the default log retains at most
// its 10,000 entries and their names, and a zone whose log is off retains
// nothing per question. Before the log was bounded, these questions kept
// about 5 MB.
func TestQueryLogHeapBounded(t *testing.T) {
	const n = 100_000
	for _, tc := range []struct {
		name  string
		keep  int // -1: the default
		bound uint64
	}{
		// 10,000 entries of 32 bytes plus names of 16 bytes: 480 KB.
		{"default log", -1, 1 << 20},
		{"log off", 0, 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := dnstest.MustZone(`host1.example. IN A 192.0.2.1`)
			if tc.keep >= 0 {
				z.KeepQueries(tc.keep)
			}
			ask(t, z, 0, 1000) // let the zone reach its working size
			before := heapAfterGC()
			ask(t, z, 1000, n)
			after := heapAfterGC()
			grown := int64(after) - int64(before)
			t.Logf("%d questions: heap grew by %d bytes (bound %d)", n, grown, tc.bound)
			if grown > int64(tc.bound) {
				t.Errorf("%d questions grew the heap by %d bytes, more than %d", n, grown, tc.bound)
			}
			if z.Asked() != n+1000 {
				t.Errorf("Asked() = %d, want %d", z.Asked(), n+1000)
			}
			runtime.KeepAlive(z)
		})
	}
}
