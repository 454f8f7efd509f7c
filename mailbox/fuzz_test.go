package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/mailbox"
)

// FuzzCheck feeds arbitrary bytes to the message check. Invariants: it
// never panics; either it refuses the input with one of the package's
// errors and no report, or it reports every message rule of every
// provider exactly once, each with a known outcome and a sentence; and the
// same input gives the same report.
func FuzzCheck(f *testing.F) {
	k2048, _ := keys(f)
	f.Add(newsletter().signed(f, k2048, "shop.example", "s2048", nil))
	f.Add(newsletter().bytes())
	f.Add([]byte("From: a@b.example\n\nbody"))
	f.Add([]byte("Received: by mx with ESMTPS\r\nDKIM-Signature: v=1; d=; s=\r\n\r\n"))
	f.Add([]byte("\x00\x01"))
	f.Add([]byte(""))
	zone := testZone(f)
	want := 0
	for _, p := range mailbox.Providers() {
		for _, r := range mailbox.RulesOf(p) {
			if r.CheckedBy(mailbox.CheckMessage) {
				want++
			}
		}
	}
	sentinels := []error{mailbox.ErrEmpty, mailbox.ErrBinary, mailbox.ErrNoHeader, mailbox.ErrMalformed, mailbox.ErrTooLarge, mailbox.ErrTooManyHeaders}
	outcomes := map[mailbox.Outcome]bool{mailbox.Met: true, mailbox.NotMet: true, mailbox.NotChecked: true, mailbox.NotApplicable: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &mailbox.MessageChecker{Resolver: zone, Bulk: true}
		rep, err := c.Check(context.Background(), bytes.NewReader(data))
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known || rep != nil {
				t.Fatalf("error %v (report %v) is none of the package's", err, rep)
			}
			return
		}
		if len(rep.Results) != want {
			t.Fatalf("%d results, want %d", len(rep.Results), want)
		}
		seen := map[mailbox.RuleID]bool{}
		for _, r := range rep.Results {
			if seen[r.Rule] || !outcomes[r.Outcome] || r.Sentence == "" {
				t.Fatalf("result %+v", r)
			}
			seen[r.Rule] = true
		}
		_ = rep.Text()
		again, err := c.Check(context.Background(), bytes.NewReader(data))
		if err != nil || !reflect.DeepEqual(rep, again) {
			t.Fatalf("a second check differs: %v", err)
		}
	})
}
