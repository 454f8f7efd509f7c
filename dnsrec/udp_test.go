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

// portStats is what an attacker off the path would have to guess, over a
// run of questions.
type portStats struct {
	ids, ports  int          // distinct IDs and source ports
	sequential  int          // consecutive IDs that differ by one
	samePort    int          // questions sent from the previous question's port
	runs        int          // changes of source port
	longest     int          // most questions in a row from one port
	runLengths  map[int]bool // the numbers of questions in a row from one port
	sharedPairs int          // questions on one socket sharing (port, ID) with an earlier one
	anyPairs    int          // questions sharing (port, ID) with any earlier one
	maxPerPort  int          // most questions from one port
}

func statsOf(log []seen) portStats {
	st := portStats{runLengths: map[int]bool{}}
	pairs := map[seen]int{}
	ids := map[uint16]bool{}
	ports := map[int]bool{}
	perPort := map[int]int{}
	run := 0
	for i, s := range log {
		j, dup := pairs[s]
		if dup && portRun(log, j, i) {
			st.sharedPairs++
		}
		if dup {
			st.anyPairs++
		}
		perPort[s.port]++
		st.maxPerPort = max(st.maxPerPort, perPort[s.port])
		pairs[s] = i
		ids[s.id] = true
		ports[s.port] = true
		if i == 0 {
			continue
		}
		prev := log[i-1]
		if s.id == prev.id+1 || s.id == prev.id-1 {
			st.sequential++
		}
		if s.port == prev.port {
			st.samePort++
			run++
		} else {
			st.runs++
			st.longest = max(st.longest, run+1)
			st.runLengths[run+1] = true
			run = 0
		}
	}
	st.longest = max(st.longest, run+1)
	st.ids, st.ports = len(ids), len(ports)
	return st
}

// TestSourcePortAndIDUnpredictable sends 2,000 questions one after another
// through one Client under each socket policy and checks what an attacker
// off the path would have to guess (RFC 5452, Sections 4.5 and 9.2).
// Under SocketReuseNever every question leaves from a new socket: the
// kernel picks each source port at random from its ephemeral range (28,000
// ports here), so 2,000 questions use about 1,930 distinct ports by chance
// alone and one port follows itself about 0.07 times. Under the default
// policy towards a remote server (watched here on loopback, the client told
// to treat it as remote), and under SocketReusePool, each question leaves
// from a random one of 64 sockets, each carrying 8 to 24 questions: a
// question leaves from the previous question's port about once in 64
// (about 31 times in 2,000), where reusing the last socket does so 94% of
// the time, and no port carries more than 24 questions. Towards a loopback
// server, and with SocketReuseAlways, the last socket is reused for 1 to 32
// questions, a random number. Under every policy the IDs come from
// crypto/rand: no (port, ID) pair repeats on one socket, and IDs follow no
// sequence.
func TestSourcePortAndIDUnpredictable(t *testing.T) {
	const n = 2000
	type policy int
	const (
		fresh policy = iota // a new socket per question
		pool                // a random socket of a pool
		reuse               // the last socket, for a while
	)
	for _, tc := range []struct {
		name   string
		client func(addr string) *dnsrec.Client
		policy policy
	}{
		{"default, remote server", func(addr string) *dnsrec.Client {
			return dnsrec.AsIfRemote(&dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1})
		}, pool},
		{"pool, loopback server", func(addr string) *dnsrec.Client {
			return &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1, SocketReuse: dnsrec.SocketReusePool}
		}, pool},
		{"never, loopback server", func(addr string) *dnsrec.Client {
			return &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1, SocketReuse: dnsrec.SocketReuseNever}
		}, fresh},
		{"default, loopback server", func(addr string) *dnsrec.Client {
			return &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1}
		}, reuse},
		{"always, remote server", func(addr string) *dnsrec.Client {
			return dnsrec.AsIfRemote(&dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1, SocketReuse: dnsrec.SocketReuseAlways})
		}, reuse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, got := rawServer(t, 0)
			c := tc.client(addr)
			defer c.Close()
			ctx := context.Background()
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
			st := statsOf(log)
			t.Logf("%d questions: %d distinct IDs, %d distinct ports, %d from the previous question's port, longest run %d",
				n, st.ids, st.ports, st.samePort, st.longest)
			if st.sharedPairs > 0 {
				t.Errorf("%d questions share (port, ID) with an earlier question on the same socket", st.sharedPairs)
			}
			// 2,000 random 16-bit IDs have about 30 collisions; a counter or a
			// small generator has far more (or none with a pattern, caught below).
			if st.ids < n-100 {
				t.Errorf("only %d distinct IDs in %d questions", st.ids, n)
			}
			if st.sequential > 5 {
				t.Errorf("%d consecutive IDs differ by one: IDs look sequential", st.sequential)
			}
			switch tc.policy {
			case pool:
				// One chance in 64 to draw the previous question's socket.
				if st.samePort > n/16 {
					t.Errorf("%d of %d questions left from the previous question's port: not spread over a pool", st.samePort, n)
				}
				if st.maxPerPort > 2*24 { // the kernel may give a port again: two sockets
					t.Errorf("one port carried %d questions, more than two sockets' 24 each", st.maxPerPort)
				}
				if st.ports < n/24 {
					t.Errorf("only %d distinct source ports in %d questions: sockets are not replaced", st.ports, n)
				}
				// A socket never repeats an ID; two sockets that got the same
				// port from the kernel may, by chance, about once in 200 runs.
				if st.anyPairs > 1 {
					t.Errorf("%d questions share (port, ID) with an earlier question", st.anyPairs)
				}
				return
			case fresh:
				if st.samePort > 5 {
					t.Errorf("%d of %d questions left from the previous question's port: sockets are reused", st.samePort, n)
				}
				if st.ports < n*9/10 {
					t.Errorf("only %d distinct source ports in %d questions", st.ports, n)
				}
				return
			}
			// Each socket carries 1 to 32 questions (16.5 on average): about 120
			// changes of port in 2,000 questions; one socket for everything, or a
			// new one each time, both fail.
			if st.runs < n/32 {
				t.Errorf("the source port changed only %d times in %d questions", st.runs, n)
			}
			if st.runs > n/2 {
				t.Errorf("the source port changed %d times in %d questions: sockets are not being reused", st.runs, n)
			}
			// When the port changes is random too: a socket retired after a fixed
			// count would let an observer predict the next port change.
			if len(st.runLengths) < 8 {
				t.Errorf("sockets carried only %d different numbers of questions: %v", len(st.runLengths), st.runLengths)
			}
			// A run is counted by port, and the kernel may hand the next
			// socket the port the last one just freed (about once in 28,000
			// port choices): two sockets of at most 32 questions each.
			if st.longest > 64 {
				t.Errorf("one port carried %d questions in a row, more than two sockets' 32 each", st.longest)
			}
		})
	}
}

// The default policy reuses sockets only towards loopback addresses.
func TestLoopbackServers(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:53", true},
		{"127.1.2.3:5353", true},
		{"[::1]:53", true},
		{"[::ffff:127.0.0.1]:53", true},
		{"192.0.2.1:53", false},
		{"10.0.0.1:53", false},
		{"[2001:db8::1]:53", false},
		{"[fe80::1%eth0]:53", false},
		{"0.0.0.0:53", false},
		{"localhost:53", false}, // a name: not known to be loopback until resolved
		{"resolver.example:53", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			if got := dnsrec.IsLoopback(tc.addr); got != tc.want {
				t.Errorf("IsLoopback(%q) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
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
