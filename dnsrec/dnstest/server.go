package dnstest

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/rrconv"
	"github.com/miekg/dns"
)

// Server is a DNS server on the loopback interface that answers from a
// [Zone], over UDP and TCP on the same port, so that tests exercise a real
// client (such as [dnsrec.Client]) end to end. It answers like a recursive
// resolver: CNAME chains in the answer section, NXDOMAIN and NODATA with the
// zone's SOA, truncation (TC) when a UDP answer exceeds 512 bytes or the
// client's EDNS0 size. Injected failures become SERVFAIL, REFUSED, or (for
// dnsrec.ErrTimeout) no answer at all.
type Server struct {
	Addr string // "127.0.0.1:port", for dnsrec.Client.Servers

	udp, tcp         *dns.Server
	udpSeen, tcpSeen atomic.Int64
}

// Served returns how many queries the server has answered (or, for an
// injected timeout, ignored) over UDP and over TCP.
func (s *Server) Served() (udp, tcp int) {
	return int(s.udpSeen.Load()), int(s.tcpSeen.Load())
}

// Serve starts a server for z on a free loopback port. Close it when done.
func Serve(z *Zone) (*Server, error) { return ServeDelayed(z, 0) }

// ServeDelayed is [Serve] with every reply held back by delay, each on its
// own timer, so that questions asked at once are answered at once: a
// network whose round trip is delay, for measuring latency.
func ServeDelayed(z *Zone, delay time.Duration) (*Server, error) {
	return serve(z, delay, false)
}

func serve(z *Zone, delay time.Duration, auth bool) (*Server, error) {
	var lastErr error
	for try := 0; try < 10; try++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("dnstest: %w", err)
		}
		addr := pc.LocalAddr().String()
		ln, err := net.Listen("tcp", addr)
		if err != nil { // port taken for TCP: try another
			pc.Close()
			lastErr = err
			continue
		}
		s := &Server{Addr: addr}
		h := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
			if w.LocalAddr().Network() == "udp" {
				s.udpSeen.Add(1)
			} else {
				s.tcpSeen.Add(1)
			}
			if delay > 0 {
				time.Sleep(delay) // the server answers each UDP question in its own goroutine
			}
			z.serveDNS(w, req, auth)
		})
		s.udp = &dns.Server{PacketConn: pc, Handler: h}
		s.tcp = &dns.Server{Listener: ln, Handler: h}
		if err := start(s.udp); err != nil {
			ln.Close()
			return nil, err
		}
		if err := start(s.tcp); err != nil {
			s.udp.Shutdown()
			return nil, err
		}
		return s, nil
	}
	return nil, fmt.Errorf("dnstest: no free port for UDP and TCP: %w", lastErr)
}

func start(srv *dns.Server) error {
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	errc := make(chan error, 1)
	go func() { errc <- srv.ActivateAndServe() }()
	select {
	case <-started:
		return nil
	case err := <-errc:
		return fmt.Errorf("dnstest: %w", err)
	case <-time.After(5 * time.Second):
		return errors.New("dnstest: server did not start")
	}
}

// Close stops the server.
func (s *Server) Close() error {
	return errors.Join(s.udp.Shutdown(), s.tcp.Shutdown())
}

// Client returns a dnsrec.Client that asks only this server, with a short
// timeout suited to tests.
func (s *Server) Client() *dnsrec.Client {
	return &dnsrec.Client{Servers: []string{s.Addr}, Timeout: 500 * time.Millisecond, Attempts: 1}
}

func (z *Zone) serveDNS(w dns.ResponseWriter, req *dns.Msg, auth bool) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = !auth
	m.Authoritative = auth
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	qname := strings.ToLower(rrconv.UnescapeName(q.Name))
	res, err := z.resolve(qname, q.Qtype, auth)
	switch {
	case errors.Is(err, dnsrec.ErrTimeout):
		return // say nothing: the client times out
	case errors.Is(err, dnsrec.ErrRefused):
		m.Rcode = dns.RcodeRefused
	case err != nil:
		m.Rcode = dns.RcodeServerFailure
	default:
		m.Answer = append(append(m.Answer, res.chain...), res.answer...)
		if len(res.answer) == 0 && !res.partial {
			if res.nx {
				m.Rcode = dns.RcodeNameError
			}
			if res.soa != nil {
				m.Ns = append(m.Ns, res.soa)
			}
		}
	}
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		m.SetEdns0(opt.UDPSize(), false)
	}
	if w.LocalAddr().Network() == "udp" {
		m.Truncate(size)
	} else {
		m.Truncate(dns.MaxMsgSize)
	}
	w.WriteMsg(m)
}
