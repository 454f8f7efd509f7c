package feedback_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/i18n"
)

// allocated returns the bytes ParseBounce allocates reading msg, and
// checks that it still finds the one recipient.
func allocated(t *testing.T, msg string) uint64 {
	t.Helper()
	// The message catalogue the words come from is parsed once per
	// process, on first use: not a cost of this input.
	i18n.Default()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b, err := feedback.ParseBounce(strings.NewReader(msg))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Recipients) != 1 || len(b.Recipients[0].Diagnostic) > feedback.MaxDiagnosticLength+3 {
		t.Fatalf("%d recipients, diagnostic of %d bytes", len(b.Recipients), len(b.Recipients[0].Diagnostic))
	}
	return after.TotalAlloc - before.TotalAlloc
}

// Bounce parsing is linear in its input (issue: a diagnostic continued
// over many lines was joined by repeated concatenation, and one long line
// was searched whole by regular expressions). Counted in bytes allocated,
// not timed: doubling the input may at most double the work (ratio below
// 2.5), and no input costs more than a small multiple of its size.
func TestParseBounceLinear(t *testing.T) {
	continued := func(size int) string {
		line := "    550-5.7.26 this is one more line of the receiver's words about the message\r\n"
		return postfixText("quin@gmail.example", "gmail-smtp-in.l.google.example",
			"550-5.7.26 Unauthenticated email from customer.example is not accepted\r\n"+strings.Repeat(line, size/len(line)))
	}
	dsnContinued := func(size int) string {
		return dsn("smtp1.vendor.example", [4]string{"anna@gmail.example", "failed", "5.7.26",
			"550-5.7.26 Unauthenticated" + strings.Repeat("\r\n  more words of the receiver", size/30)})
	}
	longLine := func(size int) string {
		return postfixText("rae@corp.example", "mx.corp.example", "550 5.1.1 User unknown "+strings.Repeat("x", size))
	}
	addressLines := func(size int) string {
		return postfixText("rae@corp.example", "mx.corp.example", strings.Repeat("<a@b.example>\r\n", size/15)+"550 5.1.1 User unknown")
	}
	for _, tc := range []struct {
		name string
		make func(int) string
		size int
	}{
		{"a 1 MB diagnostic continued over indented lines", continued, 1 << 20},
		{"a 1 MB Diagnostic-Code folded in a delivery-status part", dsnContinued, 1 << 20},
		{"one 15 MB line", longLine, 15 << 20},
		{"15 MB of address lines", addressLines, 15 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size, limit := tc.size, 16.0
			if raceEnabled {
				// The race detector allocates on its own (tens of bytes per
				// input byte here) and runs ten times slower: the doubling
				// ratio still shows linearity, on a sixteenth of the input.
				size, limit = size/16, 1e6
			}
			half, full := allocated(t, tc.make(size/2)), allocated(t, tc.make(size))
			ratio := float64(full) / float64(half)
			perByte := float64(full) / float64(size)
			t.Logf("%d bytes: %d allocated (%.1f per input byte); half the size: %d; ratio %.2f", size, full, perByte, half, ratio)
			if ratio > 2.5 || perByte > limit {
				t.Errorf("not linear: %d bytes allocated for %d, %d for half; ratio %.2f", full, tc.size, half, ratio)
			}
		})
	}
}
