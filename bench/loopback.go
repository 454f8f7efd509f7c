package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"sort"
	"syscall"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/spf"
	"github.com/miekg/dns"
)

// figure is one measured run.
type figure struct {
	rate    float64       // checks per second
	queries float64       // questions per check, as the server counted them
	cpu     time.Duration // this process's CPU per check
	srvCPU  time.Duration // the DNS server's CPU per check
	cs      float64       // this process's context switches per check
	sys     time.Duration // of cpu, in the kernel
}

// impl is one implementation measured over DNS; fresh is called before
// each run.
type impl struct {
	name  string
	fresh func() checker
}

// loopbackImpls are the implementations measured over DNS, each given the
// server's address; fresh is called before each run.
func loopbackImpls(addr string) []impl {
	// The server is on loopback, so the client's default reuses sockets
	// (RFC 5452's threat, forged datagrams from off the path, cannot reach
	// it); the "port pool" rows measure the default towards a remote
	// server (each question from a random socket of a pool, each socket
	// replaced after a few questions), and the "new port per question"
	// rows a new socket for every question.
	client := func() *dnsrec.Client {
		return &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 2}
	}
	pooled := func() *dnsrec.Client {
		return &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 2, SocketReuse: dnsrec.SocketReusePool}
	}
	perQuestion := func() *dnsrec.Client {
		return &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 2, SocketReuse: dnsrec.SocketReuseNever}
	}
	goResolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	return []impl{
		{"domainauth, sequential", func() checker { return domainauthCheck(&spf.Checker{Resolver: client(), Sequential: true}) }},
		{"domainauth, concurrent", func() checker { return domainauthCheck(&spf.Checker{Resolver: client()}) }},
		{"sequential, port pool", func() checker {
			return domainauthCheck(&spf.Checker{Resolver: pooled(), Sequential: true})
		}},
		{"concurrent, port pool", func() checker { return domainauthCheck(&spf.Checker{Resolver: pooled()}) }},
		{"sequential, new port per question", func() checker {
			return domainauthCheck(&spf.Checker{Resolver: perQuestion(), Sequential: true})
		}},
		{"concurrent, new port per question", func() checker { return domainauthCheck(&spf.Checker{Resolver: perQuestion()}) }},
		{"domainauth, shared cache", func() checker {
			return domainauthCheck(&spf.Checker{Resolver: &dnsrec.Cache{Resolver: client()}})
		}},
		{"blitiri, Go resolver", func() checker { return blitiriCheck(goResolver) }},
	}
}

// loopback measures cold checks, one after another, against the DNS server
// in a child process, and the server's own floor.
func loopback(cfg config, w io.Writer) error {
	srv, err := startServer(0, cfg.plainServer, cfg.serverSockets)
	if err != nil {
		return err
	}
	defer srv.close()

	fmt.Fprintf(w, "\nOver loopback DNS: %d soft-failing checks one after another (median of %d runs, interleaved), DNS server in another process\n", cfg.n, cfg.runs)
	floor := 0.0
	if cfg.rows == nil || cfg.rows.MatchString("floor") {
		var perQuestion time.Duration
		if floor, perQuestion, err = measureFloor(cfg, srv); err != nil {
			return err
		}
		fmt.Fprintf(w, "DNS floor: the server answers %.0f questions/s to a minimal client (one blocking socket, one question at a time), with %.1f µs of its CPU per question\n", floor, float64(perQuestion)/1e3)
	}
	if cfg.rows == nil || cfg.rows.MatchString("client alone") {
		if err := clientCost(cfg, srv, floor, w); err != nil {
			return err
		}
	}
	// The runs are interleaved, one of every implementation per round,
	// each round in another order, so that a change in the machine's load
	// touches all of them alike; libspf2's figure of a round is compared
	// with the others of the same round.
	impls := loopbackImpls(srv.addr)
	if cfg.rows != nil {
		impls = slices.DeleteFunc(impls, func(im impl) bool { return !cfg.rows.MatchString(im.name) })
	}
	withLibspf2 := cfg.libspf2 != "" && (cfg.rows == nil || cfg.rows.MatchString("libspf2"))
	figs := make([][]figure, len(impls)+1)
	for run := 0; run < cfg.runs; run++ {
		for i := range len(impls) + 1 {
			k := (i + run) % (len(impls) + 1)
			var f figure
			var err error
			switch {
			case k < len(impls):
				f, err = loopbackRun(cfg, srv, impls[k].name, impls[k].fresh())
			case withLibspf2:
				one := cfg
				one.runs = 1
				f, err = libspf2Figure(one, cfg.libspf2, srv)
			default:
				continue
			}
			if err != nil {
				return err
			}
			figs[k] = append(figs[k], f)
		}
	}
	fmt.Fprintf(w, "%-34s %17s %16s %8s %10s %8s %10s %9s\n", "implementation", "checks/s", "× libspf2", "queries", "client CPU", "of it", "server CPU", "switches")
	fmt.Fprintf(w, "%-34s %17s %16s %8s %10s %8s %10s %9s\n", "", "median (range)", "median (range)", "/check", "µs/check", "kernel", "µs/check", "/check")
	for k := range figs {
		if len(figs[k]) == 0 {
			continue
		}
		name := "libspf2 (C), its own process"
		if k < len(impls) {
			name = impls[k].name
		}
		vs := "-"
		if withLibspf2 && k < len(impls) {
			ratios := make([]float64, len(figs[k]))
			for r := range figs[k] {
				ratios[r] = figs[k][r].rate / figs[len(impls)][r].rate
			}
			vs = spread(ratios, "%.2f")
		}
		rates := make([]float64, len(figs[k]))
		for r := range figs[k] {
			rates[r] = figs[k][r].rate
		}
		f := median(slices.Clone(figs[k]))
		kernel := "-"
		if f.cpu > 0 {
			kernel = fmt.Sprintf("%.0f%%", 100*float64(f.sys)/float64(f.cpu))
		}
		fmt.Fprintf(w, "%-34s %17s %16s %8.2f %10.0f %8s %10.0f %9.1f\n", name, spread(rates, "%.0f"), vs, f.queries, float64(f.cpu)/1e3, kernel, float64(f.srvCPU)/1e3, f.cs)
	}
	return nil
}

// spread is the median of xs with its range, "m (lo–hi)".
func spread(xs []float64, format string) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s) == 1 {
		return fmt.Sprintf(format, m)
	}
	return fmt.Sprintf(format+" ("+format+"–"+format+")", m, s[0], s[len(s)-1])
}

// loopbackRun is one run of cfg.n soft-failing checks.
func loopbackRun(cfg config, srv *server, name string, check checker) (figure, error) {
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.1")                                  // soft-fails after the whole tree
	if got := check(ctx, ip, customer); got != string(spf.StatusSoftFail) { // also warms a shared cache
		return figure{}, fmt.Errorf("%s over loopback: %s, want softfail", name, got)
	}
	before, err := srv.served()
	if err != nil {
		return figure{}, err
	}
	cs0, cpu0, sys0, srv0, t0 := switches(), cpuTime(), sysTime(), srv.cpu(), time.Now()
	for i := 0; i < cfg.n; i++ {
		check(ctx, ip, customer)
	}
	elapsed, cpu, sys, srvCPU, cs := time.Since(t0), cpuTime()-cpu0, sysTime()-sys0, srv.cpu()-srv0, switches()-cs0
	after, err := srv.served()
	if err != nil {
		return figure{}, err
	}
	return figure{
		rate:    float64(cfg.n) / elapsed.Seconds(),
		queries: float64(after-before) / float64(cfg.n),
		cpu:     cpu / time.Duration(cfg.n),
		srvCPU:  srvCPU / time.Duration(cfg.n),
		cs:      float64(cs) / float64(cfg.n),
		sys:     sys / time.Duration(cfg.n),
	}, nil
}

// median returns the run with the median rate.
func median(figs []figure) figure {
	sort.Slice(figs, func(i, j int) bool { return figs[i].rate < figs[j].rate })
	return figs[len(figs)/2]
}

// floorQuestions are the questions of one soft-failing IPv4 check.
var floorQuestions = []struct {
	name  string
	qtype uint16
}{
	{"customer.example.", dns.TypeTXT}, {"customer.example.", dns.TypeA}, {"customer.example.", dns.TypeMX},
	{"mx1.customer.example.", dns.TypeA}, {"mx2.customer.example.", dns.TypeA},
	{"_spf.provider.example.", dns.TypeTXT}, {"_netblocks.provider.example.", dns.TypeTXT},
	{"_netblocks2.provider.example.", dns.TypeTXT}, {"_netblocks3.provider.example.", dns.TypeTXT},
	{"_netblocks4.provider.example.", dns.TypeTXT}, {"_spf.crm.example.", dns.TypeTXT}, {"spf.vendor.example.", dns.TypeTXT},
}

// measureFloor asks the server the questions of a check, one at a time
// over one socket, with nothing else to do: the most a sequential checker
// could get from this server. The client is as cheap as a client can be: a
// blocking socket, one write and one read per question, no parsing. It
// returns questions per second and the server's CPU per question.
func measureFloor(cfg config, srv *server) (float64, time.Duration, error) {
	ap, err := netip.ParseAddrPort(srv.addr)
	if err != nil {
		return 0, 0, err
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return 0, 0, err
	}
	defer syscall.Close(fd)
	if err := syscall.Connect(fd, &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}); err != nil {
		return 0, 0, err
	}
	tv := syscall.Timeval{Sec: 5}
	if err := syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		return 0, 0, err
	}
	wires := make([][]byte, len(floorQuestions))
	for i, q := range floorQuestions {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.qtype)
		m.SetEdns0(1232, false)
		if wires[i], err = m.Pack(); err != nil {
			return 0, 0, err
		}
	}
	buf := make([]byte, 4096)
	var rates []figure
	for run := 0; run < cfg.runs; run++ {
		total := cfg.n * len(floorQuestions)
		srv0, t0 := srv.cpu(), time.Now()
		for i := 0; i < total; i++ {
			wire := wires[i%len(wires)]
			binary.BigEndian.PutUint16(wire, uint16(i))
			if _, err := syscall.Write(fd, wire); err != nil {
				return 0, 0, err
			}
			for {
				n, err := syscall.Read(fd, buf)
				if err == syscall.EINTR {
					continue
				}
				if err != nil {
					return 0, 0, fmt.Errorf("the floor client: %w", err)
				}
				if n >= 2 && binary.BigEndian.Uint16(buf) == uint16(i) {
					break
				}
			}
		}
		rates = append(rates, figure{rate: float64(total) / time.Since(t0).Seconds(), srvCPU: (srv.cpu() - srv0) / time.Duration(total)})
	}
	f := median(rates)
	return f.rate, f.srvCPU, nil
}

// clientCost measures dnsrec.Client alone: the questions of a check asked
// one at a time, with sockets reused (the default towards a server on
// loopback) and with a new socket, so a new random source port, for every
// question (the default towards any other server, RFC 5452). It prints
// questions per second and this process's CPU per question.
func clientCost(cfg config, srv *server, floor float64, w io.Writer) error {
	fmt.Fprintf(w, "dnsrec.Client alone, the same questions one at a time (median of %d runs of %d):\n", cfg.runs, cfg.n*len(floorQuestions))
	fmt.Fprintf(w, "%-34s %10s %14s %16s\n", "sockets", "questions/s", "CPU µs/question", "of the DNS floor")
	ctx := context.Background()
	for _, p := range []struct {
		name  string
		reuse dnsrec.SocketReuse
	}{
		{"reused (loopback default)", dnsrec.SocketReuseDefault},
		{"port pool (remote default)", dnsrec.SocketReusePool},
		{"new port per question", dnsrec.SocketReuseNever},
	} {
		c := &dnsrec.Client{Servers: []string{srv.addr}, Timeout: time.Second, Attempts: 2, SocketReuse: p.reuse}
		var figs []figure
		for run := 0; run < cfg.runs; run++ {
			total := cfg.n * len(floorQuestions)
			cpu0, t0 := cpuTime(), time.Now()
			for i := 0; i < total; i++ {
				q := floorQuestions[i%len(floorQuestions)]
				if _, err := c.Lookup(ctx, q.name, dnsrec.Type(dns.TypeToString[q.qtype])); err != nil {
					c.Close()
					return fmt.Errorf("the client alone: %w", err)
				}
			}
			elapsed, cpu := time.Since(t0), cpuTime()-cpu0
			figs = append(figs, figure{rate: float64(total) / elapsed.Seconds(), cpu: cpu / time.Duration(total)})
		}
		c.Close()
		f := median(figs)
		fmt.Fprintf(w, "%-34s %10.0f %14.1f %15.0f%%\n", p.name, f.rate, float64(f.cpu)/1e3, 100*f.rate/floor)
	}
	fmt.Fprintln(w)
	return nil
}
