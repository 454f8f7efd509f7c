package dnsrec_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/miekg/dns"
)

// handlerServer runs h over UDP and TCP on one loopback port and counts the
// questions each transport carried.
type handlerServer struct {
	addr     string
	udp, tcp atomic.Int32
}

func serveHandler(t *testing.T, h func(w dns.ResponseWriter, req *dns.Msg, udp bool)) *handlerServer {
	t.Helper()
	hs := &handlerServer{}
	var pc net.PacketConn
	var ln net.Listener
	for try := 0; ; try++ {
		var err error
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
		if try == 10 {
			t.Fatal(err)
		}
	}
	hs.addr = pc.LocalAddr().String()
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		udp := w.LocalAddr().Network() == "udp"
		if udp {
			hs.udp.Add(1)
		} else {
			hs.tcp.Add(1)
		}
		h(w, req, udp)
	})
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: handler}, {Listener: ln, Handler: handler}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go srv.ActivateAndServe()
		<-started
		t.Cleanup(func() { srv.Shutdown() })
	}
	return hs
}

// txtOfSize returns a reply to req holding one TXT record for the
// question's name, padded so that the packed reply is exactly size bytes.
func txtOfSize(t *testing.T, req *dns.Msg, size int) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetReply(req)
	m.Compress = true
	name := req.Question[0].Name
	chars := size - 60
	for range 20 {
		var strs []string
		for left := chars; left > 0; left -= 255 {
			strs = append(strs, strings.Repeat("x", min(left, 255)))
		}
		m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: strs}}
		wire, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		if len(wire) == size {
			return m
		}
		chars += size - len(wire)
	}
	t.Fatalf("could not build a reply of %d bytes", size)
	return nil
}

// A reply longer than the UDP size the client advertised (a server that
// ignores EDNS, RFC 6891, Section 6.2.5, and does not set TC, RFC 1035,
// Section 4.2.1) does not fit the client's read buffer, which is sized to
// what it advertised: the client asks again over TCP and gets the whole
// answer. A reply that fits is read over UDP alone.
func TestClientOversizedUDPReplyRetriedOverTCP(t *testing.T) {
	for _, tc := range []struct {
		name    string
		udpSize uint16 // advertised; 0 is the default, 1232
		reply   int    // bytes the server sends over UDP, whatever was advertised
		wantTCP bool
	}{
		{"default size, a reply that just fits", 0, 1232, false},
		{"default size, one byte too many", 0, 1233, true},
		{"default size, 10 KB without TC", 0, 10 << 10, true},
		{"8 KB advertised, a 6 KB reply", 8192, 6000, false},
		{"8 KB advertised, a 10 KB reply", 8192, 10 << 10, true},
		{"512 advertised, a 600-byte reply", 512, 600, true},
		{"100 advertised is 512, a 500-byte reply", 100, 500, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveHandler(t, func(w dns.ResponseWriter, req *dns.Msg, udp bool) {
				size := tc.reply
				if !udp {
					size = 12 << 10
				}
				w.WriteMsg(txtOfSize(t, req, size))
			})
			c := &dnsrec.Client{Servers: []string{srv.addr}, Timeout: 5 * time.Second, Attempts: 1, UDPSize: tc.udpSize}
			defer c.Close()
			a, err := c.Lookup(context.Background(), "big.example", dnsrec.TypeTXT)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.reply
			if tc.wantTCP {
				want = 12 << 10
			}
			if len(a.Records) != 1 {
				t.Fatalf("%d records, want 1", len(a.Records))
			}
			// The record's text is what the server padded the reply with.
			if got := len(dnsrec.JoinTXT(a.Records[0].Txt)); got < want-200 || got > want {
				t.Errorf("the record holds %d characters: not the %d-byte reply", got, want)
			}
			udp, tcp := srv.udp.Load(), srv.tcp.Load()
			if udp != 1 || (tcp == 1) != tc.wantTCP || tcp > 1 {
				t.Errorf("questions over UDP %d, over TCP %d; want 1 and %v", udp, tcp, tc.wantTCP)
			}
		})
	}
}

// An answer section holding records of a name that is neither the question
// nor reached through its CNAME chain is not an answer to the question:
// the lookup fails with a temporary error that names the question, never
// "no records" (which would make a check report a wrong change-needed).
func TestClientAnswerForAnotherName(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		answer  []string
		rcode   int
		wantErr bool
		want    string // with no error: the TXT text
	}{
		{"records of another name only", []string{`other.example. 60 IN TXT "v=spf1 -all"`}, dns.RcodeSuccess, true, ""},
		{"a CNAME, then records of a third name", []string{
			`q.customer.example. 60 IN CNAME target.example.`,
			`elsewhere.example. 60 IN TXT "v=spf1 -all"`}, dns.RcodeSuccess, true, ""},
		{"the right record and a stray one", []string{
			`q.customer.example. 60 IN TXT "v=spf1 -all"`,
			`attacker.example. 60 IN TXT "v=spf1 +all"`}, dns.RcodeSuccess, true, ""},
		{"NXDOMAIN with another name's record", []string{`other.example. 60 IN A 192.0.2.1`}, dns.RcodeNameError, true, ""},
		{"a CNAME of another name", []string{`other.example. 60 IN CNAME q.customer.example.`}, dns.RcodeSuccess, true, ""},
		{"the question's own record", []string{`Q.Customer.Example. 60 IN TXT "v=spf1 -all"`}, dns.RcodeSuccess, false, "v=spf1 -all"},
		{"through the CNAME chain", []string{
			`q.customer.example. 60 IN CNAME hop.example.`,
			`hop.example. 60 IN CNAME target.example.`,
			`target.example. 60 IN TXT "at the end"`}, dns.RcodeSuccess, false, "at the end"},
		{"a DNAME and its CNAME (RFC 6672)", []string{
			`customer.example. 60 IN DNAME customer.example.net.`,
			`q.customer.example. 60 IN CNAME q.customer.example.net.`,
			`q.customer.example.net. 60 IN TXT "renamed"`}, dns.RcodeSuccess, false, "renamed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveHandler(t, func(w dns.ResponseWriter, req *dns.Msg, _ bool) {
				m := new(dns.Msg)
				m.SetReply(req)
				m.Rcode = tc.rcode
				for _, s := range tc.answer {
					m.Answer = append(m.Answer, rr(s))
				}
				w.WriteMsg(m)
			})
			c := &dnsrec.Client{Servers: []string{srv.addr}, Timeout: 5 * time.Second, Attempts: 1}
			defer c.Close()
			a, err := c.Lookup(context.Background(), "q.customer.example", dnsrec.TypeTXT)
			if !tc.wantErr {
				if err != nil || len(a.Records) != 1 || dnsrec.JoinTXT(a.Records[0].Txt) != tc.want {
					t.Fatalf("got %+v, %v; want %q", a, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got an answer, %+v, want a temporary failure", a)
			}
			var de *dnsrec.Error
			if !errors.Is(err, dnsrec.ErrTemporary) || !errors.Is(err, dnsrec.ErrBadResponse) || !errors.As(err, &de) {
				t.Fatalf("err = %v, want a temporary *dnsrec.Error", err)
			}
			if de.Name != "q.customer.example." || !strings.Contains(err.Error(), "q.customer.example.") {
				t.Errorf("err = %v does not name the question", err)
			}
		})
	}
}
