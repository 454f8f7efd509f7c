package dnsrec_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/miekg/dns"
)

// authoritative serves zones the way a server without recursion does: a
// CNAME whose target is in another zone is answered alone, and the client
// must ask again for the target.
func authoritative(t *testing.T, records string) *dnsrec.Client {
	t.Helper()
	var rrs []dns.RR
	zp := dns.NewZoneParser(stringsReader(records), ".", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		m.Authoritative = true
		q := req.Question[0]
		found := false
		for _, rr := range rrs {
			h := rr.Header()
			if !strings.EqualFold(h.Name, q.Name) {
				continue
			}
			found = true
			if h.Rrtype == q.Qtype || h.Rrtype == dns.TypeCNAME {
				m.Answer = append(m.Answer, rr) // never the target's records: another zone
			}
		}
		if !found {
			m.Rcode = dns.RcodeNameError
		}
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return &dnsrec.Client{Servers: []string{pc.LocalAddr().String()}, Timeout: time.Second}
}

func TestClientFollowsCNAMEAcrossZones(t *testing.T) {
	c := authoritative(t, `
default._domainkey.customer.example. 300 IN CNAME default._domainkey.vendor.example.
default._domainkey.vendor.example.  300 IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
a.example.     300 IN CNAME b.example.
b.example.     300 IN CNAME c.example.
c.example.     300 IN TXT "end"
loop1.example. 300 IN CNAME loop2.example.
loop2.example. 300 IN CNAME loop1.example.
dangling.example. 300 IN CNAME gone.example.
`)
	ctx := context.Background()
	a, err := c.Lookup(ctx, "default._domainkey.customer.example", dnsrec.TypeTXT)
	if err != nil || len(a.Records) != 1 || len(a.CNAMEs) != 1 || a.CNAMEs[0] != "default._domainkey.vendor.example." {
		t.Fatalf("delegated DKIM key: %+v, %v", a, err)
	}
	a, err = c.Lookup(ctx, "a.example", dnsrec.TypeTXT)
	if err != nil || len(a.Records) != 1 || a.Records[0].Value() != "end" || len(a.CNAMEs) != 2 {
		t.Errorf("two hops: %+v, %v", a, err)
	}
	if _, err := c.Lookup(ctx, "loop1.example", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrBadResponse) {
		t.Errorf("CNAME loop: err = %v", err)
	}
	a, err = c.Lookup(ctx, "dangling.example", dnsrec.TypeTXT)
	if err != nil || !a.NXDomain || len(a.CNAMEs) != 1 {
		t.Errorf("CNAME to a name that does not exist: %+v, %v", a, err)
	}
	// Asking for the CNAME itself does not follow it.
	a, err = c.Lookup(ctx, "a.example", dnsrec.TypeCNAME)
	if err != nil || len(a.Records) != 1 || a.Records[0].Data != "b.example." {
		t.Errorf("CNAME question: %+v, %v", a, err)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
