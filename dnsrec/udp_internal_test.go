package dnsrec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// packQuery writes the bytes github.com/miekg/dns writes for the same
// query, for ordinary names, the root, escaped labels and the longest name.
func TestPackQueryAsMiekg(t *testing.T) {
	// Three labels of 63 octets and one of 61: 255 octets on the wire.
	long := strings.Repeat(strings.Repeat("a", 63)+".", 3) + strings.Repeat("b", 61) + "."
	for _, tc := range []struct {
		name  string
		qname string
		qtype uint16
		size  uint16
	}{
		{"TXT", "example.com.", dns.TypeTXT, 1232},
		{"root", ".", dns.TypeNS, 512},
		{"escaped label", `a\.b.ex\032ample.`, dns.TypeA, 4096},
		{"a byte escaped in decimal", `\255x.example.`, dns.TypeMX, 1232},
		{"the longest name", long, dns.TypeAAAA, 65535},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			q.Id = 0xbeef
			q.RecursionDesired = true
			q.SetEdns0(tc.size, false)
			want, err := q.Pack()
			if err != nil {
				t.Fatal(err)
			}
			var buf [512]byte
			got, err := packQuery(buf[:], 0xbeef, tc.qname, tc.qtype, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("packQuery:\n%x\nmiekg/dns:\n%x", got, want)
			}
		})
	}
	var buf [512]byte
	if _, err := packQuery(buf[:], 1, "a..b.", dns.TypeA, 1232); err == nil {
		t.Error("an empty label packed without error")
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = packQuery(buf[:], 1, "example.com.", dns.TypeTXT, 1232) }); n != 0 {
		t.Errorf("packQuery allocates %v times", n)
	}
}
