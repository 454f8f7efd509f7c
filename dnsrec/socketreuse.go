package dnsrec

import "net/netip"

// SocketReuse says when a [Client] may send more than one question from one
// UDP socket, that is, from one source port (RFC 5452, Section 9.2).
type SocketReuse string

const (
	// SocketReuseLoopback, the zero value: a new socket, and with it a new
	// random source port, for every question, except to a server on a
	// loopback address (127.0.0.0/8, ::1), where no datagram from another
	// host can arrive and reuse saves eight system calls a question
	// (socket, connect, close and the runtime's bookkeeping around them).
	SocketReuseLoopback SocketReuse = ""
	// SocketReuseNever: a new socket for every question, whatever the
	// server's address.
	SocketReuseNever SocketReuse = "never"
	// SocketReuseAlways: reuse sockets for every server. The cost is in
	// security: an attacker off the path who learns a socket's source port
	// (from one question it sent, or from a side channel) has only the
	// 16-bit ID left to guess for each of the up to 31 further questions
	// from that port, 65,536 tries instead of about 2^31 with Linux's
	// default 28,232 ephemeral ports (RFC 5452, Section 9.2). Use it only towards a resolver on a network no attacker
	// can send into.
	SocketReuseAlways SocketReuse = "always"
)

// reuse reports whether sockets to s may carry more than one question.
func (c *Client) reuse(s *server) bool {
	switch c.SocketReuse {
	case SocketReuseLoopback:
		return s.loopback
	case SocketReuseAlways:
		return true
	}
	return false // SocketReuseNever, and any value not listed: the safe choice
}

// isLoopback reports whether a "host:port" server is on a loopback
// address, where no datagram from another host can reach the client.
func isLoopback(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}
