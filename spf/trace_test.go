package spf_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// TestTraceJSON: in JSON a trace is the array of its steps, as it was when
// Result.Trace was a []Step, and reads back to the same steps.
func TestTraceJSON(t *testing.T) {
	zone := dnstest.MustZone(`
example.com. IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.vendor.example -all"
_spf.vendor.example. IN TXT "v=spf1 a:mail.vendor.example -all"
mail.vendor.example. IN A 198.51.100.1
`)
	res := (&spf.Checker{Resolver: zone}).CheckMailFrom(context.Background(), netip.MustParseAddr("203.0.113.7"), "info@example.com", "h.example")
	steps := res.Trace.Steps()
	if len(steps) == 0 || len(steps) != res.Trace.Len() {
		t.Fatalf("%d steps, Len %d", len(steps), res.Trace.Len())
	}
	got, err := json.Marshal(res.Trace)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(steps)
	if string(got) != string(want) {
		t.Errorf("JSON\n%s\nwant the steps\n%s", got, want)
	}
	var back spf.Trace
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Steps(), steps) || back.Len() != len(steps) {
		t.Errorf("read back %+v, want %+v", back.Steps(), steps)
	}
	// A result without a trace has none in JSON either, as a nil []Step.
	quiet := (&spf.Checker{Resolver: zone, NoTrace: true}).CheckMailFrom(context.Background(), netip.MustParseAddr("203.0.113.7"), "info@example.com", "h.example")
	if b, _ := json.Marshal(quiet.Trace); string(b) != "null" {
		t.Errorf("no trace: %s, want null", b)
	}
}
