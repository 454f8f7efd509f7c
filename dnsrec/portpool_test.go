package dnsrec_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/miekg/dns"
)

// TestForgeryFromAnotherAddress: a reply carrying the question's ID and the
// question itself, sent to the question's source port from another port
// than the server's (an attacker off the path who guessed the ID and the
// port), is not taken, under every socket policy: the sockets are
// connected, so the kernel delivers only the server's datagrams. The
// server's own reply, sent after the forgery, is the answer.
func TestForgeryFromAnotherAddress(t *testing.T) {
	for _, reuse := range []dnsrec.SocketReuse{dnsrec.SocketReuseDefault, dnsrec.SocketReusePool, dnsrec.SocketReuseNever, dnsrec.SocketReuseAlways} {
		t.Run("policy "+string(reuse), func(t *testing.T) {
			srv, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			attacker, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer attacker.Close()
			forged := make(chan struct{}, 100)
			go func() {
				buf := make([]byte, 4096)
				for {
					n, from, err := srv.ReadFrom(buf)
					if err != nil {
						return
					}
					req := new(dns.Msg)
					if req.Unpack(buf[:n]) != nil {
						continue
					}
					fake := new(dns.Msg)
					fake.SetReply(req) // the right ID and question
					fake.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(6, 6, 6, 6)}}
					if b, err := fake.Pack(); err == nil {
						_, _ = attacker.WriteTo(b, from)
						forged <- struct{}{}
					}
					time.Sleep(2 * time.Millisecond) // the forgery arrives first
					resp := new(dns.Msg)
					resp.SetRcode(req, dns.RcodeNameError)
					if b, err := resp.Pack(); err == nil {
						_, _ = srv.WriteTo(b, from)
					}
				}
			}()
			c := &dnsrec.Client{Servers: []string{srv.LocalAddr().String()}, Timeout: time.Second, Attempts: 1, SocketReuse: reuse}
			defer c.Close()
			for i := 0; i < 40; i++ {
				a, err := c.Lookup(context.Background(), "victim.example", dnsrec.TypeA)
				if err != nil {
					t.Fatal(err)
				}
				if !a.NXDomain || len(a.Records) != 0 {
					t.Fatalf("question %d: took the forged reply from another port: %+v", i, a)
				}
			}
			if len(forged) == 0 {
				t.Fatal("no forgery was sent")
			}
		})
	}
}
