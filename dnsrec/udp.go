package dnsrec

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// Source ports. An answer over UDP is accepted when it comes from the
// server's address (the socket is connected: the kernel drops datagrams
// from any other address or port), to the question's source port, carries
// the question's 16-bit ID, and answers the same question. Someone off the
// path who wants a forged answer accepted must guess the ID and the port;
// RFC 5452, Sections 4.5 and 9.2, asks for both to be random and
// unpredictable for every question.
//
// Every question gets a random ID from crypto/rand, never one used before
// on its socket. Its socket is chosen as [SocketReuse] says: by default a
// random one of the server's port pool (portpool.go) for a server not on
// loopback, the socket used last for a server on loopback, where no one off
// the host can send the client datagrams. A socket that saw anything
// unexpected (a timeout, a cancelled question, a reply with a wrong ID) is
// closed rather than reused.

const (
	maxSocketUses  = 32 // questions one reused socket carries at most
	maxIdleSockets = 64 // idle sockets kept per server
)

// udpSocket is one connected UDP socket, the IDs it has carried, and the
// buffers and state of its exchanges, kept so that an exchange allocates
// nothing of its own.
type udpSocket struct {
	conn *net.UDPConn
	raw  syscall.RawConn // conn's, once used
	left int             // questions it may still carry
	ids  []uint16        // IDs already sent on it; nil for a socket used once
	slot int             // its slot in the server's port pool, or -1
	born time.Time       // when a pooled socket was opened
	buf  []byte          // reads; one byte longer than the size advertised
	wbuf [512]byte       // the question: at most 12+255+4+11 bytes

	// sendRecv's state, with the callback that uses it.
	wire  []byte
	sent  bool
	n     int
	opErr error
	step  func(fd uintptr) bool
}

// socketPool holds the sockets of a Client kept for more questions, per
// server (the port pool of [SocketReusePool], the idle sockets of
// [SocketReuseAlways]), and the structures of sockets used once, for the
// next question.
type socketPool struct {
	mu    sync.Mutex
	pools map[string]*portPool
	idle  map[string][]*udpSocket
	spare sync.Pool // *udpSocket without a conn
}

// reuseMode is how a question's socket is chosen (see [SocketReuse]).
type reuseMode uint8

const (
	reuseNever  reuseMode = iota // a new socket for every question
	reusePool                    // a random socket of the server's pool
	reuseAlways                  // the socket used last, while it lasts
)

// take returns a socket to server s chosen as mode says, or a new one.
// size is the read buffer's.
func (p *socketPool) take(s *server, mode reuseMode, size int) (*udpSocket, error) {
	slot := -1
	switch mode {
	case reuseAlways:
		p.mu.Lock()
		if idle := p.idle[s.addr]; len(idle) > 0 {
			u := idle[len(idle)-1]
			p.idle[s.addr] = idle[:len(idle)-1]
			p.mu.Unlock()
			if len(u.buf) == size {
				return u, nil
			}
			u.conn.Close() // from before UDPSize changed
		} else {
			p.mu.Unlock()
		}
	case reusePool:
		now := time.Now()
		p.mu.Lock()
		u, sl, stale := p.takePooled(s, size, now)
		p.mu.Unlock()
		if stale != nil {
			stale.conn.Close()
		}
		if u != nil {
			return u, nil
		}
		slot = sl
	}
	raddr := s.udp
	if raddr == nil {
		var err error
		if raddr, err = net.ResolveUDPAddr("udp", s.addr); err != nil {
			return nil, err
		}
	}
	conn, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		return nil, err
	}
	var u *udpSocket
	switch mode {
	case reuseAlways:
		u = &udpSocket{left: 1 + int(randomUint16()%maxSocketUses), ids: make([]uint16, 0, maxSocketUses), slot: -1}
	case reusePool:
		u = &udpSocket{left: poolUses(), ids: make([]uint16, 0, poolMaxUses), slot: slot, born: time.Now()}
	default:
		if spare, ok := p.spare.Get().(*udpSocket); ok {
			u = spare
		} else {
			u = &udpSocket{}
		}
		u.left, u.slot = 1, -1
	}
	u.conn = conn
	if len(u.buf) != size {
		u.buf = make([]byte, size)
	}
	return u, nil
}

// done gives a socket back when it may carry more questions and nothing
// unexpected happened, and closes it otherwise.
func (p *socketPool) done(server string, u *udpSocket, healthy bool) {
	if healthy && u.left > 0 {
		p.mu.Lock()
		if u.slot >= 0 {
			if p.givePooled(server, u, time.Now()) {
				p.mu.Unlock()
				return
			}
		} else {
			if p.idle == nil {
				p.idle = make(map[string][]*udpSocket)
			}
			if len(p.idle[server]) < maxIdleSockets {
				p.idle[server] = append(p.idle[server], u)
				p.mu.Unlock()
				return
			}
		}
		p.mu.Unlock()
	}
	u.conn.Close()
	if u.ids == nil { // a socket used once: keep its structure
		u.conn, u.raw, u.wire, u.opErr = nil, nil, nil, nil
		p.spare.Put(u)
	}
}

// close closes every idle socket, pooled ones included.
func (p *socketPool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for server, s := range p.idle {
		for _, u := range s {
			errs = append(errs, u.conn.Close())
		}
		delete(p.idle, server)
	}
	for server, pp := range p.pools {
		for i, u := range pp.slots {
			if u != nil {
				errs = append(errs, u.conn.Close())
				pp.slots[i] = nil
			}
		}
		delete(p.pools, server)
	}
	return errors.Join(errs...)
}

// newID returns an ID not yet used on this socket.
func (u *udpSocket) newID() uint16 {
	for {
		id := randomUint16()
		fresh := true
		for _, old := range u.ids {
			if old == id {
				fresh = false
				break
			}
		}
		if fresh {
			if u.ids != nil {
				u.ids = append(u.ids, id)
			}
			return id
		}
	}
}

func randomUint16() uint16 {
	var b [2]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24 and later)
	return binary.BigEndian.Uint16(b[:])
}

// packQuery writes into b a query for qname and qtype with ID id, as
// github.com/miekg/dns packs one (RFC 1035, Section 4.1): recursion
// desired, one question of class IN, and an EDNS0 OPT record advertising
// size (RFC 6891, Section 6.1.2), without allocating. qname is canonical.
func packQuery(b []byte, id uint16, qname string, qtype, size uint16) ([]byte, error) {
	if len(b) < 12+255+4+11 {
		return nil, errors.New("packQuery: buffer too small")
	}
	binary.BigEndian.PutUint16(b[0:], id)
	binary.BigEndian.PutUint16(b[2:], 0x0100) // RD
	binary.BigEndian.PutUint16(b[4:], 1)      // QDCOUNT
	binary.BigEndian.PutUint32(b[6:], 0)      // ANCOUNT, NSCOUNT
	binary.BigEndian.PutUint16(b[10:], 1)     // ARCOUNT: the OPT record
	off, err := dns.PackDomainName(qname, b, 12, nil, false)
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint16(b[off:], qtype)
	binary.BigEndian.PutUint16(b[off+2:], dns.ClassINET)
	off += 4
	b[off] = 0 // the OPT record: owner the root,
	binary.BigEndian.PutUint16(b[off+1:], dns.TypeOPT)
	binary.BigEndian.PutUint16(b[off+3:], size) // CLASS the payload size,
	binary.BigEndian.PutUint32(b[off+5:], 0)    // TTL extended RCODE, version 0, DO clear,
	binary.BigEndian.PutUint16(b[off+9:], 0)    // no options
	return b[:off+11], nil
}

// longAgo is a deadline in the past: setting it interrupts a blocked read.
var longAgo = time.Unix(1, 0)

// errTooLarge is a UDP reply longer than the size the question advertised
// (RFC 6891, Section 6.2.5): the read buffer could not hold all of it, so
// the question is asked again over TCP.
var errTooLarge = errors.New("reply larger than the advertised UDP size")

// exchangeUDP sends a question for qname and qtype, advertising size, to
// server over a UDP socket and returns the reply carrying its random ID,
// read into a buffer one byte longer than size. Replies with another ID
// are ignored (and the socket is then not reused); a reply that does not
// fit is errTooLarge.
func (p *socketPool) exchangeUDP(ctx context.Context, s *server, mode reuseMode, qname string, qtype, size uint16, timeout time.Duration) (*dns.Msg, error) {
	if mode == reuseNever {
		if m, ok, err := p.exchangeFresh(ctx, s, qname, qtype, size, timeout); ok {
			return m, err
		}
	}
	u, err := p.take(s, mode, int(size)+1)
	if err != nil {
		return nil, err
	}
	healthy := false
	defer func() { p.done(s.addr, u, healthy) }()
	u.left--
	id := u.newID()
	wire, err := packQuery(u.wbuf[:], id, qname, qtype, size)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := u.conn.SetDeadline(deadline); err != nil {
		return nil, err
	}
	stop := func() bool { return true }
	if ctx.Done() != nil {
		conn := u.conn // not u's field: u may carry another conn by the time this runs
		stop = context.AfterFunc(ctx, func() { _ = conn.SetReadDeadline(longAgo) })
	}
	m, stray, err := u.roundTrip(wire, id)
	// A cancellation that fired after the reply still touched the
	// socket's deadline: such a socket is not reused.
	if stopped := stop(); err == nil && stopped && !stray {
		healthy = true
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		// The socket's deadline was the ctx's, and it passed before the
		// ctx's own timer fired.
		if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
			return nil, context.DeadlineExceeded
		}
		return nil, err
	}
	return m, nil
}

// roundTrip writes one question and reads until the reply with its ID
// arrives or the deadline passes. stray reports datagrams with another ID.
func (u *udpSocket) roundTrip(wire []byte, id uint16) (m *dns.Msg, stray bool, err error) {
	n, err := u.sendRecv(wire)
	for ; ; n, err = u.recv() {
		if err != nil {
			return nil, stray, err
		}
		msg := u.buf[:n]
		if n < 12 || binary.BigEndian.Uint16(msg) != id || msg[2]&0x80 == 0 {
			stray = true // not the reply to this question: keep waiting
			continue
		}
		if n == len(u.buf) { // cut short by the buffer: do not parse a part
			return nil, stray, errTooLarge
		}
		m := new(dns.Msg)
		if err := m.Unpack(msg); err != nil {
			return nil, stray, fmt.Errorf("unreadable reply: %w", err)
		}
		return m, stray, nil
	}
}
