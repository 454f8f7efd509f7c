package dnsrec

import (
	"time"
)

// The port pool: the default socket policy ([SocketReusePool]).
//
// A new socket per question gives each question a source port of its own
// (RFC 5452, Section 9.2) but costs a socket, a connect and a close, about
// as much CPU as the exchange itself. Unbound and the PowerDNS Recursor
// choose a random port for each query from a configured range
// (outgoing-port-permit/avoid, udp-source-port-min/max/avoid) and keep many
// sockets open at once (Unbound's outgoing-range). The pool follows the
// second half of that: it keeps poolSlots connected sockets per server,
// each bound by the kernel to a random ephemeral port, and sends each
// question from a slot drawn at random from crypto/rand, so that the port a
// question leaves from is not the previous question's. A socket carries a
// random number of questions, between poolMinUses and poolMaxUses, for at
// most poolMaxAge, and is then closed and replaced by a new one on a new
// port; a socket that saw anything unexpected (a datagram with another ID,
// a timeout, a cancellation) is closed at once. A slot whose socket is busy
// with another question in flight gets a new socket for this question.
//
// What an attacker off the path must guess, per question (the entropy is
// documented in the package doc): the 16-bit ID, and the port: one of the
// kernel's ephemeral ports (28,232 by default on Linux, 14.8 bits) for an
// attacker who has not seen the pool's ports, and one of the poolSlots
// sockets (6 bits) for one who has (who made the client ask his own server
// a question, for instance), for no longer than poolMaxUses questions or
// poolMaxAge per socket.

const (
	poolSlots   = 64               // sockets kept per server
	poolMinUses = 8                // questions a socket carries, at least ...
	poolMaxUses = 24               // ... and at most
	poolMaxAge  = 10 * time.Second // and for no longer than this
)

// portPool is the pool of one server.
type portPool struct {
	slots [poolSlots]*udpSocket // nil: empty, or the socket is in use
}

// takePooled takes the socket of a random slot of server s's pool, or
// nil when the slot is empty; a spent socket it found there is returned as
// stale, to be closed. Called with p.mu held.
func (p *socketPool) takePooled(s *server, size int, now time.Time) (u *udpSocket, slot int, stale *udpSocket) {
	if p.pools == nil {
		p.pools = make(map[string]*portPool)
	}
	pp := p.pools[s.addr]
	if pp == nil {
		pp = new(portPool)
		p.pools[s.addr] = pp
	}
	slot = int(randomUint16() % poolSlots)
	u = pp.slots[slot]
	pp.slots[slot] = nil
	if u != nil && (u.left <= 0 || now.Sub(u.born) >= poolMaxAge || len(u.buf) != size) {
		return nil, slot, u
	}
	return u, slot, nil
}

// givePooled puts a socket back into its slot, or reports false when the
// slot was refilled meanwhile or the socket is spent. Called with p.mu held.
func (p *socketPool) givePooled(server string, u *udpSocket, now time.Time) bool {
	pp := p.pools[server]
	if pp == nil || u.slot < 0 || pp.slots[u.slot] != nil || u.left <= 0 || now.Sub(u.born) >= poolMaxAge {
		return false
	}
	pp.slots[u.slot] = u
	return true
}

// poolUses is the number of questions a new pooled socket will carry.
func poolUses() int {
	return poolMinUses + int(randomUint16()%(poolMaxUses-poolMinUses+1))
}
