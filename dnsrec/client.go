package dnsrec

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/internal/rrconv"
	"github.com/miekg/dns"
)

// maxChain bounds the CNAME chain a lookup follows (RFC 1034, Section 3.6.2
// allows chains; resolvers commonly stop near 8 to 16).
const maxChain = 12

// Client is a [Resolver] that asks recursive DNS servers over the network,
// through github.com/miekg/dns. Its zero value reads the servers from
// /etc/resolv.conf on first use and is ready to use; a Client must not be
// copied after first use.
//
// Each query goes over UDP with EDNS0 (RFC 6891) and is repeated over TCP
// when the answer comes back truncated (the TC bit, RFC 1035, Section
// 4.2.1) or longer than the UDP size the query advertised, which the read
// buffer is sized to. A server that times out or fails is followed by the
// next one, up to Attempts tries in all. An answer is taken only for the
// question asked: a reply for another question, or whose answer section
// holds records of a name that is neither the question nor on its CNAME
// chain, is a temporary failure ([ErrBadResponse]), never "no records".
// Internationalized names are converted to punycode (see [CanonicalName]).
// An authoritative server answers a CNAME into another zone alone: Lookup
// asks again for the target, while [Client.LookupStep] returns the answer
// as it came, for a [Cache] that follows chains itself.
//
// Every question carries a random ID from crypto/rand and, by default,
// towards a server not on loopback, leaves from a socket drawn at random
// from a pool of sockets on random source ports, each replaced after a few
// questions (RFC 5452, Sections 4.5 and 9.2); see SocketReuse.
// [Client.Close] closes the sockets kept for reuse.
//
// A ctx already done sends nothing; a ctx that ends while a question is in
// flight stops waiting for it at once.
type Client struct {
	// Servers are "host:port" or "host" (port 53) addresses. Empty means
	// the nameservers of /etc/resolv.conf.
	Servers []string
	// Timeout bounds one exchange with one server; 0 means 2 seconds. The
	// ctx passed to Lookup bounds the whole lookup.
	Timeout time.Duration
	// Attempts is the number of exchanges tried before giving up; 0 means
	// two per server (so a lookup through one silent server gives up after
	// 4 seconds by default).
	Attempts int
	// UDPSize is the EDNS0 requestor's payload size advertised (RFC 6891,
	// Section 6.2.5), and the size of the buffer UDP replies are read into;
	// 0 means 1232 bytes, the size recommended by DNS Flag Day 2020, and
	// less than 512 means 512. A longer reply is asked for again over TCP.
	UDPSize uint16
	// SocketReuse says when one UDP socket (one source port) may carry
	// more than one question. The zero value, [SocketReuseDefault], sends
	// each question from a random socket of a pool of sockets on random
	// ports, each replaced after a few questions, and reuses sockets
	// towards servers on loopback addresses; [SocketReuseNever] opens a
	// new socket per question (see their documentation).
	SocketReuse SocketReuse
	// MaxInFlight bounds the exchanges in flight at once through this
	// Client (each holding a socket or a TCP connection), so that questions
	// nobody answers cannot take every file descriptor of a server: a
	// question beyond the bound waits for a free place as long as its ctx
	// allows, and then fails with [ErrTimeout]. 0 means 256; a negative
	// value means no bound.
	MaxInFlight int

	// notLoopback makes the client treat every server as remote, for the
	// tests of the default socket policy against a server on loopback.
	notLoopback bool

	once    sync.Once
	servers []server
	confErr error
	slots   chan struct{} // one element per exchange in flight
	sockets socketPool
}

// server is one server of a Client.
type server struct {
	addr     string       // "host:port"
	udp      *net.UDPAddr // nil when host is a name, resolved for each socket
	loopback bool         // on a loopback address
}

// Close closes the sockets the Client keeps for reuse. A Client may still
// be used after Close; it opens new sockets as needed.
func (c *Client) Close() error { return c.sockets.close() }

func (c *Client) init() {
	c.once.Do(func() {
		switch n := c.MaxInFlight; {
		case n == 0:
			c.slots = make(chan struct{}, defaultMaxInFlight)
		case n > 0:
			c.slots = make(chan struct{}, n)
		}
		var addrs []string
		if len(c.Servers) == 0 {
			conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
			if err != nil {
				c.confErr = fmt.Errorf("dnsrec: no servers given and none read: %w", err)
				return
			}
			for _, s := range conf.Servers {
				addrs = append(addrs, net.JoinHostPort(s, conf.Port))
			}
			if len(addrs) == 0 {
				c.confErr = errors.New("dnsrec: no servers given and none in /etc/resolv.conf")
			}
		}
		for _, s := range c.Servers {
			if _, _, err := net.SplitHostPort(s); err != nil {
				s = net.JoinHostPort(strings.Trim(s, "[]"), "53")
			}
			addrs = append(addrs, s)
		}
		for _, a := range addrs {
			s := server{addr: a, loopback: isLoopback(a) && !c.notLoopback}
			if ap, err := netip.ParseAddrPort(a); err == nil {
				s.udp = net.UDPAddrFromAddrPort(ap)
			}
			c.servers = append(c.servers, s)
		}
	})
}

// Lookup asks the servers for name and type t. See [Resolver].
func (c *Client) Lookup(ctx context.Context, name string, t Type) (*Answer, error) {
	a, err := c.LookupStep(ctx, name, t)
	if err != nil {
		return nil, err
	}
	// An authoritative server (one without recursion) answers a name that
	// is a CNAME into another zone with the CNAME alone: ask again for
	// the target, as a recursive resolver would, within the chain bound.
	// (A Cache over the Client follows chains itself, through LookupStep.)
	qtype, _ := t.code()
	for a.Partial {
		target := a.Canonical()
		if len(a.CNAMEs) >= maxChain {
			return nil, &Error{Name: a.Name, Type: t, Err: fmt.Errorf("%w: CNAME chain longer than %d", ErrBadResponse, maxChain)}
		}
		for _, seen := range append([]string{a.Name}, a.CNAMEs[:len(a.CNAMEs)-1]...) {
			if seen == target {
				return nil, &Error{Name: a.Name, Type: t, Err: fmt.Errorf("%w: CNAME loop at %s", ErrBadResponse, target)}
			}
		}
		next, err := c.ask(ctx, target, t, qtype, c.attempts())
		if err != nil {
			return nil, chainErr(err, a.Name, target)
		}
		if len(a.CNAMEs)+len(next.CNAMEs) > maxChain {
			return nil, &Error{Name: a.Name, Type: t, Err: fmt.Errorf("%w: CNAME chain longer than %d", ErrBadResponse, maxChain)}
		}
		a.CNAMEs = append(a.CNAMEs, next.CNAMEs...)
		if next.TTLs == nil {
			a.TTLs = append(a.TTLs, next.TTL)
		} else {
			a.TTLs = append(a.TTLs, next.TTLs...)
		}
		a.Records, a.NXDomain, a.TTL, a.Partial = next.Records, next.NXDomain, min(a.TTL, next.TTL), next.Partial
	}
	return a, nil
}

// LookupStep asks the servers for name and type t, and returns the answer
// as the server gave it: one that ends in a CNAME the server did not
// follow has [Answer.Partial] set. It makes Client a [Stepper].
func (c *Client) LookupStep(ctx context.Context, name string, t Type) (*Answer, error) {
	qname, err := CanonicalName(name)
	if err != nil {
		return nil, err
	}
	qtype, ok := t.code()
	if !ok {
		return nil, fmt.Errorf("dnsrec: unknown record type %q", t)
	}
	if err := ctx.Err(); err != nil { // send nothing nobody waits for
		return nil, &Error{Name: qname, Type: t, Err: timeoutErr(err)}
	}
	c.init()
	if c.confErr != nil {
		return nil, &Error{Name: qname, Type: t, Err: fmt.Errorf("%w: %w", ErrBadResponse, c.confErr)}
	}
	return c.ask(ctx, qname, t, qtype, c.attempts())
}

// attempts is the number of exchanges tried for one question.
func (c *Client) attempts() int {
	if c.Attempts > 0 {
		return c.Attempts
	}
	return 2 * len(c.servers)
}

// chainErr names the question asked in the failure of a question for a
// CNAME target; the target is in the message.
func chainErr(err error, qname, target string) error {
	var de *Error
	if !errors.As(err, &de) {
		return err
	}
	e := *de
	e.Name = qname
	e.Err = fmt.Errorf("following the CNAME to %s: %w", target, de.Err)
	return &e
}

// ask puts one question to the servers in turn, up to attempts times. An
// answer that ends in a CNAME the server did not follow is Partial.
func (c *Client) ask(ctx context.Context, qname string, t Type, qtype uint16, attempts int) (*Answer, error) {
	var lastErr error
	for i := 0; i < attempts; i++ {
		server := &c.servers[i%len(c.servers)]
		m, err := c.exchange(ctx, server, qname, qtype)
		if err == nil {
			err = rcodeErr(m.Rcode)
		}
		if err == nil {
			var a *Answer
			if a, err = answerFromMsg(qname, t, m); err == nil {
				if t != TypeCNAME && unchased(a, m) {
					a.Partial = true
					a.TTLs = a.TTLs[:len(a.CNAMEs)]
					a.TTL = slices.Min(a.TTLs)
				}
				return a, nil
			}
		}
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			err = fmt.Errorf("%w: %w (%v)", ErrTimeout, cerr, err)
		}
		lastErr = &Error{Name: qname, Type: t, Server: server.addr, Err: err}
		if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			break
		}
	}
	return nil, lastErr
}

// unchased reports whether an answer ends in a CNAME whose target the
// server said nothing about: no records, not NXDOMAIN, and no SOA record of
// a zone holding the target (which a NODATA answer for the target carries).
func unchased(a *Answer, m *dns.Msg) bool {
	if len(a.CNAMEs) == 0 || len(a.Records) > 0 || a.NXDomain {
		return false
	}
	target := a.Canonical()
	for _, rr := range m.Ns {
		if soa, ok := rr.(*dns.SOA); ok && IsSubdomain(target, strings.ToLower(rrconv.UnescapeName(soa.Hdr.Name))) {
			return false
		}
	}
	return true
}

// exchange sends one question to one server, over UDP and then, if the
// answer is truncated or too long for the advertised size, over TCP. It
// waits for a place among the MaxInFlight exchanges first. Errors wrap
// ErrTimeout or ErrBadResponse.
func (c *Client) exchange(ctx context.Context, s *server, qname string, qtype uint16) (*dns.Msg, error) {
	if err := ctx.Err(); err != nil {
		return nil, timeoutErr(err)
	}
	if err := c.enter(ctx); err != nil {
		return nil, err
	}
	defer c.leave()
	size := c.UDPSize
	if size == 0 {
		size = 1232
	}
	size = max(size, dns.MinMsgSize) // RFC 6891, Section 6.2.5
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	m, err := c.sockets.exchangeUDP(ctx, s, c.reuse(s), qname, qtype, size, timeout)
	if (err == nil && m.Truncated) || errors.Is(err, errTooLarge) {
		if err = ctx.Err(); err == nil {
			q := new(dns.Msg)
			q.SetQuestion(qname, qtype)
			q.Id = randomUint16()
			q.RecursionDesired = true
			q.SetEdns0(size, false)
			cl := &dns.Client{Net: "tcp", Timeout: timeout}
			m, _, err = cl.ExchangeContext(ctx, q, s.addr)
		}
	}
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("%w: %w", ErrTimeout, err)
		}
		if errors.As(err, &ne) && ne.Timeout() {
			// Not the socket's own words, which name its random port.
			return nil, fmt.Errorf("%w: no reply within %v", ErrTimeout, timeout)
		}
		return nil, fmt.Errorf("%w: %w", ErrBadResponse, err)
	}
	if len(m.Question) != 1 || !strings.EqualFold(rrconv.UnescapeName(m.Question[0].Name), qname) || m.Question[0].Qtype != qtype {
		return nil, fmt.Errorf("%w: answer is for another question", ErrBadResponse)
	}
	return m, nil
}

// rcodeErr maps a response code to nil (NOERROR, NXDOMAIN: answers about
// the name) or to a temporary error worth asking another server about.
func rcodeErr(rcode int) error {
	switch rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
		return nil
	case dns.RcodeServerFailure:
		return ErrServFail
	case dns.RcodeRefused:
		return ErrRefused
	}
	return fmt.Errorf("%w: RCODE %s", ErrBadResponse, dns.RcodeToString[rcode])
}

// answerFromMsg turns a NOERROR or NXDOMAIN response into an Answer,
// following the CNAME chain from qname through the answer section.
func answerFromMsg(qname string, t Type, m *dns.Msg) (*Answer, error) {
	qtype, _ := t.code()
	a := &Answer{Name: qname, Type: t, TTL: ^uint32(0)}
	final := ^uint32(0) // the TTL of the records at the end of the chain
	cur := qname
	for hops := 0; ; hops++ {
		var cname string
		var link uint32
		for _, rr := range m.Answer {
			h := rr.Header()
			if !strings.EqualFold(rrconv.UnescapeName(h.Name), cur) {
				continue
			}
			switch {
			case h.Rrtype == qtype:
				a.Records = append(a.Records, fromRR(rr))
				a.TTL = min(a.TTL, h.Ttl)
				final = min(final, h.Ttl)
			case h.Rrtype == dns.TypeCNAME && cname == "":
				cname = strings.ToLower(rrconv.UnescapeName(rr.(*dns.CNAME).Target))
				link = h.Ttl
				a.TTL = min(a.TTL, h.Ttl)
			}
		}
		if len(a.Records) > 0 || cname == "" {
			break
		}
		if hops == maxChain {
			return nil, fmt.Errorf("%w: CNAME chain longer than %d", ErrBadResponse, maxChain)
		}
		a.CNAMEs = append(a.CNAMEs, cname)
		a.TTLs = append(a.TTLs, link)
		cur = cname
	}
	if err := strayOwner(qname, a.CNAMEs, m.Answer); err != nil {
		return nil, err
	}
	if len(a.Records) == 0 {
		a.NXDomain = m.Rcode == dns.RcodeNameError
		final = negativeTTL(m)
		a.TTL = min(a.TTL, final)
	}
	if len(a.CNAMEs) > 0 { // without a chain, TTL says it all
		a.TTLs = append(a.TTLs, final)
	}
	return a, nil
}

// strayOwner returns an error when the answer section holds a record owned
// by a name that is neither the question nor on its CNAME chain (RFC 1034,
// Section 4.3.2: the answer section holds the records of the name asked
// for and of the aliases leading from it). Such an answer is not an answer
// to the question, nor evidence that the name holds no records. A DNAME
// (RFC 6672, Section 2.3) is owned by an ancestor of a name on the chain.
func strayOwner(qname string, chain []string, answer []dns.RR) error {
	for _, rr := range answer {
		h := rr.Header()
		owner := rrconv.UnescapeName(h.Name)
		if strings.EqualFold(owner, qname) {
			continue
		}
		onChain := false
		for _, name := range chain {
			if strings.EqualFold(owner, name) || (h.Rrtype == dns.TypeDNAME && IsSubdomain(name, strings.ToLower(owner))) {
				onChain = true
				break
			}
		}
		if !onChain && !(h.Rrtype == dns.TypeDNAME && IsSubdomain(qname, strings.ToLower(owner))) {
			return fmt.Errorf("%w: the answer holds a %s record of %s, which is neither the question nor on its CNAME chain", ErrBadResponse, dns.TypeToString[h.Rrtype], owner)
		}
	}
	return nil
}

// negativeTTL is how long a negative answer may be cached: the smaller of
// the SOA record's TTL and its MINIMUM field (RFC 2308, Section 5), or five
// minutes when the response carries no SOA.
func negativeTTL(m *dns.Msg) uint32 {
	for _, rr := range m.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			return min(soa.Hdr.Ttl, soa.Minttl)
		}
	}
	return 300
}
