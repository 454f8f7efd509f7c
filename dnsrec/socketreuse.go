package dnsrec

import "net/netip"

// SocketReuse says when a [Client] may send more than one question from one
// UDP socket, that is, from one source port (RFC 5452, Section 9.2).
type SocketReuse string

const (
	// SocketReuseDefault, the zero value: towards a server on a loopback
	// address (127.0.0.0/8, ::1), where no datagram from another host can
	// arrive, sockets are reused as with [SocketReuseAlways]; towards any
	// other server, questions go out through the server's port pool, as
	// with [SocketReusePool].
	SocketReuseDefault SocketReuse = ""
	// SocketReuseLoopback is the name SocketReuseDefault had when the
	// default opened a new socket for every question to a server not on
	// loopback.
	//
	// Deprecated: use SocketReuseDefault; the value is the same.
	SocketReuseLoopback = SocketReuseDefault
	// SocketReusePool: every question leaves from a socket drawn at random
	// from a pool of 64 connected sockets per server, each on its own
	// random ephemeral port and replaced after 8 to 24 questions (a random
	// number) or 10 seconds, whichever comes first, and at once after
	// anything unexpected (a datagram with another ID, a timeout). The
	// default towards servers not on loopback; this value asks for it
	// towards loopback servers too. See the package doc for what an
	// attacker must guess.
	SocketReusePool SocketReuse = "pool"
	// SocketReuseNever: a new socket, so a new random source port, for
	// every question, whatever the server's address: the most an attacker
	// must guess (16 bits of ID and 14.8 of port), at the price of a
	// socket, a connect and a close per question. On Linux a question
	// waits on its socket in the kernel, as a C resolver does, so each
	// question in flight holds an OS thread while it waits (MaxInFlight
	// bounds them), as a cgo DNS lookup does.
	SocketReuseNever SocketReuse = "never"
	// SocketReuseAlways: reuse the socket used last, for 1 to 32 questions
	// (a random number), for every server. The cost is in security: an
	// attacker off the path who learns a socket's source port (from one
	// question it sent, or from a side channel) has only the 16-bit ID left
	// to guess for each of the up to 31 further questions from that port,
	// 65,536 tries instead of about 2^31 with Linux's default 28,232
	// ephemeral ports (RFC 5452, Section 9.2). Use it only towards a
	// resolver on a network no attacker can send into.
	SocketReuseAlways SocketReuse = "always"
)

// reuse says how sockets to s are chosen.
func (c *Client) reuse(s *server) reuseMode {
	switch c.SocketReuse {
	case SocketReuseDefault:
		if s.loopback {
			return reuseAlways
		}
		return reusePool
	case SocketReusePool:
		return reusePool
	case SocketReuseAlways:
		return reuseAlways
	}
	return reuseNever // SocketReuseNever, and any value not listed: the safe choice
}

// isLoopback reports whether a "host:port" server is on a loopback
// address, where no datagram from another host can reach the client.
func isLoopback(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}
