package dnsrec_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/miekg/dns"
)

// seen is what a test server noticed of one question.
type seen struct {
	port int
	id   uint16
}

// rawServer answers every question NXDOMAIN on loopback and records the
// source port and ID of each. forge, when set, sends that many replies with
// a wrong ID before the right one.
func rawServer(t *testing.T, forge int) (addr string, got func() []seen) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var log []seen
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			req := new(dns.Msg)
			if req.Unpack(buf[:n]) != nil {
				continue
			}
			mu.Lock()
			log = append(log, seen{from.(*net.UDPAddr).Port, req.Id})
			mu.Unlock()
			resp := new(dns.Msg)
			resp.SetRcode(req, dns.RcodeNameError)
			for i := 0; i < forge; i++ {
				fake := resp.Copy()
				fake.Id = req.Id + 1 + uint16(i)
				fake.Rcode = dns.RcodeSuccess
				fake.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(6, 6, 6, 6)}}
				if b, err := fake.Pack(); err == nil {
					_, _ = pc.WriteTo(b, from)
				}
			}
			if b, err := resp.Pack(); err == nil {
				_, _ = pc.WriteTo(b, from)
			}
		}
	}()
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String(), func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), log...)
	}
}

// TestSourcePortAndIDUnpredictable sends 2,000 questions one after another
// through one Client, which reuses its sockets, and checks what an attacker
// off the path would have to guess: no two consecutive questions share a
// (source port, ID) pair, no pair repeats on one socket, the IDs follow no
// sequence, and the source port changes often and irregularly.
func TestSourcePortAndIDUnpredictable(t *testing.T) {
	addr, got := rawServer(t, 0)
	c := &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1}
	defer c.Close()
	ctx := context.Background()
	const n = 2000
	for i := 0; i < n; i++ {
		a, err := c.Lookup(ctx, "q.example", dnsrec.TypeA)
		if err != nil || !a.NXDomain {
			t.Fatalf("question %d: %v %+v", i, err, a)
		}
	}
	log := got()
	if len(log) != n {
		t.Fatalf("server saw %d questions, want %d", len(log), n)
	}
	pairs := map[seen]int{}
	ids := map[uint16]bool{}
	ports := map[int]int{}
	sequential, runs, run := 0, 0, 0
	longest := 0
	lengths := map[int]bool{}
	for i, s := range log {
		if j, dup := pairs[s]; dup && log[j].port == s.port && portRun(log, j, i) {
			t.Errorf("questions %d and %d on the same socket share port %d and ID %d", j, i, s.port, s.id)
		}
		pairs[s] = i
		ids[s.id] = true
		ports[s.port]++
		if i == 0 {
			continue
		}
		prev := log[i-1]
		if prev == s {
			t.Errorf("questions %d and %d share (port %d, ID %d)", i-1, i, s.port, s.id)
		}
		if s.id == prev.id+1 || s.id == prev.id-1 {
			sequential++
		}
		if s.port == prev.port {
			run++
		} else {
			runs++
			longest = max(longest, run+1)
			lengths[run+1] = true
			run = 0
		}
	}
	// 2,000 random 16-bit IDs have about 30 collisions; a counter or a
	// small generator has far more (or none with a pattern, caught below).
	if len(ids) < n-100 {
		t.Errorf("only %d distinct IDs in %d questions", len(ids), n)
	}
	if sequential > 5 {
		t.Errorf("%d consecutive IDs differ by one: IDs look sequential", sequential)
	}
	// Each socket carries 1 to 32 questions (16.5 on average): about 120
	// changes of port in 2,000 questions; one socket for everything, or a
	// new one each time, both fail.
	if runs < n/32 {
		t.Errorf("the source port changed only %d times in %d questions", runs, n)
	}
	if runs > n/2 {
		t.Errorf("the source port changed %d times in %d questions: sockets are not being reused", runs, n)
	}
	// When the port changes is random too: a socket retired after a fixed
	// count would let an observer predict the next port change.
	if len(lengths) < 8 {
		t.Errorf("sockets carried only %d different numbers of questions: %v", len(lengths), lengths)
	}
	if longest > 32 {
		t.Errorf("one socket carried %d questions in a row, more than 32", longest)
	}
	t.Logf("%d questions: %d distinct IDs, %d port changes, %d distinct ports, longest run %d", n, len(ids), runs, len(ports), longest)
}

// portRun reports whether questions j..i were all sent from one port, that
// is, on one socket.
func portRun(log []seen, j, i int) bool {
	for k := j; k <= i; k++ {
		if log[k].port != log[j].port {
			return false
		}
	}
	return true
}

// TestForgedRepliesIgnored: datagrams with a wrong ID (a forgery, or a late
// reply to an earlier question) arriving before the real reply are ignored,
// and the answer is the real one.
func TestForgedRepliesIgnored(t *testing.T) {
	addr, got := rawServer(t, 3)
	c := &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1}
	defer c.Close()
	for i := 0; i < 50; i++ {
		a, err := c.Lookup(context.Background(), "victim.example", dnsrec.TypeA)
		if err != nil {
			t.Fatal(err)
		}
		if !a.NXDomain || len(a.Records) != 0 {
			t.Fatalf("took a forged reply: %+v", a)
		}
	}
	// A socket that received a forgery is not reused: every question
	// comes from a new port.
	log := got()
	for i := 1; i < len(log); i++ {
		if log[i].port == log[i-1].port {
			t.Fatalf("questions %d and %d came from one port although the socket received forged replies", i-1, i)
		}
	}
}

// TestClientConcurrentSockets: many goroutines share one Client; every
// answer matches its own question.
func TestClientConcurrentSockets(t *testing.T) {
	z := newResolverZone(t)
	srv, err := serve(t, z)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	defer c.Close()
	var wg sync.WaitGroup
	names := []string{"example.com", "www.example.com", "nx.example.com"}
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				name := names[(g+i)%len(names)]
				a, err := c.Lookup(context.Background(), name, dnsrec.TypeTXT)
				if err != nil {
					t.Error(err)
					return
				}
				if want, _ := dnsrec.CanonicalName(name); a.Name != want {
					t.Errorf("asked %s, got the answer for %s", name, a.Name)
					return
				}
			}
		}()
	}
	wg.Wait()
}
