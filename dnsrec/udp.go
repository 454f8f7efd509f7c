package dnsrec

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Socket reuse. Opening a UDP socket per question costs several system
// calls, most of a query's CPU on a fast network. A Client therefore keeps a
// few connected sockets per server and reuses each for a small random number
// of questions. Two things keep answers unforgeable by someone off the path
// (RFC 5452, Sections 4 and 9.2):
//
//   - every question carries a fresh ID from crypto/rand, never one already
//     used on the same socket, so a late or forged answer to an earlier
//     question cannot be taken for the current one;
//   - a socket carries between 1 and maxSocketUses questions, drawn at
//     random, so its source port (chosen at random by the kernel) changes
//     at unpredictable times.
//
// A socket that saw anything unexpected (a timeout, a cancelled question, a
// reply with a wrong ID) is closed rather than reused.

const (
	maxSocketUses  = 32   // questions one socket carries at most
	maxIdleSockets = 64   // idle sockets kept per server
	udpBufferSize  = 4096 // bytes read per datagram: more than any advertised size we send
)

// udpSocket is one connected UDP socket and the IDs it has carried.
type udpSocket struct {
	conn *net.UDPConn
	left int      // questions it may still carry
	ids  []uint16 // IDs already sent on it
	wbuf []byte
	rbuf []byte
}

// socketPool holds the idle sockets of a Client, per server.
type socketPool struct {
	mu   sync.Mutex
	idle map[string][]*udpSocket
}

// take returns an idle socket to server, or a new one.
func (p *socketPool) take(server string) (*udpSocket, error) {
	p.mu.Lock()
	if s := p.idle[server]; len(s) > 0 {
		u := s[len(s)-1]
		p.idle[server] = s[:len(s)-1]
		p.mu.Unlock()
		return u, nil
	}
	p.mu.Unlock()
	raddr, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		return nil, err
	}
	return &udpSocket{
		conn: conn,
		left: 1 + int(randomUint16()%maxSocketUses),
		ids:  make([]uint16, 0, maxSocketUses),
		wbuf: make([]byte, 0, 512),
		rbuf: make([]byte, udpBufferSize),
	}, nil
}

// put gives a healthy socket back, or closes it when it has carried its
// share of questions or the pool is full.
func (p *socketPool) put(server string, u *udpSocket) {
	if u.left > 0 {
		p.mu.Lock()
		if p.idle == nil {
			p.idle = make(map[string][]*udpSocket)
		}
		if len(p.idle[server]) < maxIdleSockets {
			p.idle[server] = append(p.idle[server], u)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
	u.conn.Close()
}

// close closes every idle socket.
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
			u.ids = append(u.ids, id)
			return id
		}
	}
}

func randomUint16() uint16 {
	var b [2]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24 and later)
	return binary.BigEndian.Uint16(b[:])
}

// longAgo is a deadline in the past: setting it interrupts a blocked read.
var longAgo = time.Unix(1, 0)

// exchangeUDP sends q to server over a pooled socket and returns the reply
// carrying its ID. Replies with another ID are ignored (and the socket is
// then not reused).
func (p *socketPool) exchangeUDP(ctx context.Context, server string, q *dns.Msg, timeout time.Duration) (*dns.Msg, error) {
	u, err := p.take(server)
	if err != nil {
		return nil, err
	}
	healthy := false
	defer func() {
		if healthy {
			p.put(server, u)
		} else {
			u.conn.Close()
		}
	}()
	u.left--
	q.Id = u.newID()
	wire, err := q.PackBuffer(u.wbuf[:cap(u.wbuf)])
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
		stop = context.AfterFunc(ctx, func() { _ = u.conn.SetReadDeadline(longAgo) })
	}
	m, stray, err := u.roundTrip(wire, q.Id)
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
	if _, err := u.conn.Write(wire); err != nil {
		return nil, false, err
	}
	for {
		n, err := u.conn.Read(u.rbuf)
		if err != nil {
			return nil, stray, err
		}
		msg := u.rbuf[:n]
		if n < 12 || binary.BigEndian.Uint16(msg) != id || msg[2]&0x80 == 0 {
			stray = true // not the reply to this question: keep waiting
			continue
		}
		m := new(dns.Msg)
		if err := m.Unpack(msg); err != nil {
			return nil, stray, fmt.Errorf("unreadable reply: %w", err)
		}
		return m, stray, nil
	}
}
